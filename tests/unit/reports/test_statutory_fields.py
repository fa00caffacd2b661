"""The table of document kinds and docs/documents.md describe the same documents, each with its
picture, and the CLI offers exactly those kinds."""

from __future__ import annotations

import re
from pathlib import Path

from clearcount.cli.report_command import report_command
from clearcount.reports.statutory_fields import BASIS, KINDS, REQUIRED, TITLES

DOCS = Path(__file__).parents[3] / "docs"


def test_docs_list_every_kind_with_its_picture_and_command() -> None:
    text = (DOCS / "documents.md").read_text()
    listed = re.findall(r"^\| `([a-z0-9-]+)` \|", text, flags=re.MULTILINE)
    assert listed == list(KINDS)
    for kind in KINDS:
        assert f"`{kind}`" in "".join(re.findall(r"^### .*$", text, flags=re.MULTILINE)), kind
        assert f"--kind {kind}" in text, kind
        assert (DOCS / "documents" / f"{kind}.png").is_file(), kind
        assert f"](documents/{kind}.png)" in text, kind
    assert "[documents.md](documents.md)" in (DOCS / "README.md").read_text()


def test_every_kind_has_a_title_a_basis_and_required_fields() -> None:
    for kind in KINDS:
        assert TITLES[kind]
        assert BASIS[kind]
        labels = [label for _, _, label in REQUIRED[kind]]
        assert "Record hash" in labels
        assert "Verifier's verdict" in labels


def test_the_cli_offers_exactly_these_kinds() -> None:
    option = next(p for p in report_command.params if p.name == "kind")
    assert tuple(option.type.choices) == KINDS  # type: ignore[attr-defined]
