"""`clearcount trigger ...`: a Labour trigger ballot of a CLP's branches and affiliates.

docs/steps/14-trigger-ballot.md. Each party branch's members vote yes/no in their own
election (an ordinary `clearcount election`, its roll the branch's members: `roll rules
--unit BRANCH`); each affiliate's officer gives the affiliate's vote, which the secretary
records; `declare` counts the bodies under the rule book's profile and writes the public
declaration that `clearcount verify-trigger` checks against the branches' records.
Service: `service.trigger`.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from clearcount.counting.trigger_ballot import PROFILES
from clearcount.service.authorisation import Principal, Role

from .common import Database, UserError, db_options, principal_option
from .context import open_services

__all__ = ["summary_lines", "trigger_group"]


@click.group("trigger")
def trigger_group() -> None:
    """A trigger ballot: do the CLP's branches and affiliates want an open selection?

    Each branch's members vote in their own yes/no election; each affiliate's vote is
    given by one of its officers. YES means reselect the sitting MP without an open
    selection; NO asks for an open selection.
    """


def summary_lines(document: dict[str, object]) -> list[str]:
    """The declaration as a secretary reads it out: each body, the test, the verdict."""
    count = document["count"]
    assert isinstance(count, dict)
    outcome = count["outcome"]
    lines = [f"{document['title']} (profile {document['profile']})"]
    branches = {str(b["name"]): b for b in document["branches"]}  # type: ignore[attr-defined]
    for body in outcome["bodies"]:
        vote = (body["vote"] or "no vote").upper()
        if body["kind"] == "branch":
            b = branches[body["name"]]
            lines.append(f"  branch {body['name']}: members {b['yes']} yes, {b['no']} no -> {vote}")
        else:
            officers = {a["name"]: a["officer"] for a in document["affiliates"]}  # type: ignore[attr-defined]
            by = officers.get(body["name"])
            lines.append(f"  affiliate {body['name']}: {vote}" + (f", given by {by}" if by else ""))
    for test in outcome["tests"]:
        if "summary" in test:  # labour-2021: the college, each section's share and the total
            lines.append(f"  test: {test['test']}: {test['summary']}")
            continue
        met = "met" if test["met"] else "not met"
        lines.append(
            f"  test: {test['test']}: {test['counted']} of {test['of']}, "
            f"needed {test['needed']}: {met}"
        )
    verdict = str(document["verdict"]).partition(": ")[2]
    lines.append(
        ("SELECTION TRIGGERED: " if document["triggered"] else "NOT TRIGGERED: ") + verdict
    )
    return lines


@trigger_group.command("create")
@click.argument("trigger")
@click.option("--org", "organisation", required=True, help="The party organisation's id.")
@click.option("--title", required=True, help='e.g. "Ashby Vale CLP trigger ballot 2031".')
@click.option(
    "--profile",
    type=click.Choice(PROFILES),
    required=True,
    help="The rule book in force: labour-2021 (an electoral college, branches 50% and "
    "affiliates 50%, each section's share over its bodies that voted; more than 50% asking "
    "triggers a selection), labour-2018 (a third of branches, or a third of affiliates, "
    "asking triggers one) or labour-pre-2018 (a majority of all bodies pooled).",
)
@click.option(
    "--affiliate",
    "affiliates",
    multiple=True,
    metavar="NAME",
    help="An affiliate entitled to vote (repeat for each: union branch, socialist society).",
)
@principal_option(Role.OFFICER)
@db_options
def trigger_create(
    trigger: str,
    organisation: str,
    title: str,
    profile: str,
    affiliates: tuple[str, ...],
    principal: Principal,
    db: Database,
) -> None:
    """Start the trigger ballot TRIGGER, naming its affiliates; add branches next."""
    with open_services(db) as s:
        ballot = s.trigger.create(principal, trigger, organisation, title, profile, affiliates)
    click.echo(
        f"trigger ballot {trigger!r} created ({ballot.profile}); affiliates: "
        f"{', '.join(ballot.affiliates) or 'none'}"
    )


@trigger_group.command("add-branch")
@click.argument("trigger")
@click.option("--branch", required=True, help="The party branch's name as the result shows it.")
@click.option(
    "--election",
    required=True,
    help="The branch members' yes/no election (defined with `clearcount election define`, "
    "its roll the branch's members).",
)
@principal_option(Role.OFFICER)
@db_options
def trigger_add_branch(
    trigger: str, branch: str, election: str, principal: Principal, db: Database
) -> None:
    """Add a party branch to TRIGGER, with the election in which its members vote."""
    with open_services(db) as s:
        s.trigger.add_branch(principal, trigger, branch, election)
    click.echo(f"branch {branch!r} added to {trigger!r}: its members vote in {election!r}")


@trigger_group.command("affiliate-vote")
@click.argument("trigger")
@click.option("--affiliate", required=True, help="The affiliate whose vote this is.")
@click.option(
    "--vote",
    type=click.Choice(["yes", "no"]),
    required=True,
    help="yes: reselect the MP without a selection; no: ask for an open selection.",
)
@click.option("--officer", required=True, help="The affiliate's officer who gave the vote.")
@click.option(
    "--replace",
    is_flag=True,
    help="Replace the vote already recorded for this affiliate (both stay in the audit log).",
)
@principal_option(Role.OFFICER)
@db_options
def trigger_affiliate_vote(
    trigger: str,
    affiliate: str,
    vote: str,
    officer: str,
    replace: bool,
    principal: Principal,
    db: Database,
) -> None:
    """Record the vote an affiliate's officer gave for the affiliate in TRIGGER."""
    with open_services(db) as s:
        entry = s.trigger.record_affiliate_vote(
            principal, trigger, affiliate, vote, officer, replace=replace
        )
    verb = "replaced with" if replace else "recorded:"
    click.echo(
        f"{affiliate}: vote {verb} {entry.vote.upper()} (given by {officer}, "
        f"recorded by {principal.name} at {entry.recorded_at})"
    )


def _write(out: Path | None, document: str) -> None:
    if out is None:
        return
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(document.encode("utf-8"))
    except OSError as error:
        raise UserError(f"cannot write {out}: {error.strerror}") from None


@trigger_group.command("declare")
@click.argument("trigger")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="Where to write the public declaration (JSON) for `clearcount verify-trigger`.",
)
@principal_option(Role.OFFICER)
@db_options
def trigger_declare(trigger: str, out: Path, principal: Principal, db: Database) -> None:
    """Count TRIGGER once every branch's result is declared and published."""
    with open_services(db) as s:
        entry = s.trigger.declare(principal, trigger)
    _write(out, entry.document)
    for line in summary_lines(json.loads(entry.document)):
        click.echo(line)
    click.echo(f"declaration written to {out}; sha256 {entry.hash}")


@trigger_group.command("show")
@click.argument("trigger")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Also write the declaration (once declared) to this file.",
)
@db_options
def trigger_show(trigger: str, out: Path | None, db: Database) -> None:
    """Show TRIGGER: its branches' elections, the affiliates' votes, the result if declared."""
    with open_services(db) as s:
        status = s.trigger.status(trigger)
    t = status.trigger
    click.echo(f"{t.title} ({t.trigger_id}, profile {t.profile})")
    for b in status.branches:
        state = "result declared" if b.declared else "no result yet"
        click.echo(f"  branch {b.branch.branch}: election {b.branch.election_id} ({state})")
    votes = {v.affiliate: v for v in status.votes}
    for affiliate in t.affiliates:
        v = votes.get(affiliate)
        said = (
            "no vote recorded"
            if v is None
            else (
                f"{v.vote.upper()} (given by {v.officer}, recorded {v.recorded_at}"
                + (", replacing an earlier vote)" if v.replaces else ")")
            )
        )
        click.echo(f"  affiliate {affiliate}: {said}")
    if status.declaration is None:
        click.echo("not declared yet")
        return
    for line in summary_lines(json.loads(status.declaration.document)):
        click.echo(line)
    click.echo(
        f"declared by {status.declaration.declared_by} at "
        f"{status.declaration.declared_at}; sha256 {status.declaration.hash}"
    )
    _write(out, status.declaration.document)
