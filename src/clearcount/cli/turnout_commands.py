"""`clearcount election turnout | not-voted | remind | edit` (issue 11): following a ballot
while it is open, reminding those who have not voted, and changing a ballot before it opens.

Times are entered and shown in Europe/London with the zone (service.london_time). Services:
`service.turnout`, `service.reminders`, `BallotService.edit`.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click

from clearcount.service.authorisation import Principal, Role
from clearcount.service.london_time import show_london

from .common import Database, UserError, db_options, principal_option, read_json
from .context import definition, open_services

__all__ = ["election_edit", "election_not_voted", "election_remind", "election_turnout"]


@click.command("turnout")
@click.argument("election")
@principal_option(Role.OFFICER)
@db_options
def election_turnout(election: str, principal: Principal, db: Database) -> None:
    """Turnout so far: by channel and by branch or workplace (small cells hidden)."""
    with open_services(db) as s:
        t = s.turnout.turnout(principal, election)
    share = f" ({100 * t.voted / t.eligible:.1f}%)" if t.eligible else ""
    click.echo(f"{election}: {t.phase}; {t.voted} of {t.eligible} eligible members voted{share}")
    for c in t.channels:
        click.echo(f"  {c.channel:<8} {c.voters} counted")
    for u in t.units:
        cell = (
            f"fewer than {t.suppress_below} members or hidden so others cannot be deduced"
            if u.suppressed
            else f"{u.voted} of {u.eligible}"
        )
        click.echo(f"  {u.kind:<10} {u.name}: {cell}")


@click.command("not-voted")
@click.argument("election")
@click.option("--purpose", required=True, help="Why you need the list (goes in the audit log).")
@principal_option(Role.OFFICER)
@db_options
def election_not_voted(election: str, purpose: str, principal: Principal, db: Database) -> None:
    """Eligible members who have not voted yet, tab-separated, for reminders (audited)."""
    with open_services(db) as s:
        members = s.turnout.not_voted(principal, election, purpose)
    click.echo("member_id\tname\temail\tpostcode")
    for m in members:
        click.echo(f"{m.member_id}\t{m.name}\t{m.email}\t{m.postcode}")
    click.echo(f"{len(members)} members have not voted", err=True)


@click.command("remind")
@click.argument("election")
@principal_option(Role.OFFICER)
@db_options
def election_remind(election: str, principal: Principal, db: Database) -> None:
    """Email a reminder to members who have not voted; at most one round per configured
    interval ([reminders] every_hours), so it can run from a scheduler. Re-running finishes
    a round cut short, sending only to those not yet reminded."""
    with open_services(db) as s:
        if s.mailer is None:
            raise UserError(
                "no SMTP server configured: set [smtp] in --config or CLEARCOUNT_SMTP_HOST"
            )
        r = s.reminders.remind(principal, election, s.mailer)
    click.echo(
        f"round {r.round}: {r.sent} reminded now, {r.already} earlier in this round, "
        f"{r.without_email} without an email (send them a letter)"
    )
    for member, reason in r.failed:
        click.echo(f"  not sent to {member}: {reason}", err=True)
    if r.failed:
        raise UserError(f"{len(r.failed)} not sent; run it again to retry only those")
    click.echo(f"next round from {r.next_from}")


@click.command("edit")
@click.argument("election")
@click.option("--title", default=None, help="A new title.")
@click.option("--opens", default=None, metavar="DATE-TIME", help="New opening (London time).")
@click.option("--closes", default=None, metavar="DATE-TIME", help="New closing (London time).")
@click.option(
    "--contests", "contests_file", default=None, type=click.Path(path_type=Path),
    help="A new contests JSON file (replaces all contests).",
)  # fmt: skip
@principal_option(Role.OFFICER)
@db_options
def election_edit(
    election: str,
    title: str | None,
    opens: str | None,
    closes: str | None,
    contests_file: Path | None,
    principal: Principal,
    db: Database,
) -> None:
    """Change a defined ballot before it opens (refused after the key ceremony or the
    opening time); each change goes in the audit log."""
    from clearcount.service.elections.contests_file import (
        contests_from_document as contests_from_json,
    )

    from .common import parse_instant

    with open_services(db) as s:
        old = definition(s, election)
        changes: dict[str, object] = {}
        if title is not None:
            changes["title"] = title
        if opens is not None:
            changes["opens"] = parse_instant(opens, "--opens")
        if closes is not None:
            changes["closes"] = parse_instant(closes, "--closes")
        if contests_file is not None:
            changes["contests"] = contests_from_json(
                read_json(contests_file), str(contests_file), None
            )
        if not changes:
            raise UserError("nothing to change: give --title, --opens, --closes or --contests")
        made = s.ballots.edit(principal, election, dataclasses.replace(old, **changes))  # type: ignore[arg-type]
        new = definition(s, election)
    if not made:
        click.echo(f"{election}: nothing changed")
    for c in made:
        click.echo(f"{election}: {c.field} changed")
    click.echo(f"  opens {show_london(new.opens)}, closes {show_london(new.closes)}")
