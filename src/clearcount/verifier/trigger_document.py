"""The trigger declaration document: what it holds and how its count is made (issues 5, 8).

A Labour trigger ballot (docs/counting/trigger-ballot.md) is decided by bodies: each party
branch by its own members' yes/no election, each affiliate by the vote its officer signs with
the affiliate's own key. The declaration (format clearcount-trigger-declaration/2) carries the
officer's signed list of bodies (`record.trigger_signed.BodiesList`), each branch's tallies
and record hash, and every affiliate's signed vote or abstention. The service writes it with
`declaration_document`; the verifier (`verifier.trigger`) recomputes it with the same
functions, so the two cannot drift:

* `branch_tallies(events)`: a branch election's record -> its election id, final event hash and
  the declared Yes/No tallies of its one yes/no contest (from the Result event, spec §11.9);
* `branch_setup(events)`: the hash of the record's Setup event, its opening time and the
  returning officer's key it lists, which the signed list of bodies must match;
* `trigger_count(profile, branches, affiliates, options)`: `counting.trigger_ballot.count_bodies`
  over `Body(name, "branch", members_yes, members_no)` and `Body(name, "affiliate", vote)`, as
  `record.result_body.result_body` writes a count (the same Result->body conversion as the
  election record's Result event).

Imports core, counting and record only (the verifier's import contract).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from clearcount.core.canonical import canonical_json
from clearcount.core.errors import RecordError
from clearcount.counting.trigger_ballot import Body, count_bodies
from clearcount.record.chain import Event
from clearcount.record.events import Result, Setup
from clearcount.record.result_body import result_body
from clearcount.record.trigger_signed import AffiliateVoteAct, BodiesList

__all__ = [
    "FORMAT",
    "AffiliateEntry",
    "BranchEntry",
    "BranchSetup",
    "branch_setup",
    "branch_tallies",
    "declaration_document",
    "document_hash",
    "trigger_count",
]

FORMAT = "clearcount-trigger-declaration/2"


@dataclass(frozen=True, slots=True)
class BranchEntry:
    """A party branch: its members' election, the record's final event hash, Yes and No."""

    name: str
    election_id: str
    record_head: str
    yes: int
    no: int

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "election_id": self.election_id,
            "record_head": self.record_head,
            "yes": self.yes,
            "no": self.no,
        }


@dataclass(frozen=True, slots=True)
class AffiliateEntry:
    """An affiliate's body vote for the count ("yes", "no", or None: abstained)."""

    name: str
    vote: str | None
    officer: str | None

    @classmethod
    def signed(cls, act: AffiliateVoteAct) -> AffiliateEntry:
        return cls(act.affiliate, act.counted_vote, act.officer)


@dataclass(frozen=True, slots=True)
class BranchSetup:
    """What a branch record's Setup says that the signed list of bodies must match."""

    election_id: str
    setup_hash: str
    opens: str
    officer_key: str
    """The returning officer's key (hex), as Setup lists it (spec §11.2.2)."""


def branch_setup(events: Sequence[Event], where: str) -> BranchSetup:
    """The record's Setup event: its hash, the election's opening time, its officer's key."""
    if not events or events[0].kind != "Setup":
        raise RecordError(f"{where}: expected a record starting with its Setup event")
    setup = Setup.from_body(events[0].body, f"{where}: event 0")
    return BranchSetup(
        setup.election_id, events[0].hash, setup.opens, setup.officer.key.to_bytes().hex()
    )


def branch_tallies(events: Sequence[Event], name: str, where: str) -> BranchEntry:
    """The branch's entry from its election record: the last event must be the Result, and
    the election must have exactly one contest, a yes-no contest with candidates Yes and No."""
    if not events or events[0].kind != "Setup":
        raise RecordError(f"{where}: expected a record starting with its Setup event")
    if events[-1].kind != "Result":
        raise RecordError(
            f"{where}: expected a declared result as the last event, got {events[-1].kind}"
        )
    setup = Setup.from_body(events[0].body, f"{where}: event 0")
    if len(setup.contests) != 1 or setup.contests[0].method != "yes-no":
        methods = [c.method for c in setup.contests]
        raise RecordError(
            f"{where}: a branch's trigger election must have one yes-no contest, got {methods}"
        )
    spec = setup.contests[0]
    labels = [c.strip().lower() for c in spec.candidates]
    if sorted(labels) != ["no", "yes"]:
        raise RecordError(
            f"{where}: contest {spec.id!r}: expected candidates Yes and No, "
            f"got {list(spec.candidates)}"
        )
    result = Result.from_body(events[-1].body, f"{where}: event {events[-1].seq}")
    tallies = result.contests[0].tallies if len(result.contests) == 1 else None
    if tallies is None or len(tallies) != 2:
        raise RecordError(f"{where}: expected the Result's Yes and No tallies, got none")
    votes = dict(zip(labels, tallies, strict=True))
    return BranchEntry(name, setup.election_id, events[-1].hash, votes["yes"], votes["no"])


def trigger_count(
    profile: str,
    branches: Sequence[BranchEntry],
    affiliates: Sequence[AffiliateEntry],
    options: Mapping[str, object] | None = None,
) -> dict[str, object]:
    """The full count under `profile` (and the list's count options), exact values."""
    bodies = [Body(b.name, "branch", members_yes=b.yes, members_no=b.no) for b in branches]
    for a in affiliates:
        if a.vote not in ("yes", "no", None):
            raise RecordError(
                f"affiliate {a.name!r}: expected vote yes, no or null, got {a.vote!r}"
            )
        vote: Literal["yes", "no"] | None = (
            "yes" if a.vote == "yes" else "no" if a.vote == "no" else None
        )
        bodies.append(Body(a.name, "affiliate", vote))
    return result_body(count_bodies(bodies, {**(options or {}), "profile": profile}))


def declaration_document(
    *,
    bodies: BodiesList,
    branches: Sequence[BranchEntry],
    votes: Sequence[AffiliateVoteAct],
    declared_at: str,
) -> dict[str, object]:
    """The public declaration; `count` is `trigger_count`, `triggered`/`verdict` its outcome."""
    affiliates = [AffiliateEntry.signed(v) for v in votes]
    count = trigger_count(bodies.profile, branches, affiliates, bodies.options)
    outcome = count["outcome"]
    assert isinstance(outcome, dict)
    return {
        "format": FORMAT,
        "trigger_id": bodies.trigger_id,
        "title": bodies.title,
        "organisation": bodies.organisation,
        "profile": bodies.profile,
        "declared_at": declared_at,
        "bodies": bodies.to_json(),
        "branches": [b.to_json() for b in branches],
        "affiliates": [v.to_json() for v in votes],
        "triggered": outcome["triggered"],
        "verdict": outcome["verdict"],
        "count": count,
    }


def document_hash(document: object) -> str:
    """SHA-256 (hex) of the document's canonical JSON bytes."""
    return hashlib.sha256(canonical_json(document)).hexdigest()
