"""The scrutineer's voting papers: numbering, the sealed number list, replacements (§11.12).

Run on the scrutineer's (credential authority's) own machine, never inside the ballot service:

- `issue_papers` numbers one paper per eligible member consecutively in issue order, workplace
  by workplace (the roll's units named by the ballot), signs the PaperIssue for the record, and
  returns the `PaperList` (number -> member, roll commitment, workplace, home address) that only
  the scrutineer keeps, sealed under its passphrase (`save_paper_list`, like the credential key
  file), plus the papers to print (`VotingPaper`, rendered by `mail.papers`) in issue order; in
  a hybrid ballot each paper also carries the member's online credential code;
- `replace_paper` issues the next number for a spoilt or lost paper (the record's
  PaperReplacement says which number it voids, so the sealed list never changes);
- `returns_cancellation` turns the agreed returns into what the service needs to count them:
  the members whose papers count, the credential cancellation signed by the scrutineer, and
  under a hybrid ballot with online first the numbers superseded by an online ballot.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from clearcount.core.canonical import canonical_json
from clearcount.core.errors import ClearcountError
from clearcount.core.json_text import load_json
from clearcount.crypto.group import Scalar, ScalarSource
from clearcount.protocol.context import read_election
from clearcount.protocol.paper import Cancellation
from clearcount.protocol.postal import (
    IssuedPaper,
    Reconciled,
    number_papers,
    sign_paper_issue,
    sign_replacement,
)
from clearcount.record import codec
from clearcount.record.chain import Event
from clearcount.record.events import PaperIssue, PaperReplacement, PostalRules, Workplace
from clearcount.record.postal_body import PaperContent
from clearcount.service.errors import NotFoundError, ServiceError, ValidationError
from clearcount.service.roles.credential_authority import KeyMaterial
from clearcount.service.roles.delivery import credential_code
from clearcount.service.roles.sealed_file import (
    DEFAULT_LOG2_N,
    open_sealed,
    read_private_file,
    seal,
    write_private_file,
)

if TYPE_CHECKING:
    from clearcount.service.membership.members import Member
    from clearcount.service.membership.roll_snapshot import RollSnapshot

__all__ = [
    "PAPER_LIST_FORMAT",
    "IssuedPapers",
    "PaperHolder",
    "PaperList",
    "PaperListError",
    "ReturnsCancellation",
    "VotingPaper",
    "issue_papers",
    "load_paper_list",
    "replace_paper",
    "returns_cancellation",
    "save_paper_list",
    "workplace_rules",
]

PAPER_LIST_FORMAT = "clearcount-paper-list/1"


class PaperListError(ServiceError):
    """The sealed paper list cannot be opened: unreadable, malformed, wrong passphrase."""


@dataclass(frozen=True, slots=True)
class VotingPaper:
    """One member's paper as printed: its number, the home address, the credential (hybrid)."""

    number: int
    address: tuple[str, ...]
    credential: str | None = None

    def __repr__(self) -> str:
        return f"VotingPaper({self.number}, <address>, <credential>)"


@dataclass(frozen=True, slots=True)
class PaperHolder:
    """A line of the sealed list: number -> member, roll commitment, workplace, address."""

    number: int
    member_id: str
    commitment: str
    workplace: str | None
    address: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "number": self.number,
            "member_id": self.member_id,
            "commitment": self.commitment,
            "workplace": self.workplace,
            "address": list(self.address),
        }


@dataclass(frozen=True, slots=True)
class PaperList:
    """The scrutineer's sealed number -> member list of one election (spec §11.12.1)."""

    election_id: str
    fingerprint: str
    papers: tuple[PaperHolder, ...]

    def holder(self, number: int, replacements: Sequence[PaperReplacement] = ()) -> PaperHolder:
        """Who holds `number`; a replacement's holder is the voided paper's."""
        voided = {r.number: r.voided for r in replacements}
        original = number
        while original in voided:
            original = voided[original]
        for paper in self.papers:
            if paper.number == original:
                return paper
        raise NotFoundError(f"paper {number} was not issued in election {self.election_id!r}")

    def issued(self) -> tuple[IssuedPaper, ...]:
        return tuple(IssuedPaper(p.number, p.commitment, p.workplace) for p in self.papers)

    def __repr__(self) -> str:
        return f"PaperList({self.election_id!r}, {len(self.papers)} papers)"


@dataclass(frozen=True, slots=True)
class IssuedPapers:
    issue: PaperIssue
    papers: PaperList
    printed: tuple[VotingPaper, ...]


def workplace_rules(postal: PostalRules | None, snapshot: RollSnapshot) -> PostalRules | None:
    """The Setup's postal rules: each workplace's electorate counted on the frozen roll."""
    if postal is None or not postal.workplaces:
        return postal
    eligible = [e for e in snapshot.entries if e.decision.eligible]
    counted = tuple(
        Workplace(w.name, sum(1 for e in eligible if w.name in e.facts.units))
        for w in postal.workplaces
    )
    return PostalRules(postal.method, postal.aggregation, counted)


def _workplace(units: Collection[str], names: Sequence[str], member_id: str) -> str | None:
    if not names:
        return None
    found = [n for n in names if n in units]
    if len(found) != 1:
        raise ValidationError(
            f"member {member_id!r}", "units", f"exactly one of the workplaces {list(names)}", found
        )
    return found[0]


def issue_papers(
    chain: Sequence[Event],
    snapshot: RollSnapshot,
    members: Mapping[str, Member],
    content: PaperContent,
    authority: Scalar,
    material: KeyMaterial | None = None,
    *,
    first: int = 1,
    rng: ScalarSource = Scalar.random,
) -> IssuedPapers:
    """Number, sign and lay out the papers (see the module docstring); `chain` is the record
    up to the Credentials; `material` (the credential key file) is needed for a hybrid ballot."""
    election = read_election(chain)
    postal = election.setup.postal
    if postal is None:
        raise ValidationError(
            f"election {election.setup.election_id!r}", "postal", "voting papers in its Setup", None
        )
    if postal.method == "hybrid" and material is None:
        raise ValidationError("voting papers", "key file", "the credential key file (hybrid)", None)
    names = [w.name for w in postal.workplaces]
    holders: dict[str | None, list[tuple[str, str, tuple[str, ...]]]] = {n: [] for n in names}
    for entry in snapshot.entries:
        if not entry.decision.eligible:
            continue
        member = members.get(entry.member_id)
        if member is None:
            raise NotFoundError(f"eligible member {entry.member_id!r} has no member record")
        address = tuple(p.strip() for p in member.address.replace(",", "\n").splitlines())
        lines = (f"{member.given_name} {member.family_name}", *address, member.postcode)
        workplace = _workplace(entry.facts.units, names, entry.member_id)
        holders.setdefault(workplace, []).append(
            (entry.member_id, entry.commitment, tuple(p for p in lines if p))
        )
    order: list[str | None] = list(names) if names else [None]
    groups = [(w, [c for _, c, _ in holders[w]]) for w in order]
    numbered = number_papers(groups, first)
    flat = [h for w in order for h in holders[w]]
    papers = tuple(
        PaperHolder(p.number, member_id, p.commitment, p.workplace, address)
        for p, (member_id, _, address) in zip(numbered, flat, strict=True)
    )
    issue = sign_paper_issue(election, content, numbered, authority, rng)
    listed = PaperList(election.setup.election_id, chain[0].hash, papers)
    printed = tuple(_printed(p, material) for p in papers)
    return IssuedPapers(issue, listed, printed)


def _printed(holder: PaperHolder, material: KeyMaterial | None) -> VotingPaper:
    code = None
    if material is not None:
        code = credential_code(material.find(holder.member_id).secret.secret)
    return VotingPaper(holder.number, holder.address, code)


def replace_paper(
    chain: Sequence[Event],
    papers: PaperList,
    voided: int,
    reason: str,
    authority: Scalar,
    material: KeyMaterial | None = None,
    rng: ScalarSource = Scalar.random,
) -> tuple[PaperReplacement, VotingPaper]:
    """The next number for a spoilt or lost paper `voided`, signed, and the paper to post."""
    election = read_election(chain)
    issue = next(e for e in chain if e.kind == "PaperIssue")
    replacements = [
        PaperReplacement.from_body(e.body, f"event {e.seq}")
        for e in chain
        if e.kind == "PaperReplacement"
    ]
    last = PaperIssue.from_body(issue.body, f"event {issue.seq}").last
    number = max([last, *(r.number for r in replacements)]) + 1
    if voided in {r.voided for r in replacements}:
        raise ValidationError("replacement", "voided", "a paper not already replaced", voided)
    holder = papers.holder(voided, replacements)
    replacement = sign_replacement(election, voided, number, reason, authority, rng)
    return replacement, _printed(
        PaperHolder(number, holder.member_id, holder.commitment, holder.workplace, holder.address),
        material,
    )


@dataclass(frozen=True, slots=True)
class ReturnsCancellation:
    """What the service needs to count the agreed returns (spec §11.12.2, §11.12.4)."""

    voters: tuple[str, ...]
    superseded: tuple[int, ...]
    cancellation: Cancellation


def returns_cancellation(
    chain: Sequence[Event],
    papers: PaperList,
    reconciled: Reconciled,
    material: KeyMaterial,
    authority: Scalar,
    rng: ScalarSource = Scalar.random,
) -> ReturnsCancellation:
    """The members whose papers count and their cancelled credentials; a paper whose member
    voted online is superseded when the published precedence puts online first."""
    setup = read_election(chain).setup
    order = setup.channel_precedence
    online_first = order.index("online") < order.index("postal")
    voted = {e.body.get("credential") for e in chain if e.kind == "Ballot"}
    replacements = [
        PaperReplacement.from_body(e.body, f"event {e.seq}")
        for e in chain
        if e.kind == "PaperReplacement"
    ]
    voters, superseded = [], []
    for number in sorted(reconciled.counted):
        member = papers.holder(number, replacements).member_id
        public = material.find(member).secret.public.to_bytes().hex()
        if online_first and public in voted:
            superseded.append(number)
        else:
            voters.append(member)
    return ReturnsCancellation(
        tuple(voters), tuple(superseded), material.cancellation(voters, authority, rng)
    )


def save_paper_list(
    path: Path, papers: PaperList, passphrase: str, *, log2_n: int = DEFAULT_LOG2_N
) -> None:
    """The sealed list, 0600, never overwritten (as the credential key file)."""
    header = {
        "format": PAPER_LIST_FORMAT,
        "election_id": papers.election_id,
        "fingerprint": papers.fingerprint,
    }
    plaintext = canonical_json({"papers": [p.to_json() for p in papers.papers]})
    write_private_file(
        path,
        seal(header, plaintext, passphrase, log2_n=log2_n),
        refusal="a paper list is already there; move it away first (it is the only copy)",
    )


def load_paper_list(path: Path, passphrase: str) -> PaperList:
    """Open a sealed paper list; PaperListError naming what is wrong."""
    source = str(path)
    data = read_private_file(path, error=PaperListError, what="the paper list")
    header, plaintext = open_sealed(
        data,
        passphrase,
        source=source,
        fields=("format", "election_id", "fingerprint"),
        error=PaperListError,
        expect={"format": PAPER_LIST_FORMAT},
    )
    try:
        rows = codec.array(load_json(plaintext)["papers"], f"{source}: papers")
        papers = tuple(
            PaperHolder(
                codec.integer(r["number"], f"{source}: papers[{i}].number", minimum=1),
                codec.text(r["member_id"], f"{source}: papers[{i}].member_id"),
                codec.digest(r["commitment"], f"{source}: papers[{i}].commitment"),
                None if r["workplace"] is None else str(r["workplace"]),
                tuple(str(line) for line in r["address"]),
            )
            for i, r in enumerate(rows)
        )
    except (ValueError, KeyError, TypeError, ClearcountError) as error:
        raise PaperListError(f"{source}: not a clearcount paper list: {error}") from None
    return PaperList(str(header["election_id"]), str(header["fingerprint"]), papers)
