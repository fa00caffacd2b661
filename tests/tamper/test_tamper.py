"""The tamper harness: every mutation of every kind of record is rejected with the right id.

The default run tries a deterministic sample (every 15th mutation of each record, both as is and
re-chained); `-m slow` tries them all and prints the figures per mutation class.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import pytest
from tests.tamper.mutations import Mutation, build, mutations

from clearcount.protocol.simulate import SCENARIOS
from clearcount.verifier import Status, verify_events

SAMPLE_EVERY = 15


def failed_ids(mutation: Mutation, *, rechain: bool) -> set[str]:
    report = verify_events(build(mutation.documents, rechain=rechain), workers=1)
    return {o.spec.id for o in report.outcomes if o.status is Status.FAILED}


def expected(mutation: Mutation, *, rechain: bool) -> frozenset[str]:
    """Without re-chaining, V-CHAIN-1 catches any change that leaves a later event in place."""
    if not rechain and mutation.breaks_at < len(mutation.documents):
        return frozenset({"V-CHAIN-1"})
    return mutation.expected


def run(
    documents: list[dict[str, Any]],
    every: int,
    shard: int = 0,
    shards: int = 1,
    about: str = "",
) -> tuple[Counter[str], Counter[str], list[str]]:
    """Try every `every`-th mutation (of those whose turn falls to `shard` of `shards`), only
    those whose description contains `about` if given."""
    tried: Counter[str] = Counter()
    caught: Counter[str] = Counter()
    missed: list[str] = []
    chosen = (m for m in mutations(documents) if about in m.description)
    for index, mutation in enumerate(chosen):
        if index % every or (index // every) % shards != shard:
            continue
        for rechain in (False, True):
            want = expected(mutation, rechain=rechain)
            # An empty `want`: the change keeps the record valid (t of n decryptions suffice),
            # and the verifier must accept it.
            label = f"{mutation.kind}{'/rechained' if rechain else ''}"
            label += "" if want else "/still-valid"
            tried[label] += 1
            got = failed_ids(mutation, rechain=rechain)
            if (got & want) or (not want and not got):
                caught[label] += 1
            else:
                missed.append(
                    f"{mutation.description} ({label}): expected one of "
                    f"{sorted(want)}, failed {sorted(got)}"
                )
    return tried, caught, missed


def test_the_honest_records_verify(records: dict[str, list[dict[str, Any]]]) -> None:
    for name, documents in records.items():
        report = verify_events(build(documents, rechain=False), workers=1)
        assert report.ok, (name, [(o.spec.id, o.findings[:2]) for o in report.failed()])


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_sampled_mutations_are_caught_with_the_right_id(
    records: dict[str, list[dict[str, Any]]], scenario: str
) -> None:
    tried, _, missed = run(records[scenario], SAMPLE_EVERY)
    assert sum(tried.values()) > 20
    assert not missed, "\n".join(missed)


@pytest.mark.slow
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_decryption_mutation_is_caught(
    records: dict[str, list[dict[str, Any]]], scenario: str
) -> None:
    """The decryption subset (`-m slow -k decryption`): every change to a PartialDecryption,
    the batched proofs' share swap and proof replay (spec §4.3.3)."""
    tried, _, missed = run(records[scenario], 1, about="PartialDecryption")
    assert not missed, "\n".join(missed)
    if any(d["type"] == "PartialDecryption" for d in records[scenario]):
        assert sum(tried.values()) > 20


@pytest.mark.slow
def test_every_mutation_is_caught_with_the_right_id(
    records: dict[str, list[dict[str, Any]]], capsys: pytest.CaptureFixture[str]
) -> None:
    totals: Counter[str] = Counter()
    found: Counter[str] = Counter()
    missed_all: list[str] = []
    shards = os.cpu_count() or 1
    jobs = [(s, shard) for s in SCENARIOS for shard in range(shards)]
    with ProcessPoolExecutor(shards, mp_context=multiprocessing.get_context("spawn")) as pool:
        results = pool.map(run, *zip(*[(records[s], 1, k, shards) for s, k in jobs], strict=True))
        for (scenario, _), (tried, caught, missed) in zip(jobs, results, strict=True):
            totals.update(tried)
            found.update(caught)
            missed_all += [f"{scenario}: {m}" for m in missed]
    with capsys.disabled():
        for label in sorted(totals):
            print(f"{label:32} tried {totals[label]:6} caught {found[label]:6}")
        print(f"{'total':32} tried {sum(totals.values()):6} caught {sum(found.values()):6}")
    assert not missed_all, "\n".join(missed_all[:50])
