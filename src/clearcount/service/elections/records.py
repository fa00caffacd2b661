"""The stored values of an election's lifecycle: its definition, the marked register, appeals
and publications (docs/service/ballots.md).

These are what `service.elections.ports` repositories store and return. The ballots themselves
are not here: they are events of the election record (spec §10.2), stored as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from clearcount.core.errors import RecordError
from clearcount.protocol.roles import RoleCard
from clearcount.record import codec
from clearcount.record.booth import booth_files
from clearcount.record.events import CHANNELS, ContestSpec, PostalRules
from clearcount.service.errors import ValidationError

__all__ = [
    "PAPER_CHANNELS",
    "Appeal",
    "BallotDefinition",
    "PublicationEntry",
    "RegisterMark",
    "RegisteredCard",
    "StoredElection",
    "iso_instant",
    "parse_instant",
    "register_day",
]

PAPER_CHANNELS = ("meeting", "postal")
"""Channels entered by two tellers (spec §11.6); everything else is `online`."""


def iso_instant(at: datetime) -> str:
    """`at` as the ISO 8601 text Setup carries (spec §11.2): UTC, seconds, a Z."""
    if at.tzinfo is None:
        raise ValidationError("instant", "tzinfo", "a timezone-aware datetime", at)
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_instant(text: str, obj: str, field: str) -> datetime:
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(obj, field, "an ISO 8601 date-time", text) from None
    if at.tzinfo is None:
        raise ValidationError(obj, field, "a date-time with a UTC offset", text)
    return at


@dataclass(frozen=True, slots=True)
class BallotDefinition:
    """What the official decides before the key ceremony (spec §11.2's manifest, plus roles).

    `election_id` is also the eligibility ballot id: its rules and frozen roll are those of
    `EligibilityService`/`RollService` under the same id. `channels` is the published channel
    precedence, highest first; it must include "online".
    """

    election_id: str
    organisation_id: str
    title: str
    opens: datetime
    closes: datetime
    contests: tuple[ContestSpec, ...]
    credential_authority: str
    trustees: tuple[str, ...]
    threshold: int
    tellers: tuple[str, str]
    channels: tuple[str, ...] = ("meeting", "postal", "online")
    booth: Mapping[str, str] = field(default_factory=dict)
    """The voter's booth bundles' SRI values when it was defined (record.booth; spec §11.2)."""
    postal: PostalRules | None = None
    """Postal voting papers (spec §11.12): postal or hybrid, and the workplaces (unit ids of
    the roll) of a separate-workplace ballot; None when no papers are issued."""

    def __post_init__(self) -> None:
        obj = f"ballot {self.election_id!r}"
        if self.postal is not None and "postal" not in self.channels:
            raise ValidationError(
                obj,
                "channels",
                "'postal' among them for a ballot with voting papers",
                self.channels,
            )
        if not self.election_id.strip() or len(self.election_id) > 64:
            raise ValidationError(obj, "election_id", "1 to 64 characters", self.election_id)
        if not self.title.strip():
            raise ValidationError(obj, "title", "a title", self.title)
        iso_instant(self.opens), iso_instant(self.closes)
        if self.opens >= self.closes:
            raise ValidationError(obj, "closes", f"after opens ({self.opens})", self.closes)
        if not self.contests:
            raise ValidationError(obj, "contests", "at least one contest", ())
        ids = [c.id for c in self.contests]
        if len(set(ids)) != len(ids):
            raise ValidationError(obj, "contests", "distinct contest ids", ids)
        if not self.credential_authority.strip():
            raise ValidationError(obj, "credential_authority", "its name", "")
        names = self.trustees
        if not names or len(set(names)) != len(names) or not all(n.strip() for n in names):
            raise ValidationError(obj, "trustees", "one or more distinct names", names)
        if not 1 <= self.threshold <= len(names):
            raise ValidationError(obj, "threshold", f"1..{len(names)}", self.threshold)
        if len(self.tellers) != 2 or len(set(self.tellers)) != 2 or not all(self.tellers):
            raise ValidationError(obj, "tellers", "two distinct names", self.tellers)
        channels = self.channels
        if (
            len(set(channels)) != len(channels)
            or "online" not in channels
            or any(c not in CHANNELS for c in channels)
        ):
            raise ValidationError(
                obj, "channels", f"distinct channels of {CHANNELS}, including 'online'", channels
            )

    def to_json(self) -> dict[str, object]:
        return {
            "election_id": self.election_id,
            "organisation_id": self.organisation_id,
            "title": self.title,
            "opens": iso_instant(self.opens),
            "closes": iso_instant(self.closes),
            "contests": [c.to_body() for c in self.contests],
            "credential_authority": self.credential_authority,
            "trustees": list(self.trustees),
            "threshold": self.threshold,
            "tellers": list(self.tellers),
            "channels": list(self.channels),
            "booth": dict(self.booth),
            "postal": None if self.postal is None else self.postal.to_body(),
        }

    @classmethod
    def from_json(cls, value: object) -> BallotDefinition:
        names = (
            "election_id",
            "organisation_id",
            "title",
            "opens",
            "closes",
            "contests",
            "credential_authority",
            "trustees",
            "threshold",
            "tellers",
            "channels",
        )
        path = "ballot definition"
        try:
            stored = dict(value) if isinstance(value, Mapping) else value
            booth = {}  # definitions stored before the booth was pinned have none
            if isinstance(stored, dict) and "booth" in stored:
                booth = booth_files(stored.pop("booth"), f"{path}.booth")
            postal = None  # definitions stored before postal papers have no "postal"
            if isinstance(stored, dict) and "postal" in stored:
                postal = PostalRules.from_body(stored.pop("postal"), f"{path}.postal")
            f = codec.fields(stored, path, names)
            texts = {n: codec.text(f[n], f"{path}.{n}") for n in names[:5] + names[6:7]}
            contests = tuple(
                ContestSpec.from_body(c, f"{path}.contests[{i}]")
                for i, c in enumerate(codec.array(f["contests"], f"{path}.contests", least=1))
            )
            lists = {
                n: tuple(codec.text(v, f"{path}.{n}") for v in codec.array(f[n], f"{path}.{n}"))
                for n in ("trustees", "tellers", "channels")
            }
            threshold = codec.integer(f["threshold"], f"{path}.threshold", minimum=1)
        except RecordError as error:
            raise ValidationError(
                path, "document", "a stored ballot definition", str(error)
            ) from None
        tellers = lists["tellers"]
        if len(tellers) != 2:
            raise ValidationError(path, "tellers", "two names", tellers)
        return cls(
            election_id=texts["election_id"],
            organisation_id=texts["organisation_id"],
            title=texts["title"],
            opens=parse_instant(texts["opens"], path, "opens"),
            closes=parse_instant(texts["closes"], path, "closes"),
            contests=contests,
            credential_authority=texts["credential_authority"],
            trustees=lists["trustees"],
            threshold=threshold,
            tellers=(tellers[0], tellers[1]),
            channels=lists["channels"],
            booth=booth,
            postal=postal,
        )


@dataclass(frozen=True, slots=True)
class PaperEntry:
    """One returned voting paper as one teller entered it (spec §11.12.2): `answers` per
    contest id (candidate indices; empty for a blank or double-marked question), or None for
    a paper spoilt as a whole; `received` from the receipt stamp (ISO 8601 with offset)."""

    election_id: str
    teller: str
    number: int
    answers: Mapping[str, tuple[int, ...]] | None
    received: str
    entered_at: str


@dataclass(frozen=True, slots=True)
class StoredElection:
    """An election as stored: its definition, who defined it and when, and the roll version
    its Setup committed to (None before the key ceremony)."""

    definition: BallotDefinition
    defined_by: str
    defined_at: str
    roll_version: int | None = None

    @property
    def election_id(self) -> str:
        return self.definition.election_id


@dataclass(frozen=True, slots=True)
class RegisterMark:
    """One line of the marked register: who voted, by which channel, on which day, entered by
    whom.

    Kept in its own table, apart from the ballots: no credential, no tracking code, no event
    number, no order and no time finer than the day (domain.md §4 lesson 4; issue 8), so a line
    does not line up with the Ballot event written with it. A re-vote online is a second mark.
    """

    election_id: str
    member_id: str
    channel: str
    day: str
    """"YYYY-MM-DD" (UTC), see `register_day`."""
    recorded_by: str


def register_day(at: datetime) -> str:
    """The register's date for an instant: its UTC day, never finer (issue 8)."""
    if at.tzinfo is None:
        raise ValidationError("instant", "tzinfo", "a timezone-aware datetime", at)
    return at.astimezone(UTC).strftime("%Y-%m-%d")


@dataclass(frozen=True, slots=True)
class Appeal:
    """A complaint with grounds against an election, and the panel's decision once made."""

    appeal_id: str
    election_id: str
    appellant: str
    grounds: str
    lodged_at: str
    decision: str | None = None
    reasons: str | None = None
    decided_by: str | None = None
    decided_at: str | None = None


@dataclass(frozen=True, slots=True)
class PublicationEntry:
    """One publication of the record: where, its head hash, and whether it verified."""

    election_id: str
    path: str
    head: str
    events: int
    verified: bool
    published_by: str
    published_at: str


@dataclass(frozen=True, slots=True)
class RegisteredCard:
    """A role's public card as the officer registered it for one election (spec §11.2.2)."""

    election_id: str
    card: RoleCard
    registered_by: str
    registered_at: str
