"""A trigger ballot's signed messages: the officer's list of bodies, each affiliate's vote, and
the returning officer's entries for a body that did not vote or a branch whose tie a casting
vote decided.

Issue 8: an affiliate's vote and the list of bodies taking part must not be changeable by the
people who run the ballot. Issue 11: a trigger ballot is ONE election, with a yes/no contest per
party branch (each voted in by that branch's members only, spec §10.4.1), one key ceremony and
one tally. Four messages, each a Schnorr signature (spec §4.2) over the canonical JSON (RFC
8785) of the message without its signature, with one purpose tag each and the context
`clearcount/v1/trigger-ballot`:

* the **bodies list** (`clearcount-trigger-bodies/2`, purpose `trigger-bodies`), signed by the
  returning officer once the election's key ceremony has run and before it opens: the trigger
  ballot's identity and rule profile, the election's id and the hash of its record's Setup
  event, each party branch with its contest in that election, each affiliate with the public
  key its own officer made on its own machine (`clearcount affiliate init`), and when it was
  fixed;
* an **affiliate vote** (`clearcount-trigger-affiliate-vote/1`, purpose
  `trigger-affiliate-vote`), signed by the affiliate's officer with the affiliate's key: the
  trigger ballot's id and the SHA-256 of the signed bodies list it votes in, the affiliate, the
  officer's name and the vote ("yes", "no" or "abstain");
* an **abstention** (`clearcount-trigger-abstention/1`, purpose `trigger-abstention`), signed by
  the returning officer: a listed body (a branch none of whose members voted, an affiliate that
  sent no vote) recorded as not voting, with the reason;
* a **casting vote** (`clearcount-trigger-casting-vote/1`, purpose `trigger-casting-vote`),
  signed by the returning officer: a branch whose members tied (its `yes` and `no`), the chair
  who gave the casting vote and the vote, under a profile whose `body_tie` is "casting-vote".

Every message names the list it was given under, so a list changed afterwards (a body added or
dropped, a key replaced) leaves it pointing at the old list; one signed for another trigger
ballot names that ballot. `verifier.trigger` checks every signature and binding
(docs/spec/12-verifier.md §12.9). Imports core, crypto and record only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from clearcount.core.canonical import canonical_json
from clearcount.core.errors import ProofError, RecordError
from clearcount.crypto.group import Point, Scalar, ScalarSource
from clearcount.crypto.proofs.schnorr import SchnorrProof, prove_schnorr, verify_schnorr
from clearcount.record import codec

__all__ = [
    "ABSTENTION_FORMAT",
    "ABSTENTION_PURPOSE",
    "BODIES_FORMAT",
    "BODIES_PURPOSE",
    "CASTING_FORMAT",
    "CASTING_PURPOSE",
    "CONTEXT",
    "VOTES",
    "VOTE_FORMAT",
    "VOTE_PURPOSE",
    "AbstentionAct",
    "AffiliateVoteAct",
    "BodiesList",
    "CastingVoteAct",
    "ListedAffiliate",
    "ListedBranch",
    "sign_abstention",
    "sign_affiliate_vote",
    "sign_bodies",
    "sign_casting_vote",
]

BODIES_FORMAT = "clearcount-trigger-bodies/2"
VOTE_FORMAT = "clearcount-trigger-affiliate-vote/1"
ABSTENTION_FORMAT = "clearcount-trigger-abstention/1"
CASTING_FORMAT = "clearcount-trigger-casting-vote/1"
BODIES_PURPOSE = "trigger-bodies"
VOTE_PURPOSE = "trigger-affiliate-vote"
ABSTENTION_PURPOSE = "trigger-abstention"
CASTING_PURPOSE = "trigger-casting-vote"
CONTEXT = b"clearcount/v1/trigger-ballot"
VOTES = ("yes", "no", "abstain")
_BODIES_FIELDS = (
    "format",
    "trigger_id",
    "title",
    "organisation",
    "profile",
    "options",
    "officer",
    "officer_key",
    "election_id",
    "setup_hash",
    "branches",
    "affiliates",
    "fixed_at",
    "signature",
)
_VOTE_FIELDS = ("format", "trigger_id", "bodies", "affiliate", "officer", "vote", "signature")
_ABSTENTION_FIELDS = ("format", "trigger_id", "bodies", "body", "reason", "signature")
_CASTING_FIELDS = (
    "format", "trigger_id", "bodies", "branch", "yes", "no", "chair", "vote", "signature",
)  # fmt: skip
_ZERO = SchnorrProof(Scalar.from_int(0), Scalar.from_int(0))


class _Signed:
    """A signed message: its fields without the signature (`_unsigned`) and the signature."""

    __slots__ = ()
    signature: SchnorrProof

    def _unsigned(self) -> dict[str, object]:
        raise NotImplementedError

    def statement(self) -> bytes:
        """What is signed: the message without its signature, canonical JSON."""
        return canonical_json(self._unsigned())

    def to_json(self) -> dict[str, object]:
        return {**self._unsigned(), "signature": codec.hexify(self.signature)}

    def _check(self, key: Point, purpose: str, failure: str) -> None:
        """The signature under `key` for `purpose`; ProofError(`failure`) otherwise."""
        try:
            verify_schnorr(CONTEXT, key, self.signature, message=self.statement(), purpose=purpose)
        except ProofError:
            raise ProofError(failure) from None


def _message(value: object, path: str, names: tuple[str, ...], form: str) -> dict[str, Any]:
    """A signed message's fields, all present and no other, of format `form`."""
    f = codec.fields(value, path, names)
    if f["format"] != form:
        raise RecordError(f"{path}.format: expected {form!r}, got {f['format']!r}")
    return f


@dataclass(frozen=True, slots=True)
class ListedBranch:
    """A party branch and its contest in the trigger ballot's election (voted in by the
    branch's own members only, spec §10.4.1)."""

    name: str
    contest: str

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "contest": self.contest}


@dataclass(frozen=True, slots=True)
class ListedAffiliate:
    """An affiliate and the public key its officer made on the officer's own machine."""

    name: str
    key: Point

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "key": codec.hexify(self.key)}


def _signature(value: object, path: str) -> SchnorrProof:
    return codec.decoded(value, path, SchnorrProof.from_bytes, 64)


@dataclass(frozen=True, slots=True)
class BodiesList(_Signed):
    """The bodies taking part, fixed and signed by the returning officer before opening."""

    trigger_id: str
    title: str
    organisation: str
    profile: str
    officer: str
    officer_key: Point
    election_id: str
    setup_hash: str
    """The hash of the election record's Setup event (spec §10.2): one ceremony, one Setup."""
    branches: tuple[ListedBranch, ...]
    affiliates: tuple[ListedAffiliate, ...]
    fixed_at: str
    options: Mapping[str, object] = field(default_factory=dict)
    signature: SchnorrProof = _ZERO

    def _unsigned(self) -> dict[str, object]:
        return {
            "format": BODIES_FORMAT,
            "trigger_id": self.trigger_id,
            "title": self.title,
            "organisation": self.organisation,
            "profile": self.profile,
            "options": dict(self.options),
            "officer": self.officer,
            "officer_key": codec.hexify(self.officer_key),
            "election_id": self.election_id,
            "setup_hash": self.setup_hash,
            "branches": [b.to_json() for b in self.branches],
            "affiliates": [a.to_json() for a in self.affiliates],
            "fixed_at": self.fixed_at,
        }

    @property
    def hash(self) -> str:
        """SHA-256 (hex) of the signed list's canonical JSON: what each affiliate vote names."""
        return hashlib.sha256(canonical_json(self.to_json())).hexdigest()

    def affiliate(self, name: str) -> ListedAffiliate | None:
        return next((a for a in self.affiliates if a.name == name), None)

    def branch(self, name: str) -> ListedBranch | None:
        return next((b for b in self.branches if b.name == name), None)

    @property
    def body_tie(self) -> str:
        """How a tied branch is decided (count option `body_tie`, default "abstain")."""
        return str(self.options.get("body_tie", "abstain"))

    def verify(self) -> None:
        """The officer's signature over the list; ProofError naming the list otherwise."""
        self._check(
            self.officer_key,
            BODIES_PURPOSE,
            f"bodies list of trigger ballot {self.trigger_id!r}: the signature is not officer "
            f"{self.officer!r}'s over this list (list altered, or signed with another key)",
        )

    @classmethod
    def from_json(cls, value: object, path: str = "bodies") -> BodiesList:
        """Parse (not verify) a signed list; RecordError naming the field otherwise."""
        f = _message(value, path, _BODIES_FIELDS, BODIES_FORMAT)
        if not isinstance(f["options"], dict):
            raise RecordError(f"{path}.options: expected an object, got {f['options']!r}")
        branches = []
        for i, b in enumerate(codec.array(f["branches"], f"{path}.branches")):
            at = f"{path}.branches[{i}]"
            g = codec.fields(b, at, ("name", "contest"))
            branches.append(
                ListedBranch(
                    codec.text(g["name"], f"{at}.name"), codec.text(g["contest"], f"{at}.contest")
                )
            )
        affiliates = []
        for i, a in enumerate(codec.array(f["affiliates"], f"{path}.affiliates")):
            at = f"{path}.affiliates[{i}]"
            g = codec.fields(a, at, ("name", "key"))
            affiliates.append(
                ListedAffiliate(
                    codec.text(g["name"], f"{at}.name"), codec.point(g["key"], f"{at}.key")
                )
            )
        names = [b.name for b in branches] + [a.name for a in affiliates]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise RecordError(f"{path}: expected distinct body names, repeated {repeated}")
        contests = [b.contest for b in branches]
        if len(set(contests)) != len(contests):
            raise RecordError(f"{path}.branches: expected a contest of its own for each branch")
        return cls(
            codec.text(f["trigger_id"], f"{path}.trigger_id"),
            codec.text(f["title"], f"{path}.title"),
            codec.text(f["organisation"], f"{path}.organisation"),
            codec.text(f["profile"], f"{path}.profile"),
            codec.text(f["officer"], f"{path}.officer"),
            codec.point(f["officer_key"], f"{path}.officer_key"),
            codec.text(f["election_id"], f"{path}.election_id"),
            codec.digest(f["setup_hash"], f"{path}.setup_hash"),
            tuple(branches),
            tuple(affiliates),
            codec.iso_time(f["fixed_at"], f"{path}.fixed_at"),
            dict(f["options"]),
            _signature(f["signature"], f"{path}.signature"),
        )


def sign_bodies(
    draft: BodiesList, officer_secret: Scalar, rng: ScalarSource = Scalar.random
) -> BodiesList:
    """The officer signs `draft` (on the officer's machine, from the officer's key file)."""
    if Point.base_mul(officer_secret) != draft.officer_key:
        raise RecordError(
            f"bodies list: the key given is not officer {draft.officer!r}'s (its public key "
            "differs from the list's officer_key)"
        )
    signature = prove_schnorr(
        CONTEXT, officer_secret, message=draft.statement(), purpose=BODIES_PURPOSE, rng=rng
    )
    return BodiesList(
        draft.trigger_id,
        draft.title,
        draft.organisation,
        draft.profile,
        draft.officer,
        draft.officer_key,
        draft.election_id,
        draft.setup_hash,
        draft.branches,
        draft.affiliates,
        draft.fixed_at,
        draft.options,
        signature,
    )


@dataclass(frozen=True, slots=True)
class AffiliateVoteAct(_Signed):
    """One affiliate's vote, signed by its officer with the affiliate's key."""

    trigger_id: str
    bodies: str
    """SHA-256 (hex) of the signed bodies list the vote is cast under."""
    affiliate: str
    officer: str
    vote: str
    """"yes" (reselect the MP), "no" (ask for a selection) or "abstain"."""
    signature: SchnorrProof = _ZERO

    def _unsigned(self) -> dict[str, object]:
        return {
            "format": VOTE_FORMAT,
            "trigger_id": self.trigger_id,
            "bodies": self.bodies,
            "affiliate": self.affiliate,
            "officer": self.officer,
            "vote": self.vote,
        }

    @property
    def counted_vote(self) -> str | None:
        """The body vote the count takes: "yes", "no", or None for an abstention."""
        return None if self.vote == "abstain" else self.vote

    def verify(self, key: Point) -> None:
        """The signature under the affiliate's listed `key`; ProofError otherwise."""
        self._check(
            key,
            VOTE_PURPOSE,
            f"affiliate {self.affiliate!r}: the vote's signature is not by the affiliate's "
            "listed key (vote altered, or signed with another key)",
        )

    @classmethod
    def from_json(cls, value: object, path: str = "affiliate vote") -> AffiliateVoteAct:
        """Parse (not verify) a signed vote; RecordError naming the field otherwise."""
        f = _message(value, path, _VOTE_FIELDS, VOTE_FORMAT)
        if f["vote"] not in VOTES:
            raise RecordError(f"{path}.vote: expected one of {list(VOTES)}, got {f['vote']!r}")
        return cls(
            codec.text(f["trigger_id"], f"{path}.trigger_id"),
            codec.digest(f["bodies"], f"{path}.bodies"),
            codec.text(f["affiliate"], f"{path}.affiliate"),
            codec.text(f["officer"], f"{path}.officer"),
            str(f["vote"]),
            _signature(f["signature"], f"{path}.signature"),
        )


def sign_affiliate_vote(
    bodies: BodiesList,
    affiliate: str,
    officer: str,
    vote: str,
    secret: Scalar,
    rng: ScalarSource = Scalar.random,
) -> AffiliateVoteAct:
    """The affiliate's officer signs its vote in `bodies`' trigger ballot (on its machine).

    The list is checked first (the officer's signature, and that it lists this affiliate with
    this key), so an officer never signs into a list that leaves its affiliate out or names
    another key for it."""
    if vote not in VOTES:
        raise RecordError(f"affiliate vote: expected one of {list(VOTES)}, got {vote!r}")
    bodies.verify()
    listed = bodies.affiliate(affiliate)
    if listed is None:
        raise RecordError(
            f"affiliate {affiliate!r}: not in the bodies list of trigger ballot "
            f"{bodies.trigger_id!r}; expected one of {[a.name for a in bodies.affiliates]}"
        )
    if listed.key != Point.base_mul(secret):
        raise RecordError(
            f"affiliate {affiliate!r}: the list names another key for this affiliate than "
            "the one in your key file; do not vote, and tell the returning officer"
        )
    draft = AffiliateVoteAct(bodies.trigger_id, bodies.hash, affiliate, officer, vote)
    signature = prove_schnorr(
        CONTEXT, secret, message=draft.statement(), purpose=VOTE_PURPOSE, rng=rng
    )
    return AffiliateVoteAct(
        draft.trigger_id, draft.bodies, affiliate, officer, vote, signature=signature
    )


def _names(bodies: BodiesList) -> list[str]:
    return [b.name for b in bodies.branches] + [a.name for a in bodies.affiliates]


def _check_officer(bodies: BodiesList, secret: Scalar, what: str) -> None:
    bodies.verify()
    if Point.base_mul(secret) != bodies.officer_key:
        raise RecordError(
            f"{what}: the key given is not returning officer {bodies.officer!r}'s (the list's "
            "officer_key); sign with the officer's own key file"
        )


@dataclass(frozen=True, slots=True)
class AbstentionAct(_Signed):
    """A listed body that did not vote, recorded by the returning officer (signed)."""

    trigger_id: str
    bodies: str
    """SHA-256 (hex) of the signed bodies list it is recorded under."""
    body: str
    reason: str
    signature: SchnorrProof = _ZERO

    def _unsigned(self) -> dict[str, object]:
        return {
            "format": ABSTENTION_FORMAT,
            "trigger_id": self.trigger_id,
            "bodies": self.bodies,
            "body": self.body,
            "reason": self.reason,
        }

    def verify(self, key: Point) -> None:
        """The returning officer's signature under the list's `officer_key`."""
        self._check(
            key,
            ABSTENTION_PURPOSE,
            f"abstention of {self.body!r}: the signature is not the returning officer's over "
            "this entry (entry altered, or signed with another key)",
        )

    @classmethod
    def from_json(cls, value: object, path: str = "abstention") -> AbstentionAct:
        f = _message(value, path, _ABSTENTION_FIELDS, ABSTENTION_FORMAT)
        return cls(
            codec.text(f["trigger_id"], f"{path}.trigger_id"),
            codec.digest(f["bodies"], f"{path}.bodies"),
            codec.text(f["body"], f"{path}.body"),
            codec.text(f["reason"], f"{path}.reason"),
            _signature(f["signature"], f"{path}.signature"),
        )


def sign_abstention(
    bodies: BodiesList, body: str, reason: str, secret: Scalar, rng: ScalarSource = Scalar.random
) -> AbstentionAct:
    """The returning officer records `body` as not voting (on the officer's machine)."""
    _check_officer(bodies, secret, f"abstention of {body!r}")
    if bodies.branch(body) is None and bodies.affiliate(body) is None:
        raise RecordError(
            f"abstention: {body!r} is not a body of trigger ballot {bodies.trigger_id!r}; "
            f"expected one of {_names(bodies)}"
        )
    if not reason.strip():
        raise RecordError(f"abstention of {body!r}: expected a reason (e.g. 'did not meet')")
    draft = AbstentionAct(bodies.trigger_id, bodies.hash, body, reason.strip())
    signature = prove_schnorr(
        CONTEXT, secret, message=draft.statement(), purpose=ABSTENTION_PURPOSE, rng=rng
    )
    return AbstentionAct(draft.trigger_id, draft.bodies, body, draft.reason, signature)


@dataclass(frozen=True, slots=True)
class CastingVoteAct(_Signed):
    """The chair's casting vote for a branch whose members tied, entered and signed by the
    returning officer (profile option `body_tie` "casting-vote")."""

    trigger_id: str
    bodies: str
    branch: str
    yes: int
    no: int
    """The tie it breaks: the branch contest's Yes and No (equal, more than 0)."""
    chair: str
    vote: str
    """"yes" (reselect the MP) or "no" (ask for a selection)."""
    signature: SchnorrProof = _ZERO

    def _unsigned(self) -> dict[str, object]:
        return {
            "format": CASTING_FORMAT,
            "trigger_id": self.trigger_id,
            "bodies": self.bodies,
            "branch": self.branch,
            "yes": self.yes,
            "no": self.no,
            "chair": self.chair,
            "vote": self.vote,
        }

    def verify(self, key: Point) -> None:
        """The returning officer's signature under the list's `officer_key`."""
        self._check(
            key,
            CASTING_PURPOSE,
            f"casting vote for branch {self.branch!r}: the signature is not the returning "
            "officer's over this entry (entry altered, or signed with another key)",
        )

    @classmethod
    def from_json(cls, value: object, path: str = "casting vote") -> CastingVoteAct:
        f = _message(value, path, _CASTING_FIELDS, CASTING_FORMAT)
        if f["vote"] not in ("yes", "no"):
            raise RecordError(f"{path}.vote: expected 'yes' or 'no', got {f['vote']!r}")
        return cls(
            codec.text(f["trigger_id"], f"{path}.trigger_id"),
            codec.digest(f["bodies"], f"{path}.bodies"),
            codec.text(f["branch"], f"{path}.branch"),
            codec.integer(f["yes"], f"{path}.yes"),
            codec.integer(f["no"], f"{path}.no"),
            codec.text(f["chair"], f"{path}.chair"),
            str(f["vote"]),
            _signature(f["signature"], f"{path}.signature"),
        )


def sign_casting_vote(
    bodies: BodiesList,
    branch: str,
    tie: tuple[int, int],
    chair: str,
    vote: str,
    secret: Scalar,
    rng: ScalarSource = Scalar.random,
) -> CastingVoteAct:
    """The returning officer enters the chair's casting vote for a tied branch."""
    _check_officer(bodies, secret, f"casting vote for branch {branch!r}")
    if bodies.branch(branch) is None:
        raise RecordError(
            f"casting vote: {branch!r} is not a branch of trigger ballot {bodies.trigger_id!r}"
        )
    if bodies.body_tie != "casting-vote":
        raise RecordError(
            f"casting vote for branch {branch!r}: the list's rule for a tied branch is "
            f"{bodies.body_tie!r}, not the chair's casting vote"
        )
    yes, no = tie
    if yes != no or yes < 1:
        raise RecordError(
            f"casting vote for branch {branch!r}: expected a tie (yes = no > 0), got {yes} to {no}"
        )
    if vote not in ("yes", "no") or not chair.strip():
        raise RecordError(
            f"casting vote for branch {branch!r}: expected the chair's name and 'yes' or 'no', "
            f"got {chair!r} and {vote!r}"
        )
    draft = CastingVoteAct(bodies.trigger_id, bodies.hash, branch, yes, no, chair.strip(), vote)
    signature = prove_schnorr(
        CONTEXT, secret, message=draft.statement(), purpose=CASTING_PURPOSE, rng=rng
    )
    return CastingVoteAct(
        draft.trigger_id, draft.bodies, branch, yes, no, draft.chair, vote, signature
    )
