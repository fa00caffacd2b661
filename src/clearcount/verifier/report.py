"""What a verification produces: one outcome per check, each with its findings (spec §12.1).

A check never stops at the first bad ballot: every failure is a `Finding` naming the event (its
`seq` and type) and what was expected and found, so a panel sees the whole picture. A check whose
inputs could not be derived (because an earlier check failed) is `skipped`, with the reason, never
silently passed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import Enum

from clearcount.verifier.registry import CheckSpec

__all__ = ["CheckOutcome", "Finding", "Report", "Status"]


class Status(Enum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"
    """Not applicable to this record (no such events), or its inputs are unavailable."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One failure: where in the record (event seq, or None for the record as a whole) and why."""

    message: str
    seq: int | None = None
    kind: str | None = None

    def where(self) -> str:
        if self.seq is None:
            return "record"
        return f"event {self.seq}" + (f" ({self.kind})" if self.kind else "")

    def document(self) -> dict[str, object]:
        return {"seq": self.seq, "type": self.kind, "message": self.message}


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    """The outcome of one check: passed, failed (with every finding) or skipped (with why)."""

    spec: CheckSpec
    status: Status
    findings: tuple[Finding, ...] = ()
    detail: str = ""
    """What was checked ("1,204 ballots") or why the check was skipped."""

    def document(self) -> dict[str, object]:
        return {
            "id": self.spec.id,
            "section": self.spec.section,
            "title": self.spec.title,
            "status": self.status.value,
            "detail": self.detail,
            "findings": [finding.document() for finding in self.findings],
        }


@dataclass(frozen=True, slots=True)
class Report:
    """Every check's outcome for one record, and the record's fingerprint and head hash."""

    outcomes: tuple[CheckOutcome, ...]
    events: int
    fingerprint: str | None
    """Hash of the Setup event (spec §11.1), or None when there is none."""
    head: str | None
    """Hash of the last event: it fingerprints the whole record (spec §10.2)."""

    @property
    def ok(self) -> bool:
        """True only when no check failed and the essential checks all passed.

        A record with a skipped essential check (chain, setup, schema) is not verified.
        """
        if any(outcome.status is Status.FAILED for outcome in self.outcomes):
            return False
        return all(
            outcome.status is Status.PASSED for outcome in self.outcomes if outcome.spec.essential
        )

    def failed(self) -> tuple[CheckOutcome, ...]:
        return tuple(o for o in self.outcomes if o.status is Status.FAILED)

    def outcome(self, check_id: str) -> CheckOutcome:
        for outcome in self.outcomes:
            if outcome.spec.id == check_id:
                return outcome
        raise KeyError(check_id)

    def document(self) -> dict[str, object]:
        return {
            "verified": self.ok,
            "events": self.events,
            "fingerprint": self.fingerprint,
            "head": self.head,
            "checks": [outcome.document() for outcome in self.outcomes],
        }

    def to_json(self) -> str:
        return json.dumps(self.document(), indent=2, ensure_ascii=False)
