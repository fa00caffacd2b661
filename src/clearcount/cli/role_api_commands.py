"""Role commands that act against the ballot server's role API (`--server URL`), for roles on
their own machines (docs/service/role-api.md). The trustees' ceremony rounds and decryption
take `--server` in their own modules; this one holds the credential authority's hand-over."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .common import UserError, read_json

__all__ = ["credentials_publish_command"]


@click.command("publish")
@click.argument("public_file", type=click.Path(path_type=Path))
@click.option("--server", required=True, metavar="URL", help="The ballot server.")
def credentials_publish_command(public_file: Path, server: str) -> None:
    """Send PUBLIC_FILE (from `credentials generate --out`) to the ballot server, which
    publishes it (the ballot then opens within its timetable). Only the public list goes: the
    key file stays with you."""
    document = read_json(public_file)
    if not isinstance(document, dict) or "body" not in document or "election_id" not in document:
        raise UserError(f"{public_file}: expected the public credential list of `generate`")
    from .server_transport import RoleApi

    answer = RoleApi(server, str(document["election_id"])).post("credentials", document)
    seq = answer.get("seq") if isinstance(answer, dict) else None
    click.echo(
        f"published {document['election_id']!r}'s public credentials on {server} as event "
        f"{seq}: {json.dumps(answer)}"
    )
