"""`clearcount check-booth URL`: does this server serve the booth the record pins? (spec §11.2)

The election's Setup pins each booth bundle's Subresource Integrity value (`booth`). This
command fetches the booth page at URL, reads its script tags, fetches every pinned bundle from
the same server, and prints one line per file: `ok`, or `MISMATCH` with what the record pins and
what the server serves. Exit status 1 on any mismatch (or when the record pins no booth), 0
when everything matches. The Setup comes from `--record` (a published record you trust) or, by
default, from the server itself; then its fingerprint is printed to compare with the one on the
credential letter or email, since a dishonest server could change both.
"""

from __future__ import annotations

import re
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import click

from .common import UserError

__all__ = ["BoothLine", "check_booth_command", "compare_booth", "page_scripts"]

Fetch = Callable[[str], bytes]
_PAGE = re.compile(r"^(?P<base>.*)/e/(?P<election>[^/]+)/vote/?$")


@dataclass(frozen=True, slots=True)
class BoothLine:
    """One file's verdict: `ok` False is a mismatch."""

    ok: bool
    name: str
    text: str

    def __str__(self) -> str:
        return f"{'ok' if self.ok else 'MISMATCH'}  {self.name}: {self.text}"


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            values = dict(attrs)
            self.found.append((values.get("src") or "", values.get("integrity") or ""))


def page_scripts(html: str) -> list[tuple[str, str]]:
    """(src, integrity) of every script tag of the page (an inline script has src "")."""
    parser = _Scripts()
    parser.feed(html)
    return parser.found


def compare_booth(
    page_url: str, html: str, pinned: dict[str, str], fetch: Fetch
) -> list[BoothLine]:
    """Every pinned bundle as served, then every script tag, against the record's `pinned`."""
    from clearcount.record.booth import sri

    lines: list[BoothLine] = []
    for name, expected in sorted(pinned.items()):
        url = urljoin(page_url, f"/static/booth/{name}")
        try:
            served = sri(fetch(url))
        except UserError as error:
            lines.append(BoothLine(False, name, f"not served ({error.format_message()})"))
            continue
        if served == expected:
            lines.append(BoothLine(True, name, f"served {served}, as the record pins"))
        else:
            lines.append(
                BoothLine(False, name, f"the record pins {expected}, the server serves {served}")
            )
    for src, integrity in page_scripts(html):
        name = unquote(urlsplit(urljoin(page_url, src)).path.rsplit("/", 1)[-1]) if src else ""
        on_site = urljoin(page_url, src).startswith(urljoin(page_url, "/static/booth/"))
        label = f"script tag {src or '(inline)'}"
        if not src or not on_site or name not in pinned:
            lines.append(BoothLine(False, label, "the page loads a script the record does not pin"))
        elif integrity != pinned[name]:
            lines.append(
                BoothLine(
                    False,
                    label,
                    f"integrity {integrity or '(none)'}, the record pins {pinned[name]}",
                )
            )
        else:
            lines.append(BoothLine(True, label, "integrity as the record pins"))
    return lines


def _fetch(timeout: float) -> Fetch:
    def fetch(url: str) -> bytes:
        if not url.startswith(("http://", "https://")):
            raise UserError(f"{url}: expected an http(s) address")
        agent = {"User-Agent": "clearcount check-booth"}
        request = urllib.request.Request(url, headers=agent)  # noqa: S310 - http(s) only
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                data: bytes = response.read(64 * 1024 * 1024)
                return data
        except urllib.error.HTTPError as error:
            raise UserError(f"{url}: HTTP {error.code} {error.reason}") from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise UserError(f"{url}: cannot fetch it ({reason})") from None

    return fetch


@click.command("check-booth")
@click.argument("url")
@click.option(
    "--record",
    "record",
    type=click.Path(path_type=Path, exists=True),
    default=None,
    help="A published record (folder, zip or record.jsonl) to compare with; default: the "
    "Setup the server gives (compare the fingerprint printed with your letter).",
)
@click.option("--timeout", default=20.0, show_default=True, help="Seconds per request.")
def check_booth_command(url: str, record: Path | None, timeout: float) -> None:
    """Compare the booth a server serves at URL with the one the election's record pins."""
    from clearcount.record.archive import read_record
    from clearcount.record.chain import event_from_document
    from clearcount.record.events import Setup

    match = _PAGE.match(urlsplit(url)._replace(query="", fragment="").geturl())
    if not url.startswith(("http://", "https://")) or match is None:
        raise UserError(
            f"URL: expected a booth page like https://vote.example.org/e/ELECTION/vote, got {url!r}"
        )
    election_id = unquote(match["election"])
    fetch = _fetch(timeout)
    if record is not None:
        first = read_record(record)[0]
        source = str(record)
    else:
        import json

        api = urljoin(url, f"/api/elections/{match['election']}/booth")
        try:
            document = json.loads(fetch(api))["setup_event"]
        except (ValueError, KeyError, TypeError):
            raise UserError(f"{api}: expected the booth's JSON with setup_event") from None
        first = event_from_document(document, api)
        source = "the server"
    setup = Setup.from_body(first.body, f"{source}: event 0")
    if setup.election_id != election_id:
        raise UserError(
            f"{source}: expected the record of election {election_id!r}, got {setup.election_id!r}"
        )
    click.echo(f"election {election_id}: fingerprint {first.hash} (Setup from {source})")
    if not setup.booth:
        click.echo("MISMATCH  booth: the record pins no booth, so nothing can be compared")
        sys.exit(1)
    html = fetch(url).decode("utf-8", "replace")
    lines = compare_booth(url, html, dict(setup.booth), fetch)
    for line in lines:
        click.echo(str(line))
    bad = sum(1 for line in lines if not line.ok)
    click.echo(f"{len(lines) - bad} ok, {bad} mismatched")
    if bad:
        sys.exit(1)
