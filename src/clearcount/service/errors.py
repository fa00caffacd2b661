"""Errors of the service layer, all under `core.errors.ClearcountError`.

Messages follow the attrs style of the error tree: they name the object, the field, what was
expected and what was received, so the CLI and the web pages can show them as they are.
"""

from __future__ import annotations

from clearcount.core.errors import ClearcountError

__all__ = [
    "AuditChainError",
    "BallotRefusedError",
    "ChannelConflictError",
    "CommitUncertainError",
    "ConflictError",
    "CredentialBoundError",
    "ElectionStateError",
    "ImportRefusedError",
    "IneligibleVoterError",
    "NotAuthorisedError",
    "NotFoundError",
    "ReconciliationError",
    "ServiceError",
    "SnapshotError",
    "StorageUnavailableError",
    "TellerError",
    "TrusteeError",
    "ValidationError",
]


class ServiceError(ClearcountError):
    """A service operation was refused; nothing stored has changed."""


class ValidationError(ServiceError):
    """A value is out of its domain: `obj.field` expected something else."""

    def __init__(self, obj: str, field: str, expected: str, got: object) -> None:
        self.obj = obj
        self.field = field
        self.expected = expected
        self.got = got
        super().__init__(f"{obj}.{field}: expected {expected}, got {got!r}")


class NotFoundError(ServiceError):
    """No stored object has this id."""


class NotAuthorisedError(ServiceError):
    """The caller's role may not perform the operation (service.authorisation's policy table);
    the message names the role needed."""


class ConflictError(ServiceError):
    """The object already exists, or the operation would overwrite what it must not."""


class StaleInputError(ConflictError):
    """A role's act computed from a state that has moved on (a shuffle of a mix another trustee
    has since shuffled): nothing was stored; fetch the record again and redo the act."""


class ImportRefusedError(ServiceError):
    """A roll import was not applied: rows were rejected or flags were not acknowledged.

    `plan` is the full `ImportPlan` (every rejected row and why, the diff, the flags).
    """

    def __init__(self, message: str, plan: object) -> None:
        self.plan = plan
        super().__init__(message)


class AuditChainError(ServiceError):
    """The audit log's hash chain is broken: an event was altered, removed or reordered."""


class SnapshotError(ServiceError):
    """A frozen roll does not reproduce: a decision, commitment or root differs when recomputed."""


class StorageUnavailableError(ServiceError):
    """The database cannot be reached or failed mid-transaction: nothing was stored, nothing is
    acknowledged (a voter gets no tracking code and may simply cast again)."""


class CommitUncertainError(StorageUnavailableError):
    """The connection was lost while COMMIT was under way: the database may have made the
    transaction durable just before it went, so nobody can say whether it is stored. Nothing
    is acknowledged; whoever repeats the operation must cope with both (a re-sent ballot is
    answered with the receipt of the one already stored, `protocol.board.resent`)."""


class ElectionStateError(ServiceError):
    """The election is not in the phase the operation needs: a ballot for a closed election, a
    tally before close, a declaration before enough trustees have decrypted (spec §11.4-§11.9)."""


class IneligibleVoterError(ServiceError):
    """The member is not an eligible voter on the election's frozen roll (spec §10.4).

    The message never says why (arrears, join date, suspension are personal data that whoever
    typed the command, a teller or a voter at a shared device, must not learn): the reason
    travels in `reason` to the audit log, where the officer and the member see it."""

    def __init__(self, message: str, *, member_id: str = "", reason: str = "") -> None:
        super().__init__(message)
        self.member_id = member_id
        self.reason = reason


class ReconciliationError(ServiceError):
    """A sitting's papers do not add up: the sign-in count, the members entered and each
    contest's papers differ. Refused (and the refusal audited) unless the tellers acknowledge
    the difference with a reason (`accept_mismatch`, the CLI's --accept-mismatch)."""


class ChannelConflictError(ServiceError):
    """A second ballot on another channel, refused under the published channel precedence
    (spec §11.6): the member already voted in a meeting or by post."""


class CredentialBoundError(ServiceError):
    """A member cast with a credential another member voted with first: each credential is bound
    to the first member who uses it (Belenios' login binding; docs/service/casting.md)."""


class BallotRefusedError(ServiceError):
    """The board refused a ballot: malformed, a bad proof or signature, an unknown or cancelled
    credential (spec §11.4). The message says which."""


class TrusteeError(ServiceError):
    """A trustee's key or partial decryption is wrong; `trustee` names the trustee (§11.9)."""

    def __init__(self, trustee: str, message: str) -> None:
        self.trustee = trustee
        super().__init__(f"trustee {trustee!r}: {message}")


class TellerError(ServiceError):
    """A teller's key or signature on a paper batch is wrong; `teller` names them (§11.6)."""

    def __init__(self, teller: str, message: str) -> None:
        self.teller = teller
        super().__init__(f"teller {teller!r}: {message}")
