"""Casting: the voter's device encrypts, proves and signs a ballot (spec §11.4).

Homomorphic contest: m_i in {0, 1} per candidate with a zero-one proof each and a range proof
that Σ m_i is in [min, max]. Mixnet contest: `max_ranks` values v_j in [0, k] (the 1-based
candidate ranked j-th, 0 for none), each with a range proof. Every proof is bound to the voter's
public credential; the ballot is signed by the credential (Schnorr, `credential-signature`).
Encryption uses the fewest multiplications: r·G fixed-base, r·K variable-base, m·G from a table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from clearcount.core.errors import ProofError, RecordError
from clearcount.crypto.elgamal import Ciphertext, PublicKey
from clearcount.crypto.group import Point, Scalar, ScalarSource
from clearcount.crypto.proofs.disjunctive import prove_zero_one, verify_zero_one
from clearcount.crypto.proofs.range import prove_range, verify_range
from clearcount.crypto.proofs.schnorr import SchnorrProof, prove_schnorr, verify_schnorr
from clearcount.protocol.context import Election
from clearcount.protocol.credentials import CredentialSecret
from clearcount.record.events import Ballot, BallotContest, ContestSpec

__all__ = [
    "SIGNATURE_PURPOSE", "Opening", "contest_plaintexts", "encrypt_small", "make_ballot",
    "verify_ballot",
]  # fmt: skip

SIGNATURE_PURPOSE = "credential-signature"
_MULTIPLES: dict[int, Point] = {0: Point.identity(), 1: Point.generator()}


@dataclass(frozen=True, slots=True)
class Opening:
    """The device's secret for one contest: plaintexts and nonces (revealed only if spoiled)."""

    contest: str
    plaintexts: tuple[int, ...]
    nonces: tuple[Scalar, ...]

    def __repr__(self) -> str:
        return f"Opening({self.contest!r}, <hidden>)"


def encrypt_small(key: PublicKey, m: int, r: Scalar) -> Ciphertext:
    """Enc_K(m; r) = (r·G, m·G + r·K) with m·G from a cache: 1 fixed + 1 variable-base (§3.2)."""
    multiple = _MULTIPLES.get(m)
    if multiple is None:
        multiple = _MULTIPLES.setdefault(m, Point.base_mul(Scalar.from_int(m)))
    masked = key.point * r
    return Ciphertext(Point.base_mul(r), masked if m == 0 else masked + multiple)


def contest_plaintexts(spec: ContestSpec, marks: Sequence[int]) -> tuple[int, ...]:
    """The values a device encrypts for `marks` (0-based candidate indices), checked (§11.4)."""
    k = len(spec.candidates)
    if len(set(marks)) != len(marks) or any(not 0 <= m < k for m in marks):
        raise RecordError(
            f"contest {spec.id!r} marks: expected distinct indices in 0..{k - 1}, got {list(marks)}"
        )
    if spec.kind == "mixnet":
        if len(marks) > spec.max_ranks:
            raise RecordError(
                f"contest {spec.id!r} ranking: expected at most {spec.max_ranks} "
                f"ranks, got {len(marks)}"
            )
        return tuple(m + 1 for m in marks) + (0,) * (spec.max_ranks - len(marks))
    if not spec.min_selections <= len(marks) <= spec.max_selections:
        raise RecordError(
            f"contest {spec.id!r} marks: expected {spec.min_selections} to "
            f"{spec.max_selections} marks, got {len(marks)}"
        )
    chosen = set(marks)
    return tuple(1 if i in chosen else 0 for i in range(k))


def _encrypt_contest(
    election: Election,
    spec: ContestSpec,
    values: tuple[int, ...],
    binding: bytes,
    rng: ScalarSource,
) -> tuple[BallotContest, Opening]:
    key, context = election.key, election.fingerprint
    nonces = tuple(rng() for _ in values)
    cts = tuple(encrypt_small(key, m, r) for m, r in zip(values, nonces, strict=True))
    if spec.kind == "mixnet":
        k = len(spec.candidates)
        proofs = tuple(
            prove_range(context, key, [c], m, r, 0, k, binding=binding, rng=rng)
            for c, m, r in zip(cts, values, nonces, strict=True)
        )
        return BallotContest(spec.id, cts, proofs, None), Opening(spec.id, values, nonces)
    proofs = tuple(
        prove_zero_one(context, key, c, m, r, binding=binding, rng=rng)
        for c, m, r in zip(cts, values, nonces, strict=True)
    )
    total = sum(nonces, Scalar.from_int(0))
    sum_proof = prove_range(
        context,
        key,
        cts,
        sum(values),
        total,
        spec.min_selections,
        spec.max_selections,
        binding=binding,
        rng=rng,
    )
    return BallotContest(spec.id, cts, proofs, sum_proof), Opening(spec.id, values, nonces)


def make_ballot(
    election: Election,
    choices: Mapping[str, Sequence[int]],
    credential: CredentialSecret,
    rng: ScalarSource = Scalar.random,
) -> tuple[Ballot, tuple[Opening, ...]]:
    """Encrypt, prove and sign `choices` (contest id -> 0-based marks or ranking) (§11.4)."""
    binding = credential.public.to_bytes()
    specs = election.contests_for(binding)
    others = sorted(set(choices) - {spec.id for spec in specs})
    if others:
        raise RecordError(
            f"ballot: this credential votes only in contest(s) {[c.id for c in specs]} (the "
            f"member's own, spec §10.4.1); it is not entitled to vote in {others}"
        )
    contests, openings = [], []
    for spec in specs:
        values = contest_plaintexts(spec, choices.get(spec.id, ()))
        contest, opening = _encrypt_contest(election, spec, values, binding, rng)
        contests.append(contest)
        openings.append(opening)
    unsigned = Ballot(
        credential.public, tuple(contests), SchnorrProof(Scalar.from_int(0), Scalar.from_int(0))
    )
    signature = prove_schnorr(
        election.fingerprint,
        credential.secret,
        message=unsigned.signed_digest(),
        purpose=SIGNATURE_PURPOSE,
        rng=rng,
    )
    return Ballot(credential.public, tuple(contests), signature), tuple(openings)


def verify_ballot(election: Election, ballot: Ballot) -> None:
    """Every proof and the signature; ProofError/RecordError naming contest and field (§11.4)."""
    context, key = election.fingerprint, election.key
    binding = ballot.credential.to_bytes()
    ids = [c.id for c in ballot.contests]
    specs = election.contests_for(binding)
    expected = [c.id for c in specs]
    if ids != expected:
        raise RecordError(
            f"Ballot.contests: expected contests {expected} in order (the credential's, spec "
            f"§10.4.1), got {ids}"
        )
    for spec, contest in zip(specs, ballot.contests, strict=True):
        width = spec.max_ranks if spec.kind == "mixnet" else len(spec.candidates)
        if len(contest.ciphertexts) != width:
            raise RecordError(
                f"Ballot contest {spec.id!r}: expected {width} ciphertexts, got "
                f"{len(contest.ciphertexts)}"
            )
        try:
            _verify_contest(context, key, spec, contest, binding)
        except ProofError as error:
            raise ProofError(f"Ballot contest {spec.id!r}: {error}") from None
    try:
        verify_schnorr(
            context,
            ballot.credential,
            ballot.signature,
            message=ballot.signed_digest(),
            purpose=SIGNATURE_PURPOSE,
        )
    except ProofError as error:
        raise ProofError(f"Ballot.signature: {error}") from None


def _verify_contest(
    context: bytes, key: PublicKey, spec: ContestSpec, contest: BallotContest, binding: bytes
) -> None:
    if spec.kind == "mixnet":
        if contest.sum_proof is not None:
            raise ProofError("sum_proof: expected null for a mixnet contest, got a proof")
        for c, proof in zip(contest.ciphertexts, contest.proofs, strict=True):
            verify_range(context, key, [c], 0, len(spec.candidates), proof, binding=binding)
        return
    if contest.sum_proof is None:
        raise ProofError("sum_proof: expected a range proof, got null")
    for c, proof in zip(contest.ciphertexts, contest.proofs, strict=True):
        verify_zero_one(context, key, c, proof, binding=binding)
    verify_range(
        context,
        key,
        contest.ciphertexts,
        spec.min_selections,
        spec.max_selections,
        contest.sum_proof,
        binding=binding,
    )
