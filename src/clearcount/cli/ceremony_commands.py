"""The distributed key ceremony: `election ceremony start|finish` (the officer) and
`trustee ceremony round1|round2` (each trustee, on its own machine).

docs/steps/04-key-ceremony.md. The messages travel as files in a ceremony folder that the
officer hands round (`service.roles.ceremony_transport`); the trustees' shares in it are encrypted
to their recipient, and each trustee's key share goes only into its own share file.
Services: `service.elections.ballots` (officer), `service.roles.trustee_ceremony` (trustee).
"""

from __future__ import annotations

from pathlib import Path

import click

from clearcount.service.authorisation import Principal, Role
from clearcount.service.roles.ceremony_transport import CeremonyFolder
from clearcount.service.roles.keys import DEFAULT_LOG2_N
from clearcount.service.roles.trustee_ceremony import trustee_round1, trustee_round2

from .common import (
    Database,
    UserError,
    db_options,
    key_file_name,
    principal_option,
    progress,
    role_passphrase,
)
from .context import open_services

__all__ = ["officer_ceremony_group", "trustee_ceremony_group"]

_DIR = click.option(
    "--dir",
    "folder",
    required=True,
    type=click.Path(path_type=Path),
    help="The ceremony folder (the officer hands it round; nothing in it is secret).",
)
_KEY = click.option(
    "--key",
    "key_file",
    required=True,
    type=click.Path(path_type=Path),
    help="Your trustee key file from `trustee init` (asks for its passphrase).",
)


@click.group("ceremony")
def officer_ceremony_group() -> None:
    """The key ceremony, run by the returning officer: start it, then finish it."""


@officer_ceremony_group.command("start")
@click.argument("election")
@_DIR
@principal_option(Role.OFFICER)
@db_options
def ceremony_start(election: str, folder: Path, principal: Principal, db: Database) -> None:
    """Start ELECTION's key ceremony: write the draft Setup into the ceremony folder.

    Needs the frozen roll and every role's registered card. Then each trustee runs
    `trustee ceremony round1`, and after all of them `round2`, on their own machines.
    """
    with open_services(db) as s:
        start = s.ballots.ceremony_start(principal, election, CeremonyFolder(folder))
    click.echo(f"key ceremony of {election!r} started in {folder}")
    click.echo(f"ceremony context {start.context}")
    names = ", ".join(t.name for t in start.trustees)
    click.echo(f"next: each trustee ({names}) runs round 1, then round 2, on their own machine")


@officer_ceremony_group.command("finish")
@click.argument("election")
@_DIR
@principal_option(Role.OFFICER)
@db_options
def ceremony_finish(election: str, folder: Path, principal: Principal, db: Database) -> None:
    """Finish ELECTION's key ceremony: check every trustee's messages and write the Setup.

    Prints the election fingerprint: announce it to voters.
    """
    with open_services(db) as s, progress("checking the ceremony", None):
        report = s.ballots.ceremony_finish(principal, election, CeremonyFolder(folder))
    click.echo(f"key ceremony of {election!r} done: Setup is event 0")
    click.echo(f"election fingerprint: {report.fingerprint}")


@click.group("ceremony")
def trustee_ceremony_group() -> None:
    """Your rounds of the key ceremony, on your own machine."""


@trustee_ceremony_group.command("round1")
@_KEY
@_DIR
def round1_command(key_file: Path, folder: Path) -> None:
    """Round 1: your commitments and one encrypted share for each trustee, signed."""
    name = key_file_name(key_file)
    passphrase = role_passphrase("trustee", name, confirm=False)
    message = trustee_round1(CeremonyFolder(folder), key_file, passphrase)
    click.echo(f"trustee {name}: round 1 written to {folder / f'round1-{message.index}.json'}")


@trustee_ceremony_group.command("round2")
@_KEY
@_DIR
@click.option(
    "--share-out",
    required=True,
    type=click.Path(path_type=Path),
    help="Your new share file (keep it: you decrypt the result with it).",
)
@click.option(
    "--kdf-cost",
    type=click.IntRange(14, 20),
    default=DEFAULT_LOG2_N,
    hidden=True,
    help="log2 of scrypt's N for the share file (lower only for demonstrations).",
)
def round2_command(key_file: Path, folder: Path, share_out: Path, kdf_cost: int) -> None:
    """Round 2: check the shares sent to you; acknowledge them, or complain (signed)."""
    name = key_file_name(key_file)
    passphrase = role_passphrase("trustee", name, confirm=False)
    done = trustee_round2(CeremonyFolder(folder), key_file, passphrase, share_out, log2_n=kdf_cost)
    where = folder / f"round2-{done.message.index}.json"
    if done.share_file is None:
        accused = ", ".join(str(c.accused) for c in done.message.complaints)
        raise UserError(
            f"trustee {name}: the shares of trustee(s) {accused} do not check out; your signed "
            f"complaint is in {where}: the officer will name who is at fault"
        )
    click.echo(f"trustee {name}: round 2 written to {where}; your share file: {share_out}")
