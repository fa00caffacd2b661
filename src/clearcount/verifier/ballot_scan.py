"""The per-ballot work, spread over processes: decode, shape, signature, proofs, sums (§12.3).

Each Ballot event is checked on its own: its body decodes (spec §11.4), it has the Setup's
contests in their shapes, its credential signature and every 0/1, range and sum proof verify with
the fingerprint as context and the credential as binding (spec §4.4-§4.5). The same pass adds the
counted ballots' ciphertexts into per-contest partial sums (spec §11.7) and keeps the counted
mixnet vectors (spec §11.8), so the ballots are decoded once. Chunks of ballot lines (the
canonical bytes, parsed where they are checked) go to the view's runner: a process pool, one
worker per core, or a Dask cluster; the results are merged in record order. What comes back is
compact: findings, the partial sums, and each challenge as its first 8 bytes (V-CHALLENGE-1, whose
prefix matches are confirmed on the full challenges: `challenges`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from clearcount.core.errors import ClearcountError
from clearcount.crypto.elgamal import Ciphertext, PublicKey, scale
from clearcount.crypto.proofs.disjunctive import verify_zero_one
from clearcount.crypto.proofs.range import verify_range
from clearcount.crypto.proofs.schnorr import verify_schnorr
from clearcount.record.events import Ballot, BallotContest, ContestSpec
from clearcount.verifier.challenges import ChallengeColumn
from clearcount.verifier.pool import TaskRunner

__all__ = [
    "CHUNK",
    "SIGNATURE_PURPOSE",
    "BallotJob",
    "ScanContext",
    "ScanResult",
    "ballot_challenges",
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
    """Findings, every challenge's prefix (for V-CHALLENGE-1) and the counted ballots' sums."""

    findings: list[Finding] = field(default_factory=list)
    challenges: ChallengeColumn = field(default_factory=ChallengeColumn)
    sums: dict[str, list[Ciphertext]] = field(default_factory=dict)
    vectors: dict[str, list[tuple[int, tuple[Ciphertext, ...]]]] = field(default_factory=dict)
    checked: int = 0

    def merge(self, other: ScanResult) -> None:
        self.findings.extend(other.findings)
        self.challenges.extend(other.challenges)
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
        ballot = _decode(job, result.findings)
        if ballot is not None:
            _check_ballot(context, key, job, ballot, result)
    return result


def ballot_challenges(context: ScanContext, job: BallotJob) -> list[bytes]:
    """Every challenge of the ballot of `job` in the order the scan meets them: the signature's,
    then each branch challenge of each proof of each contest that has its shape (none for a
    ballot that does not decode). V-CHALLENGE-1 reads these again for its prefix matches."""
    ballot = _decode(job, [])
    if ballot is None:
        return []
    fitting, _ = _fitting(context, job, ballot)
    return _challenges(ballot, fitting)


def _decode(job: BallotJob, findings: list[Finding]) -> Ballot | None:
    try:
        return Ballot.from_body(json.loads(job.line)["body"], f"event {job.seq}")
    except ClearcountError as error:
        findings.append(("V-SCHEMA-1", job.seq, str(error)))
        return None


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
    fitting, problems = _fitting(context, job, ballot)
    result.findings.extend(problems)
    result.challenges.add(job.seq, _challenges(ballot, fitting))
    for spec, contest in fitting:
        for message in _proofs(context, key, ballot, spec, contest):
            result.findings.append(("V-BALLOT-PROOF", job.seq, message))
        if job.weight:
            _add(result, spec, contest, job)


def _fitting(
    context: ScanContext, job: BallotJob, ballot: Ballot
) -> tuple[list[tuple[ContestSpec, BallotContest]], list[Finding]]:
    """The contests of `ballot` that have their Setup shape (spec §11.4) with their specs, and
    a V-BALLOT-SHAPE finding for each that does not (all, if the list of contests is wrong)."""
    specs = [c for c in context.contests if job.scope is None or c.id in job.scope]
    if [c.id for c in ballot.contests] != [c.id for c in specs] and job.scope is not None:
        message = (
            f"contests {[c.id for c in ballot.contests]}, but its credential votes only in "
            f"{[c.id for c in specs]} (its scope on the roll, spec §10.4.1): a member "
            "voting in a contest they are not entitled to"
        )
        return [], [("V-BALLOT-SHAPE", job.seq, message)]
    if len(ballot.contests) != len(specs):
        message = f"{len(ballot.contests)} contests, expected {len(specs)}"
        return [], [("V-BALLOT-SHAPE", job.seq, message)]
    fitting: list[tuple[ContestSpec, BallotContest]] = []
    problems: list[Finding] = []
    for spec, contest in zip(specs, ballot.contests, strict=True):
        problem = _shape(spec, contest)
        if problem is None:
            fitting.append((spec, contest))
        else:
            problems.append(("V-BALLOT-SHAPE", job.seq, problem))
    return fitting, problems


def _challenges(ballot: Ballot, fitting: list[tuple[ContestSpec, BallotContest]]) -> list[bytes]:
    """The signature's challenge, then every branch challenge of the fitting contests' proofs."""
    found = [ballot.signature.challenge.to_bytes()]
    for _, contest in fitting:
        for proof in (*contest.proofs, *(p for p in (contest.sum_proof,) if p is not None)):
            found.extend(challenge.to_bytes() for challenge in proof.challenges)
    return found


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
