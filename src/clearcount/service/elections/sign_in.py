"""Signing a voter in at the booth with a one-time code mailed to their address (issue 9).

The booth's last step before casting (docs/service/sign-in.md): the voter gives the email
address the organisation has for them; if an eligible member on the election's committed roll
has that address, a 6-digit code goes to it by the `Mailer` port. The voter types the code and
casts; `authenticate` turns (email, code) into the member's `Principal` (role voter), which is
what `CastingService.cast` needs.

`request_code(election_id, email)`:
1. finds the eligible members on the committed roll with that address (case and surrounding
   spaces ignored); none: nothing is stored or sent, and the caller answers exactly as when one
   is found (no account enumeration);
2. sends nothing if a still usable code went to that member less than `RESEND_GAP` ago (no
   mail bombing);
3. stores, per member, only a salted SHA-256 of the code (spec-style length-prefixed, domain
   `clearcount/v1/sign-in-code`), its expiry (`LIFETIME`, 10 minutes) and a try counter,
   replacing any earlier code, and commits before the mail goes (a failed send leaves a code
   nobody knows, harmless);
4. mails the code.

`authenticate(election_id, email, code, member_id=None)` refuses with one `SignInRefusedError`
and one sentence whatever the cause (unknown address, no code, wrong code, expired, used, or
`MAX_TRIES` wrong tries), so a caller learns nothing about who is on the roll. Each wrong code
counts a try in the database (so several server processes agree); the code stays usable until
the cast that used it is stored, so a ballot the board refuses can be fixed and cast again with
it. When several members share the address, the code works for each and the voter must say
which membership number they are (`MemberChoiceNeededError` after a right code only).

The booth's cast does the check inside its own transaction instead (`admit`, writing nothing;
`use_up` as the ballot is stored: service.elections.booth_cast), then `mail_receipt` mails the
receipt, saying the vote has been cast, with its tracking code. `confirm_cast(principal,
election_id, email, receipt_words)` marks the code used and mails the receipt, for a caller that
signed in with `authenticate`.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from clearcount.crypto.group import length_prefixed
from clearcount.service.authorisation import Principal, Role, authorise
from clearcount.service.elections.ports import ElectionUnitOfWork
from clearcount.service.elections.state import require_election
from clearcount.service.errors import ServiceError
from clearcount.service.ports import Clock, Mailer, MailMessage

__all__ = [
    "CODE_DOMAIN",
    "LIFETIME",
    "MAX_TRIES",
    "RESEND_GAP",
    "MemberChoiceNeededError",
    "SignInCode",
    "SignInCodeRepository",
    "SignInRefusedError",
    "SignInService",
    "SignInUnitOfWork",
]

CODE_DOMAIN = b"clearcount/v1/sign-in-code"
LIFETIME = timedelta(minutes=10)
MAX_TRIES = 5
RESEND_GAP = timedelta(seconds=30)
_REFUSED = (
    "that code is not valid: it may be mistyped, expired (a code lasts 10 minutes), already "
    "used, or locked after 5 wrong tries; check the email address or ask for a new code"
)

_log = logging.getLogger("clearcount.sign_in")


class SignInRefusedError(ServiceError):
    """The code does not sign anyone in (one error and one sentence for every cause)."""


class MemberChoiceNeededError(ServiceError):
    """A right code for an address several members share: which membership number votes?"""


@dataclass(frozen=True, slots=True)
class SignInCode:
    """One member's current code for one election, as stored: never the code itself."""

    election_id: str
    member_id: str
    code_hash: str
    salt: str
    issued_at: datetime
    expires_at: datetime
    failures: int = 0
    used: bool = False


class SignInCodeRepository(Protocol):
    """At most one current code per (election, member); storage keeps nothing else."""

    def put(self, code: SignInCode) -> None:
        """Store `code`, replacing the member's earlier one."""
        ...

    def get(self, election_id: str, member_id: str) -> SignInCode | None: ...
    def get_many(self, election_id: str, member_ids: Collection[str]) -> Mapping[str, SignInCode]:
        """`get` for several members in one query (absent: no code)."""
        ...

    def count_failure(self, election_id: str, member_id: str) -> None: ...
    def mark_used(self, election_id: str, member_id: str) -> None: ...
    def mark_used_many(self, election_id: str, member_ids: Collection[str]) -> None: ...


class SignInUnitOfWork(ElectionUnitOfWork, Protocol):
    sign_in_codes: SignInCodeRepository


def _digest(salt: str, election_id: str, member_id: str, code: str) -> str:
    data = length_prefixed(
        CODE_DOMAIN, bytes.fromhex(salt), election_id.encode(), member_id.encode(), code.encode()
    )
    return hashlib.sha256(data).hexdigest()


def _six_digits() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def _normal(email: str) -> str:
    return email.strip().casefold()


class SignInService:
    """One-time codes by email for the booth's sign-in (docs/service/sign-in.md)."""

    def __init__(
        self,
        uow: Callable[[], SignInUnitOfWork],
        clock: Clock,
        mailer: Mailer | None,
        codes: Callable[[], str] = _six_digits,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._mailer = mailer
        self._codes = codes

    def _members(self, uow: SignInUnitOfWork, election_id: str, email: str) -> list[str]:
        """Eligible members on the committed roll whose address is `email` (looked up by
        address, then each one's roll entry: never the whole roll per request)."""
        stored = require_election(uow, election_id)
        wanted = _normal(email)
        version = stored.roll_version
        if not wanted or version is None:
            return []
        org = stored.definition.organisation_id
        found = []
        for member in uow.members.with_email(org, wanted):
            if not member.email or _normal(member.email) != wanted:
                continue
            entry = uow.snapshots.entry(election_id, version, member.member_id)
            if entry is not None and entry.decision.eligible:
                found.append(member.member_id)
        return sorted(found)

    def require_election(self, election_id: str) -> None:
        """NotFoundError unless the election exists (one row read: the booth's code request
        answers 404 for a wrong link before anything else, and nothing more per request)."""
        with self._uow() as uow:
            require_election(uow, election_id)

    def request_code(self, election_id: str, email: str) -> None:
        """Mail a fresh code if an eligible member has this address; silent otherwise."""
        now = self._clock.now()
        code = self._codes()
        with self._uow() as uow:
            title = require_election(uow, election_id).definition.title
            members = self._members(uow, election_id, email)
            fresh = [m for m in members if not _recent(uow.sign_in_codes.get(election_id, m), now)]
            if not fresh:
                return
            for member_id in fresh:
                salt = secrets.token_hex(16)
                digest = _digest(salt, election_id, member_id, code)
                uow.sign_in_codes.put(
                    SignInCode(election_id, member_id, digest, salt, now, now + LIFETIME)
                )
            uow.commit()
        if self._mailer is None:
            _log.error("sign-in code for %s not sent: no mail server configured", election_id)
            return
        self._mailer.send(_code_message(email.strip(), title, code, len(members)))

    def authenticate(
        self, election_id: str, email: str, code: str, member_id: str | None = None
    ) -> Principal:
        """The voter whose code this is, or SignInRefusedError (one sentence for all causes)."""
        code = code.strip().replace(" ", "")
        now = self._clock.now()
        with self._uow() as uow:
            members = self._members(uow, election_id, email)
            right: list[str] = []
            for member in members:
                stored = uow.sign_in_codes.get(election_id, member)
                if stored is None or stored.used or stored.failures >= MAX_TRIES:
                    continue
                expected = _digest(stored.salt, election_id, member, code)
                if not hmac.compare_digest(expected, stored.code_hash):
                    uow.sign_in_codes.count_failure(election_id, member)
                elif now < stored.expires_at:
                    right.append(member)
            uow.commit()
        if not right:
            raise SignInRefusedError(_REFUSED)
        if member_id is not None:
            if member_id not in right:
                raise SignInRefusedError(_REFUSED)
            return Principal(member_id, Role.VOTER)
        if len(right) > 1:
            raise MemberChoiceNeededError(
                "several members share this email address: give your membership number too "
                "(it is in the email or letter with your credential)"
            )
        return Principal(right[0], Role.VOTER)

    def admit(
        self,
        uow: SignInUnitOfWork,
        election_id: str,
        email: str,
        code: str,
        member_id: str | None = None,
    ) -> tuple[Principal, bool] | None:
        """`authenticate` inside the caller's transaction (the booth's cast), writing nothing:
        the voter and whether their code is used already, or None for every refusal (wrong,
        expired, locked, unknown, a member to choose); the caller then rolls back and calls
        `authenticate`, which counts the wrong try in its own transaction and words the
        refusal. A used code is admitted only for the caller to answer a re-send of the
        voter's stored ballot (the answer to the first was lost after the code was used up)."""
        code = code.strip().replace(" ", "")
        now = self._clock.now()
        right: list[tuple[str, bool]] = []
        for member in self._members(uow, election_id, email):
            stored = uow.sign_in_codes.get(election_id, member)
            if stored is None or stored.failures >= MAX_TRIES or now >= stored.expires_at:
                continue
            expected = _digest(stored.salt, election_id, member, code)
            if not hmac.compare_digest(expected, stored.code_hash):
                return None  # a wrong try: counted by `authenticate`
            right.append((member, stored.used))
        chosen = [r for r in right if member_id is None or r[0] == member_id]
        if len(chosen) != 1:
            return None
        return Principal(chosen[0][0], Role.VOTER), chosen[0][1]

    def use_up(self, uow: SignInUnitOfWork, election_id: str, member_id: str) -> None:
        """Mark the member's code used, in the caller's transaction (the cast that used it)."""
        uow.sign_in_codes.mark_used(election_id, member_id)

    def confirm_cast(
        self, principal: Principal, election_id: str, email: str, receipt: Sequence[str]
    ) -> None:
        """Use up the voter's code and mail them the receipt's lines."""
        authorise(principal, "sign_in.confirm_cast")
        self.mail_receipt(email, self.spend(principal, election_id), receipt)

    def spend(self, principal: Principal, election_id: str) -> str:
        """Use up the voter's code in a transaction of its own; the election's title."""
        authorise(principal, "sign_in.spend")
        with self._uow() as uow:
            title = require_election(uow, election_id).definition.title
            uow.sign_in_codes.mark_used(election_id, principal.name)
            uow.commit()
        return title

    def mail_receipt(self, email: str, title: str, receipt: Sequence[str]) -> None:
        """Mail the voter the receipt's lines, saying the vote has been cast."""
        if self._mailer is None:
            return
        body = "\n\n".join(("Your vote has been cast.", *receipt)) + "\n"
        self._mailer.send(MailMessage(email.strip(), f"Your vote has been cast: {title}", body))


def _recent(code: SignInCode | None, now: datetime) -> bool:
    """A live code sent less than RESEND_GAP ago: no second mail yet."""
    live = code is not None and not code.used and code.failures < MAX_TRIES
    return live and code is not None and now - code.issued_at < RESEND_GAP


def _code_message(to: str, title: str, code: str, members: int) -> MailMessage:
    shared = (
        f"\n\n{members} members share this email address: when you sign in, give your "
        "membership number too (it is in the email or letter with your credential)."
        if members > 1
        else ""
    )
    body = (
        f"Your sign-in code for {title} is:\n\n    {code}\n\n"
        "Type it on the voting page to cast your vote. It works for 10 minutes.\n\n"
        "If you did not ask for this code, you can ignore this email: nobody can vote with the "
        f"code alone, and nobody from the ballot service will ask you for it.{shared}\n"
    )
    return MailMessage(to, f"Your sign-in code: {title}", body)
