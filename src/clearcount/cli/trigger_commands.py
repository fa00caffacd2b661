"""`clearcount trigger ...`: a Labour trigger ballot of a CLP's branches and affiliates.

docs/steps/14-trigger-ballot.md. The trigger ballot is ONE election (`clearcount election`,
one key ceremony) with a yes/no contest per party branch, each voted in by that branch's
members only (`roll rules --unit BRANCH ... --contest-by-unit`, the contest ids the branches'
unit ids); `add-branch` names each branch's contest. Each affiliate's officer makes the
affiliate's key on their own machine (`clearcount affiliate init`) and hands over the public
card (`create --affiliate-card`); the returning officer signs the list of bodies before the
election opens (`fix-bodies`); each affiliate's officer signs the affiliate's vote under that
list on their own machine (`affiliate-sign`, no database), and the secretary records the
signed vote (`affiliate-vote`); the returning officer signs an abstention for each body that
did not vote (`abstain`) and enters the chair's casting vote for a tied branch
(`casting-vote`); `declare` counts the bodies under the rule book's profile and writes the
public declaration that `clearcount verify-trigger` checks against the signatures and the
election's record. Service: `service.trigger.ballots`; signed messages: `record.trigger_signed`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from clearcount.core.json_text import load_json
from clearcount.counting.trigger_ballot import PROFILES
from clearcount.service.authorisation import Principal, Role

from .choices import VOTES
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

    One election with a yes/no contest per branch, each branch's members voting in their
    own branch's contest; each affiliate's vote is given by one of its officers. YES means
    reselect the sitting MP without an open selection; NO asks for an open selection.
    """


def summary_lines(document: dict[str, object]) -> list[str]:
    """The declaration as a secretary reads it out: each body, the test, the verdict."""
    count = document["count"]
    assert isinstance(count, dict)
    outcome = count["outcome"]
    lines = [f"{document['title']} (profile {document['profile']})"]
    branches = {str(b["name"]): b for b in document["branches"]}  # type: ignore[attr-defined]
    signed = {a["affiliate"]: a for a in document["affiliates"]}  # type: ignore[attr-defined]
    absent = {a["body"]: a for a in document["abstentions"]}  # type: ignore[attr-defined]
    casting = {c["branch"]: c for c in document["casting_votes"]}  # type: ignore[attr-defined]
    for body in outcome["bodies"]:
        vote = (body["vote"] or "no vote").upper()
        name = body["name"]
        if name in absent:
            lines.append(
                f"  {body['kind']} {name}: ABSTAINED ({absent[name]['reason']}), recorded by "
                "the returning officer"
            )
        elif body["kind"] == "branch":
            b = branches[name]
            how = f", chair {casting[name]['chair']}'s casting vote" if name in casting else ""
            lines.append(f"  branch {name}: members {b['yes']} yes, {b['no']} no -> {vote}{how}")
        else:
            act = signed[name]
            said = "ABSTAINED" if act["vote"] == "abstain" else vote
            lines.append(f"  affiliate {name}: {said}, signed by {act['officer']}")
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
    from clearcount.record.trigger_signed import ListedAffiliate
    from clearcount.service.elections.role_cards import read_card

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
    help="The trigger ballot's one election (`clearcount election define`, a yes-no contest "
    "per branch; the same for every branch).",
)
@click.option(
    "--contest",
    required=True,
    help="The branch's contest in that election: its unit id (the roll rules scope each "
    "contest to its unit's members, `roll rules --unit UNIT --contest-by-unit`).",
)
@principal_option(Role.OFFICER)
@db_options
def trigger_add_branch(
    trigger: str, branch: str, election: str, contest: str, principal: Principal, db: Database
) -> None:
    """Add a party branch to TRIGGER, with its contest in the trigger ballot's election."""
    with open_services(db) as s:
        s.trigger.add_branch(principal, trigger, branch, election, contest)
    click.echo(
        f"branch {branch!r} added to {trigger!r}: its members vote in contest {contest!r} of "
        f"{election!r}"
    )


@trigger_group.command("fix-bodies")
@click.argument("trigger")
@_key_file("The returning officer's key file (`clearcount role init --role officer`)")
@_out("Where to write the signed list, for each affiliate's officer to sign under.")
@principal_option(Role.OFFICER)
@db_options
def trigger_fix_bodies(
    trigger: str, key_file: Path, out: Path, principal: Principal, db: Database
) -> None:
    """Sign and fix TRIGGER's list of bodies, before its election opens (officer)."""
    from clearcount.record.trigger_signed import sign_bodies

    secret = _officer_key(key_file)
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
    from clearcount.core.canonical import canonical_json
    from clearcount.record.trigger_signed import BodiesList, sign_affiliate_vote
    from clearcount.service.roles.keys import load_long_term_key

    try:
        listed = BodiesList.from_json(load_json(bodies.read_bytes()), str(bodies))
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
    from clearcount.record.trigger_signed import AffiliateVoteAct

    try:
        act = AffiliateVoteAct.from_json(load_json(signed_path.read_bytes()), str(signed_path))
    except (OSError, ValueError) as error:
        raise UserError(f"{signed_path}: not a readable signed affiliate vote ({error})") from None
    with open_services(db) as s:
        entry = s.trigger.record_affiliate_vote(principal, trigger, act, replace=replace)
    verb = "replaced with" if replace else "recorded:"
    click.echo(
        f"{act.affiliate}: vote {verb} {entry.vote.upper()} (signed by {act.officer}, "
        f"recorded by {principal.name} at {entry.recorded_at})"
    )


def _officer_key(key_file: Path) -> Any:
    from clearcount.service.roles.keys import load_long_term_key

    name = key_file_name(key_file)
    return load_long_term_key(
        key_file, role_passphrase("officer", name, confirm=False), role="officer"
    )


@trigger_group.command("abstain")
@click.argument("trigger")
@click.option("--body", required=True, help="The branch or affiliate that did not vote.")
@click.option("--reason", required=True, help='Why, e.g. "did not meet" or "no member voted".')
@_key_file("The returning officer's key file (`clearcount role init --role officer`)")
@principal_option(Role.OFFICER)
@db_options
def trigger_abstain(
    trigger: str, body: str, reason: str, key_file: Path, principal: Principal, db: Database
) -> None:
    """Record in TRIGGER that BODY did not vote, signed by the returning officer."""
    from clearcount.record.trigger_signed import sign_abstention

    secret = _officer_key(key_file)
    with open_services(db) as s:
        act = sign_abstention(s.trigger.bodies(trigger), body, reason, secret.signing)
        s.trigger.record_abstention(principal, trigger, act)
    click.echo(f"{body}: recorded as ABSTAINING ({act.reason}), signed by {secret.name}")


@trigger_group.command("casting-vote")
@click.argument("trigger")
@click.option("--branch", required=True, help="The branch whose members tied.")
@click.option("--chair", required=True, help="The chair of the branch meeting who gave it.")
@click.option(
    "--vote",
    type=click.Choice(("yes", "no")),
    required=True,
    help="The chair's casting vote: yes (reselect the MP) or no (ask for a selection).",
)
@_key_file("The returning officer's key file (`clearcount role init --role officer`)")
@principal_option(Role.OFFICER)
@db_options
def trigger_casting_vote(
    trigger: str,
    branch: str,
    chair: str,
    vote: str,
    key_file: Path,
    principal: Principal,
    db: Database,
) -> None:
    """Enter the chair's casting vote for a tied BRANCH of TRIGGER (returning officer)."""
    from clearcount.record.trigger_signed import sign_casting_vote

    secret = _officer_key(key_file)
    with open_services(db) as s:
        _, tallies = s.trigger.tallies(trigger)
        tie = next(((b.yes, b.no) for b in tallies if b.name == branch), None)
        if tie is None:
            raise UserError(
                f"trigger ballot {trigger!r}: no branch {branch!r}; expected one of "
                f"{[b.name for b in tallies]}"
            )
        bodies = s.trigger.bodies(trigger)
        act = sign_casting_vote(bodies, branch, tie, chair, vote, secret.signing)
        s.trigger.record_casting_vote(principal, trigger, act)
    click.echo(
        f"branch {branch}: members tied {tie[0]} to {tie[1]}; chair {act.chair}'s casting vote "
        f"{vote.upper()}, entered and signed by {secret.name}"
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
    """Count TRIGGER once its election's result is declared and published, and every body
    has voted or been recorded as abstaining."""
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
        click.echo(
            f"  branch {b.branch.branch}: contest {b.contest} of election "
            f"{b.branch.election_id} ({state})"
        )
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
    for entry in status.history:
        if entry.vote in ("absent", "casting"):
            what = "abstention" if entry.vote == "absent" else f"casting vote of {entry.officer}"
            click.echo(
                f"  {entry.affiliate}: {what} signed by the returning officer, recorded "
                f"{entry.recorded_at}"
            )
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
