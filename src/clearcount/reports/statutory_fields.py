"""One table of the documents: each kind's title, statutory basis and required fields.

Like the verifier's catalogue of checks, this table is the single place the kinds are named:
the CLI's `--kind` choices, the documents' titles and the tests that read each rendered PDF for
every required field (shared/rules/domain.md §2, with the section numbers) all come from here,
and docs/documents.md lists the same kinds (a test keeps them in step).
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["BASIS", "KINDS", "REQUIRED", "TITLES", "Required"]

Required = tuple[str, str, str]
"""(section, what the statute requires, the label the document prints it under)."""

KINDS = (
    "notice-226a",
    "result-231",
    "employer-231a",
    "scrutineer-231b",
    "s52",
    "declaration",
    "trigger-report",
    "appeal-bundle",
)

TITLES: Mapping[str, str] = {
    "notice-226a": "Notice of industrial action ballot to the employer (TULRCA 1992 s.226A)",
    "result-231": "Result of the industrial action ballot to members (TULRCA 1992 s.231)",
    "employer-231a": "Notice of the ballot result to the employer (TULRCA 1992 s.231A)",
    "scrutineer-231b": "Scrutineer's report on the industrial action ballot (TULRCA 1992 s.231B)",
    "s52": "Scrutineer's report on the election (TULRCA 1992 s.52)",
    "declaration": "Declaration of result",
    "trigger-report": "Trigger ballot report",
    "appeal-bundle": "Appeal bundle",
}

BASIS: Mapping[str, tuple[str, ...]] = {
    "notice-226a": ("TULRCA 1992 s.226A", "s.226B", "s.229", "s.234A"),
    "result-231": ("TULRCA 1992 s.231", "s.226(2)", "s.226(2A)-(2F)", "s.228", "s.234"),
    "employer-231a": ("TULRCA 1992 s.231A", "s.226(2)", "s.226(2A)-(2F)", "s.228"),
    "scrutineer-231b": ("TULRCA 1992 s.231B", "s.226B", "s.230"),
    "s52": ("TULRCA 1992 s.52", "s.49", "s.51", "s.51A"),
    "declaration": ("the organisation's rules (selection or NEC election procedure)",),
    "trigger-report": ("Labour Party Rule Book, Chapter 5, Clause IV (trigger ballots)",),
    "appeal-bundle": ("the organisation's appeal procedure", "shared/rules/domain.md §4"),
}

_SHARED: tuple[Required, ...] = (
    ("issue 10", "the record's hash", "Record hash"),
    ("issue 10", "the verifier's verdict", "Verifier's verdict"),
)

_RESULT: tuple[Required, ...] = (
    (
        "s.231",
        "the number of individuals entitled to vote",
        "Number of individuals entitled to vote",
    ),
    ("s.231", "the number of votes cast", "Number of votes cast"),
    ("s.231", "the number answering Yes", "Number answering Yes"),
    ("s.231", "the number answering No", "Number answering No"),
    ("s.231", "the number of spoilt or otherwise invalid papers", "spoilt or otherwise invalid"),
    ("s.226(2)(a)(iia)", "whether the 50% turnout test was met", "Turnout test"),
    (
        "s.226(2A)-(2F)",
        "whether the 40% test was met (important public services)",
        "40% of those entitled",
    ),
    ("s.234", "the mandate's period", "Mandate"),
)

REQUIRED: Mapping[str, tuple[Required, ...]] = {
    "notice-226a": (
        ("s.226A", "that the union intends to hold a ballot", "intends to hold a ballot"),
        ("s.226A", "the opening day of the ballot", "Opening day of the ballot"),
        (
            "s.226A",
            "notice received at least 7 days before the opening day",
            "This notice to reach the employer by",
        ),
        (
            "s.226A",
            "sample voting paper at least 3 days before the opening day",
            "Sample voting paper",
        ),
        (
            "s.226A",
            "the total number of employees concerned",
            "Total number of employees concerned",
        ),
        ("s.226A", "the workplaces", "Workplaces"),
        ("s.226B", "the independent scrutineer", "Independent scrutineer"),
        *_SHARED,
    ),
    "result-231": (*_RESULT, *_SHARED),
    "employer-231a": (
        *_RESULT,
        ("s.231A", "addressed to the employer", "To the employer"),
        *_SHARED,
    ),
    "scrutineer-231b": (
        ("s.231B", "the papers distributed", "Voting papers and credentials distributed"),
        ("s.231B", "the papers returned", "Papers returned"),
        ("s.231B", "the valid votes", "Valid votes"),
        ("s.231B", "the spoilt papers", "Spoilt or otherwise invalid papers"),
        (
            "s.231B",
            "no reasonable grounds for believing the law was contravened",
            "no reasonable grounds for believing",
        ),
        (
            "s.231B",
            "security arrangements minimising unfairness or malpractice",
            "security arrangements",
        ),
        ("s.231B", "the scrutineer worked without interference", "without such interference"),
        ("s.231B", "copies on request for six months", "six months"),
        ("s.231B", "the report within 4 weeks of the ballot", "Report due (within 4 weeks"),
        *_SHARED,
    ),
    "s52": (
        ("s.52", "the papers distributed", "Voting papers and credentials distributed"),
        ("s.52", "the papers returned", "Papers returned"),
        ("s.52", "the valid votes cast for each candidate", "Valid votes cast for each candidate"),
        ("s.52", "the spoilt papers", "Spoilt papers"),
        (
            "s.52",
            "no reasonable grounds for believing the law was contravened",
            "no reasonable grounds for believing",
        ),
        (
            "s.52",
            "security arrangements minimising unfairness or malpractice",
            "security arrangements",
        ),
        ("s.52", "the scrutineer worked without interference", "without such interference"),
        *_SHARED,
    ),
    "declaration": (
        ("rules", "the electorate and the turnout", "Ballot papers counted"),
        ("rules", "the valid vote and the quota", "Valid vote"),
        ("rules", "who is elected", "Elected"),
        (
            "rules",
            "the stage sheet: each stage's votes, transfers and non-transferable",
            "Non-transferable",
        ),
        ("rules", "the returning officer", "Returning officer"),
        *_SHARED,
    ),
    "trigger-report": (
        ("Ch.5 Cl.IV", "each branch's vote and its members' Yes and No", "Branch"),
        ("Ch.5 Cl.IV", "each affiliate's vote and who gave it", "Affiliate"),
        ("Ch.5 Cl.IV", "the rule applied", "Rule applied"),
        ("Ch.5 Cl.IV", "whether a selection is triggered", "Verdict"),
        *_SHARED,
    ),
    "appeal-bundle": (
        ("§4", "an index", "Index"),
        ("§4", "the record summary", "Record summary"),
        ("§4", "the verifier's report", "Verifier's report"),
        ("§4", "the declaration", "Declaration of result"),
        ("§4", "the audit and appeal entries", "Audit entries"),
        *_SHARED,
    ),
}
