"""`clearcount appeal ...`: a complaint with its grounds, the panel's evidence, the decision.

docs/steps/13-appeal.md. Anyone may lodge a complaint; the panel gets one zip with the record
(to re-verify themselves), the verifier's report, the audit log's events about the election
and the turnout per channel; the panel's decision is stored once, with its reasons. Service:
`service.elections.appeals`.
"""

from __future__ import annotations

from pathlib import Path

import click

from clearcount.service.authorisation import Principal, Role

from .choices import DECISIONS
from .common import Database, db_options, principal_option, progress
from .context import open_services

__all__ = ["appeal_group"]


@click.group("appeal")
def appeal_group() -> None:
    """Complaints against an election, and the appeal panel's evidence and decision."""


@appeal_group.command("lodge")
@click.argument("election")
@click.option("--by", "appellant", required=True, help="Who complains (name and role).")
@click.option("--grounds", required=True, help="What is alleged, in a sentence or two.")
@db_options
def appeal_lodge(election: str, appellant: str, grounds: str, db: Database) -> None:
    """Lodge a complaint against ELECTION, with its grounds; prints the appeal's id."""
    with open_services(db) as s:
        appeal = s.appeals.lodge(Principal(appellant, Role.OBSERVER), election, grounds)
    click.echo(f"appeal {appeal.appeal_id} lodged by {appellant} at {appeal.lodged_at}")


@appeal_group.command("list")
@click.argument("election")
@principal_option(Role.OFFICER)
@db_options
def appeal_list(election: str, principal: Principal, db: Database) -> None:
    """List ELECTION's appeals and their decisions."""
    with open_services(db) as s:
        appeals = s.appeals.appeals(principal, election)
    for a in appeals:
        decided = f"{a.decision} ({a.decided_by}, {a.decided_at})" if a.decision else "pending"
        click.echo(f"{a.appeal_id}: {a.appellant}: {a.grounds} -> {decided}")
    if not appeals:
        click.echo(f"no appeals against {election!r}")


@appeal_group.command("evidence")
@click.argument("appeal_id", metavar="APPEAL")
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="The evidence zip to write for the panel.",
)
@principal_option(Role.OFFICER)
@db_options
def appeal_evidence(appeal_id: str, out: Path, principal: Principal, db: Database) -> None:
    """Write the appeal panel's evidence bundle for APPEAL (a zip; producing it is audited)."""
    with open_services(db) as s, progress("collecting the evidence", None):
        bundle = s.appeals.evidence_bundle(principal, appeal_id, out)
    verdict = "verifies" if bundle.verified else "DOES NOT VERIFY"
    click.echo(
        f"evidence for {appeal_id} in {out}: {', '.join(bundle.files)}; the record "
        f"(head {bundle.record_head[:16]}…) {verdict}"
    )


@appeal_group.command("decide")
@click.argument("appeal_id", metavar="APPEAL")
@click.option("--decision", type=click.Choice(DECISIONS), required=True)
@click.option("--reasons", required=True, help="The panel's reasons.")
@principal_option(Role.APPEAL_PANEL)
@db_options
def appeal_decide(
    appeal_id: str, decision: str, reasons: str, principal: Principal, db: Database
) -> None:
    """Record the panel's decision on APPEAL, with its reasons (once only)."""
    with open_services(db) as s:
        appeal = s.appeals.decide(principal, appeal_id, decision, reasons)
    click.echo(f"appeal {appeal.appeal_id}: {decision} by {principal.name} at {appeal.decided_at}")
