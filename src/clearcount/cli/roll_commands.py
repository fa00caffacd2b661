"""`clearcount org ...` and `clearcount roll ...`: the organisation, its members and the roll.

The returning officer's (or ballot officer's) first steps, docs/steps/01-organisation-and-roll.md
and 02-eligibility-and-freeze.md: create the organisation and its units, import the membership
export, set the ballot's eligibility rules, preview each member's decision, freeze the roll, and
give a member the proof that they are on it. Services: `service.membership.organisations`,
`service.membership.roll_import`, `service.membership.eligibility`,
`service.membership.roll_snapshot`, `service.audit`.
"""

from __future__ import annotations

from pathlib import Path

import click

from clearcount.service.authorisation import Principal, Role
from clearcount.service.errors import ConflictError, ImportRefusedError
from clearcount.service.membership.eligibility import (
    EligibilityRules,
    EntitlementList,
    EntitlementOverride,
)
from clearcount.service.membership.organisations import (
    Organisation,
    OrganisationKind,
    Unit,
    UnitKind,
)
from clearcount.service.membership.roll_import import REQUIRED, ImportPlan
from clearcount.service.membership.roll_mapping import (
    DATE_FORMATS,
    FIELDS,
    RollSettings,
    header_key,
    map_columns,
)
from clearcount.service.membership.roll_table import ENCODINGS, read_table

from .common import (
    Database,
    UserError,
    db_options,
    optional_date,
    parse_date,
    principal_option,
    read_bytes,
    write_json,
)
from .context import open_services

__all__ = ["org_group", "roll_group"]


@click.group("org")
def org_group() -> None:
    """Set up the organisation (a party or a union) and its units before importing members."""


@org_group.command("create")
@click.argument("organisation")
@click.option("--name", required=True, help='The full name, e.g. "Ashby Vale CLP".')
@click.option(
    "--kind",
    type=click.Choice([k.value for k in OrganisationKind]),
    required=True,
    help="party: constituency parties, branches, affiliates; union: branches and workplaces.",
)
@principal_option(Role.OFFICER)
@db_options
def org_create(organisation: str, name: str, kind: str, principal: Principal, db: Database) -> None:
    """Create ORGANISATION (a short id such as ashby-vale-labour) in the database.

    The only command that makes a new database file when the one named does not exist yet.
    """
    with open_services(db, create=True) as s:
        s.organisations.create(principal, Organisation(organisation, name, OrganisationKind(kind)))
    click.echo(f"created {kind} {organisation!r}: {name}")


@org_group.command("unit")
@click.argument("organisation")
@click.argument("unit")
@click.option("--name", required=True, help='The unit\'s name, e.g. "Ashby Vale North branch".')
@click.option(
    "--kind",
    type=click.Choice([k.value for k in UnitKind]),
    required=True,
    help="constituency_party, branch, affiliate (party) or branch, workplace (union).",
)
@click.option(
    "--parent",
    default=None,
    metavar="UNIT",
    help="The unit it sits in (a branch's or affiliate's constituency party).",
)
@principal_option(Role.OFFICER)
@db_options
def org_unit(
    organisation: str,
    unit: str,
    name: str,
    kind: str,
    parent: str | None,
    principal: Principal,
    db: Database,
) -> None:
    """Add UNIT (a constituency party, branch, affiliate or workplace) to ORGANISATION."""
    with open_services(db) as s:
        s.organisations.add_unit(principal, Unit(organisation, unit, name, UnitKind(kind), parent))
    where = f" in {parent}" if parent else ""
    click.echo(f"added {kind} {unit!r}{where}: {name}")


@org_group.command("show")
@click.argument("organisation")
@principal_option(Role.OFFICER)
@db_options
def org_show(organisation: str, principal: Principal, db: Database) -> None:
    """List ORGANISATION's units and how many members it has."""
    with open_services(db) as s:
        org, units = s.organisations.get(organisation)
        members = s.members.list_members(principal, organisation)
    click.echo(f"{org.name} ({org.kind}, id {org.organisation_id}): {len(members)} members")
    for u in units:
        click.echo(
            f"  {u.kind:<20} {u.unit_id:<24} {u.name}"
            + (f" (in {u.parent_id})" if u.parent_id else "")
        )


@click.group("roll")
def roll_group() -> None:
    """The membership roll: import it, set who may vote in a ballot, and freeze it."""


_ENCODING_OPTION = click.option(
    "--encoding",
    type=click.Choice(ENCODINGS),
    default=None,
    help="The export's text encoding (default: UTF-8 if it reads as UTF-8, else Windows-1252).",
)
_DATE_FORMAT_OPTION = click.option(
    "--date-format",
    type=click.Choice(DATE_FORMATS),
    default=None,
    help="How the export writes dates other than YYYY-MM-DD (never guessed: 03/04/2021 is "
    "3 April with dd/mm/yyyy, 4 March with mm/dd/yyyy).",
)


@roll_group.command("import")
@click.argument("organisation")
@click.argument("csv_file", type=click.Path(path_type=Path), metavar="FILE")
@click.option("--preview", is_flag=True, help="Only show what would change; store nothing.")
@click.option(
    "--apply-valid-rows",
    is_flag=True,
    help="Apply the valid rows even if some are rejected (default: all or nothing); exits 1 "
    "naming every row left out.",
)
@click.option(
    "--acknowledge-flags",
    is_flag=True,
    help="Apply although the import is flagged (many contact changes near a freeze "
    "date, or members sharing an email or phone).",
)
@_ENCODING_OPTION
@_DATE_FORMAT_OPTION
@click.option(
    "--problems-file",
    type=click.Path(path_type=Path),
    default=None,
    help="Where to write every row's problems as CSV (default: FILE's name + .problems.csv, "
    "beside FILE; written only when there are problems).",
)
@principal_option(Role.OFFICER)
@db_options
def roll_import(
    organisation: str,
    csv_file: Path,
    preview: bool,
    apply_valid_rows: bool,
    acknowledge_flags: bool,
    encoding: str | None,
    date_format: str | None,
    problems_file: Path | None,
    principal: Principal,
    db: Database,
) -> None:
    """Import the membership export FILE (CSV or XLSX) for ORGANISATION (docs/service/rolls.md).

    Every row is checked first. If any row is rejected nothing is stored; the report groups the
    problems by kind with counts and the first examples, and every problem of every row is
    written to the problems file. Members missing from the file are kept.
    """
    data = read_bytes(csv_file)
    where = problems_file or csv_file.with_name(csv_file.name + ".problems.csv")
    options = {"encoding": encoding, "date_format": date_format}
    with open_services(db) as s:
        if preview:
            plan = s.importer.preview(principal, organisation, data, csv_file.name, **options)
            _show(plan, where)
            click.echo("preview only: nothing stored")
            return
        try:
            plan = s.importer.import_csv(
                principal,
                organisation,
                data,
                csv_file.name,
                apply_valid_rows=apply_valid_rows,
                acknowledge_flags=acknowledge_flags,
                **options,
            )
        except ImportRefusedError as error:
            _show(error.plan, where)  # type: ignore[arg-type]
            raise UserError(f"{csv_file}: {error}") from None
    _show(plan, where)
    if plan.left_out:
        lines = ", ".join(f"{line} ({member or 'no id'})" for line, member in plan.left_out)
        click.echo(f"left out {len(plan.left_out)} rows, by line (member): {lines}")
        raise click.exceptions.Exit(1)


def _show(plan: ImportPlan, where: Path) -> None:
    """Print the grouped report; write every problem to `where` (0600: it names members)."""
    from clearcount.mail.letters import write_private  # lazily: it loads the PDF library

    click.echo(plan.report())
    if plan.rejected or plan.kept_with_problems:
        try:
            where.unlink(missing_ok=True)
            write_private(where, plan.problems_csv())
        except (OSError, ConflictError) as error:
            raise UserError(f"cannot write the problems file {where}: {error}") from None
        click.echo(f"every problem of every row: {where}")


@roll_group.command("map")
@click.argument("organisation")
@click.option(
    "--column",
    "columns",
    multiple=True,
    metavar="HEADER=FIELD",
    help=f"Map the export's column HEADER to FIELD ({', '.join(FIELDS)}) or to 'ignore' "
    "(repeatable).",
)
@_ENCODING_OPTION
@_DATE_FORMAT_OPTION
@click.option("--clear", is_flag=True, help="Forget the saved mapping before adding to it.")
@click.option(
    "--check",
    "check_file",
    type=click.Path(path_type=Path),
    default=None,
    metavar="FILE",
    help="Show how FILE's headers map with these settings (stores nothing unless other "
    "options are given).",
)
@principal_option(Role.OFFICER)
@db_options
def roll_map(
    organisation: str,
    columns: tuple[str, ...],
    encoding: str | None,
    date_format: str | None,
    clear: bool,
    check_file: Path | None,
    principal: Principal,
    db: Database,
) -> None:
    """Save how ORGANISATION's exports are read: column mapping, date format, encoding.

    Without options, shows the saved settings. Headers are compared without case, spaces or
    punctuation; unmapped headers of common exports are guessed (docs/service/rolls.md).
    """
    with open_services(db) as s:
        old = s.importer.settings(principal, organisation)
        mapped = {} if clear else dict(old.columns)
        for item in columns:
            header, sep, name = item.rpartition("=")
            if not sep or not header_key(header):
                raise UserError(f"--column: expected HEADER=FIELD, got {item!r}")
            mapped[header_key(header)] = name.strip()
        new = RollSettings(
            mapped,
            date_format or (None if clear else old.date_format),
            encoding or (None if clear else old.encoding),
        )
        if new != old:
            s.importer.save_settings(principal, organisation, new)
            click.echo(f"saved the import settings of {organisation!r}")
    shown = ", ".join(f"{k}={v}" for k, v in sorted(new.columns.items())) or "none (guessed)"
    click.echo(f"columns: {shown}")
    click.echo(f"date format: {new.date_format or 'YYYY-MM-DD only'}")
    click.echo(f"encoding: {new.encoding or 'detected (UTF-8, else Windows-1252)'}")
    if check_file is not None:
        table = read_table(read_bytes(check_file), check_file.name, encoding=new.encoding)
        mapping = map_columns(table.headers, new, check_file.name, REQUIRED)
        click.echo(f"{check_file.name} (read as {table.encoding}): {mapping.describe()}")


def _overrides(values: tuple[str, ...], option: str) -> tuple[EntitlementOverride, ...]:
    out = []
    for value in values:
        member, sep, reason = value.partition(":")
        if not sep or not member.strip() or not reason.strip():
            raise UserError(f"{option}: expected MEMBER:REASON, got {value!r}")
        out.append(EntitlementOverride(member.strip(), reason.strip()))
    return tuple(out)


@roll_group.command("rules")
@click.argument("ballot")
@click.option("--org", "organisation", required=True, help="The organisation the ballot is for.")
@click.option(
    "--kind",
    "ballot_kind",
    required=True,
    help="trigger, selection, leadership, industrial-action, ... (suspensions can be "
    "limited to some kinds).",
)
@click.option(
    "--basis",
    required=True,
    help='What the rules rest on, e.g. "NEC procedural guidelines 2021, para 4".',
)
@click.option(
    "--qualifying-date",
    required=True,
    metavar="YYYY-MM-DD",
    help="The date every check is measured at.",
)
@click.option(
    "--freeze-date",
    default=None,
    metavar="YYYY-MM-DD",
    help="Members must have joined on or before this date.",
)
@click.option(
    "--min-months",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Months of continuous membership needed at the qualifying date.",
)
@click.option(
    "--arrears-grace",
    type=click.IntRange(min=0),
    default=None,
    help="Check the subscription is paid: months of grace after it lapses (default: not checked).",
)
@click.option(
    "--unit",
    "units",
    multiple=True,
    metavar="UNIT",
    help="Only members of this unit or a unit beneath it (repeatable).",
)
@click.option(
    "--contest-by-unit",
    is_flag=True,
    help="Each --unit is a contest of its own, voted in by its own members only (a trigger "
    "ballot's branches: the contest ids are the unit ids; spec §10.4.1).",
)
@click.option(
    "--entitlement-basis",
    default=None,
    help="Union ballots (TULRCA s.227): why these members are entitled to vote.",
)
@click.option(
    "--entitled-unit",
    multiple=True,
    metavar="UNIT",
    help="Entitled: members at this workplace or branch (repeatable).",
)
@click.option(
    "--entitled-category",
    multiple=True,
    metavar="CATEGORY",
    help="Entitled: members in this job category (repeatable).",
)
@click.option(
    "--include",
    multiple=True,
    metavar="MEMBER:REASON",
    help="Add a member to the entitlement list, with the reason.",
)
@click.option(
    "--exclude",
    multiple=True,
    metavar="MEMBER:REASON",
    help="Take a member off the entitlement list, with the reason.",
)
@principal_option(Role.OFFICER)
@db_options
def roll_rules(
    ballot: str,
    organisation: str,
    ballot_kind: str,
    basis: str,
    qualifying_date: str,
    freeze_date: str | None,
    min_months: int,
    arrears_grace: int | None,
    units: tuple[str, ...],
    contest_by_unit: bool,
    entitlement_basis: str | None,
    entitled_unit: tuple[str, ...],
    entitled_category: tuple[str, ...],
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    principal: Principal,
    db: Database,
) -> None:
    """Set who may vote in BALLOT (its id is also the election's id); each call is a new version.

    Every check and its reason is kept for each member (docs/service/eligibility.md).
    """
    entitlement = None
    if entitlement_basis or entitled_unit or entitled_category or include or exclude:
        if not entitlement_basis:
            raise UserError("an entitlement list needs --entitlement-basis (why these members)")
        entitlement = EntitlementList(
            entitlement_basis,
            frozenset(entitled_unit) or None,
            frozenset(entitled_category) or None,
            _overrides(include, "--include"),
            _overrides(exclude, "--exclude"),
        )
    qualifying = parse_date(qualifying_date, "--qualifying-date")
    rules = EligibilityRules(
        ballot_id=ballot,
        organisation_id=organisation,
        ballot_kind=ballot_kind,
        basis=basis,
        qualifying_date=qualifying,
        freeze_date=optional_date(freeze_date, "--freeze-date"),
        minimum_membership_months=min_months,
        arrears_grace_months=arrears_grace,
        units=frozenset(units) or None,
        entitlement=entitlement,
        contest_by_unit=contest_by_unit,
    )
    with open_services(db) as s:
        version = s.eligibility.set_rules(principal, rules)
    click.echo(f"eligibility rules for {ballot!r} stored as version {version}")


@roll_group.command("preview")
@click.argument("ballot")
@click.option("--all", "show_all", is_flag=True, help="List eligible members too.")
@principal_option(Role.OFFICER)
@db_options
def roll_preview(ballot: str, show_all: bool, principal: Principal, db: Database) -> None:
    """Show who would be eligible for BALLOT under its latest rules, and why (stores nothing)."""
    with open_services(db) as s:
        decisions = s.eligibility.preview(principal, ballot)
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Eligibility for {ballot}")
    for column in ("member", "eligible", "reason"):
        table.add_column(column, overflow="fold")
    for d in sorted(decisions, key=lambda d: d.member_id):
        if show_all or not d.eligible:
            table.add_row(d.member_id, "yes" if d.eligible else "NO", d.reason)
    Console(width=140).print(table)
    eligible = sum(d.eligible for d in decisions)
    click.echo(f"{eligible} of {len(decisions)} members eligible")


@roll_group.command("freeze")
@click.argument("ballot")
@click.option(
    "--reason",
    required=True,
    help='Why the roll is frozen now, e.g. "freeze date passed; NEC timetable".',
)
@principal_option(Role.OFFICER)
@db_options
def roll_freeze(ballot: str, reason: str, principal: Principal, db: Database) -> None:
    """Freeze BALLOT's roll: decide every member under the latest rules and commit the roll.

    A later freeze makes a new version; changes to members after it are in the audit log.
    """
    with open_services(db) as s:
        header = s.rolls.freeze(principal, ballot, reason)
    click.echo(
        f"roll of {ballot!r} frozen as version {header.version}: {header.eligible} of "
        f"{header.size} members eligible; root {header.root}"
    )


@roll_group.command("receipt")
@click.argument("ballot")
@click.argument("member")
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="Where to write the member's inclusion proof (JSON).",
)
@principal_option(Role.OFFICER)
@db_options
def roll_receipt(ballot: str, member: str, out: Path, principal: Principal, db: Database) -> None:
    """Give MEMBER the proof that they are on BALLOT's frozen roll (checked with roll-proof).

    Prints the member's secret salt: give it to the member only.
    """
    with open_services(db) as s:
        receipt = s.rolls.receipt(principal, ballot, member)
    from clearcount.record.roll_file import proof_document

    write_json(
        out,
        proof_document(
            receipt.proof, receipt.entry.status, receipt.entry.weight, receipt.entry.contests
        ),
        private=True,
    )
    click.echo(f"member {member} is {receipt.entry.status} on {ballot!r}; proof in {out}")
    click.echo(f"salt (for the member only): {receipt.salt_hex}")


@roll_group.command("history")
@click.argument("organisation")
@click.option("--member", default=None, help="Only this member's record.")
@principal_option(Role.OFFICER)
@db_options
def roll_history(organisation: str, member: str | None, principal: Principal, db: Database) -> None:
    """Show the audit log of ORGANISATION (who changed what, when, old and new value)."""
    with open_services(db) as s:
        s.audit.verify()
        events = s.audit.history(
            principal, organisation, None if member is None else f"member:{member}"
        )
    for e in events:
        field = f" {e.field}: {e.old} -> {e.new}" if e.field else ""
        note = f" ({e.note[:80]})" if e.note and not field else ""
        click.echo(f"{e.seq:>5} {e.at} {e.actor}: {e.action} {e.subject}{field}{note}")
    click.echo(f"{len(events)} events; the audit chain is intact")
