"""Threshold decryption recomputed from the record: shares checked, plaintexts combined (§12.5).

The targets are recomputed (each homomorphic contest's EncryptedTally ciphertexts, each mixnet
contest's last shuffle output, row-major; spec §11.9). Every trustee's share of every target is
checked against the trustee's verification key K_ℓ, itself recomputed from the Feldman
commitments (spec §5.2.4, §5.3); then t valid shares are combined by Lagrange interpolation and
the bounded discrete log is taken (spec §3.6, §5.4). The work is cut into chunks of targets for
the process pool.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from clearcount.core.errors import ClearcountError, RecordError
from clearcount.crypto.dlog import DiscreteLog
from clearcount.crypto.elgamal import Ciphertext, PublicKey
from clearcount.crypto.group import Point
from clearcount.crypto.proofs.dleq import DleqProof, verify_decryption
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
Share = tuple[Point, DleqProof | None]


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
    context: bytes,
    threshold: int,
    keys: Mapping[int, bytes],
    bound: int,
    ciphertexts: Sequence[Ciphertext],
    shares: Mapping[int, Sequence[Share]],
    offset: int,
) -> tuple[list[tuple[int, int, str]], list[int | None], list[str]]:
    """Pool task: check each share, combine t valid ones, solve the discrete log.

    Returns (bad shares as (trustee, target, message), plaintexts, dlog failures).
    """
    solver = DiscreteLog(bound)
    verification = {index: PublicKey.from_bytes(key) for index, key in keys.items()}
    bad: list[tuple[int, int, str]] = []
    plaintexts: list[int | None] = []
    unsolved: list[str] = []
    for j, ciphertext in enumerate(ciphertexts):
        valid: dict[int, Point] = {}
        for index in sorted(shares):
            share, proof = shares[index][j]
            try:
                if ciphertext.pad.is_identity():
                    if not share.is_identity() or proof is not None:
                        raise ClearcountError("expected the identity and no proof (identity pad)")
                elif proof is None:
                    raise ClearcountError("expected a Chaum-Pedersen proof, got none")
                else:
                    verify_decryption(context, verification[index], ciphertext, share, proof)
            except ClearcountError as error:
                bad.append((index, offset + j, str(error)))
                continue
            valid[index] = share
        if len(valid) < threshold:
            plaintexts.append(None)
            continue
        chosen = dict(sorted(valid.items())[:threshold])
        try:
            plaintexts.append(solver.solve(ciphertext.data - lagrange_combine(chosen)))
        except ClearcountError as error:
            plaintexts.append(None)
            unsolved.append(f"target {offset + j}: {error}")
    return bad, plaintexts, unsolved


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
    chosen = facts.selection(view)
    weights = facts.weights(view)
    scopes = facts.scopes(view)
    by_seq = {seq: str(credential) for seq, credential in view.ballot_credentials()}
    mine = [s for s in chosen.counted if spec.id in scopes.get(by_seq[s], (spec.id,))]
    online = sum(weights.get(by_seq[s], 0) if spec.weighted else 1 for s in mine)
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
    keys = {i: joint.verification_key(i).to_bytes() for i in partials}
    for position, (contest, ciphertexts) in enumerate(wanted.items()):
        spec = setup.contest(contest)
        shares: dict[int, list[Share]] = {}
        for index, (seq, body) in partials.items():
            mine = body.contests[position]
            if len(mine.shares) != len(ciphertexts):
                result.fail(
                    "V-DECRYPT-1",
                    f"contest {contest!r}: {len(mine.shares)} shares, expected {len(ciphertexts)}",
                    seq,
                )
                continue
            shares[index] = list(zip(mine.shares, mine.proofs, strict=True))
        if len(shares) < setup.threshold:
            result.fail(
                "V-DECRYPT-2",
                f"contest {contest!r}: shares from {len(shares)} "
                f"trustees, expected at least {setup.threshold}",
            )
        try:
            bound = contest_bound(view, spec)
        except RecordError as error:
            result.fail("V-DECRYPT-3", str(error))
            continue
        tasks = [
            (
                view.fingerprint,
                setup.threshold,
                keys,
                bound,
                part,
                {i: s[start : start + len(part)] for i, s in shares.items()},
                start,
            )
            for start, part in ((k * CHUNK, c) for k, c in enumerate(chunks(ciphertexts, CHUNK)))
        ]
        plaintexts: list[int | None] = []
        for bad, values, unsolved in view.runner.run(
            decrypt_chunk, tasks, inline=len(ciphertexts) < CHUNK or len(tasks) < 2
        ):
            for index, target, message in bad:
                result.fail(
                    "V-DECRYPT-1",
                    f"trustee {setup.trustees[index - 1].name!r}, "
                    f"contest {contest!r}, share {target}: {message}",
                    partials[index][0],
                )
            for message in unsolved:
                result.fail("V-DECRYPT-3", f"contest {contest!r} {message}")
            plaintexts.extend(values)
        missing = sum(1 for v in plaintexts if v is None)
        if missing and len(shares) >= setup.threshold:
            result.fail(
                "V-DECRYPT-2",
                f"contest {contest!r}: {missing} ciphertexts lack {setup.threshold} valid shares",
            )
        result.contests[contest] = ContestDecryption(spec, tuple(plaintexts))
    return result
