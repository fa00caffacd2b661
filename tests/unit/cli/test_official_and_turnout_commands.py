"""`clearcount official add`, `election turnout | not-voted | edit` over a real SQLite file
(issue 9, issue 11)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.principals import voter
from tests.unit.service.election_world import ELECTION, Lifecycle
from tests.unit.service.world import CountingSalts, FixedClock, World

from clearcount.cli.main import cli
from clearcount.service.errors import ElectionStateError
from clearcount.storage.store import SqlStore


@pytest.fixture
def opened(tmp_path: Path) -> Iterator[tuple[Lifecycle, str]]:
    url = f"sqlite:///{tmp_path / 'clearcount.db'}"
    store = SqlStore.open(url)
    life = Lifecycle(World(store, FixedClock(), CountingSalts()), tmp_path / "keys")
    life.open()
    member = "NTW-00003"
    life.casting.cast(voter(member), ELECTION, life.ballot(member, {"chair": [1]}))
    yield life, url
    store.close()


def run(url: str, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [*args, "--db", url, "--as", "Jo Hale"], env=env)
    return result.exit_code, result.output


def test_official_add_prints_the_authenticator_link_once(opened: tuple[Lifecycle, str]) -> None:
    _, url = opened
    code, out = run(
        url, "official", "add", "jhale", "--org", "northfold-twu", "--name", "Jo Hale",
        "--role", "teller", env={"CLEARCOUNT_OFFICIAL_PASSWORD": "a long enough password"},
    )  # fmt: skip
    assert code == 0, out
    assert "otpauth://totp/clearcount:jhale?secret=" in out
    code, out = run(url, "official", "list", "--org", "northfold-twu")
    assert "jhale" in out
    assert "teller" in out
    assert "secret" not in out


def test_turnout_and_not_voted(opened: tuple[Lifecycle, str]) -> None:
    _, url = opened
    code, out = run(url, "election", "turnout", ELECTION)
    assert code == 0, out
    assert "1 of 5 eligible members voted (20.0%)" in out
    assert "Northfold Tram Yard: fewer than 5 members" in out
    code, out = run(url, "election", "not-voted", ELECTION, "--purpose", "reminders")
    assert code == 0, out
    assert "NTW-00001\tLee Lowther\tlee.lowther@example.org" in out
    assert "NTW-00003" not in out


def test_edit_is_refused_once_open(opened: tuple[Lifecycle, str]) -> None:
    _, url = opened
    result = CliRunner().invoke(
        cli, ["election", "edit", ELECTION, "--title", "New", "--db", url, "--as", "Jo Hale"]
    )
    assert isinstance(result.exception, ElectionStateError)  # `main` prints it as one line
    assert "edited only before its key ceremony and its opening time" in str(result.exception)


def test_times_are_london_time_and_a_skipped_hour_is_refused(
    opened: tuple[Lifecycle, str],
) -> None:
    from clearcount.cli.common import UserError, parse_instant

    assert parse_instant("2031-07-01T09:00", "--opens").isoformat() == "2031-07-01T08:00:00+00:00"
    assert parse_instant("2031-01-01T09:00", "--opens").hour == 9
    with pytest.raises(UserError, match="skip or repeat"):
        parse_instant("2031-03-30T01:30", "--opens")
