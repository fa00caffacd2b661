"""The composition root: configuration from TOML and the environment, services wired."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.principals import officer

from clearcount.bootstrap import build, load_config
from clearcount.bootstrap.config import find_config, sqlite_file
from clearcount.core.errors import ConfigError
from clearcount.service.membership.organisations import Organisation, OrganisationKind
from clearcount.storage.migrate import current_revision, head_revision


def test_config_from_file_and_environment(tmp_path: Path) -> None:
    path = tmp_path / "clearcount.toml"
    path.write_text(
        '[database]\nurl = "sqlite:///from-file.db"\n'
        '[smtp]\nhost = "smtp.example.org"\nsender = "Ballots <ballots@example.org>"\n'
        'port = 465\nsecurity = "ssl"\nusername = "ballots"\n[verifier]\nworkers = 3\n'
    )
    config = load_config(path, {"CLEARCOUNT_SMTP_PASSWORD": "s3cret"})
    assert config.database_url == f"sqlite:///{tmp_path / 'from-file.db'}"  # from the file's folder
    assert config.database_source == f"named by {path}"
    assert config.verifier_workers == 3
    assert config.smtp is not None
    assert (config.smtp.port, config.smtp.security, config.smtp.password) == (465, "ssl", "s3cret")
    override = load_config(
        path, {"CLEARCOUNT_DATABASE_URL": "postgresql://db/x", "CLEARCOUNT_SMTP_PASSWORD": "s3cret"}
    )
    assert override.database_url == "postgresql://db/x"
    assert load_config(None, {}).database_url is None
    assert load_config(None, {}).smtp is None
    path.write_text('[smtp]\nhost = "h"\nsender = "a@b.example"\npassword = "no"\n')
    with pytest.raises(ConfigError, match="CLEARCOUNT_SMTP_PASSWORD"):
        load_config(path, {})
    path.write_text("[database\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path, {})


def test_build_wires_every_service_over_one_migrated_store(tmp_path: Path) -> None:
    services = build(load_config(None, {"CLEARCOUNT_DATABASE_URL": f"sqlite:///{tmp_path}/c.db"}))
    try:
        assert current_revision(services.store.engine) == head_revision()
        assert services.mailer is None
        services.organisations.create(
            officer("officer"), Organisation("o", "Org", OrganisationKind.UNION)
        )
        assert services.ballots.elections("o") == []
    finally:
        services.close()


def test_the_settings_file_is_found_here_in_a_parent_or_in_xdg_config_home(tmp_path: Path) -> None:
    xdg = tmp_path / "xdg"
    work = tmp_path / "branch" / "minutes"
    work.mkdir(parents=True)
    assert find_config(work, {"XDG_CONFIG_HOME": str(xdg)}) is None
    (xdg / "clearcount").mkdir(parents=True)
    (xdg / "clearcount" / "config.toml").write_text('[database]\npath = "/srv/cc.db"\n')
    assert find_config(work, {"XDG_CONFIG_HOME": str(xdg)}) == xdg / "clearcount" / "config.toml"
    parent = tmp_path / "branch" / "clearcount.toml"
    parent.write_text('[database]\npath = "ashby-vale.db"\n')
    assert find_config(work, {"XDG_CONFIG_HOME": str(xdg)}) == parent
    config = load_config(parent, {})
    assert config.database_url == f"sqlite:///{tmp_path / 'branch' / 'ashby-vale.db'}"
    (work / "clearcount.toml").write_text('[database]\nurl = "postgresql://db/x"\n')
    assert find_config(work, {"XDG_CONFIG_HOME": str(xdg)}) == work / "clearcount.toml"
    assert load_config(work / "clearcount.toml", {}).database_url == "postgresql://db/x"


def test_clearcount_database_names_a_file_or_a_url_and_wins_over_the_file(tmp_path: Path) -> None:
    path = tmp_path / "clearcount.toml"
    path.write_text('[database]\npath = "a.db"\n')
    by_path = load_config(path, {"CLEARCOUNT_DATABASE": "/srv/b.db"})
    assert (by_path.database_url, by_path.database_source) == (
        "sqlite:////srv/b.db",
        "named by CLEARCOUNT_DATABASE",
    )
    assert load_config(None, {"CLEARCOUNT_DATABASE": "postgresql://db/y"}).database_url == (
        "postgresql://db/y"
    )
    assert sqlite_file(None) == Path("clearcount.db")
    assert sqlite_file("sqlite:////srv/b.db") == Path("/srv/b.db")
    assert sqlite_file("sqlite://") is None
    assert sqlite_file("postgresql://db/y") is None
    path.write_text('[database]\npath = "a.db"\nurl = "sqlite:///b.db"\n')
    with pytest.raises(ConfigError, match="expected path or url, got both"):
        load_config(path, {})
