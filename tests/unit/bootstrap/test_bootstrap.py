"""The composition root: configuration from TOML and the environment, services wired."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.principals import officer

from clearcount.bootstrap import build, load_config
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
    assert config.database_url == "sqlite:///from-file.db"
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
