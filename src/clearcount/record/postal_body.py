"""Postal voting papers on the record: the rules in Setup, issue, replacements, returns (§11.12).

TULRCA 1992 s.229-s.230 make an industrial action ballot postal: the independent scrutineer (the
credential authority's role) issues one numbered voting paper per member entitled to vote, posts
it to the home address, and two tellers enter the papers that come back. The record holds no
personal data, so it carries only what can be checked without names:

- `PostalRules` (the Setup's `postal`): pure postal or hybrid (the draft Code of Practice's
  second method: the paper also carries the online credential), one ballot or separate workplace
  ballots (s.228) with or without aggregation (s.228A), and each workplace's electorate;
- `PaperIssue`: the paper's statutory content (s.229), the consecutive numbers issued per
  workplace and a commitment to the scrutineer's sealed number -> roll-commitment list, signed by
  the scrutineer (purpose `paper-issue`);
- `PaperReplacement`: a replacement paper voids an issued number (purpose `paper-replacement`);
- `PaperReturns`: the two tellers' reconciled entry: the numbers counted, spoilt, late and voided
  (purpose `paper-returns`), which the verifier checks against the issue and the postal batches.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Self

from clearcount.core.errors import RecordError
from clearcount.crypto.proofs.schnorr import SchnorrProof
from clearcount.record import codec
from clearcount.record.signing import signed_digest

__all__ = [
    "AGGREGATIONS",
    "POSTAL_METHODS",
    "IssuedRange",
    "PaperContent",
    "PaperIssue",
    "PaperQuestion",
    "PaperReplacement",
    "PaperReturns",
    "PostalRules",
    "Workplace",
]

POSTAL_METHODS = ("postal", "hybrid")
AGGREGATIONS = ("single", "separate", "aggregate")
"""`single`: one ballot, no workplaces; `separate`: each workplace's result stands alone
(s.228); `aggregate`: one aggregated result, per-workplace figures reported (s.228A)."""


def _schnorr(value: object, path: str) -> SchnorrProof:
    return codec.decoded(value, path, SchnorrProof.from_bytes, 64)


def _numbers(value: object, path: str) -> tuple[int, ...]:
    raw = codec.array(value, path)
    numbers = tuple(codec.integer(n, f"{path}[{i}]", minimum=1) for i, n in enumerate(raw))
    if list(numbers) != sorted(set(numbers)):
        raise RecordError(f"{path}: expected distinct paper numbers in ascending order")
    return numbers


@dataclass(frozen=True, slots=True)
class Workplace:
    """One workplace of a separate-workplace ballot and the members entitled to vote there."""

    name: str
    eligible: int

    def to_body(self) -> dict[str, object]:
        return {"name": self.name, "eligible": self.eligible}

    @classmethod
    def from_body(cls, body: object, path: str) -> Self:
        f = codec.fields(body, path, ("name", "eligible"))
        return cls(
            codec.text(f["name"], f"{path}.name"),
            codec.integer(f["eligible"], f"{path}.eligible", minimum=1),
        )


@dataclass(frozen=True, slots=True)
class PostalRules:
    """The Setup's `postal` (spec §11.12): how papers are used and how results are grouped."""

    method: str
    """"postal" (papers only; online credentials are never sent) or "hybrid"."""
    aggregation: str = "single"
    workplaces: tuple[Workplace, ...] = ()

    def __post_init__(self) -> None:
        self.check("Setup.postal")

    def check(self, path: str) -> None:
        if self.method not in POSTAL_METHODS:
            raise RecordError(
                f"{path}.method: expected one of {POSTAL_METHODS}, got {self.method!r}"
            )
        if self.aggregation not in AGGREGATIONS:
            raise RecordError(
                f"{path}.aggregation: expected one of {AGGREGATIONS}, got {self.aggregation!r}"
            )
        if (self.aggregation == "single") != (not self.workplaces):
            raise RecordError(
                f"{path}.workplaces: expected workplaces exactly when aggregation is "
                f"'separate' or 'aggregate', got {len(self.workplaces)} with {self.aggregation!r}"
            )
        names = [w.name for w in self.workplaces]
        if len(set(names)) != len(names):
            raise RecordError(f"{path}.workplaces[].name: expected distinct names, got {names}")
        if self.workplaces and self.method == "hybrid":
            raise RecordError(
                f"{path}: a hybrid ballot cannot be split by workplace (online ballots carry no "
                "workplace); hold one ballot per workplace instead"
            )

    def to_body(self) -> dict[str, object]:
        return {
            "method": self.method,
            "aggregation": self.aggregation,
            "workplaces": [w.to_body() for w in self.workplaces],
        }

    @classmethod
    def from_body(cls, body: object, path: str) -> PostalRules | None:
        """`null` (no postal papers) or the rules, every field checked."""
        if body is None:
            return None
        f = codec.fields(body, path, ("method", "aggregation", "workplaces"))
        workplaces = tuple(
            Workplace.from_body(w, f"{path}.workplaces[{i}]")
            for i, w in enumerate(codec.array(f["workplaces"], f"{path}.workplaces"))
        )
        try:
            return cls(
                codec.text(f["method"], f"{path}.method"),
                codec.text(f["aggregation"], f"{path}.aggregation"),
                workplaces,
            )
        except RecordError as error:  # __post_init__ names the field under "Setup.postal"
            raise RecordError(str(error).replace("Setup.postal", path, 1)) from None


@dataclass(frozen=True, slots=True)
class PaperQuestion:
    """A question printed on the paper, answered Yes/No; `contest` is its Setup contest id."""

    contest: str
    text: str

    def to_body(self) -> dict[str, object]:
        return {"contest": self.contest, "text": self.text}

    @classmethod
    def from_body(cls, body: object, path: str) -> Self:
        f = codec.fields(body, path, ("contest", "text"))
        return cls(
            codec.text(f["contest"], f"{path}.contest"), codec.text(f["text"], f"{path}.text")
        )


@dataclass(frozen=True, slots=True)
class PaperContent:
    """What TULRCA s.229 requires on the paper besides its number (spec §11.12.1)."""

    issued_on: str
    """ISO date the papers were issued (printed on the paper)."""
    return_address: str
    return_by: str
    """ISO 8601 date-time with offset: a paper received after it is late and not counted."""
    questions: tuple[PaperQuestion, ...]
    who_may_call: str
    statement: str

    def to_body(self) -> dict[str, object]:
        return {
            "issued_on": self.issued_on,
            "return_address": self.return_address,
            "return_by": self.return_by,
            "questions": [q.to_body() for q in self.questions],
            "who_may_call": self.who_may_call,
            "statement": self.statement,
        }

    @classmethod
    def from_fields(cls, f: dict[str, Any], path: str) -> Self:
        issued_on = codec.text(f["issued_on"], f"{path}.issued_on")
        codec.iso_time(f"{issued_on}T00:00:00Z", f"{path}.issued_on")
        return cls(
            issued_on,
            codec.text(f["return_address"], f"{path}.return_address"),
            codec.iso_time(f["return_by"], f"{path}.return_by"),
            tuple(
                PaperQuestion.from_body(q, f"{path}.questions[{i}]")
                for i, q in enumerate(codec.array(f["questions"], f"{path}.questions", least=1))
            ),
            codec.text(f["who_may_call"], f"{path}.who_may_call"),
            codec.text(f["statement"], f"{path}.statement"),
        )


class _SignedByOne:
    """A body signed by one role: `signature` over SHA-256 of JCS(body without it)."""

    __slots__ = ()
    signature: SchnorrProof

    def unsigned_body(self) -> dict[str, object]:
        raise NotImplementedError

    def signed_digest(self) -> bytes:
        return signed_digest(self.unsigned_body())

    def to_body(self) -> dict[str, object]:
        return {**self.unsigned_body(), "signature": codec.hexify(self.signature)}


@dataclass(frozen=True, slots=True)
class IssuedRange:
    """The consecutive numbers one workplace's papers carry: first .. first + papers − 1."""

    workplace: str
    first: int
    papers: int

    @property
    def last(self) -> int:
        return self.first + self.papers - 1

    def to_body(self) -> dict[str, object]:
        return {"workplace": self.workplace, "first": self.first, "papers": self.papers}

    @classmethod
    def from_body(cls, body: object, path: str) -> Self:
        f = codec.fields(body, path, ("workplace", "first", "papers"))
        return cls(
            codec.text(f["workplace"], f"{path}.workplace"),
            codec.integer(f["first"], f"{path}.first", minimum=1),
            codec.integer(f["papers"], f"{path}.papers", minimum=1),
        )


_ISSUE_FIELDS = (
    "scrutineer",
    "issued_on",
    "return_address",
    "return_by",
    "questions",
    "who_may_call",
    "statement",
    "first",
    "papers",
    "ranges",
    "numbers_commitment",
    "signature",
)


@dataclass(frozen=True, slots=True)
class PaperIssue(_SignedByOne):
    """The scrutineer's issue of the voting papers (spec §11.12.1, TULRCA s.229); the body
    has `content`'s fields at its top level."""

    scrutineer: str
    content: PaperContent
    first: int
    papers: int
    ranges: tuple[IssuedRange, ...]
    """Per workplace, in Setup.postal.workplaces order; empty for a single ballot."""
    numbers_commitment: str
    """SHA-256 hex of the scrutineer's sealed list: JCS({"papers": [{"number", "commitment"}]})
    with each member's roll commitment (spec §10.4, §11.12.1)."""
    signature: SchnorrProof

    @property
    def last(self) -> int:
        return self.first + self.papers - 1

    def unsigned_body(self) -> dict[str, object]:
        return {
            "scrutineer": self.scrutineer,
            **self.content.to_body(),
            "first": self.first,
            "papers": self.papers,
            "ranges": [r.to_body() for r in self.ranges],
            "numbers_commitment": self.numbers_commitment,
        }

    @classmethod
    def from_body(cls, body: object, where: str) -> Self:
        path = f"{where}: PaperIssue"
        f = codec.fields(body, path, _ISSUE_FIELDS)
        return cls(
            codec.text(f["scrutineer"], f"{path}.scrutineer"),
            PaperContent.from_fields(f, path),
            codec.integer(f["first"], f"{path}.first", minimum=1),
            codec.integer(f["papers"], f"{path}.papers"),
            tuple(
                IssuedRange.from_body(r, f"{path}.ranges[{i}]")
                for i, r in enumerate(codec.array(f["ranges"], f"{path}.ranges"))
            ),
            codec.digest(f["numbers_commitment"], f"{path}.numbers_commitment"),
            _schnorr(f["signature"], f"{path}.signature"),
        )


@dataclass(frozen=True, slots=True)
class PaperReplacement(_SignedByOne):
    """A replacement paper `number` issued for a spoilt or lost paper `voided` (§11.12.1)."""

    voided: int
    number: int
    reason: str
    signature: SchnorrProof

    def unsigned_body(self) -> dict[str, object]:
        return {"voided": self.voided, "number": self.number, "reason": self.reason}

    @classmethod
    def from_body(cls, body: object, where: str) -> Self:
        path = f"{where}: PaperReplacement"
        f = codec.fields(body, path, ("voided", "number", "reason", "signature"))
        reason = codec.text(f["reason"], f"{path}.reason")
        if reason not in ("spoilt", "lost"):
            raise RecordError(f"{path}.reason: expected 'spoilt' or 'lost', got {reason!r}")
        return cls(
            codec.integer(f["voided"], f"{path}.voided", minimum=1),
            codec.integer(f["number"], f"{path}.number", minimum=1),
            reason,
            _schnorr(f["signature"], f"{path}.signature"),
        )


_RETURN_LISTS = ("counted", "spoilt", "late", "voided", "superseded")


@dataclass(frozen=True, slots=True)
class PaperReturns:
    """The papers that came back, as the two tellers entered and reconciled them (§11.12.2).

    `counted`: valid papers received by `return_by`, whose answers are in the postal
    PaperBatches; `spoilt`: received in time but with no valid answer; `late`: received after
    `return_by` (recorded, never counted); `voided`: a replaced number that came back anyway;
    `superseded`: numbers of `counted` whose members' online ballots take precedence (a hybrid
    ballot with online first), so they are not in the batches.
    """

    counted: tuple[int, ...]
    spoilt: tuple[int, ...]
    late: tuple[int, ...]
    voided: tuple[int, ...]
    superseded: tuple[int, ...]
    tellers: tuple[str, str]
    signatures: tuple[SchnorrProof, SchnorrProof]

    def lists(self) -> dict[str, tuple[int, ...]]:
        return {
            "counted": self.counted,
            "spoilt": self.spoilt,
            "late": self.late,
            "voided": self.voided,
            "superseded": self.superseded,
        }

    def unsigned_body(self) -> dict[str, object]:
        return {**{k: list(v) for k, v in self.lists().items()}, "tellers": list(self.tellers)}

    def signed_digest(self) -> bytes:
        return signed_digest(self.unsigned_body())

    def to_body(self) -> dict[str, object]:
        return {
            **self.unsigned_body(),
            "signatures": [codec.hexify(s) for s in self.signatures],
        }

    @classmethod
    def from_body(cls, body: object, where: str) -> Self:
        path = f"{where}: PaperReturns"
        f = codec.fields(body, path, (*_RETURN_LISTS, "tellers", "signatures"))
        lists: dict[str, Any] = {k: _numbers(f[k], f"{path}.{k}") for k in _RETURN_LISTS}
        tellers = codec.array(f["tellers"], f"{path}.tellers", least=2, most=2)
        names = (
            codec.text(tellers[0], f"{path}.tellers[0]"),
            codec.text(tellers[1], f"{path}.tellers[1]"),
        )
        if names[0] == names[1]:
            raise RecordError(f"{path}.tellers: expected two different tellers, got {names}")
        signatures = codec.array(f["signatures"], f"{path}.signatures", least=2, most=2)
        return cls(
            lists["counted"],
            lists["spoilt"],
            lists["late"],
            lists["voided"],
            lists["superseded"],
            names,
            (
                _schnorr(signatures[0], f"{path}.signatures[0]"),
                _schnorr(signatures[1], f"{path}.signatures[1]"),
            ),
        )
