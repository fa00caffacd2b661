"""Roles' keys (spec §11.2.2): made by the role, sealed in its own file; the officer registers
only public cards, checked; the ceremony takes every key from them."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from tests.principals import officer
from tests.unit.service.election_world import (
    ELECTION,
    LOW_COST,
    PASSPHRASES,
    TELLERS,
    TRUSTEES,
    Lifecycle,
)
from tests.unit.service.world import OFFICER, World

from clearcount.crypto.group import Point, seeded_scalars
from clearcount.protocol.roles import RoleSecret
from clearcount.service.elections.role_cards import init_role, read_card, write_card
from clearcount.service.errors import ConflictError, ValidationError
from clearcount.service.roles.keys import RoleKeyError, load_long_term_key

RNG = seeded_scalars(b"service roles")
SECRET = "a long enough passphrase"


@pytest.fixture
def life(world: World, tmp_path: Path) -> Lifecycle:
    return Lifecycle(world, tmp_path / "keys")


def test_init_seals_the_keys_and_writes_a_public_card(tmp_path: Path) -> None:
    path = tmp_path / "role" / "trustee.key"
    card = init_role("trustee", "Tess Alder", path, SECRET, log2_n=LOW_COST, rng=RNG)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    secret = load_long_term_key(path, SECRET, role="trustee")
    assert (secret.key, secret.encryption_key) == (card.key, card.encryption_key)
    text = path.read_text()
    assert secret.signing.to_bytes().hex() not in text
    assert secret.encryption is not None
    assert secret.encryption.to_bytes().hex() not in text
    write_card(tmp_path / "card.json", card)
    assert read_card(tmp_path / "card.json") == card
    with pytest.raises(ConflictError, match="refusing to overwrite"):
        init_role("trustee", "Tess Alder", path, SECRET, log2_n=LOW_COST)
    with pytest.raises(RoleKeyError, match="passphrase is wrong"):
        load_long_term_key(path, "not the passphrase", role="trustee")
    with pytest.raises(RoleKeyError, match="role: expected 'teller'"):
        load_long_term_key(path, SECRET, role="teller")
    with pytest.raises(ValidationError, match="role"):
        init_role("king", "Tess Alder", tmp_path / "k.key", SECRET, log2_n=LOW_COST)


def test_a_key_file_relabelled_or_given_another_public_key_does_not_open(tmp_path: Path) -> None:
    path = tmp_path / "teller.key"
    init_role("teller", "Pat Quinn", path, SECRET, log2_n=LOW_COST, rng=RNG)
    document = json.loads(path.read_text())
    for field, value in (("name", "Sam Ortiz"), ("key", Point.generator().to_bytes().hex())):
        altered = tmp_path / f"{field}.key"
        altered.write_text(json.dumps({**document, field: value}))
        altered.chmod(0o600)
        with pytest.raises(RoleKeyError, match="passphrase is wrong or the file was altered"):
            load_long_term_key(altered, SECRET, role="teller")


def test_a_card_file_with_a_bad_proof_is_refused_in_one_line(tmp_path: Path) -> None:
    card = RoleSecret.generate("teller", "Pat Quinn", RNG).card(RNG).to_json()
    path = tmp_path / "card.json"
    path.write_text(json.dumps({**card, "name": "Sam Ortiz"}))
    with pytest.raises(ValidationError, match="proof"):
        read_card(path)
    path.write_text("not json")
    with pytest.raises(ValidationError, match="not JSON"):
        read_card(path)


def test_registration_checks_role_name_and_keys_and_stops_at_the_ceremony(
    life: Lifecycle,
) -> None:
    life.define()
    register = life.roles.register
    with pytest.raises(ValidationError, match="one of the election's trustees"):
        register(
            officer(OFFICER), ELECTION, RoleSecret.generate("trustee", "Mallory", RNG).card(RNG)
        )
    with pytest.raises(ValidationError, match="for an election"):
        register(
            officer(OFFICER), ELECTION, RoleSecret.generate("affiliate", "Branch", RNG).card(RNG)
        )
    bad = RoleSecret.generate("teller", TELLERS[0], RNG).card(RNG).to_json()
    with pytest.raises(ValidationError, match="proof"):
        register(officer(OFFICER), ELECTION, {**bad, "key": Point.generator().to_bytes().hex()})
    first = RoleSecret.generate("teller", TELLERS[0], RNG)
    register(officer(OFFICER), ELECTION, first.card(RNG))
    with pytest.raises(ConflictError, match="already registered"):
        register(
            officer(OFFICER), ELECTION, RoleSecret.generate("teller", TELLERS[0], RNG).card(RNG)
        )
    reuse = RoleSecret("teller", TELLERS[1], first.signing)
    with pytest.raises(ConflictError, match="reuses a key of teller"):
        register(officer(OFFICER), ELECTION, reuse.card(RNG))
    register(officer(OFFICER), ELECTION, RoleSecret.generate("officer", OFFICER, RNG).card(RNG))
    with pytest.raises(ConflictError, match="already registered"):
        register(officer(OFFICER), ELECTION, RoleSecret.generate("officer", "Other", RNG).card(RNG))
    assert [r.card.role for r in life.roles.cards(ELECTION)] == ["officer", "teller"]


def test_the_ceremony_lists_the_cards_keys_and_then_refuses_more_cards(
    life: Lifecycle, world: World
) -> None:
    life.define()
    life.setup()
    setup = life.ballots.setup_event(ELECTION).body
    cards = {n: s.card(RNG) for n, s in life.role_keys.items()}
    assert setup["credential_authority"] == cards["Harrow & Pell Scrutineers"].entry().to_body()
    assert setup["officer"] == cards[OFFICER].entry().to_body()
    assert setup["tellers"] == [cards[n].entry().to_body() for n in TELLERS]
    assert setup["trustee_keys"] == [
        cards[n].trustee(i).to_body() for i, n in enumerate(TRUSTEES, start=1)
    ]
    late = RoleSecret.generate("teller", TELLERS[0], RNG).card(RNG)
    with pytest.raises(ConflictError, match="key ceremony has run"):
        life.roles.register(officer(OFFICER), ELECTION, late)
    assert set(PASSPHRASES) >= set(TRUSTEES)


def test_the_database_holds_no_role_secret(life: Lifecycle, world: World, tmp_path: Path) -> None:
    """No role's secret reaches the service (issue 8; the full scan:
    test_officer_holds_no_secret.py)."""
    life.define()
    life.setup()
    database = (tmp_path / "clearcount.db").read_bytes()
    for name, secret in life.role_keys.items():
        if secret.encryption is not None:
            assert secret.encryption.to_bytes().hex().encode() not in database, name
        assert secret.signing.to_bytes() not in database, name
        assert secret.signing.to_bytes().hex().encode() not in database, name
