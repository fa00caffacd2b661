"""Checks from the close to the tally: paper batches, selection, encrypted tally, shuffles (§12.4).

Everything is recomputed from the record: which ballots count (spec §11.4, §11.6), the sum of
their ciphertexts plus the paper counts (spec §11.7), and the input of every shuffle (spec §11.8),
whose proof is then checked against it (spec §6.5).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from clearcount.core.errors import ClearcountError
from clearcount.crypto.elgamal import Ciphertext, PublicKey
from clearcount.crypto.group import Point, Scalar
from clearcount.crypto.proofs.schnorr import verify_schnorr
from clearcount.crypto.shuffle_proof import ShuffleProof, check_shuffle_proof
from clearcount.record.events import ContestSpec, EncryptedTally, PaperBatch, Shuffle
from clearcount.record.postal_rules import paper_channel_problem
from clearcount.record.signing import TELLER_PURPOSE
from clearcount.verifier import facts
from clearcount.verifier.ballot_checks import scan
from clearcount.verifier.view import Collector, RecordView

__all__ = ["CHECKS", "mix_input", "paper_counts", "shuffle_chains"]

Vector = tuple[Ciphertext, ...]


def _paper_problem(spec: ContestSpec, marks: tuple[int, ...]) -> str | None:
    k = len(spec.candidates)
    if len(set(marks)) != len(marks) or any(not 0 <= m < k for m in marks):
        return f"marks {list(marks)}: expected distinct candidate indices in 0..{k - 1}"
    if spec.kind == "mixnet" and len(marks) > spec.max_ranks:
        return f"ranking {list(marks)}: more than {spec.max_ranks} ranks"
    if spec.kind == "homomorphic" and not spec.min_selections <= len(marks) <= spec.max_selections:
        return f"marks {list(marks)}: expected {spec.min_selections}..{spec.max_selections} marks"
    return None


def check_paper(view: RecordView, out: Collector) -> None:
    """V-PAPER-1 (spec §11.6): known contest and channel, two tellers' signatures, valid papers."""
    setup = facts.setup(view)
    published = facts.weights(view)
    batches = facts.bodies(view, "PaperBatch")
    if not batches:
        out.not_applicable("no paper batches")
        return
    papers = 0
    for event, batch in batches:
        assert isinstance(batch, PaperBatch)
        try:
            spec = setup.contest(batch.contest)
            problem = paper_channel_problem(setup, batch.channel, batch.workplace)
            if problem is not None:
                out.fail(problem, event)
            for name, signature in zip(batch.tellers, batch.signatures, strict=True):
                verify_schnorr(
                    view.fingerprint,
                    setup.teller(name).key,
                    signature,
                    message=batch.signed_digest(),
                    purpose=TELLER_PURPOSE,
                )
        except ClearcountError as error:
            out.fail(str(error), event)
            continue
        for index, paper in enumerate(batch.ballots):
            papers += paper.weight
            problem = _paper_problem(spec, paper.marks)
            if problem:
                out.fail(f"ballot {index}: {problem}", event)
            if paper.weight != 1 and not spec.weighted:
                out.fail(f"ballot {index}: weight {paper.weight} in an unweighted contest", event)
        keys = [c.to_bytes() for c in batch.cancelled_credentials]
        if keys != sorted(set(keys)):
            out.fail("cancelled_credentials are not distinct and in ascending order", event)
        scopes = facts.scopes(view)
        for credential in batch.cancelled_credentials:
            key = credential.to_bytes()
            short = key.hex()[:16]
            if key not in published:
                out.fail(f"cancelled credential {short}… is not published", event)
            elif scopes and batch.contest not in scopes.get(key, ()):
                out.fail(
                    f"cancelled credential {short}… votes only in {list(scopes[key])}, not "
                    f"contest {batch.contest!r} (spec §10.4.1): a paper for a contest the "
                    "member is not entitled to",
                    event,
                )
    out.detail = f"{len(batches)} batches, {papers} papers"


def check_selection(view: RecordView, out: Collector) -> None:
    """V-SELECT-1 (spec §11.4, §11.6): the counted set; no credential cancelled twice."""
    seen: dict[str, int] = {}
    for event, batch in facts.bodies(view, "PaperBatch"):
        assert isinstance(batch, PaperBatch)
        for credential in batch.cancelled_credentials:
            text = credential.to_bytes().hex()
            if text in seen:
                out.fail(
                    f"credential {text[:16]}… already cancelled in event {seen[text]} "
                    "(a member voting twice on paper)",
                    event,
                )
            seen.setdefault(text, event.seq)
    chosen = facts.selection(view)
    out.detail = (
        f"{len(chosen.counted)} counted; {chosen.superseded} superseded by a later "
        f"ballot, {chosen.cancelled} cancelled by paper, {chosen.unpublished} "
        "under unpublished credentials"
    )


def paper_counts(view: RecordView, spec: ContestSpec) -> list[int]:
    """Per candidate, the paper votes of a homomorphic contest (weights summed)."""
    counts = [0] * len(spec.candidates)
    for _, batch in facts.bodies(view, "PaperBatch"):
        if batch.contest == spec.id:
            for paper in batch.ballots:
                for mark in paper.marks:
                    if 0 <= mark < len(counts):
                        counts[mark] += paper.weight
    return counts


def _trivial(m: int) -> Ciphertext:
    """(0, mG): the trivial encryption of a public count (spec §11.7)."""
    return Ciphertext(Point.identity(), Point.base_mul(Scalar.from_int(m)))


def check_tally(view: RecordView, out: Collector) -> None:
    """V-TALLY-1 (spec §11.7): each tally ciphertext = Σ counted ciphertexts + (0, paper·G)."""
    setup = facts.setup(view)
    homomorphic = [c for c in setup.contests if c.kind == "homomorphic"]
    tallies = facts.bodies(view, "EncryptedTally")
    if not homomorphic:
        out.not_applicable("no homomorphic contests")
        return
    if not tallies:
        if view.complete:
            out.fail("no readable EncryptedTally for the homomorphic contests")
        return
    event, tally = tallies[0]
    assert isinstance(tally, EncryptedTally)
    if [c.id for c in tally.contests] != [c.id for c in homomorphic]:
        out.fail(
            f"contests {[c.id for c in tally.contests]}, expected {[c.id for c in homomorphic]}",
            event,
        )
        return
    sums = scan(view).sums
    for spec, declared in zip(homomorphic, tally.contests, strict=True):
        online = sums.get(spec.id, [Ciphertext.zero()] * len(spec.candidates))
        paper = paper_counts(view, spec)
        if len(declared.ciphertexts) != len(spec.candidates):
            out.fail(
                f"contest {spec.id!r}: {len(declared.ciphertexts)} ciphertexts, expected "
                f"{len(spec.candidates)}",
                event,
            )
            continue
        for index, (total, m, got) in enumerate(
            zip(online, paper, declared.ciphertexts, strict=True)
        ):
            if got.pad.is_identity() and not total.pad.is_identity():
                out.fail(
                    f"contest {spec.id!r} candidate {spec.candidates[index]!r}: a trivial "
                    "encryption (identity pad) where counted ballots must be summed: refused "
                    "(it would decrypt without any trustee's proof)",
                    event,
                )
            elif total + _trivial(m) != got:
                out.fail(
                    f"contest {spec.id!r} candidate {spec.candidates[index]!r}: not the sum "
                    "of the counted ballots plus the paper count",
                    event,
                )
    out.detail = f"{len(homomorphic)} contests over {len(facts.selection(view).counted)} ballots"


def mix_input(view: RecordView, spec: ContestSpec) -> list[Vector]:
    """The first shuffle's input: counted vectors in record order, then paper rankings (§11.8)."""
    rows = [vector for _, vector in scan(view).vectors.get(spec.id, [])]
    for _, batch in facts.bodies(view, "PaperBatch"):
        if batch.contest == spec.id:
            for paper in batch.ballots:
                values = [m + 1 for m in paper.marks] + [0] * (spec.max_ranks - len(paper.marks))
                rows.extend([tuple(_trivial(v) for v in values)] * paper.weight)
    return rows


def shuffle_chains(view: RecordView) -> Mapping[str, tuple[tuple[int, Shuffle], ...]]:
    """Per mixnet contest, its Shuffle events (seq, body) in record order."""
    chains: dict[str, list[tuple[int, Shuffle]]] = {}
    for event, body in facts.bodies(view, "Shuffle"):
        assert isinstance(body, Shuffle)
        chains.setdefault(body.contest, []).append((event.seq, body))
    return {contest: tuple(items) for contest, items in chains.items()}


def verify_shuffle(
    context: bytes,
    key: bytes,
    inputs: Sequence[Vector],
    outputs: Sequence[Vector],
    proof: ShuffleProof,
) -> str | None:
    """Pool task: CheckShuffleProof (spec §6.5); the failure message or None."""
    try:
        check_shuffle_proof(context, PublicKey.from_bytes(key), inputs, outputs, proof)
    except ClearcountError as error:
        return str(error)
    return None


def check_shuffles(view: RecordView, out: Collector) -> None:
    """V-SHUFFLE-1 (spec §6.5, §11.8): >= t shuffles by distinct trustees, chained, proofs valid."""
    setup = facts.setup(view)
    mixnet = [c for c in setup.contests if c.kind == "mixnet"]
    chains = shuffle_chains(view)
    for contest in set(chains) - {c.id for c in mixnet}:
        out.fail_at(f"Shuffle of {contest!r}, which is not a mixnet contest", chains[contest][0][0])
    if not mixnet:
        out.not_applicable("no mixnet contests")
        return
    tasks: list[tuple[object, ...]] = []
    where: list[int] = []
    key = setup.joint_key.to_bytes()
    known = {t.name for t in setup.trustees}
    for spec in mixnet:
        chain = chains.get(spec.id, ())
        names = [body.trustee for _, body in chain]
        if len(set(names)) != len(names) or not set(names) <= known:
            out.fail(f"contest {spec.id!r}: shuffles by {names}, expected distinct trustees")
        if len(chain) < setup.threshold:
            out.fail(
                f"contest {spec.id!r}: {len(chain)} shuffles, expected at least "
                f"{setup.threshold} (the threshold)"
            )
        previous: Sequence[Vector] = mix_input(view, spec)
        for seq, body in chain:
            tasks.append((view.fingerprint, key, previous, body.ciphertexts, body.proof))
            where.append(seq)
            previous = body.ciphertexts
    failures = view.runner.run(verify_shuffle, tasks, inline=len(tasks) < 2)
    for seq, message in zip(where, failures, strict=True):
        if message is not None:
            out.fail_at(message, seq, "Shuffle")
    out.detail = f"{len(tasks)} shuffles"


CHECKS: Mapping[str, Callable[[RecordView, Collector], None]] = {
    "V-PAPER-1": check_paper,
    "V-SELECT-1": check_selection,
    "V-TALLY-1": check_tally,
    "V-SHUFFLE-1": check_shuffles,
}
