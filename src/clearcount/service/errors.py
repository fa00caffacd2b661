"""Errors of the service layer, all under `core.errors.ClearcountError`.

Messages follow the attrs style of the error tree: they name the object, the field, what was
expected and what was received, so the CLI and the web pages can show them as they are.
"""

from __future__ import annotations

from clearcount.core.errors import ClearcountError

__all__ = [
    "AuditChainError",
    "ConflictError",
    "ImportRefusedError",
    "NotFoundError",
    "ServiceError",
    "SnapshotError",
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


class ConflictError(ServiceError):
    """The object already exists, or the operation would overwrite what it must not."""


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
