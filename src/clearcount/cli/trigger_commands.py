"""`clearcount trigger ...`: a Labour trigger ballot of a CLP's branches and affiliates.

docs/steps/14-trigger-ballot.md. Each party branch's members vote yes/no in their own
election (an ordinary `clearcount election`, its roll the branch's members: `roll rules
--unit BRANCH`). Each affiliate's officer makes the affiliate's key on their own machine
(`clearcount affiliate init`) and hands over the public card (`create --affiliate-card`); the
returning officer signs the list of bodies before any branch election opens (`fix-bodies`);
each affiliate's officer signs the affiliate's vote under that list on their own machine
(`affiliate-sign`, no database), and the secretary records the signed vote (`affiliate-vote`);
`declare` counts the bodies under the rule book's profile and writes the public declaration
that `clearcount verify-trigger` checks against the signatures and the branches' records.
Service: `service.trigger.ballots`; signed messages: `record.trigger_signed`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from clearcount.core.canonical import canonical_json
from clearcount.counting.trigger_ballot import PROFILES
from clearcount.record.trigger_signed import (
    VOTES,
    AffiliateVoteAct,
    BodiesList,
    ListedAffiliate,
    sign_affiliate_vote,
    sign_bodies,
)
from clearcount.service.authorisation import Principal, Role
from clearcount.service.elections.role_cards import read_card
from clearcount.service.roles.keys import load_long_term_key

from .common import (
    Database,
    UserError,
    db_options,
    key_file_name,
    principal_option,
    role_passphrase,
)
from .context import open_services

__all__ = ["summary_lines", "trigger_group"]

F = TypeVar("F", bound=Callable[..., Any])


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
            signed = {a["affiliate"]: a for a in document["affiliates"]}  # type: ignore[attr-defined]
            act = signed[body["name"]]
            said = "ABSTAINED" if act["vote"] == "abstain" else vote
            lines.append(f"  affiliate {body['name']}: {said}, signed by {act['officer']}")
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


def _key_file(help_text: str) -> Callable[[F], F]:
    return click.option(
        "--key-file",
        required=True,
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help=f"{help_text}; asks for its passphrase.",
    )


def _out(help_text: str) -> Callable[[F], F]:
    return click.option("--out", type=click.Path(path_type=Path), required=True, help=help_text)


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
    "--affiliate-card",
    "cards",
    multiple=True,
    type=click.Path(path_type=Path),
    help="An affiliate's public card, made by its officer with `clearcount affiliate init "
    '--name "AFFILIATE"` (repeat for each: union branch, socialist society).',
)
@principal_option(Role.OFFICER)
@db_options
def trigger_create(
    trigger: str,
    organisation: str,
    title: str,
    profile: str,
    cards: tuple[Path, ...],
    principal: Principal,
    db: Database,
) -> None:
    """Start the trigger ballot TRIGGER with its affiliates' cards; add branches next."""
    listed = []
    for path in cards:
        card = read_card(path)
        if card.role != "affiliate":
            raise UserError(
                f"{path}: expected an affiliate's card (`clearcount affiliate init`), got a "
                f"{card.role}'s"
            )
        listed.append(ListedAffiliate(card.name, card.key))
    with open_services(db) as s:
        ballot = s.trigger.create(principal, trigger, organisation, title, profile, listed)
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


@trigger_group.command("fix-bodies")
@click.argument("trigger")
@_key_file("The returning officer's key file (`clearcount role init --role officer`)")
@_out("Where to write the signed list, for each affiliate's officer to sign under.")
@principal_option(Role.OFFICER)
@db_options
def trigger_fix_bodies(
    trigger: str, key_file: Path, out: Path, principal: Principal, db: Database
) -> None:
    """Sign and fix TRIGGER's list of bodies, before any branch election opens (officer)."""
    name = key_file_name(key_file)
    secret = load_long_term_key(
        key_file, role_passphrase("officer", name, confirm=False), role="officer"
    )
    with open_services(db) as s:
        draft = s.trigger.draft_bodies(principal, trigger, secret.name, secret.key)
        entry = s.trigger.fix_bodies(principal, sign_bodies(draft, secret.signing))
    _write(out, entry.document)
    click.echo(
        f"list of bodies of {trigger!r} fixed and signed by {secret.name}: "
        f"{len(draft.branches)} branches, {len(draft.affiliates)} affiliates; written to {out}; "
        f"sha256 {entry.hash}"
    )


@trigger_group.command("affiliate-sign")
@click.argument("bodies", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_key_file("Your affiliate key file (`clearcount affiliate init`)")
@click.option(
    "--vote",
    type=click.Choice(VOTES),
    required=True,
    help="yes: reselect the MP without a selection; no: ask for an open selection; abstain.",
)
@click.option("--officer", required=True, help="Your name, the affiliate's officer signing.")
@_out("Where to write the signed vote, to hand to the returning officer.")
def trigger_affiliate_sign(
    bodies: Path, key_file: Path, vote: str, officer: str, out: Path
) -> None:
    """Sign your affiliate's VOTE under the signed list BODIES (on your own machine).

    The list is checked first: the returning officer's signature, and that it gives your
    affiliate your key. Needs no database."""
    try:
        listed = BodiesList.from_json(json.loads(bodies.read_bytes()), str(bodies))
    except (OSError, ValueError) as error:
        raise UserError(f"{bodies}: not a readable signed list of bodies ({error})") from None
    affiliate = key_file_name(key_file)
    secret = load_long_term_key(
        key_file, role_passphrase("affiliate", affiliate, confirm=False), role="affiliate"
    )
    act = sign_affiliate_vote(listed, secret.name, officer, vote, secret.signing)
    _write(out, canonical_json(act.to_json()).decode("utf-8"))
    click.echo(
        f"{secret.name}: {vote.upper()} signed by {officer} for trigger ballot "
        f"{listed.trigger_id!r} (list {listed.hash[:16]}…), written to {out}"
    )


@trigger_group.command("affiliate-vote")
@click.argument("trigger")
@click.option(
    "--signed",
    "signed_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The vote as the affiliate's officer signed it (`clearcount trigger affiliate-sign`).",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Replace the vote already recorded for this affiliate (both stay in the audit log).",
)
@principal_option(Role.OFFICER)
@db_options
def trigger_affiliate_vote(
    trigger: str, signed_path: Path, replace: bool, principal: Principal, db: Database
) -> None:
    """Record in TRIGGER the vote an affiliate's officer signed (its signature is checked)."""
    try:
        act = AffiliateVoteAct.from_json(json.loads(signed_path.read_bytes()), str(signed_path))
    except (OSError, ValueError) as error:
        raise UserError(f"{signed_path}: not a readable signed affiliate vote ({error})") from None
    with open_services(db) as s:
        entry = s.trigger.record_affiliate_vote(principal, trigger, act, replace=replace)
    verb = "replaced with" if replace else "recorded:"
    click.echo(
        f"{act.affiliate}: vote {verb} {entry.vote.upper()} (signed by {act.officer}, "
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
@_out("Where to write the public declaration (JSON) for `clearcount verify-trigger`.")
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
                f"{v.vote.upper()} (signed by {v.officer}, recorded {v.recorded_at}"
                + (", replacing an earlier vote)" if v.replaces else ")")
            )
        )
        click.echo(f"  affiliate {affiliate}: {said}")
    if status.bodies is not None:
        click.echo(
            f"list of bodies fixed by {status.bodies.fixed_by} at {status.bodies.fixed_at}; "
            f"sha256 {status.bodies.hash}"
        )
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
