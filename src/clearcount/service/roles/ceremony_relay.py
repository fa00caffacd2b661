"""The key ceremony's messages kept by the server, for trustees on their own machines (issue 9).

`StoredCeremony` is the `CeremonyTransport` port over the database (the folder's successor): the
officer's `ceremony_start` and `ceremony_finish` use it on the server, and trustees reach it
through the role API (`/api/roles/...`, web.api) with `--server URL`. A message is stored once
(the same bytes again are accepted, a different one is refused), as in the folder.

`CeremonyRelay.submit` is what the API calls for a trustee's message. It authenticates the
message by its signature, not by a login (the trustee's key is the credential, as for every
act in `authorisation.KEY_AUTHENTICATED`): the officer's draft must be there; the name must be
`round1-<i>` or `round2-<i>` of a trustee of the draft; the body must decode as that round's
message (record.ceremony_body) for index i, under the draft's ceremony context, and its
signature must verify under trustee i's signing key from the registered cards (spec §11.2.3,
§90.19). Only then is it stored. The server holds only public values and signed messages.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Protocol

from clearcount.core.canonical import canonical_json
from clearcount.core.errors import ClearcountError
from clearcount.record.ceremony_body import Round1, Round2
from clearcount.service.authorisation import Principal, authorise
from clearcount.service.errors import ConflictError, NotFoundError, ValidationError
from clearcount.service.membership.ports import UnitOfWork
from clearcount.service.roles.trustee_ceremony import read_draft

__all__ = [
    "CeremonyMessageRepository",
    "CeremonyRelay",
    "CeremonyUnitOfWork",
    "StoredCeremony",
]

_NAME = re.compile(r"(draft-setup|round1-[1-9][0-9]{0,2}|round2-[1-9][0-9]{0,2})")


class CeremonyMessageRepository(Protocol):
    """Ceremony messages per election, as canonical JSON text, written once."""

    def get(self, election_id: str, name: str) -> str | None: ...
    def add(self, election_id: str, name: str, document: str) -> None: ...


class CeremonyUnitOfWork(UnitOfWork, Protocol):
    ceremony_messages: CeremonyMessageRepository


CeremonyUnitOfWorkFactory = Callable[[], CeremonyUnitOfWork]


def _checked_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise NotFoundError(
            f"ceremony message {name!r}: no such message (draft-setup, round1-N or round2-N)"
        )
    return name


class StoredCeremony:
    """The ceremony transport of one election, in the database."""

    def __init__(self, uow: CeremonyUnitOfWorkFactory, election_id: str) -> None:
        self._uow = uow
        self._election_id = election_id

    def put(self, name: str, document: dict[str, object]) -> None:
        text = canonical_json(document).decode("utf-8")
        with self._uow() as uow:
            stored = uow.ceremony_messages.get(self._election_id, _checked_name(name))
            if stored is not None:
                if stored == text:
                    return
                raise ConflictError(
                    f"ceremony message {name!r} of election {self._election_id!r}: a different "
                    "message is already there; messages are written once"
                )
            uow.ceremony_messages.add(self._election_id, name, text)
            uow.commit()

    def get(self, name: str) -> object | None:
        with self._uow() as uow:
            stored = uow.ceremony_messages.get(self._election_id, _checked_name(name))
        return None if stored is None else json.loads(stored)


class CeremonyRelay:
    """The role API's side of the key ceremony: read any message, store a signed one."""

    def __init__(self, uow: CeremonyUnitOfWorkFactory) -> None:
        self._uow = uow

    def transport(self, principal: Principal, election_id: str) -> StoredCeremony:
        """The stored transport for the officer's `ceremony_start` and `ceremony_finish`."""
        authorise(principal, "ceremony.transport")
        return StoredCeremony(self._uow, election_id)

    def message(self, election_id: str, name: str) -> object:
        """A stored message (all are public); NotFoundError if it is not there yet."""
        found = StoredCeremony(self._uow, election_id).get(name)
        if found is None:
            raise NotFoundError(f"ceremony message {name!r} of election {election_id!r}: not yet")
        return found

    def submit(self, election_id: str, name: str, document: object) -> None:
        """Store trustee i's signed round message after checking it (see the module doc)."""
        transport = StoredCeremony(self._uow, election_id)
        kind, _, number = _checked_name(name).partition("-")
        if kind == "draft":
            raise ValidationError(
                name, "name", "a trustee's round1-N or round2-N (the officer starts the "
                "ceremony on the server)", name,
            )  # fmt: skip
        draft = read_draft(transport)
        index = int(number)
        trustee = next((t for t in draft.trustee_keys if t.index == index), None)
        if trustee is None:
            raise NotFoundError(f"ceremony of {election_id!r}: no trustee {index}")
        try:
            message = (Round1 if kind == "round1" else Round2).from_body(document, name)
            if message.index != index or message.context != draft.ceremony_context():
                raise ValidationError(
                    name, "context", f"trustee {index}'s message for this ceremony", "another"
                )
            message.verify_signature(trustee.key)
        except ValidationError:
            raise
        except ClearcountError as error:
            raise ValidationError(
                name, "message", f"a {kind} message signed by trustee {trustee.name!r}", str(error)
            ) from None
        transport.put(name, message.to_body())
