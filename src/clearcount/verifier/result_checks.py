"""Checks of the decryption and the declared result (spec §12.5).

The plaintexts come from `decryption` (recomputed from the shares); the declared tallies and
rankings must equal them, and the declared count's numbers and decisions must equal those of a
recount by `counting.registry.count` under the contest's rule set and options, stage for stage
(spec §11.9.2: wording is not compared).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from clearcount.counting.ballots import Ballot as Paper
from clearcount.counting.ballots import Contest
from clearcount.counting.registry import count
from clearcount.record.entitlement import ENTITLED, counting_options, entitled
from clearcount.record.events import ContestSpec, Result, ResultContest
from clearcount.record.result_body import result_body, result_decisions
from clearcount.verifier import facts
from clearcount.verifier.decryption import contest_bound, decryption
from clearcount.verifier.view import Collector, RecordView

__all__ = ["CHECKS", "counting_contest"]


def _decryption_report(check_id: str) -> Callable[[RecordView, Collector], None]:
    def check(view: RecordView, out: Collector) -> None:
        done = decryption(view)
        if not done.contests and not done.findings:
            out.not_applicable("nothing to decrypt")
            return
        for seq, message in done.findings.get(check_id, []):
            if seq is None:
                out.fail(message)
            else:
                out.fail_at(message, seq, view.kinds[seq])
        values = sum(len(c.plaintexts) for c in done.contests.values())
        out.detail = f"{done.trustees} trustees, {values} ciphertexts"

    check.__doc__ = f"{check_id}: findings of the recomputed decryption (spec §12.5)."
    return check


def counting_contest(spec: ContestSpec, values: Sequence[int], total: int) -> Contest:
    """The papers a rule set counts, rebuilt from decrypted values (spec §11.9).

    Homomorphic: candidate i's tally as one paper of that weight; where a paper holds at most one
    mark, the counted weight not accounted for is blank papers. Mixnet: each vector of
    `max_ranks` values is a ranking, value v > 0 naming candidate v − 1, trailing blanks dropped.
    """
    papers: list[Paper] = []
    if spec.kind == "homomorphic":
        papers = [Paper(((i,),), weight) for i, weight in enumerate(values) if weight]
        if spec.max_selections == 1 and total > sum(values):
            papers.append(Paper((), total - sum(values)))
    else:
        width = spec.max_ranks
        for start in range(0, len(values), width):
            ranks = [(v - 1,) if v else () for v in values[start : start + width]]
            while ranks and not ranks[-1]:
                ranks.pop()
            papers.append(Paper(tuple(ranks)))
    return Contest(spec.candidates, tuple(papers), seats=spec.seats, title=spec.title)


def _declared(view: RecordView) -> tuple[int, list[str], dict[str, ResultContest]] | None:
    """(seq, contest ids in the order declared, contest by id) of the last readable Result."""
    found = facts.bodies(view, "Result")
    if not found:
        return None
    event, body = found[-1]
    assert isinstance(body, Result)
    return event.seq, [c.id for c in body.contests], {c.id: c for c in body.contests}


def check_declared_values(view: RecordView, out: Collector) -> None:
    """V-RESULT-1 (spec §11.9): declared tallies / rankings = the recomputed plaintexts."""
    declared = _declared(view)
    if declared is None:
        out.not_applicable("no readable Result event")
        return
    seq, order, contests = declared
    done = decryption(view)
    setup = facts.setup(view)
    if order != [c.id for c in setup.contests]:
        out.fail_at(f"contests {order}, expected {[c.id for c in setup.contests]}", seq, "Result")
    for spec in setup.contests:
        mine, theirs = done.contests.get(spec.id), contests.get(spec.id)
        if mine is None or theirs is None:
            continue
        if spec.kind == "homomorphic":
            stated: tuple[int, ...] | None = theirs.tallies
        else:
            stated = (
                None
                if theirs.rankings is None
                else tuple(v for row in theirs.rankings for v in row)
            )
            if theirs.rankings and any(len(r) != spec.max_ranks for r in theirs.rankings):
                out.fail_at(
                    f"contest {spec.id!r}: rankings not of {spec.max_ranks} ranks", seq, "Result"
                )
        if stated != mine.plaintexts:
            what = "tallies" if spec.kind == "homomorphic" else "rankings"
            out.fail_at(
                f"contest {spec.id!r}: declared {what} differ from the decryption"
                + (
                    f" ({list(stated)} vs {list(mine.plaintexts)})"
                    if spec.kind == "homomorphic" and stated
                    else ""
                ),
                seq,
                "Result",
            )
    out.detail = f"{len(contests)} contests"


def _first_difference(mine: object, theirs: object, path: str = "result") -> str | None:
    if isinstance(mine, Mapping) and isinstance(theirs, Mapping):
        if set(mine) != set(theirs):
            return f"{path}: fields {sorted(theirs)} declared, {sorted(mine)} recounted"
        for key in mine:
            found = _first_difference(mine.get(key), theirs.get(key), f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(mine, list) and isinstance(theirs, list):
        for i, (a, b) in enumerate(zip(mine, theirs, strict=False)):
            found = _first_difference(a, b, f"{path}[{i}]")
            if found:
                return found
        if len(mine) != len(theirs):
            return f"{path}: {len(theirs)} items declared, {len(mine)} recounted"
        return None
    if mine != theirs:
        return f"{path}: declared {theirs!r:.80}, recounted {mine!r:.80}"
    return None


def check_recount(view: RecordView, out: Collector) -> None:
    """V-RESULT-2 (spec §11.9.2): the declared count's numbers and decisions = a recount's.

    Wording, effective options and the tie-break log are not compared (`result_decisions`).
    """
    declared = _declared(view)
    if declared is None:
        out.not_applicable("no readable Result event")
        return
    seq, _, contests = declared
    done = decryption(view)
    for spec in facts.setup(view).contests:
        mine, theirs = done.contests.get(spec.id), contests.get(spec.id)
        if mine is None or theirs is None:
            out.fail_at(f"contest {spec.id!r}: nothing to recount", seq, "Result")
            continue
        if any(v is None for v in mine.plaintexts):
            out.fail_at(
                f"contest {spec.id!r}: some plaintexts could not be recovered", seq, "Result"
            )
            continue
        values = [v for v in mine.plaintexts if v is not None]
        contest = counting_contest(spec, values, contest_bound(view, spec))
        options = counting_options(facts.setup(view).roll, spec)
        recount = result_body(count(spec.method, contest, options))
        if recount.get("elected") != theirs.result.get("elected"):
            out.fail_at(
                f"contest {spec.id!r}: declared elected {theirs.result.get('elected')}, "
                f"the recount elects {recount.get('elected')}",
                seq,
                "Result",
            )
        difference = _first_difference(
            result_decisions(recount, spec.candidates),
            result_decisions(theirs.result, spec.candidates),
        )
        if difference:
            out.fail_at(f"contest {spec.id!r}: {difference}", seq, "Result")
    out.detail = f"{len(contests)} contests recounted"


def check_entitled(view: RecordView, out: Collector) -> None:
    """V-ENTITLED-1 (spec §11.9): an `entitled` option states the committed roll's number."""
    setup = facts.setup(view)
    stated = [c for c in setup.contests if ENTITLED in c.options]
    if not stated:
        out.not_applicable("no contest states an entitled electorate")
        return
    for spec in stated:
        derived = entitled(setup.roll, spec)
        if spec.options[ENTITLED] != derived:
            what = "eligible weight" if spec.weighted else "eligible members"
            out.fail(
                f"contest {spec.id!r}: option entitled = {spec.options[ENTITLED]!r}, but the "
                f"committed roll has {derived} {what} (the turnout base comes from the roll, "
                "never from an option)",
                view.event(0),
            )
    out.detail = f"{len(stated)} contests, roll of {setup.roll.eligible} eligible"


CHECKS: Mapping[str, Callable[[RecordView, Collector], None]] = {
    "V-ENTITLED-1": check_entitled,
    "V-DECRYPT-1": _decryption_report("V-DECRYPT-1"),
    "V-DECRYPT-2": _decryption_report("V-DECRYPT-2"),
    "V-DECRYPT-3": _decryption_report("V-DECRYPT-3"),
    "V-RESULT-1": check_declared_values,
    "V-RESULT-2": check_recount,
}
