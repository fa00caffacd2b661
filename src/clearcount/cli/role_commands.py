"""`clearcount role init` (and `trustee|teller|authority|affiliate init`), `election register-card`.

docs/steps/04-key-ceremony.md. Each role runs `init` on its own machine: its keys go into a
sealed key file only it can open, and it hands the officer the public card. The officer
registers the cards (`election register-card`); Setup lists the keys. Services:
`service.elections.role_cards`.
"""

from __future__ import annotations

from pathlib import Path

import click

from clearcount.service.authorisation import Principal, Role

from .choices import DEFAULT_LOG2_N, ROLES
from .common import Database, UserError, db_options, principal_option, role_passphrase
from .context import open_services

__all__ = ["register_card_command", "role_group", "role_init_command"]


def _card_path(key_file: Path, card: Path | None) -> Path:
    return card if card is not None else key_file.with_name(key_file.stem + ".card.json")


def _init(role: str, name: str, out: Path, card: Path | None, kdf_cost: int) -> None:
    from clearcount.service.elections.role_cards import init_role, write_card

    card_path = _card_path(out, card)
    if card_path.exists():
        raise UserError(f"{card_path}: a file is already there; give another --card path")
    passphrase = role_passphrase(role, name, confirm=True)
    made = init_role(role, name, out, passphrase, log2_n=kdf_cost)
    write_card(card_path, made)
    click.echo(f"{role} {name}: key file {out} (keep it; only your passphrase opens it)")
    click.echo(f"public card {card_path}: hand it to the returning officer")
    click.echo(f"  signing key {made.to_json()['key']}")
    if made.encryption_key is not None:
        click.echo(f"  encryption key {made.to_json()['encryption_key']}")


_NAME = click.option("--name", required=True, help="Your name, as the election lists it.")
_OUT = click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="Your new key file (never overwritten).",
)
_CARD = click.option(
    "--card",
    type=click.Path(path_type=Path),
    help="Where to write your public card (default: next to the key file, .card.json).",
)
_KDF = click.option(
    "--kdf-cost",
    type=click.IntRange(14, 20),
    default=DEFAULT_LOG2_N,
    hidden=True,
    help="log2 of scrypt's N for the key file (lower only for demonstrations).",
)


@click.group("role")
def role_group() -> None:
    """Each role's own keys: made on its own machine, only the public card handed over."""


@role_group.command("init")
@click.option("--role", required=True, type=click.Choice(ROLES), help="Which role you play.")
@_NAME
@_OUT
@_CARD
@_KDF
def role_init_command(role: str, name: str, out: Path, card: Path | None, kdf_cost: int) -> None:
    """Make your role's keys on this machine: a sealed key file and a public card.

    You type a passphrase for the key file (or it is read from CLEARCOUNT_PASSPHRASE_<NAME>).
    A trustee gets a signing key and a separate encryption key (for the key ceremony's shares).
    """
    _init(role, name, out, card, kdf_cost)


def alias_init(role: str) -> click.Command:
    """`clearcount ROLE init`: the same as `role init --role ROLE`."""

    @click.command("init")
    @_NAME
    @_OUT
    @_CARD
    @_KDF
    def command(name: str, out: Path, card: Path | None, kdf_cost: int) -> None:
        _init(role, name, out, card, kdf_cost)

    command.help = (
        f"Make your keys as a {role} on this machine (same as `role init --role {role}`)."
    )
    return command


def role_alias_group(role: str, help_text: str) -> click.Group:
    """A `clearcount ROLE` group holding its `init`."""
    group = click.Group(role, help=help_text)
    group.add_command(alias_init(role))
    return group


@click.command("register-card")
@click.argument("election")
@click.option(
    "--card",
    "cards",
    required=True,
    multiple=True,
    type=click.Path(path_type=Path),
    help="A role's public card file (repeat for several).",
)
@principal_option(Role.OFFICER)
@db_options
def register_card_command(
    election: str, cards: tuple[Path, ...], principal: Principal, db: Database
) -> None:
    """Register roles' public cards for ELECTION, before its key ceremony (officer).

    Each card's proof is checked, and its role and name must be the election's (its trustees,
    tellers, credential authority; one returning officer). Only public keys are stored.
    """
    from clearcount.service.elections.role_cards import read_card

    parsed = [read_card(path) for path in cards]
    with open_services(db) as s:
        for card in parsed:
            s.roles.register(principal, election, card)
            click.echo(f"registered {card.role} {card.name} for {election!r}")
