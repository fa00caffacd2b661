"""The distributed key ceremony: `election ceremony start|finish` (the officer) and
`trustee ceremony round1|round2` (each trustee, on its own machine).

docs/steps/04-key-ceremony.md. The messages travel as files in a ceremony folder that the
officer hands round (`service.roles.ceremony_transport`); the trustees' shares in it are encrypted
to their recipient, and each trustee's key share goes only into its own share file.
Services: `service.elections.ballots` (officer), `service.roles.trustee_ceremony` (trustee).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from clearcount.service.authorisation import Principal, Role

from .choices import DEFAULT_LOG2_N
from .common import (
    INPUT_FILE,
    Database,
    UserError,
    db_options,
    key_file_name,
    principal_option,
    progress,
    role_passphrase,
)
from .context import open_services

if TYPE_CHECKING:
    from clearcount.service.roles.ceremony_transport import CeremonyTransport

__all__ = ["officer_ceremony_group", "trustee_ceremony_group"]

_DIR = click.option(
    "--dir",
    "folder",
    default=None,
    type=click.Path(path_type=Path),
    help="The ceremony folder (the officer hands it round; nothing in it is secret). "
    "Without it the messages are kept in the database for the server's role API.",
)
_SERVER = click.option(
    "--server",
    default=None,
    metavar="URL",
    help="The ballot server (`clearcount serve`): fetch and send the messages through its "
    "role API instead of a folder; needs --election.",
)
_ELECTION = click.option(
    "--election", default=None, help="With --server: the election whose ceremony this is."
)


def _trustee_transport(
    folder: Path | None, server: str | None, election: str | None
) -> tuple[CeremonyTransport, str]:
    """The folder, or the server's role API; and where the message goes, to say so."""
    from clearcount.service.roles.ceremony_transport import CeremonyFolder

    if (folder is None) == (server is None):
        raise UserError("give either --dir FOLDER or --server URL (with --election ID)")
    if server is not None:
        from .server_transport import ServerCeremony

        if not election:
            raise UserError("--server: give --election ID too (whose ceremony it is)")
        return ServerCeremony(server, election), server
    assert folder is not None
    return CeremonyFolder(folder), str(folder)


_KEY = click.option(
    "--key",
    "key_file",
    required=True,
    type=INPUT_FILE,
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
def ceremony_start(election: str, folder: Path | None, principal: Principal, db: Database) -> None:
    """Start ELECTION's key ceremony: write the draft Setup into the ceremony folder.

    Needs the frozen roll and every role's registered card. Then each trustee runs
    `trustee ceremony round1`, and after all of them `round2`, on their own machines.
    """
    from clearcount.service.roles.ceremony_transport import CeremonyFolder

    with open_services(db) as s:
        transport = s.ceremony.transport(principal, election) if folder is None else None
        start = s.ballots.ceremony_start(
            principal, election, transport or CeremonyFolder(folder or Path())
        )
    where = folder or "the database (trustees use --server URL --election ID)"
    click.echo(f"key ceremony of {election!r} started in {where}")
    click.echo(f"ceremony context {start.context}")
    names = ", ".join(t.name for t in start.trustees)
    click.echo(f"next: each trustee ({names}) runs round 1, then round 2, on their own machine")


@officer_ceremony_group.command("finish")
@click.argument("election")
@_DIR
@principal_option(Role.OFFICER)
@db_options
def ceremony_finish(election: str, folder: Path | None, principal: Principal, db: Database) -> None:
    """Finish ELECTION's key ceremony: check every trustee's messages and write the Setup.

    Prints the election fingerprint: announce it to voters.
    """
    from clearcount.service.roles.ceremony_transport import CeremonyFolder

    with open_services(db) as s, progress("checking the ceremony", None):
        transport = s.ceremony.transport(principal, election) if folder is None else None
        report = s.ballots.ceremony_finish(
            principal, election, transport or CeremonyFolder(folder or Path())
        )
    click.echo(f"key ceremony of {election!r} done: Setup is event 0")
    click.echo(f"election fingerprint: {report.fingerprint}")


@click.group("ceremony")
def trustee_ceremony_group() -> None:
    """Your rounds of the key ceremony, on your own machine."""


@trustee_ceremony_group.command("round1")
@_KEY
@_DIR
@_SERVER
@_ELECTION
def round1_command(
    key_file: Path, folder: Path | None, server: str | None, election: str | None
) -> None:
    """Round 1: your commitments and one encrypted share for each trustee, signed."""
    from clearcount.service.roles.trustee_ceremony import trustee_round1

    transport, where = _trustee_transport(folder, server, election)
    name = key_file_name(key_file)
    passphrase = role_passphrase("trustee", name, confirm=False)
    message = trustee_round1(transport, key_file, passphrase)
    click.echo(f"trustee {name}: round 1 (round1-{message.index}) sent to {where}")


@trustee_ceremony_group.command("round2")
@_KEY
@_DIR
@_SERVER
@_ELECTION
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
def round2_command(
    key_file: Path,
    folder: Path | None,
    server: str | None,
    election: str | None,
    share_out: Path,
    kdf_cost: int,
) -> None:
    """Round 2: check the shares sent to you; acknowledge them, or complain (signed)."""
    from clearcount.service.roles.trustee_ceremony import trustee_round2

    transport, sent_to = _trustee_transport(folder, server, election)
    name = key_file_name(key_file)
    passphrase = role_passphrase("trustee", name, confirm=False)
    done = trustee_round2(transport, key_file, passphrase, share_out, log2_n=kdf_cost)
    where = f"{sent_to} (round2-{done.message.index})"
    if done.share_file is None:
        accused = ", ".join(str(c.accused) for c in done.message.complaints)
        raise UserError(
            f"trustee {name}: the shares of trustee(s) {accused} do not check out; your signed "
            f"complaint is in {where}: the officer will name who is at fault"
        )
    click.echo(f"trustee {name}: round 2 written to {where}; your share file: {share_out}")
