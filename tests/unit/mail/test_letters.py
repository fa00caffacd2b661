"""Printed credential letters: A4 pages whose text reads back with pypdf."""

from __future__ import annotations

import dataclasses
import io
import re
import stat
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader
from tests.unit.service.credential_world import AUTHORITY, INSTRUCTIONS, RECIPIENTS, SETUP

from clearcount.core.errors import ConfigError
from clearcount.crypto.group import Point, seeded_scalars
from clearcount.mail.letters import letter_font, render_letters, write_letters
from clearcount.service.errors import ConflictError, ValidationError
from clearcount.service.roles.credential_authority import KeyMaterial, issue_credentials, letters
from clearcount.service.roles.delivery import Letter, parse_credential_code

A4 = (595, 842)  # points


def batch() -> tuple[KeyMaterial, tuple[Letter, ...]]:
    material = issue_credentials(SETUP, RECIPIENTS, seeded_scalars(b"letter tests"))
    return material, letters(material, INSTRUCTIONS, "3 April 2031")


def code_on(text: str) -> str:
    groups = re.findall(r"\b[0-9A-HJKMNP-TV-Z]{4}(?:-[0-9A-HJKMNP-TV-Z]{4}){6}\b", text)
    assert len(groups) == 2, text
    return "-".join(groups)


def test_one_a4_page_per_postal_voter_with_address_and_their_credential() -> None:
    material, postal = batch()
    pdf = PdfReader(io.BytesIO(render_letters(postal)))
    assert len(pdf.pages) == 2
    for page, letter in zip(pdf.pages, postal, strict=True):
        assert [round(float(v)) for v in page.mediabox[2:]] == list(A4)
        text = page.extract_text()
        for line in letter.address:
            assert line in text
        assert "3 April 2031" in text
        assert INSTRUCTIONS.vote_url in text.replace("\n", "")
        secret = parse_credential_code(code_on(text))
        assert Point.base_mul(secret) == material.find(letter.member_id).secret.public
        assert Point.base_mul(secret) in material.credentials(AUTHORITY.signing).credentials


NAMES = ("Siobhán O'Neill", "Zoë Brontë", "Łukasz Kowalczyk", "Nguyễn Thị Hoa", "Łucja Wróbel",
         "Ærøskøbing Ødegård", "Şebnem Çelik", "Dafydd ap Rhys")  # fmt: skip


def test_every_name_on_a_roll_prints_with_the_packaged_font() -> None:
    _, postal = batch()
    people = [dataclasses.replace(postal[0], address=(n, "4 Ropewalk Row")) for n in NAMES]
    pdf = PdfReader(io.BytesIO(render_letters(people)))  # no font supplied by anyone
    for page, name in zip(pdf.pages, NAMES, strict=True):
        assert unicodedata.normalize("NFC", page.extract_text()).count(name) >= 1
    regular, bold = letter_font()
    assert regular.parent.name == "fonts"
    assert regular.parent.parent.name == "mail"  # the copy shipped in the package
    assert regular.name == "DejaVuSans.ttf"
    assert bold.name == "DejaVuSans-Bold.ttf"


def test_a_missing_font_names_the_package_to_install(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="install the fonts-dejavu-core package"):
        letter_font([str(tmp_path)])


def test_a_character_the_font_lacks_is_refused_naming_member_and_character() -> None:
    _, postal = batch()
    other = dataclasses.replace(postal[0], address=("王秀英", "4 Ropewalk Row"))
    with pytest.raises(ValidationError, match=r"letter for member NT-1003\.text: .*--font.*'王'"):
        render_letters([other])


def test_one_file_per_member_readable_by_the_owner_only(tmp_path: Path) -> None:
    _, postal = batch()
    paths = write_letters(postal, tmp_path / "letters")
    assert [p.name for p in paths] == ["NT-1003.pdf", "NT-1005.pdf"]
    for path in paths:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert len(PdfReader(path).pages) == 1
    with pytest.raises(ConflictError, match="already exists"):
        write_letters(postal[:1], tmp_path / "letters")
