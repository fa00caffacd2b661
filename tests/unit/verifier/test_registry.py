"""The catalogue, the implementations and the two documents list the same checks."""

import re
from pathlib import Path

from clearcount.verifier.registry import CATALOGUE
from clearcount.verifier.runner import IMPLEMENTATIONS

DOCS = Path(__file__).parents[3] / "docs"


def test_every_check_has_one_implementation_and_a_unique_id() -> None:
    ids = [check.id for check in CATALOGUE]
    assert len(ids) == len(set(ids))
    assert set(IMPLEMENTATIONS) == set(ids) - {"V-READ-1"}
    assert all(check.section.startswith("§") for check in CATALOGUE)


def test_both_documents_list_every_check_with_its_section() -> None:
    for name in ("verifier.md", "spec/12-verifier.md"):
        text = (DOCS / name).read_text(encoding="utf-8")
        for check in CATALOGUE:
            assert f"`{check.id}`" in text, (name, check.id)


def test_both_documents_describe_each_check_as_the_catalogue_does() -> None:
    """Each table row is `| id | section | title [(essential)] | what it recomputes |`."""
    row = re.compile(r"^\| `(V-[A-Z0-9-]+)` \| ([^|]*) \| ([^|]*) \| (.*) \|$", re.MULTILINE)
    for name in ("verifier.md", "spec/12-verifier.md"):
        rows = {m[1]: m.groups()[1:] for m in row.finditer((DOCS / name).read_text("utf-8"))}
        for check in CATALOGUE:
            title = check.title + (" (essential)" if check.essential else "")
            assert tuple(c.strip() for c in rows[check.id]) == (
                check.section,
                title,
                check.recomputes,
            ), (name, check.id)
