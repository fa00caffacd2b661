"""Importing a member roll from a membership system's export (CSV in UTF-8 or Windows-1252, or
XLSX), as the system wrote it.

Fields: member_id, given_name, family_name, joined (required), email, phone, address, postcode,
left, paid_up_to, units, categories (optional). The export's own headers are mapped to them
(`service.membership.roll_mapping`: guessed for common exports, or the organisation's saved
mapping), and other columns are ignored and listed. Dates are ISO, or dd/mm/yyyy / mm/dd/yyyy per
the organisation's date format (never guessed); `units` (ids or names) and `categories` are
`;`-separated. A field with no column leaves that field of stored members as it is; a column
present with an empty cell clears it (and the diff says so). Suspensions are not imported (they
carry decisions: see `MemberService.suspend`).

Every problem of every row is found (one bad field does not hide another) and has a kind, for the
grouped report and the problems file. A bad email does not reject the row: the member is kept
without an email (so they get a letter) and the import is flagged.

The import is planned first (`preview`): every row is validated and each rejected row is reported
with its line, the field and why; valid rows are compared with the stored roll, giving the added
members, the field-by-field changes, the unchanged members and the stored members absent from the
file (never deleted: absence is reported, and a leaver is recorded by setting `left`).

Atomicity (docs/service/rolls.md): an import is one transaction. By default it is all or
nothing: if any row is rejected, nothing is applied. With `apply_valid_rows=True` the valid rows
are applied together, atomically, and the rejected rows stay in the audit log's import event.
Bulk changes to contact details within `window_days` of a ballot's freeze or qualifying date,
and a new or changed email or phone that another member also has, are flagged; such a flagged
import is applied only with `acknowledge_flags=True` (`--acknowledge-flags`). A refused import
changes no member and leaves one `roll.import_refused` audit event.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from clearcount.core.canonical import canonical_json
from clearcount.service.audit import Change, append_events
from clearcount.service.authorisation import Principal, authorise
from clearcount.service.errors import ImportRefusedError
from clearcount.service.membership.members import (
    CONTACT_FIELDS,
    Member,
    member_changes,
    member_problems,
    valid_email,
    write_members,
)
from clearcount.service.membership.organisations import Unit, require_organisation
from clearcount.service.membership.ports import UnitOfWork, UnitOfWorkFactory
from clearcount.service.membership.roll_mapping import (
    FIELDS,
    ColumnMap,
    RollSettings,
    map_columns,
    normalise_postcode,
    parse_date,
    slash_date,
)
from clearcount.service.membership.roll_table import RawTable, read_table
from clearcount.service.ports import Clock

__all__ = [
    "ACKNOWLEDGE_OPTION",
    "COLUMNS",
    "ContactChangePolicy",
    "ImportFlag",
    "ImportPlan",
    "MemberDiff",
    "RejectedRow",
    "RollImporter",
]

COLUMNS = FIELDS
REQUIRED = ("member_id", "given_name", "family_name", "joined")
ACKNOWLEDGE_OPTION = "--acknowledge-flags"
SETTINGS_SUBJECT = "roll-settings"
_DATE_FIELDS = ("joined", "left", "paid_up_to")
_LIST_FIELDS = ("units", "categories")
_SLUG = re.compile(r"[^a-z0-9]+")
_REPORT_EXAMPLES = 3
_REPORT_CHANGES = 20


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """One problem in one row; `kept` when the member is imported regardless (a bad email)."""

    line: int
    member_id: str | None
    field: str
    message: str
    kind: str = "invalid"
    kept: bool = False

    def __str__(self) -> str:
        who = f" (member {self.member_id})" if self.member_id else ""
        return f"line {self.line}{who}, field {self.field}: {self.message}"


@dataclass(frozen=True, slots=True)
class MemberDiff:
    member_id: str
    changes: tuple[Change, ...]


@dataclass(frozen=True, slots=True)
class ImportFlag:
    kind: str  # "bulk_contact_change" | "shared_contact" | "bad_email"
    message: str
    member_ids: tuple[str, ...]
    acknowledged_by: str | None = ACKNOWLEDGE_OPTION
    """The option that lets a flagged import through; None for a flag that only informs."""

    def __str__(self) -> str:
        how = f" (acknowledge with {self.acknowledged_by})" if self.acknowledged_by else ""
        return f"FLAG {self.kind}: {self.message}{how}"


@dataclass(frozen=True, slots=True)
class ContactChangePolicy:
    """Flag an import changing contact details of >= min_members within window_days of a date."""

    window_days: int = 28
    min_members: int = 5


def _examples(problems: Sequence[RejectedRow]) -> str:
    shown = "; ".join(str(p) for p in problems[:_REPORT_EXAMPLES])
    more = len(problems) - _REPORT_EXAMPLES
    return shown + (f"; and {more} more" if more > 0 else "")


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
    kept_with_problems: tuple[RejectedRow, ...] = ()
    ignored_columns: tuple[str, ...] = ()
    encoding: str = "utf-8"
    mapping: str = ""

    @property
    def is_noop(self) -> bool:
        """True when applying the plan would change no stored member."""
        return not self.added and not self.changed

    @property
    def left_out(self) -> tuple[tuple[int, str | None], ...]:
        """(line, member id) of each row not imported, in file order."""
        return tuple(sorted({(r.line, r.member_id) for r in self.rejected}))

    @property
    def blocking_flags(self) -> tuple[ImportFlag, ...]:
        return tuple(f for f in self.flags if f.acknowledged_by is not None)

    def summary(self) -> dict[str, object]:
        return {
            "source": self.source,
            "sha256": self.sha256,
            "encoding": self.encoding,
            "rows": self.rows,
            "columns": list(self.columns),
            "ignored_columns": list(self.ignored_columns),
            "added": [m.member_id for m in self.added],
            "changed": {d.member_id: [c.field for c in d.changes] for d in self.changed},
            "unchanged": len(self.unchanged),
            "absent": list(self.absent),
            "rejected": [str(r) for r in self.rejected],
            "kept_with_problems": [str(r) for r in self.kept_with_problems],
            "flags": [f.message for f in self.flags],
        }

    def report(self) -> str:
        """The report for a person: counts, problems grouped by kind with the first examples."""
        lines = [
            f"{self.source} (sha256 {self.sha256[:16]}…, read as {self.encoding}): {self.rows} "
            f"rows; {len(self.added)} added, {len(self.changed)} changed, {len(self.unchanged)} "
            f"unchanged, {len(self.left_out)} rejected; {len(self.absent)} stored members "
            "absent from the file (kept)"
        ]
        if self.mapping:
            lines.append(f"  columns: {self.mapping}")
        for title, problems in (
            ("rejected rows", self.rejected),
            ("kept, with problems", self.kept_with_problems),
        ):
            groups: dict[tuple[str, str], list[RejectedRow]] = defaultdict(list)
            for p in problems:
                groups[(p.kind, p.field)].append(p)
            for (kind, name), group in sorted(groups.items(), key=lambda g: -len(g[1])):
                lines.append(f"  {title}: {len(group)} × {kind} ({name}): {_examples(group)}")
        shown = [(d.member_id, c) for d in self.changed for c in d.changes]
        lines += [f"  {m}.{c.field}: {c.old!r} -> {c.new!r}" for m, c in shown[:_REPORT_CHANGES]]
        if len(shown) > _REPORT_CHANGES:
            lines.append(f"  … and {len(shown) - _REPORT_CHANGES} more field changes")
        lines += [f"  {f}" for f in self.flags]
        return "\n".join(lines)

    def problems_csv(self) -> bytes:
        """Every problem of every row, one per line (UTF-8 with BOM, so Excel reads it)."""
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(["line", "member_id", "field", "kind", "outcome", "message"])
        every = sorted((*self.rejected, *self.kept_with_problems), key=lambda p: p.line)
        for p in every:
            outcome = "kept" if p.kept else "left out"
            writer.writerow([p.line, p.member_id or "", p.field, p.kind, outcome, p.message])
        return "\ufeff".encode() + out.getvalue().encode()


def _slug(text: str) -> str:
    return _SLUG.sub("-", text.casefold()).strip("-")


@dataclass(frozen=True, slots=True)
class _Context:
    today: date
    units: Mapping[str, str]
    """unit id and casefolded unit name -> unit id"""
    date_format: str | None


def _unit_lookup(units: Sequence[Unit]) -> dict[str, str]:
    lookup = {u.name.casefold(): u.unit_id for u in units}
    return lookup | {u.unit_id: u.unit_id for u in units}


def _parse_cell(name: str, raw: str, context: _Context) -> object:
    value = raw.strip()
    if name in _DATE_FIELDS:
        if not value:
            if name == "joined":
                raise _ProblemError("missing", "is required")
            return None
        try:
            day = parse_date(value, context.date_format)
        except ValueError as error:
            ambiguous = context.date_format is None and slash_date(value)
            raise _ProblemError("ambiguous date" if ambiguous else "bad date", str(error)) from None
        if name == "joined" and day > context.today:
            raise _ProblemError(
                "future date", f"joined {day} is in the future (today is {context.today})"
            )
        return day
    if name in _LIST_FIELDS:
        items = [v.strip() for v in value.split(";") if v.strip()]
        if name == "categories":
            return frozenset(_slug(v) for v in items)
        found = {context.units.get(v, context.units.get(v.casefold())) for v in items}
        unknown = sorted(v for v in items if v not in context.units
                         and v.casefold() not in context.units)  # fmt: skip
        if unknown:
            known = sorted(set(context.units.values()))
            raise _ProblemError("unknown unit", f"unknown units {unknown}; known: {known}")
        return frozenset(u for u in found if u is not None)
    if name == "postcode":
        return normalise_postcode(value)
    if name in REQUIRED and not value:
        raise _ProblemError("missing", "is required")
    return value


class _ProblemError(ValueError):
    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def _cells(table: RawTable, mapping: ColumnMap, cells: Sequence[str]) -> dict[str, str]:
    """The text of each mapped field: several address columns joined, list columns with ';';
    an address cell's own line breaks (Excel's Alt+Enter) become ", " like its columns."""
    out: dict[str, str] = {}
    for name, at in mapping.fields.items():
        parts = [cells[i].strip() for i in at if i < len(cells)]
        if name == "address":
            parts = [line.strip() for part in parts for line in part.splitlines()]
        out[name] = (", " if name == "address" else ";").join(p for p in parts if p)
    return out


class RollImporter:
    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, policy: ContactChangePolicy | None = None
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._policy = policy or ContactChangePolicy()

    def settings(self, principal: Principal, organisation_id: str) -> RollSettings:
        """The organisation's saved import settings (the last `roll.settings_set` event)."""
        authorise(principal, "importer.settings")
        with self._uow() as uow:
            return _stored_settings(uow, organisation_id)

    def save_settings(
        self, principal: Principal, organisation_id: str, settings: RollSettings
    ) -> None:
        """Save the column mapping and date format used by later imports (audited)."""
        authorise(principal, "importer.save_settings")
        with self._uow() as uow:
            require_organisation(uow, organisation_id)
            append_events(
                uow,
                at=self._clock.now(),
                actor=principal.name,
                action="roll.settings_set",
                organisation_id=organisation_id,
                subject=SETTINGS_SUBJECT,
                note=canonical_json(settings.to_json()).decode(),
            )
            uow.commit()

    def preview(
        self,
        principal: Principal,
        organisation_id: str,
        data: bytes,
        source: str,
        *,
        encoding: str | None = None,
        date_format: str | None = None,
    ) -> ImportPlan:
        """The plan (report and diff) without writing anything."""
        authorise(principal, "importer.preview")
        with self._uow() as uow:
            return self._plan(uow, organisation_id, data, source, encoding, date_format)

    def import_csv(
        self,
        principal: Principal,
        organisation_id: str,
        data: bytes,
        source: str,
        *,
        apply_valid_rows: bool = False,
        acknowledge_flags: bool = False,
        encoding: str | None = None,
        date_format: str | None = None,
    ) -> ImportPlan:
        """Plan and apply in one transaction; raise ImportRefusedError (with the plan) if not."""
        authorise(principal, "importer.import_csv")
        actor = principal.name
        with self._uow() as uow:
            plan = self._plan(uow, organisation_id, data, source, encoding, date_format)
            at = self._clock.now()
            refusal = None
            if plan.rejected and not apply_valid_rows:
                refusal = (
                    f"{len(plan.left_out)} rows rejected; nothing applied "
                    f"(first: {plan.rejected[0]}); fix them, or leave them out with "
                    "--apply-valid-rows"
                )
            elif plan.blocking_flags and not acknowledge_flags:
                flag = plan.blocking_flags[0]
                refusal = (
                    f"import flagged, not applied: {flag.message}; acknowledge with "
                    f"{flag.acknowledged_by}"
                )
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
            stored = {m.member_id: m for m in uow.members.list(organisation_id)}

            def pairs() -> Iterator[tuple[Member | None, Member]]:
                for member in plan.added:
                    yield None, member
                for diff in plan.changed:
                    old = stored[diff.member_id]
                    fields = {c.field: c.new for c in diff.changes}
                    yield old, dataclasses.replace(old, **fields)  # type: ignore[arg-type]

            write_members(uow, at=at, actor=actor, pairs=pairs(), note=note)
            uow.commit()
            return plan

    def _plan(
        self,
        uow: UnitOfWork,
        organisation_id: str,
        data: bytes,
        source: str,
        encoding: str | None,
        date_format: str | None,
    ) -> ImportPlan:
        require_organisation(uow, organisation_id)
        saved = _stored_settings(uow, organisation_id)
        table = read_table(data, source, encoding=encoding or saved.encoding)
        mapping = map_columns(table.headers, saved, source, REQUIRED)
        context = _Context(
            self._clock.now().date(),
            _unit_lookup(uow.organisations.units(organisation_id)),
            date_format or saved.date_format,
        )
        stored = {m.member_id: m for m in uow.members.list(organisation_id)}
        rejected: list[RejectedRow] = []
        kept: list[RejectedRow] = []
        seen: dict[str, int] = {}
        valid: list[Member] = []
        named: set[str] = set()
        width = len(table.headers)
        for line, cells in table.rows:
            texts = _cells(table, mapping, cells)
            raw_id = texts.get("member_id", "").strip() or None
            if raw_id:
                named.add(raw_id)
            errors: list[RejectedRow] = []
            if len(cells) != width:
                errors.append(RejectedRow(
                    line, raw_id, "*", f"expected {width} fields, got {len(cells)}",
                    "wrong number of fields",
                ))  # fmt: skip
                rejected.extend(errors)
                continue
            values: dict[str, object] = {}
            for name, raw in texts.items():
                try:
                    values[name] = _parse_cell(name, raw, context)
                except _ProblemError as problem:
                    errors.append(RejectedRow(line, raw_id, name, str(problem), problem.kind))
            if raw_id is not None and raw_id in seen:
                errors.append(RejectedRow(
                    line, raw_id, "member_id", f"duplicate: already on line {seen[raw_id]}",
                    "duplicate member id",
                ))  # fmt: skip
            member = self._member(organisation_id, values, stored.get(raw_id or ""), line, errors)
            if member is not None and not errors:
                if member.email == "" and str(values.get("email", "")).strip():
                    kept.append(RejectedRow(
                        line, member.member_id, "email",
                        f"{values['email']!r} is not an email address; kept without one, "
                        "so the member is sent a letter", "bad email", kept=True,
                    ))  # fmt: skip
                seen[member.member_id] = line
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
        flags = self._flags(uow, organisation_id, context.today, changed, stored, valid)
        if kept:
            flags.append(ImportFlag(
                "bad_email", f"{len(kept)} members have no valid email and will get a letter: "
                f"{', '.join(str(k.member_id) for k in kept[:10])}"
                + (" …" if len(kept) > 10 else ""),
                tuple(str(k.member_id) for k in kept), acknowledged_by=None,
            ))  # fmt: skip
        return ImportPlan(
            organisation_id=organisation_id,
            source=source,
            sha256=hashlib.sha256(data).hexdigest(),
            rows=len(table.rows),
            columns=tuple(mapping.fields),
            rejected=tuple(rejected),
            added=added,
            changed=tuple(changed),
            unchanged=tuple(unchanged),
            absent=absent,
            flags=tuple(flags),
            kept_with_problems=tuple(kept),
            ignored_columns=mapping.ignored,
            encoding=table.encoding,
            mapping=mapping.describe(),
        )

    @staticmethod
    def _member(
        organisation_id: str,
        values: Mapping[str, object],
        old: Member | None,
        line: int,
        errors: list[RejectedRow],
    ) -> Member | None:
        """The member the row describes; every invalid field is added to `errors`."""
        base: dict[str, object] = (
            {"suspensions": ()}
            if old is None
            else {f.name: getattr(old, f.name) for f in dataclasses.fields(Member)}
        )
        fields = base | dict(values) | {"organisation_id": organisation_id}
        if isinstance(fields.get("email"), str) and not valid_email(str(fields["email"])):
            fields["email"] = ""  # kept without it; the caller reports the bad address
        checked = {n: fields.get(n) for n in ("member_id", "given_name", "family_name")}
        candidate = SimpleNamespace(**(
            {"email": "", "phone": "", "left": None, "joined": None, "units": frozenset(),
             "categories": frozenset()} | fields | {k: v or "" for k, v in checked.items()}
        ))  # fmt: skip
        if candidate.joined is None:
            candidate.left = None  # joined is itself reported; left cannot be compared with it
        member_id = str(fields.get("member_id") or "") or None
        problems = member_problems(candidate)
        failed = {e.field for e in errors}
        for problem in problems:
            if problem.field not in failed:
                errors.append(RejectedRow(
                    line, member_id, problem.field,
                    f"expected {problem.expected}, got {problem.got!r}", "invalid",
                ))  # fmt: skip
        if errors:
            return None
        return Member(**fields)  # type: ignore[arg-type]

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
        new_ids = {m.member_id for m in valid if m.member_id not in stored}
        for name in ("email", "phone"):
            holders: dict[str, list[str]] = defaultdict(list)
            for m in final.values():
                value = str(getattr(m, name)).strip().lower()
                if value:
                    holders[value].append(m.member_id)
            touched = [d.member_id for d in contact if any(c.field == name for c in d.changes)]
            reported: set[str] = set()
            for member_id in sorted(new_ids) + touched:
                value = str(getattr(final[member_id], name)).strip().lower()
                others = sorted(set(holders.get(value, ())) - {member_id} - reported)
                if value and others and member_id not in reported:
                    how = "is new with" if member_id in new_ids else "changes to"
                    flags.append(
                        ImportFlag(
                            "shared_contact",
                            f"member {member_id}'s {name} {how} one that member(s) "
                            f"{', '.join(others)} also have",
                            (member_id, *others),
                        )
                    )
                    reported.update((member_id, *others))
        return flags


def _stored_settings(uow: UnitOfWork, organisation_id: str) -> RollSettings:
    events = uow.audit.list(organisation_id=organisation_id, subject=SETTINGS_SUBJECT)
    if not events:
        return RollSettings()
    return RollSettings.from_json(json.loads(events[-1].note))
