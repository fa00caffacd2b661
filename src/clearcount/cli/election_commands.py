"""`clearcount election ...`: define a ballot, open it, see where it stands, close it.

The ballot officer's steps 03 (define the ballot and its contests), 06 (open: publish the
credentials) and 08 (close) of docs/steps/. Services: `service.elections.ballots`,
`service.elections.closing`, `service.elections.register`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from clearcount.core.errors import ClearcountError
from clearcount.service.authorisation import Principal, Role
from clearcount.service.errors import NotFoundError
from clearcount.service.london_time import show_london

from .common import (
    Database,
    UserError,
    db_options,
    parse_instant,
    principal_option,
    read_json,
)
from .context import open_services

if TYPE_CHECKING:
    from clearcount.record.events import PostalRules

__all__ = ["election_group"]


@click.group("election")
def election_group() -> None:
    """Define a ballot, open it for voting, follow it, close it."""


def _postal_rules(
    papers: str | None, workplaces: tuple[str, ...], aggregation: str
) -> PostalRules | None:
    """--papers, --workplace and --aggregation as the Setup's postal rules (spec §11.12);
    each workplace's electorate is counted on the frozen roll when the Setup is drafted."""
    from clearcount.record.events import PostalRules, Workplace

    if papers is None:
        if workplaces:
            raise UserError("--workplace: give --papers postal (workplace ballots are postal)")
        return None
    try:
        return PostalRules(
            papers,
            aggregation if workplaces else "single",
            tuple(Workplace(w, 1) for w in workplaces),
        )
    except ClearcountError as error:
        raise UserError(f"--papers/--workplace: {error}") from None


@election_group.command("define")
@click.argument("election")
@click.option("--org", "organisation", required=True, help="Whose ballot it is.")
@click.option(
    "--title",
    required=True,
    help='As voters will see it, e.g. "Selection of the parliamentary candidate".',
)
@click.option(
    "--opens",
    required=True,
    metavar="DATE-TIME",
    help="When voting opens, e.g. 2031-05-01T09:00Z (UTC unless an offset is given).",
)
@click.option("--closes", required=True, metavar="DATE-TIME", help="When voting closes.")
@click.option(
    "--contests",
    "contests_file",
    required=True,
    type=click.Path(path_type=Path),
    help="The questions and candidates: a contests JSON file (see docs/steps).",
)
@click.option(
    "--authority",
    required=True,
    help='The independent scrutineer who issues the credentials, e.g. "Civica Election Services".',
)
@click.option(
    "--trustee",
    "trustees",
    multiple=True,
    required=True,
    metavar="NAME",
    help="A trustee who holds a share of the decryption key (repeat for each).",
)
@click.option(
    "--threshold",
    type=click.IntRange(min=1),
    required=True,
    help="How many trustees are needed to decrypt the result.",
)
@click.option(
    "--teller",
    "tellers",
    multiple=True,
    required=True,
    metavar="NAME",
    help="One of the two tellers who enter meeting and postal papers (give two).",
)
@click.option(
    "--channels",
    default="meeting,postal,online",
    show_default=True,
    help="Ways to vote, highest precedence first: a meeting or postal ballot "
    "cancels the member's online vote.",
)
@click.option(
    "--papers",
    type=click.Choice(["postal", "hybrid"]),
    default=None,
    help="Numbered voting papers posted by the scrutineer (TULRCA s.229): postal only, or "
    "hybrid (each paper carries the online credential). See docs/steps/15.",
)
@click.option(
    "--workplace",
    "workplaces",
    multiple=True,
    metavar="UNIT",
    help="A workplace (a roll unit id) of separate workplace ballots, s.228 (repeatable).",
)
@click.option(
    "--aggregation",
    type=click.Choice(["separate", "aggregate"]),
    default="separate",
    show_default=True,
    help="With --workplace: each workplace's result stands alone, or aggregated (s.228A).",
)
@principal_option(Role.OFFICER)
@db_options
def election_define(
    election: str,
    organisation: str,
    title: str,
    opens: str,
    closes: str,
    contests_file: Path,
    authority: str,
    trustees: tuple[str, ...],
    threshold: int,
    tellers: tuple[str, ...],
    channels: str,
    papers: str | None,
    workplaces: tuple[str, ...],
    aggregation: str,
    principal: Principal,
    db: Database,
) -> None:
    """Define ELECTION: its contests, timetable, trustees, tellers and ways to vote.

    ELECTION is the same id as the ballot whose eligibility rules and roll you set with
    `clearcount roll rules` and `clearcount roll freeze`.
    """
    from clearcount.service.elections.contests_file import (
        contests_from_document as contests_from_json,
    )
    from clearcount.service.elections.records import BallotDefinition

    if len(tellers) != 2:
        raise UserError(f"--teller: expected exactly two tellers, got {len(tellers)}")
    document = read_json(contests_file)
    with open_services(db) as s:
        try:
            eligible: int | None = s.rolls.snapshot(principal, election).header.eligible
        except NotFoundError:  # no frozen roll yet: only "entitled": "roll" needs one
            eligible = None
        definition = BallotDefinition(
            election_id=election,
            organisation_id=organisation,
            title=title,
            opens=parse_instant(opens, "--opens"),
            closes=parse_instant(closes, "--closes"),
            contests=contests_from_json(document, str(contests_file), eligible),
            credential_authority=authority,
            trustees=trustees,
            threshold=threshold,
            tellers=(tellers[0], tellers[1]),
            channels=tuple(c.strip() for c in channels.split(",") if c.strip()),
            postal=_postal_rules(papers, workplaces, aggregation),
        )
        s.ballots.define(principal, definition)
    click.echo(f"defined election {election!r}: {title}")
    for c in definition.contests:
        click.echo(f"  contest {c.id} ({c.method}, {c.seats} seat(s)): {', '.join(c.candidates)}")
    click.echo(
        f"  trustees {', '.join(trustees)} ({threshold} needed); tellers "
        f"{tellers[0]} and {tellers[1]}; channels {channels}"
    )


@election_group.command("setup-record")
@click.argument("election")
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder to write the record holding the Setup (for the scrutineer).",
)
@db_options
def election_setup_record(election: str, out: Path, db: Database) -> None:
    """Write ELECTION's Setup (event 0) for the credential authority, after the key ceremony."""
    from clearcount.record.archive import write_record

    with open_services(db) as s:
        event = s.ballots.setup_event(election)
    if out.exists() and any(out.iterdir()):
        raise UserError(f"{out} exists and is not empty")
    write_record([event], out)
    click.echo(f"Setup of {election!r} in {out}/; fingerprint {event.hash}")


@election_group.command("credential-roll")
@click.argument("election")
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="Where to write the eligible members' contact list for the scrutineer.",
)
@principal_option(Role.OFFICER)
@db_options
def election_credential_roll(election: str, out: Path, principal: Principal, db: Database) -> None:
    """Export the eligible members' contact details for the credential authority (audited).

    Members with an email address get it by email, the others by post.
    """
    from clearcount.service.roles.credential_authority import ROLL_FORMAT, recipients_from_snapshot

    from .common import write_json

    with open_services(db) as s:
        stored = s.ballots.status(election)
        snapshot = s.rolls.snapshot(principal, election, stored.roll_version)
        members = {
            m.member_id: m for m in s.members.list_members(principal, stored.organisation_id)
        }
        recipients = recipients_from_snapshot(snapshot, members)
        s.audit.record_access(
            principal,
            stored.organisation_id,
            f"election:{election}",
            f"credential roll for the credential authority, to {out}",
        )
    document = {
        "format": ROLL_FORMAT,
        "roll_root": snapshot.header.root,
        "members": [
            {
                "member_id": r.member_id,
                "name": r.name,
                "channel": r.channel,
                **({"email": r.email} if r.email else {}),
                **({"address": list(r.address)} if r.address else {}),
                **({"weight": r.weight} if r.weight != 1 else {}),
                **({"contests": list(r.contests)} if r.contests else {}),
            }
            for r in recipients
        ],
    }
    write_json(out, document, private=True)
    click.echo(
        f"{len(recipients)} eligible members in {out} (personal data: give it only to "
        "the credential authority)"
    )


@election_group.command("open")
@click.argument("election")
@click.option(
    "--credentials",
    "public_file",
    required=True,
    type=click.Path(path_type=Path),
    help="The public credential list from the credential authority.",
)
@principal_option(Role.OFFICER)
@db_options
def election_open(election: str, public_file: Path, principal: Principal, db: Database) -> None:
    """Publish the credential authority's public credentials: ELECTION is then open.

    The file must be for this election (its fingerprint is checked) and hold exactly one
    credential per eligible member.
    """
    from clearcount.record.events import Credentials

    document = read_json(public_file)
    if not isinstance(document, dict) or "body" not in document:
        raise UserError(f'{public_file}: expected the public credential list (with a "body")')
    with open_services(db) as s:
        setup = s.ballots.setup_event(election)
        if document.get("fingerprint") != setup.hash:
            raise UserError(
                f"{public_file}: its fingerprint {str(document.get('fingerprint'))[:16]}… is not "
                f"election {election!r}'s {setup.hash[:16]}…"
            )
        body = Credentials.from_body(document["body"], str(public_file))
        event = s.ballots.publish_credentials(principal, election, body)
        status = s.ballots.status(election)
    click.echo(
        f"published {len(body.credentials)} credentials as event {event.seq}; "
        f"election {election!r} is {status.phase} ({show_london(status.opens)} to "
        f"{show_london(status.closes)})"
    )


@election_group.command("status")
@click.argument("election")
@db_options
def election_status(election: str, db: Database) -> None:
    """Where ELECTION stands: its phase, the ballots cast and the turnout per channel."""
    with open_services(db) as s:
        st = s.ballots.status(election)
        stats = s.register.statistics(election)
    click.echo(
        f"{st.title} ({election}): {st.phase}; {show_london(st.opens)} to {show_london(st.closes)}"
    )
    click.echo(
        f"  record: {st.events} events, {st.ballots} online ballots; fingerprint "
        f"{st.fingerprint or '(no key ceremony yet)'}"
    )
    click.echo(
        f"  turnout: {stats.voted} of {stats.eligible} eligible members voted "
        f"({stats.revotes} online re-votes)"
    )
    for c in stats.channels:
        click.echo(f"    {c.channel:<8} {c.voters} counted, {c.marks} register lines")


@election_group.command("close")
@click.argument("election")
@click.option("--reason", default="", help="Needed to close before the published closing time.")
@principal_option(Role.OFFICER)
@db_options
def election_close(election: str, reason: str, principal: Principal, db: Database) -> None:
    """Close ELECTION to online voting (meeting and postal papers may follow until the count)."""
    with open_services(db) as s:
        report = s.closing.close(principal, election, reason=reason)
    early = " (early: reason in the audit log)" if report.early else ""
    click.echo(
        f"closed {election!r} at {show_london(report.closed_at)}{early}: {report.ballots} online "
        "ballots on the record"
    )
