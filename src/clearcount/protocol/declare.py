"""The Result: plaintexts from the partial decryptions, then the count (spec §11.9).

Homomorphic contests: each candidate's m·G is solved with a bounded discrete log (bound: the
contest's total weight); the count sees one weighted paper per candidate with its total, plus
blank papers (total weight − Σ tallies) where a paper carries at most one mark. Mixnet contests:
each decrypted rank vector (values 1..k, 0 = no preference) becomes a ranking for the rule set.
The count is `counting.registry.count` with the contest's options, `entitled` taken from the
committed roll (`record.entitlement`); `record.result_body` writes it exactly (spec §11.9.1).
"""

from __future__ import annotations

from collections.abc import Sequence

from clearcount.counting.ballots import Ballot as Paper
from clearcount.counting.ballots import Contest
from clearcount.counting.registry import count
from clearcount.crypto.dlog import DiscreteLog
from clearcount.protocol.context import Election
from clearcount.protocol.decryption import (
    combine_plaintexts,
    decryption_targets,
    partial_decryptions,
)
from clearcount.protocol.tally import require_phase, total_weight
from clearcount.record.chain import Event, next_event
from clearcount.record.entitlement import counting_options, workplace_options
from clearcount.record.events import (
    ContestSpec,
    PaperBatch,
    Result,
    ResultContest,
    WorkplaceResult,
)
from clearcount.record.result_body import result_body

__all__ = ["declare", "homomorphic_contest", "mixnet_contest", "workplace_results"]


def homomorphic_contest(spec: ContestSpec, tallies: Sequence[int], total: int) -> Contest:
    """The count's view of a homomorphic tally (see the module docstring)."""
    papers = [Paper(((i,),), t) for i, t in enumerate(tallies) if t]
    blank = total - sum(tallies)
    if spec.max_selections == 1 and blank > 0:
        papers.append(Paper((), blank))
    return Contest(spec.candidates, tuple(papers), seats=spec.seats, title=spec.title)


def mixnet_contest(spec: ContestSpec, rankings: Sequence[Sequence[int]]) -> Contest:
    """One paper per decrypted vector: rank j holds candidate v_j − 1, or nothing for 0."""
    papers = []
    for vector in rankings:
        ranks = [((v - 1,) if v else ()) for v in vector]
        while ranks and not ranks[-1]:
            ranks.pop()
        papers.append(Paper(tuple(ranks)))
    return Contest(spec.candidates, tuple(papers), seats=spec.seats, title=spec.title)


def declare(chain: Sequence[Event], election: Election, *, verify: bool = True) -> Event:
    """The Result event (spec §11.9); `verify=False` skips re-checking partial decryptions
    that `decryption.post_partial_decryption` already checked when they were appended."""
    require_phase(chain, "Result", after="PartialDecryption", before="Result")
    targets = decryption_targets(chain, election)
    points = combine_plaintexts(election, targets, partial_decryptions(chain), verify=verify)
    contests = []
    for spec in election.setup.contests:
        if spec.kind == "homomorphic":
            total = total_weight(chain, election, spec.id)
            solver = DiscreteLog(total)
            tallies = tuple(solver.solve(p) for p in points[spec.id])
            options = counting_options(election.setup.roll, spec)
            counted = count(spec.method, homomorphic_contest(spec, tallies, total), options)
            workplaces = workplace_results(chain, election, spec)
            contests.append(ResultContest(spec.id, tallies, None, result_body(counted), workplaces))
            continue
        solver = DiscreteLog(len(spec.candidates))
        values = [solver.solve(p) for p in points[spec.id]]
        width = spec.max_ranks
        rankings = tuple(tuple(values[i : i + width]) for i in range(0, len(values), width))
        counted = count(spec.method, mixnet_contest(spec, rankings), spec.options)
        contests.append(ResultContest(spec.id, None, rankings, result_body(counted)))
    return next_event(chain, "Result", Result(tuple(contests)).to_body())


def workplace_results(
    chain: Sequence[Event], election: Election, spec: ContestSpec
) -> tuple[WorkplaceResult, ...]:
    """Per workplace of a separate-workplace postal ballot, its papers' tallies and count,
    with the workplace's electorate as `entitled` (spec §11.12.3); () otherwise."""
    setup = election.setup
    if setup.postal is None or not setup.postal.workplaces:
        return ()
    batches = [
        PaperBatch.from_body(e.body, f"event {e.seq}") for e in chain if e.kind == "PaperBatch"
    ]
    found = []
    for workplace in setup.postal.workplaces:
        papers = [
            paper
            for batch in batches
            if batch.channel == "postal"
            and batch.contest == spec.id
            and batch.workplace == workplace.name
            for paper in batch.ballots
        ]
        tallies = tuple(sum(1 for p in papers if i in p.marks) for i in range(len(spec.candidates)))
        options = workplace_options(setup.roll, spec, workplace.eligible)
        counted = count(spec.method, homomorphic_contest(spec, tallies, len(papers)), options)
        found.append(
            WorkplaceResult(
                workplace.name, workplace.eligible, len(papers), tallies, result_body(counted)
            )
        )
    return tuple(found)
