"""The booth's one-time sign-in codes (service.elections.sign_in): one row per (election, member).

Only a salted hash of each code is stored, with its expiry and try counter; a new code
replaces the row, so nothing accumulates. Not part of the record and not append-only: these
rows are the server's short-lived sign-in state, shared by every server process.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime

import sqlalchemy as sa

from clearcount.service.audit import format_instant
from clearcount.service.elections.sign_in import SignInCode
from clearcount.storage.tables import HASH, ID, INSTANT, metadata

__all__ = ["SqlSignInCodeRepository", "sign_in_codes"]

sign_in_codes = sa.Table(
    "sign_in_codes",
    metadata,
    sa.Column("election_id", ID, nullable=False),
    sa.Column("member_id", ID, nullable=False),
    sa.Column("code_hash", HASH, nullable=False),
    sa.Column("salt", sa.String(32), nullable=False),
    sa.Column("issued_at", INSTANT, nullable=False),
    sa.Column("expires_at", INSTANT, nullable=False),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("used", sa.Boolean, nullable=False),
    sa.PrimaryKeyConstraint("election_id", "member_id", name="pk_sign_in_codes"),
    sa.ForeignKeyConstraint(
        ["election_id"], ["elections.election_id"], name="fk_sign_in_codes_election_id"
    ),
)


def _key(election_id: str, member_id: str) -> sa.ColumnElement[bool]:
    return sa.and_(
        sign_in_codes.c.election_id == election_id, sign_in_codes.c.member_id == member_id
    )


_THESE = sa.and_(
    sign_in_codes.c.election_id == sa.bindparam("e"),
    sign_in_codes.c.member_id.in_(sa.bindparam("m", expanding=True)),
)
_CODES_OF = sa.select(sign_in_codes).where(_THESE)
"""Built once: a cast's statements cost more to build than to run (issue 12)."""
_USE_UP = sign_in_codes.update().where(_THESE).values(used=True)


class SqlSignInCodeRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._c = connection

    def put(self, code: SignInCode) -> None:
        self._c.execute(sign_in_codes.delete().where(_key(code.election_id, code.member_id)))
        self._c.execute(
            sign_in_codes.insert().values(
                election_id=code.election_id,
                member_id=code.member_id,
                code_hash=code.code_hash,
                salt=code.salt,
                issued_at=format_instant(code.issued_at),
                expires_at=format_instant(code.expires_at),
                failures=code.failures,
                used=code.used,
            )
        )

    def get(self, election_id: str, member_id: str) -> SignInCode | None:
        return self.get_many(election_id, [member_id]).get(member_id)

    def get_many(self, election_id: str, member_ids: Collection[str]) -> Mapping[str, SignInCode]:
        rows = self._c.execute(_CODES_OF, {"e": election_id, "m": list(member_ids)})
        return {
            row.member_id: SignInCode(
                row.election_id,
                row.member_id,
                row.code_hash,
                row.salt,
                datetime.fromisoformat(row.issued_at),
                datetime.fromisoformat(row.expires_at),
                row.failures,
                bool(row.used),
            )
            for row in rows
        }

    def count_failure(self, election_id: str, member_id: str) -> None:
        self._c.execute(
            sign_in_codes.update()
            .where(_key(election_id, member_id))
            .values(failures=sign_in_codes.c.failures + 1)
        )

    def mark_used(self, election_id: str, member_id: str) -> None:
        self.mark_used_many(election_id, [member_id])

    def mark_used_many(self, election_id: str, member_ids: Collection[str]) -> None:
        self._c.execute(_USE_UP, {"e": election_id, "m": list(member_ids)})
