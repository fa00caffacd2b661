"""The statutory documents of a union ballot, built from a verified record (issue 10).

TULRCA 1992 as shared/rules/domain.md §2 lists it: the s.226A notice of ballot to the employer,
the s.231 result to members, the s.231A notice of the result to the employer, the s.231B
scrutineer's report on an industrial action ballot, and the s.52 scrutineer's report on an
executive election. Every figure comes from the declared Result (the count the verifier
recomputed, spec §11.9); every threshold, notice period and mandate comes from the dated profile
the ballot was counted under (`counting.yes_no_profiles`), so a document for a ballot opened the
day before an ERA 2025 change states the old rule and one opened that day states the new one.
The required fields of each kind are listed in `reports.statutory_fields`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from fractions import Fraction

from clearcount.core.errors import ConfigError
from clearcount.counting.numbers import decimal_text
from clearcount.counting.yes_no import METHOD as YES_NO
from clearcount.counting.yes_no_profiles import Profile, resolve_profile
from clearcount.record.events import ContestSpec
from clearcount.reports.ballot_facts import BallotFacts, paper_counts
from clearcount.reports.document import (
    Block,
    Document,
    Facts,
    Heading,
    Paragraph,
    Table,
    Verification,
)
from clearcount.reports.result_reading import result_from_body
from clearcount.reports.statutory_fields import BASIS, TITLES

__all__ = [
    "IA_PROFILE",
    "UnfitError",
    "employer_231a",
    "industrial_contests",
    "notice_226a",
    "report_s52",
    "result_231",
    "scrutineer_231b",
]

IA_PROFILE = "uk-industrial-action"


class UnfitError(ConfigError):
    """The document kind does not fit the election (an s.231 result for an STV election)."""


def _n(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def _day(instant: str) -> date:
    return date.fromisoformat(instant[:10])


def industrial_contests(facts: BallotFacts, kind: str) -> tuple[ContestSpec, ...]:
    """The ballot's industrial action questions; UnfitError naming what the record has."""
    found = tuple(
        c for c in facts.contests if c.method == YES_NO and c.options.get("profile") == IA_PROFILE
    )
    if not found:
        held = ", ".join(f"{c.id!r} counted by {c.method}" for c in facts.contests)
        raise UnfitError(
            f"--kind {kind}: {TITLES[kind]} is for an industrial action ballot (yes-no "
            f"questions under profile {IA_PROFILE}); record {facts.election_id} has {held}: "
            f"use --kind declaration, s52 or appeal-bundle"
        )
    return found


def _profile(spec: ContestSpec) -> Profile:
    """The dated profile the question was counted under."""
    return resolve_profile(YES_NO, spec.options)


def _base(facts: BallotFacts, kind: str, blocks: Sequence[Block], v: Verification) -> Document:
    dated = facts.closes[:10]
    if kind == "notice-226a":
        contests = industrial_contests(facts, kind)
        notices = _profile(contests[0]).notices
        days = notices.ballot_notice_days if notices else 7
        dated = (_day(facts.opens) - timedelta(days=days)).isoformat()
    return Document(
        kind=kind,
        title=TITLES[kind],
        organisation=facts.organisation,
        basis=BASIS[kind],
        dated=dated,
        verification=v,
        blocks=tuple(blocks),
        election_id=facts.election_id,
    )


def _ballot_facts(facts: BallotFacts) -> Facts:
    return Facts(
        (
            ("Ballot", facts.title),
            ("Union", facts.organisation),
            ("Opening day", facts.opens[:10]),
            ("Closing date (papers to be returned by)", facts.closes[:10]),
            ("Independent scrutineer", facts.scrutineer),
        )
    )


def _outcome(facts: BallotFacts, spec: ContestSpec) -> Mapping[str, object]:
    body = facts.results.get(spec.id)
    outcome = body.get("outcome") if body else None
    if not isinstance(outcome, Mapping):
        raise UnfitError(
            f"record {facts.election_id}: contest {spec.id!r} has no declared result yet; "
            "the result documents need the Result event (run the tally and declare first)"
        )
    return outcome


def _count(outcome: Mapping[str, object], key: str) -> int:
    value = outcome.get(key, 0)
    return value if isinstance(value, int) else 0


def _spoilt(outcome: Mapping[str, object]) -> int:
    return _count(outcome, "spoilt") + _count(outcome, "blank")


def _test_line(test: Mapping[str, object]) -> str:
    met = "MET" if test.get("met") else "NOT MET"
    return (
        f"{met}: {test.get('counted')} of {test.get('of')} "
        f"(at least {test.get('needed')} needed) [{test.get('section') or 'the rules'}]"
    )


def _tests(spec: ContestSpec, outcome: Mapping[str, object]) -> list[tuple[str, str]]:
    """Each threshold the dated profile applied, and each it did not apply and why."""
    rows: list[tuple[str, str]] = []
    tests = outcome.get("tests")
    named = {"support": "Majority voting Yes", "turnout": "Turnout test (50% of those entitled)"}
    named["entitled_support"] = "40% of those entitled voting Yes (important public services)"
    applied: set[str] = set()
    for test in tests if isinstance(tests, list) else []:
        if isinstance(test, Mapping):
            applied.add(str(test.get("test")))
            rows.append((named.get(str(test.get("test")), str(test.get("rule"))), _test_line(test)))
    not_applied = outcome.get("not_applied")
    for note in not_applied if isinstance(not_applied, list) else []:
        head, _, why = str(note).partition(": ")
        applied.add(head)
        rows.append((named.get(head, head), "NOT APPLIED: " + why))
    if "turnout" not in applied:
        rows.append((named["turnout"], "NOT APPLIED under this ballot's profile"))
    if "entitled_support" not in applied:
        rows.append(
            (named["entitled_support"], "NOT APPLICABLE: not an important public services ballot")
        )
    verdict = "CARRIED" if outcome.get("carried") else "NOT CARRIED"
    rows.append(("Result", verdict))
    mandate = outcome.get("mandate")
    if mandate:
        rows.append(("Mandate (s.234)", str(mandate)))
    return rows


def _figures(outcome: Mapping[str, object]) -> list[tuple[str, str]]:
    return [
        ("Number of individuals entitled to vote", _n(outcome.get("entitled"))),
        ("Number of votes cast (papers returned)", _n(outcome.get("cast"))),
        ("Number answering Yes", _n(outcome.get("yes"))),
        ("Number answering No", _n(outcome.get("no"))),
        ("Number of spoilt or otherwise invalid papers", _n(_spoilt(outcome))),
        ("Turnout", str(outcome.get("turnout_percent") or "")),
    ]


def _outcome_of(body: Mapping[str, object]) -> Mapping[str, object]:
    outcome = body.get("outcome")
    return outcome if isinstance(outcome, Mapping) else {}


def _question_blocks(facts: BallotFacts, spec: ContestSpec) -> list[Block]:
    """One question: its result, and per workplace where the ballot has workplaces (s.228)."""
    outcome = _outcome(facts, spec)
    overall = tuple(_figures(outcome) + _tests(spec, outcome))
    places = (facts.workplace_results or {}).get(spec.id, ())
    blocks: list[Block] = [Heading(spec.title)]
    if not places:
        return [*blocks, Facts(overall)]
    if facts.aggregation == "aggregate":
        blocks.append(Facts(overall, "Aggregated result of all workplaces (s.228A)"))
        for name, body in places:
            blocks.append(Facts(tuple(_figures(_outcome_of(body))), f"Workplace: {name}"))
        return blocks
    for name, body in places:
        place = _outcome_of(body)
        rows = tuple(_figures(place) + _tests(spec, place))
        blocks.append(Facts(rows, f"Workplace: {name} (separate workplace ballot, s.228)"))
    blocks.append(Facts(overall, "All workplaces together (for information)"))
    blocks.append(
        Paragraph(
            "Each workplace's ballot stands alone (s.228): action may be called only where "
            "that workplace's ballot met every test above; the figures for all workplaces "
            "together are given for information."
        )
    )
    return blocks


def _results_blocks(facts: BallotFacts, kind: str) -> list[Block]:
    blocks: list[Block] = []
    for spec in industrial_contests(facts, kind):
        blocks += _question_blocks(facts, spec)
    return blocks


def _footer(facts: BallotFacts) -> Paragraph:
    return Paragraph(
        f"Every figure above is the count declared in the public election record of "
        f"{facts.election_id}, recomputed by the independent verifier; anyone can check it "
        "with `clearcount verify` and re-make this document with `clearcount report`."
    )


def _set_aside(facts: BallotFacts) -> list[Block]:
    """Postal papers the tellers set aside (spoilt, late): not in any question's count."""
    papers = facts.postal
    if papers is None:
        return []
    rows = (
        (
            "Postal papers spoilt (set aside by the tellers, in no question's count)",
            _n(papers.spoilt),
        ),
        ("Postal papers returned late (not counted)", _n(papers.late)),
    )
    return [Facts(rows, "Postal papers set aside")]


def _result(facts: BallotFacts, v: Verification, kind: str, to: str) -> Document:
    blocks: list[Block] = [
        Paragraph(to),
        _ballot_facts(facts),
        *_set_aside(facts),
        *_results_blocks(facts, kind),
        _footer(facts),
    ]
    return _base(facts, kind, blocks, v)


def result_231(facts: BallotFacts, v: Verification) -> Document:
    """s.231: the result to everyone entitled to vote."""
    to = (
        f"To every member of {facts.organisation} entitled to vote in this ballot: the union "
        "gives you the result as section 231 of the Trade Union and Labour Relations "
        "(Consolidation) Act 1992 requires."
    )
    return _result(facts, v, "result-231", to)


def employer_231a(facts: BallotFacts, v: Verification) -> Document:
    """s.231A: the same result, to every employer of members entitled to vote."""
    to = (
        f"To the employer of the members of {facts.organisation} entitled to vote in this "
        "ballot: notice of the result as section 231A of the Trade Union and Labour Relations "
        "(Consolidation) Act 1992 requires, given as soon as reasonably practicable after the "
        "ballot."
    )
    return _result(facts, v, "employer-231a", to)


def notice_226a(facts: BallotFacts, v: Verification) -> Document:
    """s.226A: notice of the ballot to the employer, with its dates as in force then."""
    contests = industrial_contests(facts, "notice-226a")
    profile = _profile(contests[0])
    notices = profile.notices
    if notices is None:  # uk-industrial-action always has them
        raise UnfitError(f"profile {profile.name!r} states no notice periods")
    opening = _day(facts.opens)
    places = [f"{name} ({_n(n)} entitled)" for name, n in facts.workplaces]
    entitled = {c.id: c.options.get("entitled") for c in contests}
    total = max((e for e in entitled.values() if isinstance(e, int)), default=facts.eligible)
    rows = (
        ("Union", facts.organisation),
        ("The union intends to hold a ballot", facts.title),
        ("Opening day of the ballot", opening.isoformat()),
        ("Closing date", facts.closes[:10]),
        (
            f"This notice to reach the employer by (at least {notices.ballot_notice_days} days "
            "before the opening day)",
            (opening - timedelta(days=notices.ballot_notice_days)).isoformat(),
        ),
        (
            f"Sample voting paper to reach the employer by (at least "
            f"{notices.sample_paper_days} days before the opening day)",
            (opening - timedelta(days=notices.sample_paper_days)).isoformat(),
        ),
        ("What the notice must give", notices.ballot_notice_contents),
        ("Total number of employees concerned", _n(total)),
        (
            "Workplaces",
            ", ".join(places) + f" ({_AGGREGATION.get(facts.aggregation, facts.aggregation)})"
            if places
            else "one ballot of all those entitled (no separate workplace ballots in the record)",
        ),
        ("Independent scrutineer (s.226B)", facts.scrutineer),
        ("Notice of industrial action, if called (s.234A)", notices.action_notice_note),
    )
    blocks: list[Block] = [
        Paragraph(
            "To the employer: notice under section 226A of the Trade Union and Labour Relations "
            "(Consolidation) Act 1992 that the union intends to hold the ballot below."
        ),
        Facts(rows),
        Heading("Questions on the voting paper"),
        *(Paragraph(f"{i}. {c.title} (Yes / No)") for i, c in enumerate(contests, start=1)),
        Heading("Thresholds in force for a ballot opening on " + opening.isoformat()),
        *(Paragraph(f"{t.rule} [{t.section or 'the rules'}]") for t in profile.thresholds),
        *(Paragraph("Not applied: " + note) for note in profile.not_applied),
        Paragraph(f"Mandate: {profile.mandate_note}"),
        Paragraph(
            "The categories of employee the union believes will be entitled to vote are given "
            "in the union's entitlement decision; the public record holds only the total and "
            "its roll commitment."
        ),
    ]
    return _base(facts, "notice-226a", blocks, v)


_AGGREGATION = {
    "separate": "a separate ballot at each workplace, s.228",
    "aggregate": "one aggregated ballot of these workplaces, s.228A",
}


def _returned(facts: BallotFacts, contest_id: str) -> list[tuple[str, str]]:
    return [(label, _n(n)) for label, n in paper_counts(facts, contest_id)]


def _distributed(facts: BallotFacts) -> Facts:
    """Papers and credentials distributed, and the numbered postal papers' fate (s.229)."""
    rows = [("Voting papers and credentials distributed", _n(facts.credentials))]
    papers = facts.postal
    if papers is not None:
        rows += [
            ("Numbered postal papers issued", _n(papers.issued)),
            ("Replacement papers issued (each voiding an issued number)", _n(papers.replaced)),
            ("Postal papers returned in time and counted", _n(papers.returned)),
            ("Postal papers spoilt", _n(papers.spoilt)),
            ("Postal papers returned late (not counted)", _n(papers.late)),
            ("Postal papers voided", _n(papers.voided)),
        ]
    rows.append(
        ("Members on the roll / entitled to vote", f"{_n(facts.roll_size)} / {_n(facts.eligible)}")
    )
    return Facts(tuple(rows), "Papers distributed")


def _statements(facts: BallotFacts, v: Verification, section: str) -> list[Block]:
    satisfied = "is satisfied" if v.verified else "is NOT satisfied"
    return [
        Heading(f"The scrutineer's statements ({section})"),
        Paragraph(
            f"{facts.scrutineer} {satisfied} that there are no reasonable grounds for believing "
            "that there was any contravention of a requirement imposed by or under any "
            "enactment in relation to the ballot."
        ),
        Paragraph(
            f"{facts.scrutineer} {satisfied} that the arrangements for the production, storage, "
            "distribution, return and handling of the voting papers and credentials, and for "
            "the counting of the votes, included all such security arrangements as were "
            "reasonably practicable to minimise the risk of unfairness or malpractice: every "
            "paper batch was entered and signed by two tellers, every online ballot was "
            "encrypted and signed with a published credential, and the count was decrypted by "
            "the trustees with proofs that the verifier checked."
        ),
        Paragraph(
            f"{facts.scrutineer} states that it has been able to carry out its functions "
            "without such interference as would make it reasonable for any person to call its "
            "independence in question."
        ),
        Paragraph(
            "Verifier's verdict on the record: " + v.verdict,
            strong=True,
        ),
    ]


def _due(facts: BallotFacts, spec: ContestSpec) -> tuple[str, str]:
    notices = _profile(spec).notices
    days = notices.scrutineer_report_days if notices else 28
    due = _day(facts.closes) + timedelta(days=days)
    return (f"Report due (within {days // 7} weeks of the ballot's close)", due.isoformat())


def scrutineer_231b(facts: BallotFacts, v: Verification) -> Document:
    """s.231B: the scrutineer's report on an industrial action ballot."""
    contests = industrial_contests(facts, "scrutineer-231b")
    blocks: list[Block] = [
        Paragraph(
            f"Report of the independent scrutineer, {facts.scrutineer}, on the ballot below, "
            "under section 231B of the Trade Union and Labour Relations (Consolidation) Act "
            "1992. A copy is supplied on request to anyone entitled to vote and to the "
            "employer, for six months from the date of the ballot."
        ),
        _ballot_facts(facts),
        Facts(((_due(facts, contests[0]),)), "Date of the report"),
        _distributed(facts),
    ]
    for spec in contests:
        outcome = _outcome(facts, spec)
        rows = [
            ("Papers returned", _n(outcome.get("cast"))),
            *_returned(facts, spec.id),
            ("Valid votes", _n(outcome.get("votes_cast"))),
            ("Yes", _n(outcome.get("yes"))),
            ("No", _n(outcome.get("no"))),
            ("Spoilt or otherwise invalid papers", _n(_spoilt(outcome))),
            ("Turnout", str(outcome.get("turnout_percent") or "")),
        ]
        blocks.append(Facts(tuple(rows), spec.title))
        for name, body in (facts.workplace_results or {}).get(spec.id, ()):
            place = _outcome_of(body)
            blocks.append(Facts(tuple(_figures(place)), f"{spec.title}: workplace {name}"))
    blocks += _statements(facts, v, "s.231B")
    return _base(facts, "scrutineer-231b", blocks, v)


def report_s52(facts: BallotFacts, v: Verification) -> Document:
    """s.52: the scrutineer's report on an executive election (any candidate election)."""
    races = [c for c in facts.contests if c.method not in (YES_NO, "trigger-ballot")]
    if not races:
        raise UnfitError(
            f"--kind s52: {TITLES['s52']} is for an election of candidates (STV, AV, "
            f"plurality); record {facts.election_id} has only yes-no questions: use --kind "
            "result-231, employer-231a or scrutineer-231b"
        )
    blocks: list[Block] = [
        Paragraph(
            f"Report of the independent scrutineer, {facts.scrutineer}, on the election below, "
            "under section 52 of the Trade Union and Labour Relations (Consolidation) Act 1992."
        ),
        _ballot_facts(facts),
        _distributed(facts),
    ]
    for spec in races:
        body = facts.results.get(spec.id)
        if body is None:
            raise UnfitError(
                f"record {facts.election_id}: contest {spec.id!r} has no declared result yet"
            )
        result = result_from_body(body)
        first = result.stages[0].tallies if result.stages else {}
        blocks.append(Heading(f"{spec.title} ({spec.method}, {spec.seats} seat(s))"))
        blocks.append(
            Facts(
                (
                    ("Papers returned", _n(int(result.valid_votes) + result.invalid_ballots)),
                    *_returned(facts, spec.id),
                    ("Valid papers", decimal_text(result.valid_votes)),
                    ("Spoilt papers", _n(result.invalid_ballots)),
                    ("Elected", ", ".join(result.elected) or "nobody"),
                )
            )
        )
        blocks.append(
            Table(
                ("Candidate", "Valid votes (first preferences)"),
                tuple(
                    (name, decimal_text(first.get(name, Fraction(0)))) for name in spec.candidates
                ),
                "Valid votes cast for each candidate",
                first_column_width=0.6,
            )
        )
    blocks += _statements(facts, v, "s.52")
    return _base(facts, "s52", blocks, v)
