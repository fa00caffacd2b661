"""Appeals: a complaint with grounds against an election, and the panel's evidence bundle.

shared/rules/domain.md §4 lesson 8: "a complaints and appeals record tied to evidence exports".
`AppealService.lodge` records a complaint (who, grounds, when); `evidence_bundle` writes, for
the appeal panel, one zip with everything they need and nothing personal beyond what the
panel's role requires:

- `record.zip`: the election record (spec §10.3), which the panel can re-verify themselves;
- `verifier-report.json`: the independent verifier's report on that very file (spec §12);
- `audit-log.jsonl`: the audit log's events about this election (definition, ceremony,
  credentials, paper entry, close, tally, declaration, publication, register access, appeal),
  with the whole log's chain check;
- `register-statistics.json`: the marked register per channel (no names);
- `appeal.json`: the complaint, and `MANIFEST.json`: every file's SHA-256.

Producing a bundle is itself audited. `decide` stores the panel's decision once.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from clearcount.service.audit import Change, append_events, format_instant, verify_audit_chain
from clearcount.service.authorisation import Principal, authorise
from clearcount.service.elections.ports import ElectionUnitOfWorkFactory
from clearcount.service.elections.publication import Verify, run_verifier, write_election_record
from clearcount.service.elections.records import Appeal
from clearcount.service.elections.register import eligible_count, register_statistics
from clearcount.service.elections.state import full_chain, require_election
from clearcount.service.errors import AuditChainError, ConflictError, NotFoundError, ValidationError
from clearcount.service.ports import Clock

__all__ = ["DECISIONS", "AppealService", "EvidenceBundle"]

DECISIONS = ("upheld", "dismissed", "partly-upheld")


@dataclass(frozen=True, slots=True)
class EvidenceBundle:
    appeal_id: str
    path: Path
    files: tuple[str, ...]
    record_head: str
    verified: bool


def _dumps(value: object) -> bytes:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False).encode("utf-8") + b"\n"


class AppealService:
    def __init__(
        self, uow: ElectionUnitOfWorkFactory, clock: Clock, verify: Verify | None = None
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._verify = verify or run_verifier()

    def lodge(self, principal: Principal, election_id: str, grounds: str) -> Appeal:
        """Record a complaint against `election_id` by `principal` (a member or an observer,
        e.g. a candidate); `grounds` say what is alleged."""
        authorise(principal, "appeals.lodge")
        appellant = principal.name
        if not grounds.strip():
            raise ValidationError("appeal", "grounds", "the grounds of the complaint", grounds)
        at = format_instant(self._clock.now())
        with self._uow() as uow:
            stored = require_election(uow, election_id, lock=True)
            appeal = Appeal(
                f"{election_id}-appeal-{len(uow.appeals.list(election_id)) + 1}",
                election_id,
                appellant,
                grounds,
                at,
            )
            uow.appeals.add(appeal)
            append_events(
                uow,
                at=self._clock.now(),
                actor=appellant,
                action="appeal.lodged",
                organisation_id=stored.definition.organisation_id,
                subject=f"election:{election_id}",
                changes=[Change("appeal", None, appeal.appeal_id)],
                note=grounds,
            )
            uow.commit()
        return appeal

    def get(self, principal: Principal, appeal_id: str) -> Appeal:
        authorise(principal, "appeals.get")
        return self._get(appeal_id)

    def _get(self, appeal_id: str) -> Appeal:
        with self._uow() as uow:
            appeal = uow.appeals.get(appeal_id)
        if appeal is None:
            raise NotFoundError(f"appeal {appeal_id!r}: no such appeal")
        return appeal

    def appeals(self, principal: Principal, election_id: str) -> Sequence[Appeal]:
        authorise(principal, "appeals.appeals")
        with self._uow() as uow:
            require_election(uow, election_id)
            return list(uow.appeals.list(election_id))

    def decide(self, principal: Principal, appeal_id: str, decision: str, reasons: str) -> Appeal:
        """The panel's decision (one of DECISIONS) with reasons; once only."""
        authorise(principal, "appeals.decide")
        actor = principal.name
        if decision not in DECISIONS:
            raise ValidationError("appeal decision", "decision", f"one of {DECISIONS}", decision)
        if not reasons.strip():
            raise ValidationError("appeal decision", "reasons", "the panel's reasons", reasons)
        at = self._clock.now()
        with self._uow() as uow:
            appeal = uow.appeals.get(appeal_id, lock=True)
            if appeal is None:
                raise NotFoundError(f"appeal {appeal_id!r}: no such appeal")
            if appeal.decision is not None:
                raise ConflictError(f"appeal {appeal_id!r} was already decided: {appeal.decision}")
            decided = Appeal(
                **{
                    **asdict(appeal),
                    "decision": decision,
                    "reasons": reasons,
                    "decided_by": actor,
                    "decided_at": format_instant(at),
                }
            )
            uow.appeals.decide(decided)
            stored = require_election(uow, appeal.election_id)
            append_events(
                uow,
                at=at,
                actor=actor,
                action="appeal.decided",
                organisation_id=stored.definition.organisation_id,
                subject=f"election:{appeal.election_id}",
                changes=[Change(f"appeal:{appeal_id}", None, decision)],
                note=reasons,
            )
            uow.commit()
        return decided

    def evidence_bundle(self, principal: Principal, appeal_id: str, path: Path) -> EvidenceBundle:
        """Write the panel's evidence zip to `path` (see the module docstring)."""
        authorise(principal, "appeals.evidence_bundle")
        actor = principal.name
        appeal = self._get(appeal_id)
        election_id = appeal.election_id
        with self._uow() as uow:
            stored = require_election(uow, election_id)
            events = full_chain(uow, election_id)
            marks = list(uow.register.list(election_id))
            eligible = eligible_count(uow, election_id, stored.roll_version)
            log = list(uow.audit.list())
        chain_status = "intact"
        try:
            verify_audit_chain(log)
        except AuditChainError as error:
            chain_status = f"BROKEN: {error}"
        subjects = {f"election:{election_id}", f"ballot:{election_id}"}
        extract = [e for e in log if e.subject in subjects]
        statistics = register_statistics(election_id, marks, stored.definition.channels, eligible)
        with tempfile.TemporaryDirectory() as tmp:
            record = Path(tmp) / "record.zip"
            head = events[-1].hash if events else ""
            files: dict[str, bytes] = {}
            if events:
                write_election_record(events, record)
                report = self._verify(record, events[-1].kind == "Result")
                files["record.zip"] = record.read_bytes()
                files["verifier-report.json"] = report.to_json().encode("utf-8") + b"\n"
                verified = report.ok
            else:
                verified = False
        files["audit-log.jsonl"] = b"".join(
            json.dumps(e.body() | {"hash": e.hash}, sort_keys=True).encode("utf-8") + b"\n"
            for e in extract
        )
        files["register-statistics.json"] = _dumps(statistics.to_json())
        files["appeal.json"] = _dumps(asdict(appeal) | {"audit_chain": chain_status})
        manifest = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
        files["MANIFEST.json"] = _dumps({"record_head": head, "sha256": manifest})
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp_path = path.with_name(path.name + ".tmp")
        with zipfile.ZipFile(tmp_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, data in files.items():
                archive.writestr(name, data)
        tmp_path.replace(path)
        with self._uow() as uow:
            append_events(
                uow,
                at=self._clock.now(),
                actor=actor,
                action="appeal.evidence_exported",
                organisation_id=stored.definition.organisation_id,
                subject=f"election:{election_id}",
                changes=[Change(f"appeal:{appeal_id}", None, manifest)],
                note=str(path),
            )
            uow.commit()
        return EvidenceBundle(appeal_id, path, tuple(files), head, verified)
