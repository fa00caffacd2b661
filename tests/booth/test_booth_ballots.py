"""Ballots made by the booth's TypeScript (under Node) for a real election set up by the Python
side: the verifier's checks accept them, a changed byte or a wrong signature is refused, and the
Benaloh openings decrypt to the voter's choices (spec §11.4-§11.5; issue 9)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.booth.conftest import NodeRunner
from tests.unit.protocol.protocol_helpers import open_election

from clearcount.core.errors import ClearcountError, ProofError
from clearcount.crypto.group import Point, Scalar, seeded_scalars
from clearcount.protocol import board as bb
from clearcount.protocol.casting import make_ballot, verify_ballot
from clearcount.protocol.challenge import spoil, verify_spoiled
from clearcount.protocol.setup import contest_spec
from clearcount.record.events import Ballot, Spoiled
from clearcount.service.roles.delivery import credential_code

CANDIDATES = tuple(f"Candidate {i + 1:02d}" for i in range(15))
CONTESTS = (
    contest_spec("chair", "Branch chair", "fptp", CANDIDATES[:5]),
    contest_spec("executive", "Executive (3 seats)", "stv-scottish", CANDIDATES, seats=3),
)
ANSWERS = {"chair": [3], "executive": [14, 2, 7, 0, 9, 1, 13, 4, 12, 3, 11, 5, 10, 6, 8]}


@pytest.fixture(scope="module")
def world() -> Any:
    return open_election(3, contests=CONTESTS)


def _setup(world: Any) -> object:
    return json.loads(world.chain[0].encode())


@pytest.fixture(scope="module")
def voted(world: Any, run_node: NodeRunner) -> dict[str, Any]:
    """One voter's session in the shipped worker bundle: a ballot, its audit, a fresh ballot."""
    code = credential_code(world.credentials[0].secret)
    payload = {"setup": _setup(world), "code": code, "answers": ANSWERS, "audit": True}
    return run_node("vote-cli.mjs", payload)


def _ballot(body: object) -> Ballot:
    return Ballot.from_body(body, "booth")


def test_the_booth_recomputes_the_fingerprint(world: Any, voted: dict[str, Any]) -> None:
    assert voted["ready"]["fingerprint"] == world.chain[0].hash
    assert voted["credential"]["credential"] == world.credentials[0].public.to_bytes().hex()


def test_booth_ballots_verify_and_the_board_takes_them(world: Any, voted: dict[str, Any]) -> None:
    election = world.board.election
    for made in (voted["ballot"], voted["after"]):
        assert made["ok"], made
        assert made["choices"] == ANSWERS
        ballot = _ballot(made["ballot"])
        verify_ballot(election, ballot)
        assert ballot.to_body() == made["ballot"]  # the same JSON as a Ballot event body
    _, event = bb.cast(world.chain, world.board, _ballot(voted["after"]["ballot"]))
    assert event.kind == "Ballot"


def _flip(text: str, at: int) -> str:
    return text[:at] + ("1" if text[at] == "0" else "0") + text[at + 1 :]


@pytest.mark.parametrize(
    "where",
    ["chair proof", "executive proof", "chair sum proof", "ciphertext", "signature"],
)
def test_one_changed_byte_is_refused(world: Any, voted: dict[str, Any], where: str) -> None:
    body = json.loads(json.dumps(voted["ballot"]["ballot"]))
    chair, executive = body["contests"]
    if where == "chair proof":
        chair["proofs"][2] = _flip(chair["proofs"][2], 70)
    elif where == "executive proof":
        executive["proofs"][5] = _flip(executive["proofs"][5], 3)
    elif where == "chair sum proof":
        chair["sum_proof"] = _flip(chair["sum_proof"], 130)
    elif where == "ciphertext":
        executive["ciphertexts"][0], executive["ciphertexts"][1] = (
            executive["ciphertexts"][1],
            executive["ciphertexts"][0],
        )
    else:
        body["signature"] = _flip(body["signature"], 66)
    with pytest.raises(ClearcountError):
        verify_ballot(world.board.election, _ballot(body))
    with pytest.raises(ClearcountError):
        bb.cast(world.chain, world.board, _ballot(body))


def test_a_signature_by_another_credential_is_refused(world: Any, voted: dict[str, Any]) -> None:
    body = dict(voted["ballot"]["ballot"])
    other, _ = make_ballot(
        world.board.election, ANSWERS, world.credentials[1], seeded_scalars(b"other")
    )
    body["signature"] = other.to_body()["signature"]
    with pytest.raises(ProofError, match="signature"):
        verify_ballot(world.board.election, _ballot(body))
    body = dict(voted["ballot"]["ballot"], credential=other.to_body()["credential"])
    with pytest.raises(ProofError):
        verify_ballot(world.board.election, _ballot(body))


def test_the_audit_opens_to_the_choices(world: Any, voted: dict[str, Any]) -> None:
    spoiled = Spoiled.from_body(voted["spoiled"]["spoiled"], "booth")
    verify_spoiled(world.board.election, spoiled)
    chair, executive = spoiled.contests
    assert [i for i, m in enumerate(chair.plaintexts) if m] == ANSWERS["chair"]
    assert [v - 1 for v in executive.plaintexts if v] == ANSWERS["executive"]
    assert [c.ciphertexts for c in spoiled.contests] == [
        c.ciphertexts for c in _ballot(voted["ballot"]["ballot"]).contests
    ]
    assert voted["spoiled"]["choices"] == ANSWERS
    bb.post_spoiled(world.chain, world.board, spoiled)
    # The ballot cast after the audit shares no ciphertext with the opened one.
    opened = {c for contest in spoiled.contests for c in contest.ciphertexts}
    fresh = _ballot(voted["after"]["ballot"])
    assert not opened & {c for contest in fresh.contests for c in contest.ciphertexts}


def test_same_seed_same_ballot_as_make_ballot(world: Any, run_node: NodeRunner) -> None:
    """With seeded_scalars (spec §1.7) the TypeScript and Python ballots are byte for byte equal."""
    seed = b"booth cross-check"
    credential = world.credentials[2]
    answers = {"chair": [0], "executive": [4, 1]}
    payload = {
        "setup": _setup(world),
        "secret": credential.secret.to_bytes().hex(),
        "choices": answers,
        "seed": seed.hex(),
    }
    made = run_node("seeded-cli.mjs", payload)
    ballot, openings = make_ballot(world.board.election, answers, credential, seeded_scalars(seed))
    assert made["ballot"] == ballot.to_body()
    assert made["spoiled"] == spoil(ballot, openings).to_body()
    assert made["code"] == credential_code(credential.secret)


def test_credential_codes_agree(world: Any, run_node: NodeRunner) -> None:
    """A code typed from a letter made by Python is read by the booth, and a typo is caught."""
    secret = Scalar.random()
    code = credential_code(secret)
    answers = {"chair": [1], "executive": [0]}
    made = run_node(
        "vote-cli.mjs", {"setup": _setup(world), "code": code.lower(), "answers": answers}
    )
    assert made["credential"]["credential"] == Point.base_mul(secret).to_bytes().hex()
    assert made["ballot"]["ok"]
    typo = ("B" if code[5] == "A" else "A").join([code[:5], code[6:]])
    refused = run_node("vote-cli.mjs", {"setup": _setup(world), "code": typo, "answers": answers})
    assert refused["credential"] == {
        "op": "credential",
        "ok": False,
        "problem": "checksum",
        "message": "CredentialCodeError: credential code: the check characters do not match; "
        "a character is mistyped",
    }
