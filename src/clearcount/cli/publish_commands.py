"""`clearcount publish`: write the election record for everyone, and verify what was written.

docs/steps/11-publish.md. The record is written as a folder (record.jsonl) or a .zip, then the
independent verifier checks that very file, not the database. A record that does not verify is
still written and the failures are shown: exit status 1. Service: `service.elections.publication`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from clearcount.service.authorisation import Principal, Role

from .common import Database, db_options, principal_option, progress
from .context import open_services

__all__ = ["publish_command"]


@click.command("publish")
@click.argument("election")
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="Where to write the record: a folder, or a file ending in .zip.",
)
@principal_option(Role.OFFICER)
@db_options
def publish_command(election: str, out: Path, principal: Principal, db: Database) -> None:
    """Publish ELECTION's record (no personal data) and verify the published copy.

    Anyone can then check it with `clearcount verify`. Publishing again later (after an
    appeal, say) writes a new copy that `clearcount verify-diff` shows extends the old one.
    """
    if out.exists() and (out.is_file() or any(out.iterdir())):
        raise click.UsageError(f"{out} already exists; publish to a new place")
    with open_services(db) as s, progress("writing and verifying the record", None):
        publication = s.publication.publish(principal, election, out)
    report = publication.report
    verdict = "VERIFIED" if publication.verified else "NOT VERIFIED"
    click.echo(
        f"published {election!r}: {publication.events} events in {out}; head {publication.head}"
    )
    click.echo(f"{verdict} by the independent verifier: {len(report.failed())} checks failed")
    for outcome in report.failed():
        click.echo(
            f"  FAILED {outcome.spec.id} ({outcome.spec.section}): {outcome.detail}", err=True
        )
    if not publication.verified:
        sys.exit(1)
