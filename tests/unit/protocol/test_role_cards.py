"""Role cards (spec §11.2.2): a card proves possession of its key; any change is refused."""

from __future__ import annotations

import dataclasses

import pytest

from clearcount.core.errors import RecordError
from clearcount.crypto.group import Point, seeded_scalars
from clearcount.protocol.roles import CARD_FORMAT, RoleCard, RoleSecret, simulated_roles

RNG = seeded_scalars(b"role cards")


def test_a_card_round_trips_and_a_trustee_has_two_keys() -> None:
    trustee = RoleSecret.generate("trustee", "Tess Alder", RNG)
    card = trustee.card(RNG)
    assert card.encryption_key is not None
    assert card.encryption_key != card.key
    assert RoleCard.from_json(card.to_json()) == card
    teller = RoleSecret.generate("teller", "Pat Quinn", RNG).card(RNG)
    assert teller.to_json()["format"] == CARD_FORMAT
    assert teller.encryption_key is None
    assert "hidden" in repr(trustee)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Omar Birch"),
        ("role", "officer"),
        ("key", Point.base_mul(seeded_scalars(b"other")()).to_bytes().hex()),
        ("encryption_key", Point.base_mul(seeded_scalars(b"other2")()).to_bytes().hex()),
    ],
)
def test_a_relabelled_or_rekeyed_card_is_refused_naming_the_proof(field: str, value: str) -> None:
    role = "teller" if field == "role" else "trustee"
    card = RoleSecret.generate(role, "Tess Alder", RNG).card(RNG).to_json()
    card[field] = value
    with pytest.raises(RecordError, match="proof: expected a proof of possession"):
        RoleCard.from_json(card)


def test_a_card_for_someone_elses_key_cannot_be_made() -> None:
    """Copying another role's key with one's own proof fails: the proof is of the key."""
    victim = RoleSecret.generate("teller", "Pat Quinn", RNG).card(RNG)
    forger = RoleSecret.generate("teller", "Sam Ortiz", RNG).card(RNG)
    stolen = dataclasses.replace(forger, key=victim.key)
    with pytest.raises(RecordError, match="proof"):
        stolen.verify()
    swapped = dataclasses.replace(victim, name="Sam Ortiz")
    with pytest.raises(RecordError, match="proof"):
        swapped.verify()


def test_encryption_keys_only_for_trustees_and_bad_fields_are_named() -> None:
    teller = RoleSecret.generate("teller", "Pat Quinn", RNG).card(RNG).to_json()
    teller["encryption_key"] = teller["key"]
    with pytest.raises(RecordError, match="encryption_key: expected one for a trustee"):
        RoleCard.from_json(teller)
    trustee = RoleSecret.generate("trustee", "Tess Alder", RNG).card(RNG).to_json()
    trustee["encryption_key"] = None
    with pytest.raises(RecordError, match="encryption_key"):
        RoleCard.from_json(trustee)
    with pytest.raises(RecordError, match="format"):
        RoleCard.from_json({**trustee, "format": "other/1"})
    with pytest.raises(RecordError, match="role: expected one of"):
        RoleSecret.generate("king", "Tess Alder", RNG)
    with pytest.raises(RecordError, match="name"):
        RoleSecret.generate("teller", " Pat", RNG)
    with pytest.raises(RecordError, match="proof"):
        RoleCard.from_json({**teller, "encryption_key": None, "proof": "00" * 64})


def test_simulated_roles_give_distinct_keys_for_every_role() -> None:
    roles, secrets = simulated_roles("Jo", "Scrutineer", ("Pat", "Sam"), ("T1", "T2"), RNG)
    keys = [roles.officer.key, roles.credential_authority.key, *(t.key for t in roles.tellers)]
    keys += [k for t in roles.trustees for k in (t.key, t.encryption_key)]
    assert len({k.to_bytes() for k in keys}) == len(keys) == 8
    assert [t.index for t in roles.trustees] == [1, 2]
    assert secrets["Pat"].teller().public == roles.tellers[0].key
