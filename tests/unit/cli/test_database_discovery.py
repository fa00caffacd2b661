"""Which database a command opens (issue 11): a found clearcount.toml or CLEARCOUNT_DATABASE, and
never a new empty file made by a command run in the wrong folder (only `org create` makes one)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from clearcount.cli.main import cli


def _run(tmp_path: Path, *args: str, **env: str) -> Result:
    clean: dict[str, str | None] = {
        "CLEARCOUNT_DATABASE_URL": None,
        "CLEARCOUNT_DATABASE": None,
        "CLEARCOUNT_CONFIG": None,
        "CLEARCOUNT_DB_SCHEMA": None,
        "XDG_CONFIG_HOME": str(tmp_path / "xdg"),
        "CLEARCOUNT_ACTOR": "Jo Hale (returning officer)",
    }
    return CliRunner().invoke(cli, list(args), env={**clean, **env})


def test_a_command_in_the_wrong_folder_refuses_to_make_an_empty_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    done = _run(tmp_path, "org", "show", "ashby-vale-clp")
    assert done.exit_code == 2
    assert "no clearcount database at clearcount.db (the default" in done.output
    assert "--db sqlite:///PATH, CLEARCOUNT_DATABASE=PATH or a clearcount.toml" in done.output
    assert not (tmp_path / "clearcount.db").exists()
    typo = _run(tmp_path, "roll", "history", "ashby-vale-clp", "--db", "sqlite:///ashby-vael.db")
    assert typo.exit_code == 2
    assert "no clearcount database at ashby-vael.db (named by --db" in typo.output
    assert list(tmp_path.iterdir()) == []


def test_org_create_makes_it_and_a_parents_clearcount_toml_finds_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "clearcount.toml").write_text('[database]\npath = "ashby-vale.db"\n')
    deeper = tmp_path / "minutes" / "2031"
    deeper.mkdir(parents=True)
    monkeypatch.chdir(deeper)
    made = _run(tmp_path, "org", "create", "ashby-vale-clp", "--name", "Ashby Vale CLP",
                "--kind", "party")  # fmt: skip
    assert made.exit_code == 0, made.output
    assert (tmp_path / "ashby-vale.db").is_file()
    assert not (deeper / "clearcount.db").exists()
    shown = _run(tmp_path, "org", "show", "ashby-vale-clp")
    assert shown.exit_code == 0, shown.output
    assert "Ashby Vale CLP" in shown.output


def test_clearcount_database_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    database = str(tmp_path / "elsewhere.db")
    missing = _run(tmp_path, "org", "show", "x", CLEARCOUNT_DATABASE=database)
    assert "named by CLEARCOUNT_DATABASE" in missing.output
    made = _run(tmp_path, "org", "create", "x", "--name", "X", "--kind", "union",
                CLEARCOUNT_DATABASE=database)  # fmt: skip
    assert made.exit_code == 0, made.output
    assert _run(tmp_path, "org", "show", "x", CLEARCOUNT_DATABASE=database).exit_code == 0
