"""`clearcount trustee ...`: each trustee's own steps in the count.

docs/steps/09-tally-and-decrypt.md (the key ceremony's rounds: `cli.ceremony_commands`). After
close, each trustee shuffles the preferential contests and decrypts with their own share file:
no one trustee can decrypt alone. Services: `service.elections.tally`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from .common import (
    INPUT_FILE,
    Database,
    UserError,
    db_options,
    key_file_name,
    open_role_key,
    progress,
    role_passphrase,
)
from .context import open_services

if TYPE_CHECKING:
    from clearcount.crypto.group import Scalar

__all__ = ["trustee_group"]


@click.group("trustee")
def trustee_group() -> None:
    """The trustees: make the election key together, then decrypt only the result."""


_ROLE_KEY = click.option(
    "--role-key",
    required=True,
    type=INPUT_FILE,
    help="Your trustee key file from `clearcount trustee init`: it signs what you do.",
)


_SERVER = click.option(
    "--server",
    default=None,
    metavar="URL",
    help="The ballot server (`clearcount serve`): fetch the record and send what you computed "
    "and signed through its role API instead of a local database.",
)

_TRIES = 5
"""Shuffles on a server: how often to fetch again when another trustee shuffled first."""


@trustee_group.command("shuffle")
@click.argument("election")
@_ROLE_KEY
@_SERVER
@db_options
def shuffle(election: str, role_key: Path, server: str | None, db: Database) -> None:
    """Shuffle (mix) ELECTION's ranked ballots, with a proof, signed as the trustee of ROLE-KEY.

    Every trustee shuffles in turn after close; nobody can then link a ranking to a voter, and
    nobody else can shuffle in your name.
    """
    key = open_role_key(role_key, "trustee")
    if server is not None:
        hashes = _shuffle_on_server(server, election, key.name, key.signing)
    else:
        hashes = _shuffle_here(election, key.name, key.signing, db)
    if not hashes:
        click.echo(f"{election!r}: nothing to shuffle (no ranked contest left for you)")
    else:
        click.echo(f"trustee {key.name} shuffled {len(hashes)} contest(s) of {election!r}")


def _shuffle_on_server(
    server: str, election: str, trustee: str, signing: Scalar
) -> tuple[str, ...]:
    """Per ranked contest: fetch the record, shuffle the current mix here, send the signed
    Shuffle; when another trustee's shuffle went first (409 stale_input), fetch and redo."""
    from clearcount.protocol.context import read_election
    from clearcount.record.archive import decode_record
    from clearcount.service.elections.tally import shuffle_for
    from clearcount.service.errors import StaleInputError

    from .server_transport import RoleApi

    api = RoleApi(server, election)
    where = f"{server} record of {election}"
    hashes: list[str] = []
    with progress(f"shuffling as {trustee}", None):
        record = decode_record(api.get("record"), where)
        contests = [c.id for c in read_election(record[:2]).setup.contests if c.kind == "mixnet"]
        for contest in contests:
            for _ in range(_TRIES):
                made = shuffle_for(record, contest, trustee, signing)
                if made is None:
                    break
                given, body = made
                try:
                    answer = api.post("shuffles", {"input": given, "shuffle": body.to_body()})
                except StaleInputError:
                    record = decode_record(api.get("record"), where)
                    continue
                hashes.append(str(answer.get("event_hash") if isinstance(answer, dict) else ""))
                break
            else:
                raise UserError(
                    f"shuffle of {contest!r}: other trustees kept shuffling first ({_TRIES} "
                    "tries); run the command again"
                )
    return tuple(hashes)


def _shuffle_here(election: str, trustee: str, signing: Scalar, db: Database) -> tuple[str, ...]:
    with open_services(db) as s, progress(f"shuffling as {trustee}", None):
        return s.tally.shuffle(election, trustee, signing)


@trustee_group.command("decrypt")
@click.argument("election")
@click.option(
    "--key-file",
    required=True,
    type=INPUT_FILE,
    help="Your share file from the key ceremony.",
)
@_ROLE_KEY
@click.option(
    "--server",
    default=None,
    metavar="URL",
    help="The ballot server (`clearcount serve`): fetch the record and send your partial "
    "decryption through its role API instead of a local database.",
)
@db_options
def decrypt(
    election: str, key_file: Path, role_key: Path, server: str | None, db: Database
) -> None:
    """Decrypt your share of ELECTION's result with your share file, signed with your role key
    (asks for their passphrases).

    Only the tally and the shuffled papers are decrypted, never a single voter's ballot; every
    share comes with a proof that it is correct.
    """
    signer = open_role_key(role_key, "trustee")
    name = key_file_name(key_file)
    if name != signer.name:
        raise UserError(
            f"--role-key is {signer.name!r}'s but --key-file is {name!r}'s: give your own two files"
        )
    passphrase = role_passphrase("trustee", name, confirm=False)
    if server is not None:
        _decrypt_on_server(server, election, key_file, passphrase, signer.signing)
        click.echo(f"trustee {name} sent their share of {election!r} to {server}")
        return
    with open_services(db) as s, progress("decrypting", None):
        s.tally.decrypt_with_key_file(election, key_file, passphrase, signer.signing)
        status = s.tally.status(election)
    click.echo(
        f"trustee {name} decrypted their share of {election!r}: "
        f"{len(status.decrypted)} of {status.threshold} needed"
    )


def _decrypt_on_server(
    server: str, election: str, key_file: Path, passphrase: str, signing: Scalar
) -> None:
    """Fetch the record, decrypt here with the share file, send only the signed partial."""
    from clearcount.record.archive import decode_record
    from clearcount.service.elections.tally import partial_from_key_file

    from .server_transport import RoleApi

    api = RoleApi(server, election)
    with progress("decrypting", None):
        record = decode_record(api.get("record"), f"{server} record of {election}")
        partial = partial_from_key_file(record, election, key_file, passphrase, signing)
        api.post("partial-decryptions", dict(partial.to_body()))


@trustee_group.command("status")
@click.argument("election")
@db_options
def trustee_status(election: str, db: Database) -> None:
    """Show which trustees have shuffled and decrypted ELECTION."""
    with open_services(db) as s:
        st = s.tally.status(election)
    click.echo(
        f"{election}: tally {'done' if st.tallied else 'not yet'}; "
        f"decrypted by {', '.join(st.decrypted) or 'nobody'} "
        f"({len(st.decrypted)} of {st.threshold} needed)"
    )
    for contest, who in st.shuffles.items():
        click.echo(f"  {contest}: shuffled by {', '.join(who) or 'nobody yet'}")
