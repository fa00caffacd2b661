"""Officials' TOTP secrets are sealed at rest (issue 9 review): the database never holds the
base32 secret; a sealed value moved to another account, or opened under another key, fails
with a clear error; the key file is made 0600 at first use; migration 0011 seals the secrets
an older database holds in the clear."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import sqlalchemy as sa
from tests.principals import officer
from tests.unit.service.test_officials import PASSWORD, code, make, sealer
from tests.unit.service.world import OFFICER, World

from clearcount.core.errors import ConfigError
from clearcount.crypto.sealing import SealError, ServerKey, open_sealed, seal
from clearcount.crypto.server_key import ENV_KEY, ENV_KEY_FILE, KEY_FILE, load_server_key
from clearcount.service.authorisation import Role
from clearcount.service.officials.accounts import NewOfficial, OfficialService
from clearcount.service.officials.records import TOTP_PURPOSE
from clearcount.service.rate_limits import RateLimitService
from clearcount.storage.engine import create_engine
from clearcount.storage.migrate import upgrade
from clearcount.storage.store import SqlStore


@pytest.fixture
def service(world: World) -> OfficialService:
    world.union()
    limits = RateLimitService(world.store.unit_of_work, world.clock)
    return OfficialService(world.store.unit_of_work, world.clock, sealer(), limits)


def secret_of(new: NewOfficial) -> str:
    return parse_qs(urlparse(new.provisioning_uri).query)["secret"][0]


def database_bytes(world: World) -> bytes:
    world.store.close()  # checkpoints the WAL into the file
    folder = Path(str(world.store.engine.url.database)).parent
    return b"".join(p.read_bytes() for p in folder.iterdir() if p.name.startswith("clearcount.db"))


def test_the_database_never_holds_the_base32_secret(service: OfficialService, world: World) -> None:
    new = make(service)
    secret = secret_of(new)
    session = service.confirm_code(
        service.sign_in("rquayle", PASSWORD, "a"), code(new, world.clock.now()), "a"
    )
    assert session.principal.role is Role.OFFICER  # the sealed secret still signs in
    with world.store.engine.connect() as c:
        row = c.execute(sa.text("SELECT * FROM officials")).mappings().one()
    assert "totp_secret" not in row
    assert row["totp_sealed"].startswith("sealed1:")
    assert all(secret not in str(value) for value in row.values())
    raw = database_bytes(world)
    assert secret.encode() not in raw
    assert base64.b32decode(secret) not in raw


def test_a_sealed_secret_swapped_between_two_officials_does_not_open(
    service: OfficialService, world: World
) -> None:
    first = make(service)
    service.add(officer(OFFICER), "northfold-twu", "tteller", "T. Teller", Role.TELLER, PASSWORD)
    with world.store.engine.begin() as c:
        sealed = dict(c.execute(sa.text("SELECT username, totp_sealed FROM officials")).all())
        for username, other in (("rquayle", "tteller"), ("tteller", "rquayle")):
            c.execute(
                sa.text("UPDATE officials SET totp_sealed = :v WHERE username = :u"),
                {"v": sealed[other], "u": username},
            )
    pending = service.sign_in("rquayle", PASSWORD, "a")
    with pytest.raises(SealError, match="totp-secret of 'rquayle' does not open"):
        service.confirm_code(pending, code(first, world.clock.now()), "a")


def test_a_wrong_key_is_a_clear_error(service: OfficialService, world: World) -> None:
    new = make(service)
    limits = RateLimitService(world.store.unit_of_work, world.clock)
    other = OfficialService(
        world.store.unit_of_work, world.clock, sealer(b"\x01" * 32, "/srv/other.key"), limits
    )
    pending = other.sign_in("rquayle", PASSWORD, "a")
    with pytest.raises(SealError, match=r"server key from /srv/other.key: the key is not the one"):
        other.confirm_code(pending, code(new, world.clock.now()), "a")


def test_an_altered_sealed_value_does_not_open() -> None:
    key = ServerKey(bytes(32), "k")
    sealed = seal(key, TOTP_PURPOSE, "rquayle", "JBSWY3DPEHPK3PXP")
    assert open_sealed(key, TOTP_PURPOSE, "rquayle", sealed) == "JBSWY3DPEHPK3PXP"
    assert sealed != seal(key, TOTP_PURPOSE, "rquayle", "JBSWY3DPEHPK3PXP")  # fresh nonce
    flipped = sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]
    for value in (flipped, sealed[:20], "JBSWY3DPEHPK3PXP"):
        with pytest.raises(SealError):
            open_sealed(key, TOTP_PURPOSE, "rquayle", value)
    with pytest.raises(SealError):
        open_sealed(key, "another-purpose", "rquayle", sealed)


def test_the_key_file_is_made_0600_at_first_use_and_kept(tmp_path: Path) -> None:
    first = load_server_key(tmp_path, {})
    path = tmp_path / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_server_key(tmp_path, {}) == first
    assert first.source == str(path)
    path.chmod(0o640)
    with pytest.raises(ConfigError, match="may be read by others; chmod 600"):
        load_server_key(tmp_path, {})


def test_the_key_may_come_from_the_environment(tmp_path: Path) -> None:
    key = os.urandom(32)
    text = base64.b64encode(key).decode()
    assert load_server_key(tmp_path, {ENV_KEY: text}).key == key
    secret = tmp_path / "secret"
    secret.write_text(text + "\n")
    secret.chmod(0o600)
    assert load_server_key(tmp_path, {ENV_KEY_FILE: str(secret), ENV_KEY: "x"}).key == key
    assert not (tmp_path / KEY_FILE).exists()  # no key file made in the data directory
    with pytest.raises(ConfigError, match="no such file"):
        load_server_key(tmp_path, {ENV_KEY_FILE: str(tmp_path / "absent")})
    with pytest.raises(ConfigError, match="base64 of 32 random bytes"):
        load_server_key(tmp_path, {ENV_KEY: base64.b64encode(b"short").decode()})


def test_migration_0011_seals_the_secrets_held_in_the_clear(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'clearcount.db'}"
    engine = create_engine(url)
    upgrade(engine, "0010")
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    with engine.begin() as c:
        c.execute(
            sa.text(
                "INSERT INTO organisations (organisation_id, name, kind) "
                "VALUES ('northfold-twu', 'Northfold TWU', 'union')"
            )
        )
        c.execute(sa.text(
            "INSERT INTO officials (username, organisation_id, role, name, password_hash, "
            "totp_secret, totp_last_step, failed_attempts, created_by, created_at) VALUES "
            "('rquayle', 'northfold-twu', 'officer', 'R. Quayle', 'x', :s, -1, 0, 'o', 'now')"
        ), {"s": secret})  # fmt: skip
    upgrade(engine)
    with engine.connect() as c:
        sealed = c.execute(sa.text("SELECT totp_sealed FROM officials")).scalar_one()
    engine.dispose()
    key = load_server_key(tmp_path, {})  # the key file the migration made beside the database
    assert open_sealed(key, TOTP_PURPOSE, "rquayle", sealed) == secret
    store = SqlStore.open(url)
    store.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name != KEY_FILE)
    assert secret.encode() not in raw
