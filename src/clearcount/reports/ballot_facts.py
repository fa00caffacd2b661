"""What the documents need from an election record, read once from its events (spec §11).

`ballot_facts(events)` reads the Setup (names, dates, contests, roll), the published
credentials (one per member entitled: the voting papers and credentials distributed), the paper
batches per channel, the Audit events and the declared Result, whose bodies hold every count
exactly as the verifier recomputed it (spec §11.9). `reports.result_reading.result_from_body`
turns a declared result back into a `counting.result.Result`, so the stage sheet is the same
table the CLI prints.

Hooks for the postal and workplace ballots (issue 10, helper `postal`): a contest's option
`workplace` names the workplace of a separate workplace ballot (TULRCA s.228), read by
`workplace_of`; `postal_papers` reads numbered postal papers issued and returned when the record
carries them (event type `PostalPapers`, body {"issued": int, "returned": int, "spoilt": int,
"late": int}); until then the documents count papers from the credentials and paper batches.
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
    "workplace_of",
]


@dataclass(frozen=True, slots=True)
class PostalPapers:
    """Numbered postal papers (TULRCA s.229): issued, returned in time, spoilt, late."""

    issued: int
    returned: int
    spoilt: int = 0
    late: int = 0


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


def workplace_of(spec: ContestSpec) -> str | None:
    """The workplace of a separate workplace ballot (s.228), from the contest's options."""
    value = spec.options.get("workplace")
    return value if isinstance(value, str) and value else None


def postal_papers(events: Sequence[Event]) -> PostalPapers | None:
    """The numbered postal papers' totals, when the record carries them (module docstring)."""
    found = [e for e in events if e.kind == "PostalPapers"]
    if not found:
        return None
    totals = Counter[str]()
    for event in found:
        for key in ("issued", "returned", "spoilt", "late"):
            value = event.body.get(key, 0)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise RecordError(
                    f"event {event.seq} (PostalPapers): {key} must be a whole number, got {value!r}"
                )
            totals[key] += value
    return PostalPapers(totals["issued"], totals["returned"], totals["spoilt"], totals["late"])


def ballot_facts(events: Sequence[Event]) -> BallotFacts:
    """Read the facts from a record's events (RecordError when it has no Setup)."""
    if not events or events[0].kind != "Setup":
        raise RecordError("the record does not start with its Setup event")
    setup = Setup.from_body(events[0].body, "event 0")
    credentials = 0
    papers: Counter[tuple[str, str]] = Counter()
    results: dict[str, Mapping[str, object]] = {}
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
    )
