"""Benaloh challenge: the voter opens an encrypted ballot instead of casting it (spec §11.5).

The device reveals each plaintext and nonce; anyone re-encrypts under the joint key and compares,
so a device that encrypted something else is caught. A spoiled ballot is never counted.
"""

from __future__ import annotations

from collections.abc import Sequence

from clearcount.core.errors import ProofError, RecordError
from clearcount.protocol.casting import Opening, contest_plaintexts, encrypt_small
from clearcount.protocol.context import Election
from clearcount.record.events import Ballot, Spoiled, SpoiledContest

__all__ = ["spoil", "verify_spoiled"]


def spoil(ballot: Ballot, openings: Sequence[Opening]) -> Spoiled:
    """The Spoiled body for a ballot the voter challenged (spec §11.5)."""
    return Spoiled(
        tuple(
            SpoiledContest(contest.id, contest.ciphertexts, opening.plaintexts, opening.nonces)
            for contest, opening in zip(ballot.contests, openings, strict=True)
        )
    )


def verify_spoiled(election: Election, spoiled: Spoiled) -> None:
    """Re-encrypt every plaintext with its nonce; ProofError naming the contest if one differs."""
    for contest in spoiled.contests:
        spec = election.contest(contest.id)
        width = spec.max_ranks if spec.kind == "mixnet" else len(spec.candidates)
        if len(contest.ciphertexts) != width:
            raise RecordError(
                f"Spoiled contest {contest.id!r}: expected {width} ciphertexts, "
                f"got {len(contest.ciphertexts)}"
            )
        if spec.kind == "homomorphic":
            marks = [i for i, m in enumerate(contest.plaintexts) if m == 1]
            if any(m not in (0, 1) for m in contest.plaintexts):
                raise RecordError(
                    f"Spoiled contest {contest.id!r}.plaintexts: expected 0 or 1 "
                    f"each, got {list(contest.plaintexts)}"
                )
            contest_plaintexts(spec, marks)
        for j, (c, m, r) in enumerate(
            zip(contest.ciphertexts, contest.plaintexts, contest.nonces, strict=True)
        ):
            if encrypt_small(election.key, m, r) != c:
                raise ProofError(
                    f"Spoiled contest {contest.id!r}.ciphertexts[{j}]: expected "
                    f"Enc({m}; nonce), got a different ciphertext"
                )
