"""`clearcount trustee ...`: the key ceremony, and each trustee's own steps in the count.

docs/steps/04-key-ceremony.md and 09-tally-and-decrypt.md. At the ceremony every trustee and
both tellers type their own passphrase; each gets a key file that only they can open. After
close, each trustee shuffles the preferential contests and decrypts with their own key file:
no one trustee can decrypt alone. Services: `service.ballots`, `service.tally`.
"""

from __future__ import annotations

from pathlib import Path

import click

from clearcount.service.authorisation import Principal, Role
from clearcount.service.role_keys import DEFAULT_LOG2_N

from .common import (
    Database,
    UserError,
    db_options,
    key_file_name,
    open_role_key,
    principal_option,
    progress,
    role_passphrase,
)
from .context import definition, open_services

__all__ = ["trustee_group"]


@click.group("trustee")
def trustee_group() -> None:
    """The trustees: make the election key together, then decrypt only the result."""


@trustee_group.command("ceremony")
@click.argument("election")
@click.option(
    "--key-dir",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder for the trustees' share files (hand each one its own).",
)
@click.option(
    "--kdf-cost",
    type=click.IntRange(14, 20),
    default=DEFAULT_LOG2_N,
    hidden=True,
    help="log2 of scrypt's N for the key files (lower only for demonstrations).",
)
@principal_option(Role.OFFICER)
@db_options
def ceremony(
    election: str, key_dir: Path, kdf_cost: int, principal: Principal, db: Database
) -> None:
    """Run ELECTION's key ceremony: commit the frozen roll and make the trustees' joint key.

    Every role's card must be registered first (`election register-card`). Each trustee types a
    passphrase for their share file (or it is read from CLEARCOUNT_PASSPHRASE_<NAME>). Prints
    the election fingerprint: announce it to voters.
    """
    with open_services(db) as s:
        status = s.ballots.status(election)
        d = definition(s, election)
        passphrases = {n: role_passphrase("trustee", n, confirm=True) for n in d.trustees}
        with progress("key ceremony", None):
            report = s.ballots.key_ceremony(
                principal, election, key_dir, passphrases, log2_n=kdf_cost
            )
    click.echo(f"key ceremony of {election!r} ({status.title}) done: Setup is event 0")
    click.echo(f"election fingerprint: {report.fingerprint}")
    for name, path in report.trustee_key_files.items():
        click.echo(f"  share file of {name}: {path}")


_ROLE_KEY = click.option(
    "--role-key",
    required=True,
    type=click.Path(path_type=Path),
    help="Your trustee key file from `clearcount trustee init`: it signs what you do.",
)


@trustee_group.command("shuffle")
@click.argument("election")
@_ROLE_KEY
@db_options
def shuffle(election: str, role_key: Path, db: Database) -> None:
    """Shuffle (mix) ELECTION's ranked ballots, with a proof, signed as the trustee of ROLE-KEY.

    Every trustee shuffles in turn after close; nobody can then link a ranking to a voter, and
    nobody else can shuffle in your name.
    """
    key = open_role_key(role_key, "trustee")
    with open_services(db) as s, progress(f"shuffling as {key.name}", None):
        hashes = s.tally.shuffle(election, key.name, key.signing)
    if not hashes:
        click.echo(f"{election!r} has no ranked contest: nothing to shuffle")
    else:
        click.echo(f"trustee {key.name} shuffled {len(hashes)} contest(s) of {election!r}")


@trustee_group.command("decrypt")
@click.argument("election")
@click.option(
    "--key-file",
    required=True,
    type=click.Path(path_type=Path),
    help="Your share file from the key ceremony.",
)
@_ROLE_KEY
@db_options
def decrypt(election: str, key_file: Path, role_key: Path, db: Database) -> None:
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
    with open_services(db) as s, progress("decrypting", None):
        s.tally.decrypt_with_key_file(election, key_file, passphrase, signer.signing)
        status = s.tally.status(election)
    click.echo(
        f"trustee {name} decrypted their share of {election!r}: "
        f"{len(status.decrypted)} of {status.threshold} needed"
    )


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
