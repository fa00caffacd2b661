"""The trigger declaration document: what it holds and how its count is made (issues 5, 8, 11).

A Labour trigger ballot (docs/counting/trigger-ballot.md) is decided by bodies: each party
branch by its own members' yes/no contest in the trigger ballot's ONE election (one Setup, one
key ceremony, one tally; each branch's contest voted in by that branch's members only, spec
§10.4.1), each affiliate by the vote its officer signs with the affiliate's own key. The
declaration (format clearcount-trigger-declaration/3) carries the officer's signed list of bodies
(`record.trigger_signed.BodiesList`), the election record's final event hash, each branch's
tallies, every affiliate's signed vote, and the returning officer's signed entries: an
abstention for each body that did not vote, a casting vote for each tied branch (when the
profile's `body_tie` is "casting-vote"). The service writes it with `declaration_document`; the
verifier (`verifier.trigger`) recomputes it with the same functions, so the two cannot drift:

* `election_tallies(events, branches, where)`: the election's record -> its final event hash and
  each listed branch's Yes/No from the Result's contest of that branch (spec §11.9);
* `branch_setup(events, where)`: the hash of the record's Setup event, its opening time, the
  returning officer's key and the contests with their roll scopes, which the signed list of
  bodies must match;
* `trigger_count(profile, branches, affiliates, options)`: `counting.trigger_ballot.count_bodies`
  over `Body(name, "branch", casting, members_yes, members_no)` and `Body(name, "affiliate",
  vote)`, as `record.result_body.result_body` writes a count (the same Result->body conversion as
  the election record's Result event).

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
from clearcount.record.trigger_signed import (
    AbstentionAct,
    AffiliateVoteAct,
    BodiesList,
    CastingVoteAct,
    ListedBranch,
)

__all__ = [
    "FORMAT",
    "AffiliateEntry",
    "BranchEntry",
    "BranchSetup",
    "branch_setup",
    "declaration_document",
    "document_hash",
    "election_tallies",
    "trigger_count",
    "with_casting",
]

FORMAT = "clearcount-trigger-declaration/3"


@dataclass(frozen=True, slots=True)
class BranchEntry:
    """A party branch: its contest in the election, its members' Yes and No, and the chair's
    casting vote when they tied and the profile takes one (None otherwise)."""

    name: str
    contest: str
    yes: int
    no: int
    casting: str | None = None

    def to_json(self) -> dict[str, object]:
        """As the declaration lists it (the casting vote is in `casting_votes`, signed)."""
        return {"name": self.name, "contest": self.contest, "yes": self.yes, "no": self.no}


@dataclass(frozen=True, slots=True)
class AffiliateEntry:
    """An affiliate's body vote for the count ("yes", "no", or None: abstained)."""

    name: str
    vote: str | None
    officer: str | None

    @classmethod
    def signed(cls, act: AffiliateVoteAct) -> AffiliateEntry:
        return cls(act.affiliate, act.counted_vote, act.officer)

    @classmethod
    def abstained(cls, act: AbstentionAct) -> AffiliateEntry:
        """An affiliate the returning officer recorded as not voting."""
        return cls(act.body, None, None)


@dataclass(frozen=True, slots=True)
class BranchSetup:
    """What the election record's Setup says that the signed list of bodies must match."""

    election_id: str
    setup_hash: str
    opens: str
    officer_key: str
    """The returning officer's key (hex), as Setup lists it (spec §11.2.2)."""
    contests: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    """Each contest's id, method and (lower-cased, sorted) candidates, in Setup order."""
    scopes: tuple[tuple[str, ...], ...] = ()
    """Setup.roll.scopes' contests (spec §10.4.1): each branch's contest its own scope."""


def branch_setup(events: Sequence[Event], where: str) -> BranchSetup:
    """The record's Setup event: its hash, opening time, officer's key, contests and scopes."""
    if not events or events[0].kind != "Setup":
        raise RecordError(f"{where}: expected a record starting with its Setup event")
    setup = Setup.from_body(events[0].body, f"{where}: event 0")
    return BranchSetup(
        setup.election_id,
        events[0].hash,
        setup.opens,
        setup.officer.key.to_bytes().hex(),
        tuple(
            (c.id, c.method, tuple(sorted(x.strip().lower() for x in c.candidates)))
            for c in setup.contests
        ),
        tuple(s.contests for s in setup.roll.scopes),
    )


def election_tallies(
    events: Sequence[Event], branches: Sequence[ListedBranch], where: str
) -> tuple[str, tuple[BranchEntry, ...]]:
    """The record's final event hash and each branch's Yes/No: the last event must be the
    Result, and each branch's contest a yes-no contest with candidates Yes and No."""
    if not events or events[0].kind != "Setup":
        raise RecordError(f"{where}: expected a record starting with its Setup event")
    if events[-1].kind != "Result":
        raise RecordError(
            f"{where}: expected a declared result as the last event, got {events[-1].kind}"
        )
    setup = Setup.from_body(events[0].body, f"{where}: event 0")
    result = Result.from_body(events[-1].body, f"{where}: event {events[-1].seq}")
    declared = {c.id: c.tallies for c in result.contests}
    entries = []
    for branch in branches:
        spec = next((c for c in setup.contests if c.id == branch.contest), None)
        if spec is None or spec.method != "yes-no":
            raise RecordError(
                f"{where}: branch {branch.name!r}: expected a yes-no contest {branch.contest!r} "
                f"in the Setup, got {'none' if spec is None else spec.method}"
            )
        labels = [c.strip().lower() for c in spec.candidates]
        if sorted(labels) != ["no", "yes"]:
            raise RecordError(
                f"{where}: contest {spec.id!r}: expected candidates Yes and No, "
                f"got {list(spec.candidates)}"
            )
        tallies = declared.get(spec.id)
        if tallies is None or len(tallies) != 2:
            raise RecordError(f"{where}: contest {spec.id!r}: expected the Result's Yes and No")
        votes = dict(zip(labels, tallies, strict=True))
        entries.append(BranchEntry(branch.name, spec.id, votes["yes"], votes["no"]))
    return events[-1].hash, tuple(entries)


def with_casting(
    branches: Sequence[BranchEntry], casting: Sequence[CastingVoteAct]
) -> list[BranchEntry]:
    """Each branch with the chair's casting vote that broke its tie, if any."""
    by_branch = {c.branch: c.vote for c in casting}
    return [
        BranchEntry(b.name, b.contest, b.yes, b.no, by_branch.get(b.name, b.casting))
        for b in branches
    ]


def trigger_count(
    profile: str,
    branches: Sequence[BranchEntry],
    affiliates: Sequence[AffiliateEntry],
    options: Mapping[str, object] | None = None,
) -> dict[str, object]:
    """The full count under `profile` (and the list's count options), exact values."""
    bodies = [
        Body(name=b.name, kind="branch", vote=_vote(b.name, b.casting), members_yes=b.yes,
             members_no=b.no)
        for b in branches
    ]  # fmt: skip
    bodies += [Body(a.name, "affiliate", _vote(a.name, a.vote)) for a in affiliates]
    return result_body(count_bodies(bodies, {**(options or {}), "profile": profile}))


def _vote(name: str, vote: str | None) -> Literal["yes", "no"] | None:
    if vote not in ("yes", "no", None):
        raise RecordError(f"body {name!r}: expected vote yes, no or null, got {vote!r}")
    return "yes" if vote == "yes" else "no" if vote == "no" else None


def declaration_document(
    *,
    bodies: BodiesList,
    record_head: str,
    branches: Sequence[BranchEntry],
    votes: Sequence[AffiliateVoteAct],
    abstentions: Sequence[AbstentionAct] = (),
    casting_votes: Sequence[CastingVoteAct] = (),
    declared_at: str,
) -> dict[str, object]:
    """The public declaration; `count` is `trigger_count`, `triggered`/`verdict` its outcome.

    Affiliates are counted in the list's order: a signed vote, or the officer's abstention."""
    signed = {v.affiliate: AffiliateEntry.signed(v) for v in votes}
    absent = {a.body: AffiliateEntry.abstained(a) for a in abstentions}
    affiliates = [
        signed.get(a.name) or absent.get(a.name) or AffiliateEntry(a.name, None, None)
        for a in bodies.affiliates
    ]
    count = trigger_count(
        bodies.profile, with_casting(branches, casting_votes), affiliates, bodies.options
    )
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
        "election_id": bodies.election_id,
        "record_head": record_head,
        "branches": [b.to_json() for b in branches],
        "affiliates": [v.to_json() for v in votes],
        "abstentions": [a.to_json() for a in abstentions],
        "casting_votes": [c.to_json() for c in casting_votes],
        "triggered": outcome["triggered"],
        "verdict": outcome["verdict"],
        "count": count,
    }


def document_hash(document: object) -> str:
    """SHA-256 (hex) of the document's canonical JSON bytes."""
    return hashlib.sha256(canonical_json(document)).hexdigest()
