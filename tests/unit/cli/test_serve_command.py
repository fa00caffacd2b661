"""`clearcount serve` and `clearcount demo --serve`: which database, and the URLs printed."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearcount.cli import demo, serve_command
from clearcount.cli.common import Database, UserError
from clearcount.cli.demo_steps import DemoOutcome


def test_dir_names_the_database_and_config_unless_an_option_does(tmp_path: Path) -> None:
    (tmp_path / "clearcount.toml").write_text("[database]\n")
    chosen = serve_command.database_in(tmp_path, Database(None, None, None))
    assert chosen.url == f"sqlite:///{tmp_path / 'clearcount.db'}"
    assert chosen.config_file == tmp_path / "clearcount.toml"
    given = Database("postgresql://db.example/cc", None, None)
    assert serve_command.database_in(tmp_path, given).url == given.url
    assert serve_command.database_in(None, given) == given
    with pytest.raises(UserError, match="expected a folder"):
        serve_command.database_in(tmp_path / "nowhere", given)


def test_demo_serve_prints_each_elections_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: dict[str, object] = {}

    def fake_serve(db: Database, host: str, port: int, **options: object) -> None:
        served.update(db=db, host=host, port=port, **options)

    monkeypatch.setattr(serve_command, "serve", fake_serve)
    outcomes = [
        DemoOutcome("av-selection-2031", "Ashby Vale selection 2031", tmp_path, True, 0, {}),
        DemoOutcome(demo.TRIGGER, "the declaration", tmp_path / "declaration.json", True, 0, {}),
    ]
    demo.serve_demo(tmp_path, outcomes, "127.0.0.1", 8123)
    banner = str(served["banner"])
    base = "http://127.0.0.1:8123/e/av-selection-2031"
    for page in ("vote", "board", "results"):
        assert f"{base}/{page}" in banner
    assert f"/e/{demo.TRIGGER}/vote" not in banner, "the declaration has no booth"
    assert f"/t/{demo.TRIGGER}" in banner
    # the trigger ballot's one election (a record folder) has its booth and board (issue 11)
    election = DemoOutcome(demo.TRIGGER, "the trigger election", tmp_path, True, 0, {})
    demo.serve_demo(tmp_path, [election], "127.0.0.1", 8123)
    assert f"/e/{demo.TRIGGER}/vote" in str(served["banner"])
    assert served["db"] == Database(f"sqlite:///{tmp_path / 'clearcount.db'}", None, None)
    assert served["mailer"] is not None
