"""Importing a member roll from a membership system's CSV export.

Columns (header row, any order; names are case-insensitive): member_id, given_name, family_name,
joined (required), email, phone, address, postcode, left, paid_up_to, units, categories
(optional). Dates are ISO `YYYY-MM-DD`; `units` and `categories` are `;`-separated. A column
that is absent leaves that field of stored members as it is; a column present with an empty cell
clears it (and the diff says so). Suspensions are not imported (they carry decisions: see
`MemberService.suspend`).

The import is planned first (`preview`): every row is validated and each rejected row is reported
with its line, the field and why; valid rows are compared with the stored roll, giving the added
members, the field-by-field changes, the unchanged members and the stored members absent from the
file (never deleted: absence is reported, and a leaver is recorded by setting `left`).

Atomicity (docs/service/rolls.md): an import is one transaction. By default it is all or
nothing: if any row is rejected, nothing is applied. With `apply_valid_rows=True` the valid rows
are applied together, atomically, and the rejected rows stay in the audit log's import event.
Bulk changes to contact details within `window_days` of a ballot's freeze or qualifying date,
and a changed email or phone that another member already has, are flagged; a flagged import is
applied only with `acknowledge_flags=True`. A refused import changes no member and leaves one
`roll.import_refused` audit event.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from clearcount.core.canonical import canonical_json
from clearcount.core.errors import InputFormatError
from clearcount.service.audit import Change, append_events
from clearcount.service.authorisation import Principal, authorise
from clearcount.service.errors import ImportRefusedError, NotFoundError, ValidationError
from clearcount.service.members import CONTACT_FIELDS, Member, member_changes, write_member
from clearcount.service.ports import Clock, UnitOfWork, UnitOfWorkFactory

__all__ = [
    "COLUMNS",
    "ContactChangePolicy",
    "ImportFlag",
    "ImportPlan",
    "MemberDiff",
    "RejectedRow",
    "RollImporter",
]

COLUMNS = (
    "member_id", "given_name", "family_name", "email", "phone", "address", "postcode",
    "joined", "left", "paid_up_to", "units", "categories",
)  # fmt: skip
REQUIRED = ("member_id", "given_name", "family_name", "joined")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_FIELDS = ("joined", "left", "paid_up_to")
_LIST_FIELDS = ("units", "categories")


@dataclass(frozen=True, slots=True)
class RejectedRow:
    line: int
    member_id: str | None
    field: str
    message: str

    def __str__(self) -> str:
        who = f" (member {self.member_id})" if self.member_id else ""
        return f"line {self.line}{who}, field {self.field}: {self.message}"


@dataclass(frozen=True, slots=True)
class MemberDiff:
    member_id: str
    changes: tuple[Change, ...]


@dataclass(frozen=True, slots=True)
class ImportFlag:
    kind: str  # "bulk_contact_change" | "shared_contact"
    message: str
    member_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ContactChangePolicy:
    """Flag an import changing contact details of >= min_members within window_days of a date."""

    window_days: int = 28
    min_members: int = 5


@dataclass(frozen=True, slots=True)
class ImportPlan:
    organisation_id: str
    source: str
    sha256: str
    rows: int
    columns: tuple[str, ...]
    rejected: tuple[RejectedRow, ...]
    added: tuple[Member, ...]
    changed: tuple[MemberDiff, ...]
    unchanged: tuple[str, ...]
    absent: tuple[str, ...]
    flags: tuple[ImportFlag, ...]

    @property
    def is_noop(self) -> bool:
        """True when applying the plan would change no stored member."""
        return not self.added and not self.changed

    def summary(self) -> dict[str, object]:
        return {
            "source": self.source,
            "sha256": self.sha256,
            "rows": self.rows,
            "columns": list(self.columns),
            "added": [m.member_id for m in self.added],
            "changed": {d.member_id: [c.field for c in d.changes] for d in self.changed},
            "unchanged": len(self.unchanged),
            "absent": list(self.absent),
            "rejected": [str(r) for r in self.rejected],
            "flags": [f.message for f in self.flags],
        }

    def report(self) -> str:
        lines = [
            f"{self.source} (sha256 {self.sha256[:16]}…): {self.rows} rows; "
            f"{len(self.added)} added, {len(self.changed)} changed, {len(self.unchanged)} "
            f"unchanged, {len(self.rejected)} rejected; {len(self.absent)} stored members "
            "absent from the file (kept)"
        ]
        lines += [f"  rejected {r}" for r in self.rejected]
        for d in self.changed:
            lines += [f"  {d.member_id}.{c.field}: {c.old!r} -> {c.new!r}" for c in d.changes]
        lines += [f"  FLAG {f.kind}: {f.message}" for f in self.flags]
        return "\n".join(lines)


def _read_rows(data: bytes, source: str) -> tuple[tuple[str, ...], list[tuple[int, list[str]]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFormatError(source, None, f"not UTF-8 (byte {exc.start})") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        rows: list[tuple[int, list[str]]] = []
        start = 1
        header: list[str] | None = None
        for row in reader:
            if header is None:
                header = row
            elif any(cell.strip() for cell in row):
                rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputFormatError(source, reader.line_num, f"CSV syntax: {exc}") from None
    if header is None:
        raise InputFormatError(source, 1, "empty file: expected a header row")
    columns = tuple(h.strip().lower() for h in header)
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown:
        raise InputFormatError(source, 1, f"unknown columns {unknown}; expected some of {COLUMNS}")
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise InputFormatError(source, 1, f"missing required columns {missing}")
    if len(set(columns)) != len(columns):
        raise InputFormatError(source, 1, f"a column is named twice in {list(columns)}")
    return columns, rows


def _parse_cell(name: str, raw: str, today: date, units: frozenset[str]) -> object:
    value = raw.strip()
    if name in _DATE_FIELDS:
        if not value:
            if name == "joined":
                raise ValueError("is required")
            return None
        if not _DATE.fullmatch(value):
            raise ValueError(f"expected a date YYYY-MM-DD, got {value!r}")
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a calendar date") from None
        if name == "joined" and day > today:
            raise ValueError(f"joined {day} is in the future (today is {today})")
        return day
    if name in _LIST_FIELDS:
        items = frozenset(v.strip() for v in value.split(";") if v.strip())
        if name == "units":
            unknown = sorted(items - units)
            if unknown:
                raise ValueError(f"unknown units {unknown}; known: {sorted(units)}")
        return items
    if name in REQUIRED and not value:
        raise ValueError("is required")
    return value


class RollImporter:
    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, policy: ContactChangePolicy | None = None
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._policy = policy or ContactChangePolicy()

    def preview(
        self, principal: Principal, organisation_id: str, data: bytes, source: str
    ) -> ImportPlan:
        """The plan (report and diff) without writing anything."""
        authorise(principal, "importer.preview")
        with self._uow() as uow:
            return self._plan(uow, organisation_id, data, source)

    def import_csv(
        self,
        principal: Principal,
        organisation_id: str,
        data: bytes,
        source: str,
        *,
        apply_valid_rows: bool = False,
        acknowledge_flags: bool = False,
    ) -> ImportPlan:
        """Plan and apply in one transaction; raise ImportRefusedError (with the plan) if not."""
        authorise(principal, "importer.import_csv")
        actor = principal.name
        with self._uow() as uow:
            plan = self._plan(uow, organisation_id, data, source)
            at = self._clock.now()
            refusal = None
            if plan.rejected and not apply_valid_rows:
                refusal = (
                    f"{len(plan.rejected)} rows rejected; nothing applied "
                    f"(first: {plan.rejected[0]})"
                )
            elif plan.flags and not acknowledge_flags:
                refusal = f"import flagged, not applied: {plan.flags[0].message}"
            summary = canonical_json(plan.summary()).decode()
            if refusal is not None:
                append_events(
                    uow,
                    at=at,
                    actor=actor,
                    action="roll.import_refused",
                    organisation_id=organisation_id,
                    subject=f"import:{plan.sha256}",
                    note=summary,
                )
                uow.commit()
                raise ImportRefusedError(refusal, plan)
            append_events(
                uow,
                at=at,
                actor=actor,
                action="roll.imported",
                organisation_id=organisation_id,
                subject=f"import:{plan.sha256}",
                note=summary,
            )
            note = f"import {plan.sha256[:16]} from {source}"
            for member in plan.added:
                write_member(uow, at=at, actor=actor, new=member, note=note)
            stored = {m.member_id: m for m in uow.members.list(organisation_id)}
            for diff in plan.changed:
                fields = {c.field: c.new for c in diff.changes}
                new = dataclasses.replace(stored[diff.member_id], **fields)  # type: ignore[arg-type]
                write_member(uow, at=at, actor=actor, new=new, note=note)
            uow.commit()
            return plan

    def _plan(self, uow: UnitOfWork, organisation_id: str, data: bytes, source: str) -> ImportPlan:
        if uow.organisations.get(organisation_id) is None:
            raise NotFoundError(f"no organisation {organisation_id!r}")
        columns, rows = _read_rows(data, source)
        today = self._clock.now().date()
        units = frozenset(u.unit_id for u in uow.organisations.units(organisation_id))
        stored = {m.member_id: m for m in uow.members.list(organisation_id)}
        rejected: list[RejectedRow] = []
        seen: dict[str, int] = {}
        valid: list[Member] = []
        named: set[str] = set()
        for line, cells in rows:
            id_at = columns.index("member_id")
            raw_id = cells[id_at].strip() if id_at < len(cells) else None
            if raw_id:
                named.add(raw_id)
            if len(cells) != len(columns):
                rejected.append(
                    RejectedRow(
                        line,
                        raw_id or None,
                        "*",
                        f"expected {len(columns)} fields, got {len(cells)}",
                    )
                )
                continue
            errors: list[RejectedRow] = []
            values: dict[str, object] = {}
            for name, raw in zip(columns, cells, strict=True):
                try:
                    values[name] = _parse_cell(name, raw, today, units)
                except ValueError as exc:
                    errors.append(RejectedRow(line, raw_id or None, name, str(exc)))
            member_id = str(values.get("member_id", ""))
            if not errors and member_id in seen:
                errors.append(
                    RejectedRow(
                        line,
                        member_id,
                        "member_id",
                        f"duplicate: already on line {seen[member_id]}",
                    )
                )
            if not errors:
                member = self._member(organisation_id, values, stored.get(member_id), line, errors)
                if member is not None:
                    seen[member_id] = line
                    valid.append(member)
            rejected.extend(errors)
        added = tuple(m for m in valid if m.member_id not in stored)
        changed: list[MemberDiff] = []
        unchanged: list[str] = []
        for m in valid:
            if m.member_id in stored:
                changes = member_changes(stored[m.member_id], m)
                if changes:
                    changed.append(MemberDiff(m.member_id, tuple(changes)))
                else:
                    unchanged.append(m.member_id)
        absent = tuple(sorted(stored.keys() - named))
        flags = self._flags(uow, organisation_id, today, changed, stored, valid)
        return ImportPlan(
            organisation_id=organisation_id,
            source=source,
            sha256=hashlib.sha256(data).hexdigest(),
            rows=len(rows),
            columns=columns,
            rejected=tuple(rejected),
            added=added,
            changed=tuple(changed),
            unchanged=tuple(unchanged),
            absent=absent,
            flags=tuple(flags),
        )

    @staticmethod
    def _member(
        organisation_id: str,
        values: Mapping[str, object],
        old: Member | None,
        line: int,
        errors: list[RejectedRow],
    ) -> Member | None:
        member_id = str(values["member_id"])
        base: dict[str, object] = (
            {}
            if old is None
            else {f.name: getattr(old, f.name) for f in dataclasses.fields(Member)}
        )
        fields = base | dict(values) | {"organisation_id": organisation_id}
        try:
            return Member(**fields)  # type: ignore[arg-type]
        except ValidationError as exc:
            errors.append(
                RejectedRow(line, member_id, exc.field, f"expected {exc.expected}, got {exc.got!r}")
            )
            return None

    def _flags(
        self,
        uow: UnitOfWork,
        organisation_id: str,
        today: date,
        changed: Sequence[MemberDiff],
        stored: Mapping[str, Member],
        valid: Sequence[Member],
    ) -> list[ImportFlag]:
        flags: list[ImportFlag] = []
        contact = [d for d in changed if any(c.field in CONTACT_FIELDS for c in d.changes)]
        window = self._policy.window_days
        near: list[tuple[date, str]] = []
        for stored_rules in uow.rules.for_organisation(organisation_id):
            r = stored_rules.rules
            for label, day in (
                ("freeze date", r.freeze_date),
                ("qualifying date", r.qualifying_date),
            ):
                if day is not None and abs((day - today).days) <= window:
                    near.append((day, f"the {label} {day} of ballot {r.ballot_id}"))
        if near and len(contact) >= self._policy.min_members:
            counts = {
                f: sum(any(c.field == f for c in d.changes) for d in contact)
                for f in CONTACT_FIELDS
            }
            detail = ", ".join(f"{n} {f}" for f, n in counts.items() if n)
            flags.append(
                ImportFlag(
                    "bulk_contact_change",
                    f"{len(contact)} members' contact details change ({detail}) within {window} "
                    f"days of {'; '.join(text for _, text in sorted(near))}",
                    tuple(d.member_id for d in contact),
                )
            )
        final = dict(stored) | {m.member_id: m for m in valid}
        for name in ("email", "phone"):
            holders: dict[str, list[str]] = defaultdict(list)
            for m in final.values():
                value = str(getattr(m, name)).strip().lower()
                if value:
                    holders[value].append(m.member_id)
            for d in contact:
                if not any(c.field == name for c in d.changes):
                    continue
                value = str(getattr(final[d.member_id], name)).strip().lower()
                others = sorted(set(holders.get(value, ())) - {d.member_id})
                if value and others:
                    flags.append(
                        ImportFlag(
                            "shared_contact",
                            f"member {d.member_id}'s {name} changes to one that member(s) "
                            f"{', '.join(others)} also have",
                            (d.member_id, *others),
                        )
                    )
        return flags
