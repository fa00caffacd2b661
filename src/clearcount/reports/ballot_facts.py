"""What the documents need from an election record, read once from its events (spec §11).

`ballot_facts(events)` reads the Setup (names, dates, contests, roll), the published
credentials (one per member entitled: the voting papers and credentials distributed), the paper
batches per channel, the Audit events and the declared Result, whose bodies hold every count
exactly as the verifier recomputed it (spec §11.9). `reports.result_reading.result_from_body`
turns a declared result back into a `counting.result.Result`, so the stage sheet is the same
table the CLI prints.

Postal papers and workplace ballots (spec §11.12, helper `postal`) are read from the raw event
bodies, so the documents work with records with and without them: `Setup.postal` (method,
`aggregation` "single" | "separate" (s.228) | "aggregate" (s.228A), `workplaces` [{name,
eligible}]); each Result contest's `workplaces` [{workplace, entitled, papers, tallies, result}];
`PaperIssue.papers` (numbered papers issued), `PaperReplacement` events, and `PaperReturns`'
`counted`, `spoilt`, `late` and `voided` paper numbers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from clearcount.core.errors import RecordError
from clearcount.record.chain import Event
from clearcount.record.events import Audit, ContestSpec, PaperBatch, Setup
from clearcount.record.tally_bodies import Result as ResultBody

__all__ = [
    "BallotFacts",
    "PostalPapers",
    "ballot_facts",
    "paper_counts",
    "postal_papers",
]


@dataclass(frozen=True, slots=True)
class PostalPapers:
    """Numbered postal papers (TULRCA s.229, spec §11.12): issued, replaced, and as returned."""

    issued: int
    replaced: int = 0
    returned: int = 0
    """Returned in time and counted."""
    spoilt: int = 0
    late: int = 0
    voided: int = 0


@dataclass(frozen=True, slots=True)
class BallotFacts:
    """An election record as the documents read it (module docstring)."""

    election_id: str
    title: str
    organisation: str
    opens: str
    closes: str
    scrutineer: str
    officer: str
    tellers: tuple[str, ...]
    channels: tuple[str, ...]
    contests: tuple[ContestSpec, ...]
    roll_size: int
    eligible: int
    credentials: int
    """Published credentials: one per member entitled, whatever the channel (spec §11.3)."""
    papers: Mapping[tuple[str, str], int]
    """(channel, contest id) -> papers entered by the tellers (meeting, postal)."""
    results: Mapping[str, Mapping[str, object]]
    """Contest id -> the declared result body (spec §11.9.1); empty before the Result event."""
    audits: tuple[Audit, ...] = ()
    event_counts: Mapping[str, int] | None = None
    postal: PostalPapers | None = None
    aggregation: str = "single"
    """Setup.postal.aggregation: "single", "separate" (s.228) or "aggregate" (s.228A)."""
    workplaces: tuple[tuple[str, int], ...] = ()
    """Setup.postal.workplaces: (name, members entitled), in order."""
    workplace_results: Mapping[str, tuple[tuple[str, Mapping[str, object]], ...]] | None = None
    """Contest id -> ((workplace, its declared result body), ...) (spec §11.12.3)."""

    def contest(self, contest_id: str) -> ContestSpec:
        for spec in self.contests:
            if spec.id == contest_id:
                return spec
        raise KeyError(contest_id)


_CHANNEL_WORDS = {"postal": "returned by post", "meeting": "cast at the meeting"}


def paper_counts(facts: BallotFacts, contest_id: str) -> list[tuple[str, int]]:
    """("Papers returned by post", n), ... for the contest's paper batches, channel by channel."""
    return [
        (f"Papers {_CHANNEL_WORDS.get(channel, f'entered ({channel})')}", n)
        for (channel, contest), n in sorted(facts.papers.items())
        if contest == contest_id
    ]


def _whole(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _length(value: object) -> int:
    return len(value) if isinstance(value, list) else 0


def postal_papers(events: Sequence[Event]) -> PostalPapers | None:
    """The numbered postal papers' totals, when the record has a PaperIssue (spec §11.12)."""
    issues = [e for e in events if e.kind == "PaperIssue"]
    if not issues:
        return None
    returns = [e.body for e in events if e.kind == "PaperReturns"]
    return PostalPapers(
        issued=sum(_whole(e.body.get("papers")) for e in issues),
        replaced=sum(1 for e in events if e.kind == "PaperReplacement"),
        returned=sum(_length(r.get("counted")) for r in returns),
        spoilt=sum(_length(r.get("spoilt")) for r in returns),
        late=sum(_length(r.get("late")) for r in returns),
        voided=sum(_length(r.get("voided")) for r in returns),
    )


def _postal_rules(setup: Mapping[str, object]) -> tuple[str, tuple[tuple[str, int], ...]]:
    rules = setup.get("postal")
    if not isinstance(rules, Mapping):
        return "single", ()
    listed = rules.get("workplaces")
    places = tuple(
        (str(w.get("name")), _whole(w.get("eligible")))
        for w in (listed if isinstance(listed, list) else [])
        if isinstance(w, Mapping)
    )
    return str(rules.get("aggregation") or "single"), places


def _workplace_results(
    body: Mapping[str, object],
) -> dict[str, tuple[tuple[str, Mapping[str, object]], ...]]:
    found: dict[str, tuple[tuple[str, Mapping[str, object]], ...]] = {}
    contests = body.get("contests")
    for contest in contests if isinstance(contests, list) else []:
        listed = contest.get("workplaces") if isinstance(contest, Mapping) else None
        if isinstance(listed, list) and listed:
            found[str(contest.get("id"))] = tuple(
                (str(w.get("workplace")), w["result"])
                for w in listed
                if isinstance(w, Mapping) and isinstance(w.get("result"), Mapping)
            )
    return found


def ballot_facts(events: Sequence[Event]) -> BallotFacts:
    """Read the facts from a record's events (RecordError when it has no Setup)."""
    if not events or events[0].kind != "Setup":
        raise RecordError("the record does not start with its Setup event")
    setup = Setup.from_body(events[0].body, "event 0")
    aggregation, workplaces = _postal_rules(events[0].body)
    credentials = 0
    papers: Counter[tuple[str, str]] = Counter()
    results: dict[str, Mapping[str, object]] = {}
    places: dict[str, tuple[tuple[str, Mapping[str, object]], ...]] = {}
    audits: list[Audit] = []
    for event in events:
        if event.kind == "Credentials":
            listed = event.body.get("credentials")
            credentials = len(listed) if isinstance(listed, list) else 0
        elif event.kind == "PaperBatch":
            batch = PaperBatch.from_body(event.body, f"event {event.seq}")
            papers[(batch.channel, batch.contest)] += len(batch.ballots)
        elif event.kind == "Audit":
            audits.append(Audit.from_body(event.body, f"event {event.seq}"))
        elif event.kind == "Result":
            declared = ResultBody.from_body(event.body, f"event {event.seq}")
            results = {c.id: c.result for c in declared.contests}
            places = _workplace_results(event.body)
    return BallotFacts(
        election_id=setup.election_id,
        title=setup.title,
        organisation=setup.organisation,
        opens=setup.opens,
        closes=setup.closes,
        scrutineer=setup.credential_authority.name,
        officer=setup.officer.name,
        tellers=tuple(t.name for t in setup.tellers),
        channels=setup.channel_precedence,
        contests=setup.contests,
        roll_size=setup.roll.size,
        eligible=setup.roll.eligible,
        credentials=credentials,
        papers=dict(papers),
        results=results,
        audits=tuple(audits),
        event_counts=dict(Counter(e.kind for e in events)),
        postal=postal_papers(events),
        aggregation=aggregation,
        workplaces=workplaces,
        workplace_results=places,
    )
