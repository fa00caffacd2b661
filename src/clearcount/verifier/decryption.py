"""Threshold decryption recomputed from the record: shares checked, plaintexts combined (§12.5).

The targets are recomputed (each homomorphic contest's EncryptedTally ciphertexts, each mixnet
contest's last shuffle output, row-major; spec §11.9). Each trustee's batched Chaum-Pedersen
proof of a contest's shares is checked against the trustee's verification key K_ℓ, itself
recomputed from the Feldman commitments (spec §4.3.3, §5.2.4, §5.3); then the shares of t
trustees with valid proofs are combined by Lagrange interpolation and the bounded discrete log is
taken (spec §3.6, §5.4). The work is cut into chunks of targets for the process pool: each chunk
returns its part of every trustee's composites (M, Z) and its plaintexts from the t
lowest-indexed trustees, redone only if one of those trustees' proofs fails.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from clearcount.core.errors import ClearcountError, RecordError
from clearcount.crypto.dlog import DiscreteLog
from clearcount.crypto.elgamal import Ciphertext
from clearcount.crypto.group import Point
from clearcount.crypto.proofs.batch_dleq import (
    BatchStatement,
    batch_seed,
    composite_part,
    verify_composite,
)
from clearcount.crypto.threshold import lagrange_combine
from clearcount.record.events import ContestSpec, EncryptedTally, PartialDecryption
from clearcount.verifier import facts
from clearcount.verifier.pool import chunks
from clearcount.verifier.tally_checks import shuffle_chains
from clearcount.verifier.view import RecordView

__all__ = [
    "MAX_TALLY_BOUND",
    "ContestDecryption",
    "Decryption",
    "contest_bound",
    "decryption",
    "roll_bound",
    "targets",
]

CHUNK = 2000
Parts = tuple[dict[int, tuple[Point, Point]], list[int | None], list[str]]
"""Composites (M, Z) by trustee, plaintexts, discrete-log failures: a chunk's or a contest's."""


@dataclass(frozen=True, slots=True)
class ContestDecryption:
    """One contest's recomputed plaintexts (None where they could not be recovered)."""

    spec: ContestSpec
    plaintexts: tuple[int | None, ...]


@dataclass(slots=True)
class Decryption:
    """Every contest's plaintexts and the findings of V-DECRYPT-1..3, as (seq or None, text)."""

    contests: dict[str, ContestDecryption] = field(default_factory=dict)
    findings: dict[str, list[tuple[int | None, str]]] = field(default_factory=dict)
    trustees: int = 0

    def fail(self, check_id: str, message: str, seq: int | None = None) -> None:
        self.findings.setdefault(check_id, []).append((seq, message))


def targets(view: RecordView) -> dict[str, tuple[Ciphertext, ...]]:
    """Contest id -> the ciphertexts the trustees must decrypt (spec §11.9)."""
    setup = facts.setup(view)
    tallies: dict[str, tuple[Ciphertext, ...]] = {}
    for _, body in facts.bodies(view, "EncryptedTally"):
        assert isinstance(body, EncryptedTally)
        tallies = {c.id: c.ciphertexts for c in body.contests}
    chains = shuffle_chains(view)
    found = {}
    for spec in setup.contests:
        if spec.kind == "homomorphic" and spec.id in tallies:
            found[spec.id] = tallies[spec.id]
        elif spec.kind == "mixnet" and chains.get(spec.id):
            found[spec.id] = tuple(c for row in chains[spec.id][-1][1].ciphertexts for c in row)
    return found


def decrypt_chunk(
    threshold: int,
    bound: int,
    ciphertexts: Sequence[Ciphertext],
    shares: Mapping[int, Sequence[Point]],
    seeds: Mapping[int, bytes],
    chosen: Sequence[int],
    offset: int,
) -> Parts:
    """Pool task: this chunk's part of the composites (M, Z) of every trustee in `seeds`, and
    the plaintexts from the Lagrange combination of the `chosen` trustees' shares (none if fewer
    than t are chosen).

    Returns (composites by trustee, plaintexts, dlog failures).
    """
    pads = [c.pad for c in ciphertexts]
    composites = {
        index: composite_part(seed, pads, shares[index], offset) for index, seed in seeds.items()
    }
    if len(chosen) < threshold:
        return composites, [None] * len(ciphertexts), []
    solver = DiscreteLog(bound)
    plaintexts: list[int | None] = []
    unsolved: list[str] = []
    for j, ciphertext in enumerate(ciphertexts):
        combined = lagrange_combine({index: shares[index][j] for index in chosen})
        try:
            plaintexts.append(solver.solve(ciphertext.data - combined))
        except ClearcountError as error:
            plaintexts.append(None)
            unsolved.append(f"target {offset + j}: {error}")
    return composites, plaintexts, unsolved


def _batch_findings(
    contest: str,
    ciphertexts: Sequence[Ciphertext],
    shares: Sequence[Point],
    proof: object,
) -> list[str]:
    """What is wrong with a batch before its proof is checked (spec §11.9): a non-identity share
    of an identity pad; a proof where every pad is the identity, or none where one is not."""
    found = [
        f"contest {contest!r}, share {j}: expected the identity (identity pad)"
        for j, (c, share) in enumerate(zip(ciphertexts, shares, strict=True))
        if c.pad.is_identity() and not share.is_identity()
    ]
    trivial = all(c.pad.is_identity() for c in ciphertexts)
    if trivial and proof is not None:
        found.append(f"contest {contest!r}: expected no proof (every pad is the identity)")
    if not trivial and proof is None:
        found.append(f"contest {contest!r}: expected a batched Chaum-Pedersen proof, got none")
    return found


MAX_TALLY_BOUND = 2**32
"""The verifier's ceiling on a discrete-log bound (spec §3.6, §12.5): the baby-step table has
sqrt(bound) entries, so 2**32 costs 65,536 group additions per table. It is far above any real
electorate's total weight; a record whose committed roll claims more is NOT VERIFIED (V-DECRYPT-3)
rather than left to exhaust the verifier's memory or time."""


def roll_bound(view: RecordView, spec: ContestSpec) -> int:
    """The largest count the committed roll allows in one homomorphic tally (spec §12.5).

    Unweighted: the roll commitment's eligible members (each votes once, online or on paper).
    Weighted: the total weight of the published credentials, at most one per eligible member
    (V-CRED-0). Never from a field a forger writes freely (a paper ballot's weight, a ballot
    count); over `MAX_TALLY_BOUND` it is a RecordError naming the cap.
    """
    setup = facts.setup(view)
    eligible = setup.roll.eligible
    if spec.weighted:
        weights = sorted(facts.weights(view).values(), reverse=True)[:eligible]
        total, what = sum(weights), "total credential weight"
    else:
        total, what = eligible, "eligible members"
    if total > MAX_TALLY_BOUND:
        raise RecordError(
            f"contest {spec.id!r}: the committed roll's {what} ({total}) is over the verifier's "
            f"discrete-log ceiling 2**32; a real electorate is far below it"
        )
    return total


def contest_bound(view: RecordView, spec: ContestSpec) -> int:
    """Counted weight plus paper weight (homomorphic), capped by `roll_bound`; or k (a rank
    value; spec §3.6). In a scoped election only the counted ballots whose credential votes in
    the contest (§10.4.1)."""
    if spec.kind == "mixnet":
        return len(spec.candidates)
    cap = roll_bound(view, spec)
    weights = facts.weights(view)
    scopes = facts.scopes(view)
    online = 0
    for _, credential, counted in facts.ballots(view):
        if not counted or not isinstance(credential, bytes):
            continue
        if spec.id in scopes.get(credential, (spec.id,)):
            online += weights.get(credential, 0) if spec.weighted else 1
    paper: int = sum(
        p.weight
        for _, b in facts.bodies(view, "PaperBatch")
        if b.contest == spec.id
        for p in b.ballots
    )
    return min(online + paper, cap)


def decryption(view: RecordView) -> Decryption:
    return view.derive("the decrypted plaintexts", lambda: _decrypt(view))


def _decrypt(view: RecordView) -> Decryption:
    setup = facts.setup(view)
    joint = facts.joint(view)
    result = Decryption()
    wanted = targets(view)
    partials: dict[int, tuple[int, PartialDecryption]] = {}
    for event, body in facts.bodies(view, "PartialDecryption"):
        assert isinstance(body, PartialDecryption)
        try:
            index = setup.trustee(body.trustee).index
        except ClearcountError as error:
            result.fail("V-DECRYPT-2", str(error), event.seq)
            continue
        if index in partials:
            result.fail(
                "V-DECRYPT-2", f"a second partial decryption by {body.trustee!r}", event.seq
            )
            continue
        if [c.id for c in body.contests] != list(wanted):
            result.fail(
                "V-DECRYPT-1",
                f"contests {[c.id for c in body.contests]}, expected {list(wanted)}",
                event.seq,
            )
            continue
        partials[index] = (event.seq, body)
    result.trustees = len(partials)
    keys = {i: joint.verification_key(i) for i in partials}
    for position, (contest, ciphertexts) in enumerate(wanted.items()):
        spec = setup.contest(contest)
        shares: dict[int, tuple[Point, ...]] = {}
        seeds: dict[int, bytes] = {}
        for index, (seq, body) in partials.items():
            mine = body.contests[position]
            if len(mine.shares) != len(ciphertexts):
                result.fail(
                    "V-DECRYPT-1",
                    f"trustee {body.trustee!r}, contest {contest!r}: {len(mine.shares)} shares, "
                    f"expected {len(ciphertexts)}",
                    seq,
                )
                continue
            found = _batch_findings(contest, ciphertexts, mine.shares, mine.proof)
            for message in found:
                name = setup.trustees[index - 1].name
                result.fail("V-DECRYPT-1", f"trustee {name!r}, {message}", seq)
            if found:
                continue
            shares[index] = mine.shares
            if mine.proof is not None:
                statement = BatchStatement(index, contest, keys[index], ciphertexts, mine.shares)
                seeds[index] = batch_seed(view.fingerprint, statement)
        try:
            bound = contest_bound(view, spec)
        except RecordError as error:
            result.fail("V-DECRYPT-3", str(error))
            continue
        chosen = sorted(shares)[: setup.threshold]
        batches = _Batches(ciphertexts, shares, seeds)
        composites, plaintexts, unsolved = _run(view, setup.threshold, bound, batches, chosen)
        for index, seed in seeds.items():
            proof = partials[index][1].contests[position].proof
            assert proof is not None
            try:
                verify_composite(view.fingerprint, keys[index], seed, composites[index], proof)
            except ClearcountError as error:
                result.fail(
                    "V-DECRYPT-1",
                    f"trustee {setup.trustees[index - 1].name!r}, contest {contest!r}, "
                    f"batched proof over {len(ciphertexts)} shares: {error}",
                    partials[index][0],
                )
                del shares[index]
        if set(chosen) - set(shares):
            chosen = sorted(shares)[: setup.threshold]
            batches = _Batches(ciphertexts, shares, {})
            _, plaintexts, unsolved = _run(view, setup.threshold, bound, batches, chosen)
        for message in unsolved:
            result.fail("V-DECRYPT-3", f"contest {contest!r} {message}")
        if len(shares) < setup.threshold:
            result.fail(
                "V-DECRYPT-2",
                f"contest {contest!r}: valid shares from {len(shares)} "
                f"trustees, expected at least {setup.threshold}",
            )
        result.contests[contest] = ContestDecryption(spec, tuple(plaintexts))
    return result


@dataclass(frozen=True, slots=True)
class _Batches:
    """One contest's targets, the shares of each trustee still in play, and the batch seeds of
    those whose proofs are still to be checked."""

    ciphertexts: Sequence[Ciphertext]
    shares: Mapping[int, Sequence[Point]]
    seeds: Mapping[int, bytes]


def _run(
    view: RecordView, threshold: int, bound: int, batches: _Batches, chosen: list[int]
) -> Parts:
    """`decrypt_chunk` over every chunk of the contest on the pool, its results summed."""
    wanted = set(chosen) | set(batches.seeds)
    tasks = [
        (
            threshold,
            bound,
            part,
            {i: s[start : start + len(part)] for i, s in batches.shares.items() if i in wanted},
            batches.seeds,
            chosen,
            start,
        )
        for start, part in (
            (k * CHUNK, c) for k, c in enumerate(chunks(batches.ciphertexts, CHUNK))
        )
    ]
    composites = {index: (Point.identity(), Point.identity()) for index in batches.seeds}
    plaintexts: list[int | None] = []
    unsolved: list[str] = []
    for parts, values, failures in view.runner.run(
        decrypt_chunk, tasks, inline=len(batches.ciphertexts) < CHUNK or len(tasks) < 2
    ):
        for index, (m, z) in parts.items():
            total_m, total_z = composites[index]
            composites[index] = (total_m + m, total_z + z)
        plaintexts.extend(values)
        unsolved.extend(failures)
    return composites, plaintexts, unsolved
