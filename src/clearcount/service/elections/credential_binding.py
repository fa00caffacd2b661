"""A credential is bound to the first member who votes with it (Belenios' login binding).

Belenios' voting server validates each ballot (Belenios specification §3.2, "S validates b") and,
once a credential has been used from one voter's login, accepts it only from that login again
(Cortier, Gaudry and Glondu, "Belenios: a simple private and verifiable electronic voting
system", 2019, on re-voting). clearcount does the same at casting (docs/service/casting.md): the
first accepted ballot under a public credential binds it to the authenticated member; that
member's re-votes replace their earlier ballot; any other member presenting it is refused with
`CredentialBoundError` and nothing is stored.

The binding is stored as two SHA-256 hashes over canonical JSON with a domain tag, so the table
does not list credentials or member ids in the clear. It is no secret from the operator: whoever
holds the database and the roll can recompute it, just as the server sees who casts which
ciphertext (as in Helios and Belenios); what keeps a single ballot secret is that no one holds the
election key (spec §5).
"""

from __future__ import annotations

import hashlib

from clearcount.core.canonical import canonical_json
from clearcount.service.elections.ports import ElectionUnitOfWork
from clearcount.service.errors import CredentialBoundError

__all__ = ["bind_credential", "bound_to", "credential_key", "member_key", "write_binding"]

_CREDENTIAL_TAG = "clearcount/credential-binding/credential/v1"
_MEMBER_TAG = "clearcount/credential-binding/member/v1"


def credential_key(election_id: str, credential: str) -> str:
    """The binding's key for one public credential (hex) of one election."""
    return hashlib.sha256(canonical_json([_CREDENTIAL_TAG, election_id, credential])).hexdigest()


def member_key(election_id: str, credential: str, member_id: str) -> str:
    """What the binding stores for the member who first used `credential`."""
    data = canonical_json([_MEMBER_TAG, election_id, credential, member_id])
    return hashlib.sha256(data).hexdigest()


def bind_credential(
    uow: ElectionUnitOfWork, election_id: str, credential: str, member_id: str
) -> None:
    """Bind `credential` to `member_id` on first use; CredentialBoundError if another member
    used it first. Call inside the casting transaction, after the board accepted the ballot."""
    if not bound_to(uow, election_id, credential, member_id):
        write_binding(uow, election_id, credential, member_id)


def bound_to(uow: ElectionUnitOfWork, election_id: str, credential: str, member_id: str) -> bool:
    """Whether `credential` is bound to `member_id` already (False: bound to no one yet);
    CredentialBoundError if another member used it first. Reads only: a batch of casts
    (service.elections.cast_together) checks every cast before it writes anything."""
    bound = uow.bindings.bound(election_id, credential_key(election_id, credential))
    if bound is None:
        return False
    if bound != member_key(election_id, credential, member_id):
        raise CredentialBoundError(
            f"member {member_id!r}: expected your own voting credential, got one that another "
            "member already voted with (a credential is bound to the first member who uses "
            "it); nothing was recorded - if this credential was sent to you, report it to the "
            "returning officer and the credential authority at once"
        )
    return True


def write_binding(
    uow: ElectionUnitOfWork, election_id: str, credential: str, member_id: str
) -> None:
    """Bind the unbound `credential` to `member_id` (after `bound_to` said False)."""
    key = credential_key(election_id, credential)
    uow.bindings.bind(election_id, key, member_key(election_id, credential, member_id))
