"""The mixnet for preferential contests: one verifiable shuffle per trustee (spec §11.8, §6).

The input of a mixnet contest is the counted ballots' rank vectors, in record order, followed by
each paper ranking as trivial encryptions (0, v·G). Each trustee shuffles the latest list
(re-encrypting every component) and proves it (Terelius-Wikström as in CHVote); at least
`threshold` shuffles are needed before decryption, so one honest trustee's permutation hides the
link between voters and rankings. Each trustee signs its Shuffle with its own long-term key
(purpose `shuffle`, `Setup.trustee_keys`), on its own machine: nobody can mix under its name.
"""

from __future__ import annotations

from collections.abc import Sequence

from clearcount.core.errors import ProofError, RecordError
from clearcount.crypto.elgamal import Ciphertext
from clearcount.crypto.group import Point, Scalar, ScalarSource
from clearcount.crypto.shuffle import gen_shuffle
from clearcount.crypto.shuffle_proof import check_shuffle_proof, gen_shuffle_proof
from clearcount.protocol.acts import UNSIGNED, check_act, sign_act
from clearcount.protocol.casting import contest_plaintexts
from clearcount.protocol.context import Election
from clearcount.protocol.tally import (
    ballot_contest,
    counted_ballots,
    paper_ballots,
    require_phase,
    trivial,
)
from clearcount.record.chain import Event, next_event
from clearcount.record.events import Shuffle
from clearcount.record.signing import SHUFFLE_PURPOSE

__all__ = [
    "current_mix",
    "last_shuffle_hash",
    "make_shuffle",
    "mix_input",
    "post_shuffle",
    "shuffle_event",
    "shuffles",
    "verify_shuffle_signature",
]

Vector = tuple[Ciphertext, ...]


def mix_input(chain: Sequence[Event], election: Election, contest: str) -> tuple[Vector, ...]:
    """Counted ballots' vectors, then the paper rankings as trivial encryptions (§11.8)."""
    spec = election.contest(contest)
    if spec.kind != "mixnet":
        raise RecordError(f"mixing: expected a mixnet contest, got {contest!r} ({spec.kind})")
    vectors = [
        mine.ciphertexts
        for b, _ in counted_ballots(chain, election)
        if (mine := ballot_contest(b, contest)) is not None
    ]
    for paper in paper_ballots(chain, contest):
        vectors.append(tuple(trivial(v) for v in contest_plaintexts(spec, paper.marks)))
    return tuple(vectors)


def shuffles(chain: Sequence[Event], contest: str) -> list[Shuffle]:
    return [
        Shuffle.from_body(e.body, f"event {e.seq}")
        for e in chain
        if e.kind == "Shuffle" and e.body["contest"] == contest
    ]


def current_mix(chain: Sequence[Event], election: Election, contest: str) -> tuple[Vector, ...]:
    """The latest shuffle's output, or the input if nobody has shuffled yet."""
    done = shuffles(chain, contest)
    return done[-1].ciphertexts if done else mix_input(chain, election, contest)


def verify_shuffle_signature(election: Election, shuffle: Shuffle) -> None:
    """The Shuffle is signed by the trustee it names, with its key in the Setup (§11.8)."""
    key = election.setup.trustee_key(shuffle.trustee).key
    check_act(
        election.fingerprint,
        key,
        shuffle.signature,
        SHUFFLE_PURPOSE,
        shuffle.signed_digest(),
        f"Shuffle of {shuffle.contest!r} by trustee {shuffle.trustee!r}",
    )


def make_shuffle(
    chain: Sequence[Event],
    election: Election,
    contest: str,
    trustee: str,
    signing: Scalar,
    rng: ScalarSource = Scalar.random,
) -> Shuffle:
    """Trustee `trustee`'s signed shuffle of `contest`'s current mix, after EndBallots, before
    any decryption, signed with `signing`, its own long-term key (spec §11.8). Computed on
    the trustee's own machine; `post_shuffle` checks it where it goes on the record."""
    require_phase(chain, "Shuffle", after="EndBallots", before="PartialDecryption")
    election.setup.trustee(trustee)
    if Point.base_mul(signing) != election.setup.trustee_key(trustee).key:
        raise ProofError(
            f"Shuffle: expected the own signing key of trustee {trustee!r} (as in the Setup), "
            "got another key"
        )
    _require_first(chain, contest, trustee)
    ballots = current_mix(chain, election, contest)
    if not ballots:
        raise RecordError(f"Shuffle: contest {contest!r} has no ballots to mix")
    mixed, witness = gen_shuffle(election.key, ballots, rng)
    proof = gen_shuffle_proof(election.fingerprint, election.key, ballots, mixed, witness, rng)
    draft = Shuffle(contest, trustee, mixed, proof, UNSIGNED)
    signature = sign_act(election.fingerprint, signing, SHUFFLE_PURPOSE, draft.signed_digest(), rng)
    return Shuffle(contest, trustee, mixed, proof, signature)


def _require_first(chain: Sequence[Event], contest: str, trustee: str) -> None:
    if any(s.trustee == trustee for s in shuffles(chain, contest)):
        raise RecordError(
            f"Shuffle: expected one shuffle per trustee, got a second by "
            f"{trustee!r} for contest {contest!r}"
        )


def last_shuffle_hash(chain: Sequence[Event], contest: str) -> str | None:
    """The hash of `contest`'s latest Shuffle event (whose output the next trustee shuffles),
    or None while the input is still the counted ballots (§11.8)."""
    found = [e.hash for e in chain if e.kind == "Shuffle" and e.body["contest"] == contest]
    return found[-1] if found else None


def post_shuffle(chain: Sequence[Event], election: Election, shuffle: Shuffle) -> Event:
    """Check a Shuffle made elsewhere and append it (spec §11.8): in its phase, a mixnet
    contest, a trustee of the Setup shuffling it for the first time, the proof against the
    contest's current mix and the trustee's signature. ProofError for a bad proof or
    signature, RecordError for the rest."""
    require_phase(chain, "Shuffle", after="EndBallots", before="PartialDecryption")
    election.setup.trustee(shuffle.trustee)
    _require_first(chain, shuffle.contest, shuffle.trustee)
    ballots = current_mix(chain, election, shuffle.contest)
    if not ballots:
        raise RecordError(f"Shuffle: contest {shuffle.contest!r} has no ballots to mix")
    check_shuffle_proof(
        election.fingerprint, election.key, ballots, shuffle.ciphertexts, shuffle.proof
    )
    verify_shuffle_signature(election, shuffle)
    return next_event(chain, "Shuffle", shuffle.to_body())


def shuffle_event(chain: Sequence[Event], shuffle: Shuffle) -> Event:
    """A Shuffle made here (`make_shuffle`) as the next event; unchecked (see `post_shuffle`)."""
    return next_event(chain, "Shuffle", shuffle.to_body())
