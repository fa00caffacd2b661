"""The per-ballot work, spread over processes: decode, shape, signature, proofs, sums (§12.3).

Each Ballot event is checked on its own: its body decodes (spec §11.4), it has the Setup's
contests in their shapes, its credential signature and every 0/1, range and sum proof verify with
the fingerprint as context and the credential as binding (spec §4.4-§4.5). The same pass adds the
counted ballots' ciphertexts into per-contest partial sums (spec §11.7) and keeps the counted
mixnet vectors (spec §11.8), so the ballots are decoded once. Chunks of ballot lines (the
canonical bytes, parsed where they are checked) go to the view's runner: a process pool, one
worker per core, or a Dask cluster; the results are merged in record order. What comes back is
compact: findings, the partial sums, and each challenge as its first 16 bytes (V-CHALLENGE-1).
"""

from __future__ import annotations

import hashlib
import json
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from clearcount.core.errors import ClearcountError
from clearcount.crypto.elgamal import Ciphertext, PublicKey, scale
from clearcount.crypto.proofs.disjunctive import verify_zero_one
from clearcount.crypto.proofs.range import verify_range
from clearcount.crypto.proofs.schnorr import verify_schnorr
from clearcount.record.events import Ballot, BallotContest, ContestSpec
from clearcount.verifier.pool import TaskRunner

__all__ = [
    "CHALLENGE_PREFIX",
    "CHUNK",
    "SIGNATURE_PURPOSE",
    "BallotJob",
    "ScanContext",
    "ScanResult",
    "repeated_challenges",
    "scan_ballots",
    "signed_digest",
]

SIGNATURE_PURPOSE = "credential-signature"
"""Schnorr purpose of a ballot's credential signature (spec §4.2, §11.4)."""

CHUNK = 400
"""Ballots per task: large enough to amortise pickling, small enough to balance two cores."""

Finding = tuple[str, int, str]
"""(check id, event seq, message)."""


@dataclass(frozen=True, slots=True)
class ScanContext:
    """What every worker needs: the election context, the joint key and the contests."""

    fingerprint: bytes
    joint_key: bytes
    contests: tuple[ContestSpec, ...]


CHALLENGE_PREFIX = 16
"""Bytes of each challenge kept for V-CHALLENGE-1: equal challenges have equal prefixes, and two
different Fiat-Shamir challenges sharing 128 bits cannot be found (about 2**64 hashes)."""


CHALLENGES_PER_SLICE = 2_000_000
"""Challenges looked up together by `repeated_challenges` (a dict of them: about 200 MB)."""


@dataclass(frozen=True, slots=True)
class BallotJob:
    """One Ballot event to check, as its canonical bytes; `weight` > 0 when it is counted."""

    seq: int
    line: bytes
    weight: int
    scope: tuple[str, ...] | None = None
    """The contests its credential votes in (a scoped election, spec §10.4.1); None: all."""


@dataclass(slots=True)
class ScanResult:
    """Findings, every challenge seen (for V-CHALLENGE-1) and the counted ballots' sums."""

    findings: list[Finding] = field(default_factory=list)
    challenges: bytearray = field(default_factory=bytearray)
    """The first CHALLENGE_PREFIX bytes of every challenge, in record order."""
    challenge_seqs: array[int] = field(default_factory=lambda: array("q"))
    """The Ballot event of each challenge."""
    sums: dict[str, list[Ciphertext]] = field(default_factory=dict)
    vectors: dict[str, list[tuple[int, tuple[Ciphertext, ...]]]] = field(default_factory=dict)
    checked: int = 0

    def merge(self, other: ScanResult) -> None:
        self.findings.extend(other.findings)
        self.challenges += other.challenges
        self.challenge_seqs.extend(other.challenge_seqs)
        for contest, column in other.sums.items():
            mine = self.sums.get(contest)
            self.sums[contest] = (
                list(column) if mine is None else [a + b for a, b in zip(mine, column, strict=True)]
            )
        for contest, rows in other.vectors.items():
            self.vectors.setdefault(contest, []).extend(rows)
        self.checked += other.checked


def _shape(spec: ContestSpec, contest: BallotContest) -> str | None:
    """Why `contest` does not fit `spec` (spec §11.4), or None."""
    if contest.id != spec.id:
        return f"contest id {contest.id!r}, expected {spec.id!r}"
    width = spec.max_ranks if spec.kind == "mixnet" else len(spec.candidates)
    if len(contest.ciphertexts) != width:
        return f"contest {spec.id!r}: {len(contest.ciphertexts)} ciphertexts, expected {width}"
    if (contest.sum_proof is None) != (spec.kind == "mixnet"):
        wanted = "no sum proof" if spec.kind == "mixnet" else "a sum proof"
        return f"contest {spec.id!r}: expected {wanted}"
    return None


def _proofs(
    context: ScanContext, key: PublicKey, ballot: Ballot, spec: ContestSpec, contest: BallotContest
) -> Iterator[str]:
    """A message for each proof of `contest` that does not verify (spec §4.4, §4.5)."""
    binding = ballot.credential.to_bytes()
    fp = context.fingerprint
    k = len(spec.candidates)
    for index, (ciphertext, proof) in enumerate(
        zip(contest.ciphertexts, contest.proofs, strict=True)
    ):
        try:
            if spec.kind == "mixnet":
                verify_range(fp, key, [ciphertext], 0, k, proof, binding=binding)
            else:
                verify_zero_one(fp, key, ciphertext, proof, binding=binding)
        except ClearcountError as error:
            yield f"contest {spec.id!r} ciphertext {index}: {error}"
    if contest.sum_proof is not None:
        try:
            verify_range(
                fp,
                key,
                contest.ciphertexts,
                spec.min_selections,
                spec.max_selections,
                contest.sum_proof,
                binding=binding,
            )
        except ClearcountError as error:
            yield f"contest {spec.id!r} sum proof: {error}"


def scan_chunk(context: ScanContext, jobs: Sequence[BallotJob]) -> ScanResult:
    """Check each ballot of `jobs`; the worker function of the pool."""
    key = PublicKey.from_bytes(context.joint_key)
    result = ScanResult()
    for job in jobs:
        result.checked += 1
        try:
            ballot = Ballot.from_body(json.loads(job.line)["body"], f"event {job.seq}")
        except ClearcountError as error:
            result.findings.append(("V-SCHEMA-1", job.seq, str(error)))
            continue
        _check_ballot(context, key, job, ballot, result)
    return result


def signed_digest(line: bytes, ballot: Ballot) -> bytes:
    """`ballot.signed_digest()` (SHA-256 of JCS of the body without `signature`, spec §11.4) cut
    from the event's canonical bytes instead of encoded again.

    In a canonical event line the body comes first and its keys are sorted, so `signature` is its
    last member; a decoded Ballot has exactly the three fields, in lowercase hex that re-encodes
    to the same text. Anything unexpected falls back to encoding the body again.
    """
    tail = b',"signature":"' + ballot.signature.to_bytes().hex().encode() + b'"}'
    end = line.rfind(b',"prev":"')
    if line.startswith(b'{"body":{"contests":') and line[:end].endswith(tail):
        return hashlib.sha256(line[8 : end - len(tail)] + b"}").digest()
    return ballot.signed_digest()


def _check_ballot(
    context: ScanContext, key: PublicKey, job: BallotJob, ballot: Ballot, result: ScanResult
) -> None:
    try:
        verify_schnorr(
            context.fingerprint,
            ballot.credential,
            ballot.signature,
            message=signed_digest(job.line, ballot),
            purpose=SIGNATURE_PURPOSE,
        )
    except ClearcountError as error:
        result.findings.append(("V-BALLOT-SIG", job.seq, str(error)))
    _challenge(result, job.seq, ballot.signature.challenge.to_bytes())
    specs = [c for c in context.contests if job.scope is None or c.id in job.scope]
    if [c.id for c in ballot.contests] != [c.id for c in specs] and job.scope is not None:
        result.findings.append(
            (
                "V-BALLOT-SHAPE",
                job.seq,
                f"contests {[c.id for c in ballot.contests]}, but its credential votes only in "
                f"{[c.id for c in specs]} (its scope on the roll, spec §10.4.1): a member "
                "voting in a contest they are not entitled to",
            )
        )
        return
    if len(ballot.contests) != len(specs):
        result.findings.append(
            (
                "V-BALLOT-SHAPE",
                job.seq,
                f"{len(ballot.contests)} contests, expected {len(specs)}",
            )
        )
        return
    for spec, contest in zip(specs, ballot.contests, strict=True):
        problem = _shape(spec, contest)
        if problem is not None:
            result.findings.append(("V-BALLOT-SHAPE", job.seq, problem))
            continue
        for proof in (*contest.proofs, *(p for p in (contest.sum_proof,) if p is not None)):
            for challenge in proof.challenges:
                _challenge(result, job.seq, challenge.to_bytes())
        for message in _proofs(context, key, ballot, spec, contest):
            result.findings.append(("V-BALLOT-PROOF", job.seq, message))
        if job.weight:
            _add(result, spec, contest, job)


def _add(result: ScanResult, spec: ContestSpec, contest: BallotContest, job: BallotJob) -> None:
    """Counted: add to the contest's sums (weighted if the contest is, §11.7) or keep the vector."""
    if spec.kind == "mixnet":
        result.vectors.setdefault(spec.id, []).append((job.seq, contest.ciphertexts))
        return
    weight = job.weight if spec.weighted else 1
    values = [c if weight == 1 else scale(c, weight) for c in contest.ciphertexts]
    column = result.sums.get(spec.id)
    if column is None:  # the first counted ballot of the chunk: nothing to add it to
        result.sums[spec.id] = values
        return
    for index, value in enumerate(values):
        column[index] = column[index] + value


def _challenge(result: ScanResult, seq: int, challenge: bytes) -> None:
    result.challenges += challenge[:CHALLENGE_PREFIX]
    result.challenge_seqs.append(seq)


def repeated_challenges(result: ScanResult) -> Iterator[tuple[int, bytes, int]]:
    """(seq, challenge prefix, seq of its first use) of every challenge used before, in order.

    The prefixes are compared a slice of them at a time (by their first byte), so the lookup
    table holds about CHALLENGES_PER_SLICE of them at most, however many ballots there are.
    """
    total = len(result.challenge_seqs)
    slices = max(1, min(256, total // CHALLENGES_PER_SLICE + 1))
    repeats: list[tuple[int, int, bytes, int]] = []
    data, seqs, width = result.challenges, result.challenge_seqs, CHALLENGE_PREFIX
    for part in range(slices):
        seen: dict[bytes, int] = {}
        for index in range(total):
            if slices > 1 and data[width * index] % slices != part:
                continue
            prefix = bytes(data[width * index : width * index + width])
            if prefix in seen:
                repeats.append((index, seqs[index], prefix, seen[prefix]))
            else:
                seen[prefix] = seqs[index]
    repeats.sort()
    return ((seq, prefix, first) for _, seq, prefix, first in repeats)


def scan_ballots(
    context: ScanContext,
    jobs: Iterable[Sequence[BallotJob]],
    runner: TaskRunner,
    *,
    inline: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ScanResult:
    """Check every chunk of ballots on `runner` (`inline`: in this process, a small record)."""
    total = ScanResult()

    def collect(part: ScanResult) -> None:
        total.merge(part)
        if progress:
            progress(part.checked)

    runner.run(
        scan_chunk, ((chunk,) for chunk in jobs), shared=(context,), inline=inline, done=collect
    )
    for rows in total.vectors.values():
        rows.sort(key=lambda row: row[0])
    return total
