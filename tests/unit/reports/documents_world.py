"""Constructed ballot facts for the documents' tests: yes/no results counted by the real rule
set under a chosen opening date, and separate workplace ballots (s.228) with each workplace's
result as the Result event's `workplaces` carries it (spec §11.12.3)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

from pypdf import PdfReader

from clearcount.counting.ballots import Ballot, Contest
from clearcount.counting.yes_no import count
from clearcount.protocol.setup import contest_spec
from clearcount.record.events import ContestSpec
from clearcount.record.result_body import result_body
from clearcount.reports.ballot_facts import BallotFacts
from clearcount.reports.document import CheckLine, Verification

VERIFIED = Verification(
    True,
    "ab" * 32,
    16,
    (CheckLine("V-CHAIN-1", "§10.2", "hash chain", "passed", "16 events"),),
    "cd" * 32,
)

STRIKE = "Are you prepared to take part in strike action?"


def papers(yes: int, no: int, spoilt: int = 0) -> list[Ballot]:
    return [Ballot.of(0)] * yes + [Ballot.of(1)] * no + [Ballot(((0, 1),))] * spoilt


def counted(options: Mapping[str, object], yes: int, no: int, spoilt: int = 0) -> dict[str, object]:
    """A declared yes/no result body (counted by counting.yes_no)."""
    return result_body(
        count(Contest(("Yes", "No"), papers(yes, no, spoilt), title=STRIKE), options)
    )


def question(
    contest_id: str, options: Mapping[str, object], yes: int, no: int, spoilt: int = 0
) -> tuple[ContestSpec, dict[str, object]]:
    """A yes/no question and its declared result body."""
    spec = contest_spec(contest_id, STRIKE, "yes-no", ("Yes", "No"), options=options)
    return spec, counted(options, yes, no, spoilt)


def facts(
    questions: Sequence[tuple[ContestSpec, dict[str, object]]],
    opens: str = "2031-05-01T09:00:00Z",
    closes: str = "2031-05-15T17:00:00Z",
    aggregation: str = "single",
    workplaces: Mapping[str, Sequence[tuple[str, int, dict[str, object]]]] | None = None,
) -> BallotFacts:
    """`workplaces`: contest id -> (workplace, entitled, its result body) (spec §11.12.3)."""
    places = workplaces or {}
    listed = {(name, n) for rows in places.values() for name, n, _ in rows}
    return BallotFacts(
        election_id="constructed-ballot",
        title="Constructed industrial action ballot",
        organisation="Northfold Transport Workers' Union",
        opens=opens,
        closes=closes,
        scrutineer="Northgate Ballot Services",
        officer="Jo Hale",
        tellers=("Pat Quinn", "Sam Ortiz"),
        channels=("postal", "online"),
        contests=tuple(spec for spec, _ in questions),
        roll_size=120,
        eligible=100,
        credentials=100,
        papers={},
        results={spec.id: body for spec, body in questions},
        aggregation=aggregation,
        workplaces=tuple(sorted(listed)),
        workplace_results={
            cid: tuple((name, body) for name, _, body in rows) for cid, rows in places.items()
        },
    )


def pdf_text(data: bytes) -> str:
    """Every page's text, whitespace folded (lines wrap anywhere in a table cell)."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
