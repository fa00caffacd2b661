"""Fuzzing what reads a user's or a role's file: roll exports (CSV, XLSX, the column mapping),
contests files, role cards and sealed key files, the credential authority's key file and sent
log: bytes in, a value or a ClearcountError out."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from tests.fuzz.harness import fuzz_reader
from tests.principals import officer
from tests.unit.service.election_world import LOW_COST
from tests.unit.service.test_credential_authority import PASSPHRASE, issued
from tests.unit.service.world import FIXTURES, OFFICER, CountingSalts, FixedClock, World

from clearcount.cli.common import read_json
from clearcount.core.errors import InputFormatError
from clearcount.crypto.group import seeded_scalars
from clearcount.service.elections.contests_file import contests_from_document
from clearcount.service.elections.role_cards import init_role, read_card, write_card
from clearcount.service.roles.credential_keyfile import open_key_material, seal_key_material
from clearcount.service.roles.keys import load_long_term_key
from clearcount.service.roles.sent_log import read_sent
from clearcount.storage.store import SqlStore

ROLL = (FIXTURES / "ashby_vale_clp.csv").read_bytes()
SECRET = "a long enough passphrase"


def _xlsx(data: bytes) -> bytes:
    book = openpyxl.Workbook()
    for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")):
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xlsx_with_a_damaged_deflate_stream_is_an_input_format_error(
    party: tuple[World, str],
) -> None:
    """Found by the long fuzz run: openpyxl let zipfile's zlib.error through (a crash)."""
    world, org = party
    honest = _xlsx(ROLL)
    member = b"xl/worksheets/sheet1.xml"
    start = honest.index(member) + len(member) + 40  # inside its deflated data
    damaged = honest[:start] + bytes(b ^ 0xFF for b in honest[start : start + 64])
    damaged += honest[start + 64 :]
    with pytest.raises(InputFormatError, match="not a readable XLSX workbook"):
        world.importer.preview(officer(OFFICER), org, damaged, "export")


def test_an_xlsx_openpyxl_cannot_read_is_refused_on_one_line(party: tuple[World, str]) -> None:
    """Found by the long fuzz run: openpyxl's 'Unable to read workbook' message is three lines,
    and a part that is not XML raised xml.etree's ParseError (a crash)."""
    world, org = party
    damaged = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(_xlsx(ROLL))) as honest,
        zipfile.ZipFile(damaged, "w") as out,
    ):
        for name in honest.namelist():
            out.writestr(name, b"<not xml" if name == "[Content_Types].xml" else honest.read(name))
    with pytest.raises(InputFormatError, match="not a readable XLSX workbook") as refused:
        world.importer.preview(officer(OFFICER), org, damaged.getvalue(), "export")
    assert "\n" not in str(refused.value)


@pytest.fixture(scope="module")
def party(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[World, str]]:
    store = SqlStore.open(f"sqlite:///{tmp_path_factory.mktemp('roll') / 'clearcount.db'}")
    world = World(store, FixedClock(), CountingSalts())
    yield world, world.party()
    store.close()


@pytest.mark.parametrize("seed", [ROLL, _xlsx(ROLL)], ids=["csv", "xlsx"])
def test_a_roll_export_is_planned_or_refused(party: tuple[World, str], seed: bytes) -> None:
    world, org = party

    def preview(data: bytes) -> object:
        return world.importer.preview(officer(OFFICER), org, data, "export")

    fuzz_reader(preview, seed)


def test_a_contests_file_is_read_or_refused(tmp_path: Path) -> None:
    seed = json.dumps({
        "format": "clearcount-contests/1",
        "contests": [
            {"id": "chair", "title": "Chair", "method": "fptp", "candidates": ["Ann", "Bob"],
             "options": {"entitled": "roll"}, "seats": 1},
            {"id": "exec", "title": "Executive", "method": "stv-scottish",
             "candidates": ["Cat", "Dan", "Eve"], "seats": 2, "max_ranks": 3},
        ],
    }).encode()  # fmt: skip
    path = tmp_path / "contests.json"

    def read(data: bytes) -> object:  # as `clearcount election define --contests` reads it
        path.write_bytes(data)
        return contests_from_document(read_json(path), str(path), 10)

    fuzz_reader(read, seed)


def test_a_role_card_and_a_sealed_role_key_are_read_or_refused(tmp_path: Path) -> None:
    key = tmp_path / "trustee.key"
    card = init_role("trustee", "Tess Alder", key, SECRET, log2_n=LOW_COST,
                     rng=seeded_scalars(b"fuzz"))  # fmt: skip
    write_card(tmp_path / "card.json", card)

    def read(name: str, load):  # type: ignore[no-untyped-def]
        def go(data: bytes) -> object:
            path = tmp_path / f"fuzzed-{name}"
            path.write_bytes(data)
            path.chmod(0o600)
            return load(path)

        return go

    fuzz_reader(read("card.json", read_card), (tmp_path / "card.json").read_bytes())
    key_file = read("trustee.key", lambda p: load_long_term_key(p, SECRET, role="trustee"))
    fuzz_reader(key_file, key.read_bytes())


def test_a_credential_key_file_is_opened_or_refused() -> None:
    seed = seal_key_material(issued(), PASSPHRASE, log2_n=LOW_COST)
    fuzz_reader(lambda data: open_key_material(data, PASSPHRASE), seed)


def test_a_sent_log_is_read_or_refused(tmp_path: Path) -> None:
    path = tmp_path / "sent.jsonl"
    line = {"election_id": "exec-2025", "member_id": "AV0001", "to": "a@example.org"}
    seed = (json.dumps(line) + "\n" + json.dumps({**line, "member_id": "AV0002"}) + "\n").encode()

    def read(data: bytes) -> object:
        path.write_bytes(data)
        return read_sent(path, "exec-2025")

    fuzz_reader(read, seed)
