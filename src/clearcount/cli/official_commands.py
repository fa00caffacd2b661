"""`clearcount official ...`: officials' accounts for the web console (issue 9).

`official add` makes an account with one role for an organisation and prints the TOTP
provisioning URI once (to scan into an authenticator app); the password is typed at a prompt
(or, for scripts, read from CLEARCOUNT_OFFICIAL_PASSWORD). Service: `service.officials`.
"""

from __future__ import annotations

import os

import click

from clearcount.service.authorisation import Principal, Role

from .common import Database, db_options, principal_option
from .context import open_services

__all__ = ["official_group"]

_ROLES = [r.value for r in Role if r is not Role.VOTER]


@click.group("official")
def official_group() -> None:
    """Officials' accounts for the web console (password and authenticator app)."""


@official_group.command("add")
@click.argument("username")
@click.option("--org", "organisation", required=True, help="The organisation they act for.")
@click.option("--name", required=True, help='How the audit log names them, e.g. "Jo Hale".')
@click.option(
    "--role", type=click.Choice(_ROLES), default=Role.OFFICER.value, show_default=True,
    help="What they may do (docs/service/authorisation.md).",
)  # fmt: skip
@principal_option(Role.OFFICER)
@db_options
def official_add(
    username: str, organisation: str, name: str, role: str, principal: Principal, db: Database
) -> None:
    """Make USERNAME an official of an organisation; prints the authenticator link once."""
    password = os.environ.get("CLEARCOUNT_OFFICIAL_PASSWORD") or click.prompt(
        f"Password for {username} (they type it; at least 12 characters)",
        hide_input=True,
        confirmation_prompt=True,
        err=True,
    )
    with open_services(db) as s:
        new = s.officials.add(principal, organisation, username, name, Role(role), password)
    click.echo(f"official {new.username!r} of {new.organisation_id!r} acting as {new.role.value}")
    click.echo("Scan this into their authenticator app now (it is not shown again):")
    click.echo(new.provisioning_uri)


@official_group.command("list")
@click.option("--org", "organisation", required=True, help="Whose officials.")
@principal_option(Role.OFFICER)
@db_options
def official_list(organisation: str, principal: Principal, db: Database) -> None:
    """The organisation's officials, their roles, and whether each is locked out."""
    with open_services(db) as s:
        accounts = s.officials.officials(principal, organisation)
    for a in accounts:
        locked = " (locked: too many wrong tries)" if a.locked else ""
        click.echo(f"{a.username:<20} {a.role.value:<20} {a.name}{locked}")
