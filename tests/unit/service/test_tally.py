"""Tally and each trustee's own decryption step with its own key file (spec §11.7-§11.9)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from tests.principals import officer, voter
from tests.unit.service.election_world import CLOSES, ELECTION, PASSPHRASES, TRUSTEES, Lifecycle
from tests.unit.service.world import OFFICER, World

from clearcount.crypto.dkg import TrusteeKey
from clearcount.crypto.group import Point, Scalar
from clearcount.protocol.acts import sign_act
from clearcount.protocol.ceremony import TrusteeSecret
from clearcount.protocol.context import read_election
from clearcount.record.signing import DECRYPTION_PURPOSE
from clearcount.service.elections.tally import partial_for
from clearcount.service.errors import ConflictError, ElectionStateError, TrusteeError
from clearcount.service.roles.keys import RoleKeyError, load_long_term_key, load_role_key


@pytest.fixture
def life(world: World, tmp_path: Path) -> Lifecycle:
    return Lifecycle(world, tmp_path / "keys")


def closed(life: Lifecycle) -> None:
    life.open()
    life.casting.cast(
        voter("NTW-00001"), ELECTION, life.ballot("NTW-00001", {"chair": [0], "strike": [1]})
    )
    life.world.clock.at = CLOSES


def test_no_tally_before_close(life: Lifecycle) -> None:
    life.open()
    with pytest.raises(ElectionStateError, match="closed before the tally"):
        life.tally.tally(officer(OFFICER), ELECTION)
    with pytest.raises(ElectionStateError, match="closed before mixing"):
        life.tally.shuffle(ELECTION, "Tess Alder", life.signing("Tess Alder"))


def test_each_trustee_decrypts_with_its_own_key_file(life: Lifecycle) -> None:
    closed(life)
    life.closing.close(officer(OFFICER), ELECTION)
    with pytest.raises(ElectionStateError, match="EncryptedTally"):
        life.tally.decrypt_with_key_file(
            ELECTION,
            life.trustee_file("Tess Alder"),
            PASSPHRASES["Tess Alder"],
            life.signing("Tess Alder"),
        )
    assert life.tally.tally(officer(OFFICER), ELECTION) is not None
    with pytest.raises(ConflictError, match="already tallied"):
        life.tally.tally(officer(OFFICER), ELECTION)
    with pytest.raises(RoleKeyError, match="passphrase is wrong"):
        life.tally.decrypt_with_key_file(
            ELECTION, life.trustee_file("Tess Alder"), "x" * 20, life.signing("Tess Alder")
        )
    life.tally.decrypt_with_key_file(
        ELECTION,
        life.trustee_file("Tess Alder"),
        PASSPHRASES["Tess Alder"],
        life.signing("Tess Alder"),
        rng=life.rng,
    )
    with pytest.raises(ConflictError, match="already decrypted"):
        life.tally.decrypt_with_key_file(
            ELECTION,
            life.trustee_file("Tess Alder"),
            PASSPHRASES["Tess Alder"],
            life.signing("Tess Alder"),
        )
    status = life.tally.status(ELECTION)
    assert (status.tallied, status.decrypted, status.ready_to_declare) == (
        True,
        ("Tess Alder",),
        False,
    )


def test_a_wrong_key_or_a_bad_partial_decryption_names_the_trustee(life: Lifecycle) -> None:
    closed(life)
    life.closing.close(officer(OFFICER), ELECTION)
    life.tally.tally(officer(OFFICER), ELECTION)
    omar = life.trustee_file("Omar Birch")
    real = load_role_key(omar, PASSPHRASES["Omar Birch"], role="trustee").trustee()
    wrong = TrusteeSecret("Omar Birch", TrusteeKey(real.key.index, Scalar.from_int(99)))
    with pytest.raises(TrusteeError, match="trustee 'Omar Birch': wrong key") as caught:
        life.tally.decrypt(ELECTION, wrong, life.signing("Omar Birch"))
    assert caught.value.trustee == "Omar Birch"
    with pytest.raises(TrusteeError, match="'Eve'"):
        life.tally.decrypt(ELECTION, TrusteeSecret("Eve", real.key), life.signing("Omar Birch"))
    with pytest.raises(TrusteeError, match="own signing key of trustee 'Omar Birch'"):
        life.tally.decrypt(ELECTION, real, life.signing("Tess Alder"))
    record = life.ballots.record(ELECTION)
    partial = partial_for(record, real, life.signing("Omar Birch"), life.rng)
    first = partial.contests[0]
    bad_share = dataclasses.replace(first, shares=(Point.generator(), *first.shares[1:]))
    forged = dataclasses.replace(partial, contests=(bad_share, *partial.contests[1:]))
    with pytest.raises(TrusteeError, match="trustee 'Omar Birch': partial decryption refused"):
        life.tally.submit_partial(ELECTION, forged.to_body())
    swapped = dataclasses.replace(first, shares=first.shares[::-1])
    assert swapped.shares != first.shares
    resigned = dataclasses.replace(partial, contests=(swapped, *partial.contests[1:]))
    digest = resigned.signed_digest()
    signature = sign_act(
        read_election(record[:2]).fingerprint,
        life.signing("Omar Birch"),
        DECRYPTION_PURPOSE,
        digest,
    )
    with pytest.raises(TrusteeError, match="decryption-batch"):  # its own signature, bad batch
        life.tally.submit_partial(
            ELECTION, dataclasses.replace(resigned, signature=signature).to_body()
        )
    with pytest.raises(TrusteeError, match="malformed"):
        life.tally.submit_partial(ELECTION, {"trustee": "Omar Birch"})
    life.tally.submit_partial(ELECTION, partial.to_body())
    assert life.tally.status(ELECTION).decrypted == ("Omar Birch",)


def test_a_key_file_of_another_election_is_refused(life: Lifecycle, tmp_path: Path) -> None:
    closed(life)
    path = life.trustee_file("Nia Cedar")
    document = json.loads(path.read_text())
    document["election_id"] = "another-election"
    other = tmp_path / "other.key"
    other.write_text(json.dumps(document))
    other.chmod(0o600)
    with pytest.raises(RoleKeyError, match="passphrase is wrong or the file was altered"):
        life.tally.decrypt_with_key_file(
            ELECTION, other, PASSPHRASES["Nia Cedar"], life.signing("Nia Cedar")
        )
    with pytest.raises(RoleKeyError, match="not a clearcount key file"):
        load_long_term_key(path, PASSPHRASES["Nia Cedar"], role="trustee")
    assert set(life.tally.status(ELECTION).trustees) == set(TRUSTEES)
