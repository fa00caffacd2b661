"""The Setup event's body: manifest, contests, trustees, roll commitment, roles' keys (§11.2).

Re-exported by `record.events`, which is the module to import. The trustees' coefficient proofs
sit inside Setup, so they cannot be bound to the election fingerprint (the hash of Setup itself);
they are bound to the **ceremony context** instead: SHA-256 of lp("clearcount/v1/ceremony",
JCS(manifest)), the manifest being the Setup body without `trustees`, `joint_key` and the
ceremony transcript `ceremony` (§11.2, §11.2.3);
the manifest lists every role's public key (officer, credential authority, tellers, and each
trustee's signing and encryption keys in `trustee_keys`), so the ceremony is bound to them, and
the voter's booth bundles' SRI values (`booth`, record.booth).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from clearcount.core.canonical import canonical_json
from clearcount.core.errors import RecordError
from clearcount.crypto.group import Point, length_prefixed
from clearcount.crypto.proofs.schnorr import SchnorrProof
from clearcount.record import codec
from clearcount.record.booth import booth_files
from clearcount.record.ceremony_body import CeremonyTranscript
from clearcount.record.postal_body import PostalRules

__all__ = [
    "CEREMONY_DOMAIN",
    "CHANNELS",
    "HOMOMORPHIC_METHODS",
    "MIXNET_METHODS",
    "ContestSpec",
    "RoleEntry",
    "RollCommitment",
    "RollScope",
    "Setup",
    "Teller",
    "TrusteeEntry",
    "TrusteeRole",
]

HOMOMORPHIC_METHODS = ("fptp", "block", "approval", "yes-no")
MIXNET_METHODS = (
    "irv",
    "rctab",
    "stv-scottish",
    "stv-ers97",
    "stv-meek",
    "stv-wigm",
    "stv-minneapolis",
)
CHANNELS = ("meeting", "postal", "online")
CEREMONY_DOMAIN = b"clearcount/v1/ceremony"


@dataclass(frozen=True, slots=True)
class ContestSpec:
    """One question on the ballot (spec §11.2); `kind` follows from `method`."""

    id: str
    title: str
    method: str
    seats: int
    candidates: tuple[str, ...]
    kind: str
    """"homomorphic" (one 0/1 ciphertext per candidate) or "mixnet" (max_ranks ciphertexts)."""
    min_selections: int
    max_selections: int
    max_ranks: int
    """Ranks per mixnet ballot (1..k); 0 for homomorphic contests."""
    weighted: bool
    """Scale each ballot by its credential's weight (homomorphic contests only, spec §11.7)."""
    options: Mapping[str, object] = field(default_factory=dict)
    """Counting options passed to the rule set (canonical-JSON values, spec §11.9)."""

    def __post_init__(self) -> None:
        self.check(f"contest {self.id!r}")

    def check(self, path: str) -> None:
        """Consistency of the fields with each other; RecordError naming the field."""
        k = len(self.candidates)
        if k < 1 or len(set(self.candidates)) != k:
            raise RecordError(f"{path}.candidates: expected distinct names, got {self.candidates}")
        if self.seats < 1 or self.seats > k:
            raise RecordError(f"{path}.seats: expected 1..{k}, got {self.seats}")
        expected = "homomorphic" if self.method in HOMOMORPHIC_METHODS else "mixnet"
        if self.method not in HOMOMORPHIC_METHODS + MIXNET_METHODS:
            raise RecordError(
                f"{path}.method: expected one of "
                f"{HOMOMORPHIC_METHODS + MIXNET_METHODS}, got {self.method!r}"
            )
        if self.kind != expected:
            raise RecordError(
                f"{path}.kind: expected {expected!r} for {self.method}, got {self.kind!r}"
            )
        if not 0 <= self.min_selections <= self.max_selections <= k:
            raise RecordError(
                f"{path}.min_selections/max_selections: expected 0 <= min <= max "
                f"<= {k}, got {self.min_selections}, {self.max_selections}"
            )
        ranks_ok = 1 <= self.max_ranks <= k if expected == "mixnet" else self.max_ranks == 0
        if not ranks_ok:
            allowed = f"1..{k}" if expected == "mixnet" else "0"
            raise RecordError(f"{path}.max_ranks: expected {allowed}, got {self.max_ranks}")
        if self.weighted and expected == "mixnet":
            raise RecordError(f"{path}.weighted: expected false for a mixnet contest, got true")

    def to_body(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "method": self.method,
            "seats": self.seats,
            "candidates": list(self.candidates),
            "kind": self.kind,
            "min_selections": self.min_selections,
            "max_selections": self.max_selections,
            "max_ranks": self.max_ranks,
            "weighted": self.weighted,
            "options": dict(self.options),
        }

    @classmethod
    def from_body(cls, body: object, path: str) -> ContestSpec:
        f = codec.fields(body, path, _CONTEST_FIELDS)
        candidates = codec.array(f["candidates"], f"{path}.candidates", least=1)
        options = f["options"]
        if not isinstance(options, dict):
            raise RecordError(f"{path}.options: expected an object, got {type(options).__name__}")
        values: dict[str, object] = {
            "id": codec.text(f["id"], f"{path}.id"),
            "title": codec.text(f["title"], f"{path}.title", empty=True),
            "method": codec.text(f["method"], f"{path}.method"),
            "seats": codec.integer(f["seats"], f"{path}.seats", minimum=1),
            "candidates": tuple(
                codec.text(c, f"{path}.candidates[{i}]") for i, c in enumerate(candidates)
            ),
            "kind": codec.text(f["kind"], f"{path}.kind"),
            "min_selections": codec.integer(f["min_selections"], f"{path}.min_selections"),
            "max_selections": codec.integer(f["max_selections"], f"{path}.max_selections"),
            "max_ranks": codec.integer(f["max_ranks"], f"{path}.max_ranks"),
            "weighted": codec.boolean(f["weighted"], f"{path}.weighted"),
            "options": options,
        }
        try:
            return cls(**values)  # type: ignore[arg-type]
        except RecordError as error:
            raise RecordError(f"{path}: {error}") from None


_CONTEST_FIELDS = (
    "id",
    "title",
    "method",
    "seats",
    "candidates",
    "kind",
    "min_selections",
    "max_selections",
    "max_ranks",
    "weighted",
    "options",
)


@dataclass(frozen=True, slots=True)
class TrusteeEntry:
    """Trustee `index` (1..n): Feldman commitments K_{i,j} and a Schnorr proof of each (§5.2)."""

    name: str
    index: int
    commitments: tuple[Point, ...]
    proofs: tuple[SchnorrProof, ...]

    def to_body(self) -> dict[str, object]:
        return {
            "name": self.name,
            "index": self.index,
            "commitments": [codec.hexify(c) for c in self.commitments],
            "proofs": [codec.hexify(p) for p in self.proofs],
        }

    @classmethod
    def from_body(cls, body: object, path: str, threshold: int) -> TrusteeEntry:
        f = codec.fields(body, path, ("name", "index", "commitments", "proofs"))
        commitments = codec.array(
            f["commitments"], f"{path}.commitments", least=threshold, most=threshold
        )
        proofs = codec.array(f["proofs"], f"{path}.proofs", least=threshold, most=threshold)
        return cls(
            codec.text(f["name"], f"{path}.name"),
            codec.integer(f["index"], f"{path}.index", minimum=1),
            tuple(codec.point(c, f"{path}.commitments[{j}]") for j, c in enumerate(commitments)),
            tuple(
                codec.decoded(p, f"{path}.proofs[{j}]", SchnorrProof.from_bytes, 64)
                for j, p in enumerate(proofs)
            ),
        )


@dataclass(frozen=True, slots=True)
class RollScope:
    """The eligible members who may vote in exactly `contests` (spec §10.4.1): how many, and how
    many carry each weight. A scoped election's credentials each name their scope (§11.3)."""

    contests: tuple[str, ...]
    eligible: int
    weights: tuple[tuple[int, int], ...]

    def to_body(self) -> dict[str, object]:
        return {
            "contests": list(self.contests),
            "eligible": self.eligible,
            "weights": [{"weight": w, "members": m} for w, m in self.weights],
        }

    @classmethod
    def from_body(cls, body: object, path: str) -> RollScope:
        f = codec.fields(body, path, ("contests", "eligible", "weights"))
        contests = tuple(
            codec.text(c, f"{path}.contests[{i}]")
            for i, c in enumerate(codec.array(f["contests"], f"{path}.contests", least=1))
        )
        if list(contests) != sorted(set(contests)):
            raise RecordError(
                f"{path}.contests: expected distinct ids in ascending order, got {list(contests)}"
            )
        eligible = codec.integer(f["eligible"], f"{path}.eligible", minimum=1)
        weights = _weights(f["weights"], f"{path}.weights")
        _check_weights(weights, eligible, f"{path}.weights")
        return cls(contests, eligible, weights)


def _weights(value: object, path: str) -> tuple[tuple[int, int], ...]:
    weights = []
    for i, item in enumerate(codec.array(value, path)):
        pair = codec.fields(item, f"{path}[{i}]", ("weight", "members"))
        weights.append(
            (
                codec.integer(pair["weight"], f"{path}[{i}].weight", minimum=1),
                codec.integer(pair["members"], f"{path}[{i}].members", minimum=1),
            )
        )
    return tuple(weights)


@dataclass(frozen=True, slots=True)
class RollCommitment:
    """The roll's Merkle root (spec §10.4), its number of entries and of eligible members, and
    how many eligible members carry each weight (`weights`: (weight, members), ascending); in a
    scoped election, the same per scope (`scopes`, §10.4.1; the body has no `scopes` otherwise)."""

    root: str
    size: int
    eligible: int
    weights: tuple[tuple[int, int], ...] = ()
    """Left empty, every eligible member has weight 1."""
    scopes: tuple[RollScope, ...] = ()
    """Empty: every eligible member may vote in every contest."""

    def __post_init__(self) -> None:
        if not self.weights and self.eligible:
            object.__setattr__(self, "weights", ((1, self.eligible),))
        _check_weights(self.weights, self.eligible, "Setup.roll.weights")
        _check_scopes(self.scopes, self.eligible, self.weights, "Setup.roll.scopes")

    @property
    def eligible_weight(self) -> int:
        """Σ weight over the eligible members: the electorate of a weighted contest."""
        return sum(weight * members for weight, members in self.weights)

    def scope_of(self, contest: str) -> tuple[RollScope, ...]:
        """The scopes whose members may vote in `contest` (all members when unscoped: ())."""
        return tuple(s for s in self.scopes if contest in s.contests)

    def to_body(self) -> dict[str, object]:
        body: dict[str, object] = {
            "root": self.root,
            "size": self.size,
            "eligible": self.eligible,
            "weights": [{"weight": w, "members": m} for w, m in self.weights],
        }
        if self.scopes:
            body["scopes"] = [s.to_body() for s in self.scopes]
        return body

    @classmethod
    def from_body(cls, body: object, path: str) -> RollCommitment:
        names = ("root", "size", "eligible", "weights")
        scoped = isinstance(body, dict) and "scopes" in body
        f = codec.fields(body, path, (*names, "scopes") if scoped else names)
        size = codec.integer(f["size"], f"{path}.size")
        eligible = codec.integer(f["eligible"], f"{path}.eligible", maximum=size)
        weights = _weights(f["weights"], f"{path}.weights")
        _check_weights(weights, eligible, f"{path}.weights")
        scopes: tuple[RollScope, ...] = ()
        if scoped:
            scopes = tuple(
                RollScope.from_body(s, f"{path}.scopes[{i}]")
                for i, s in enumerate(codec.array(f["scopes"], f"{path}.scopes", least=1))
            )
        try:
            return cls(codec.digest(f["root"], f"{path}.root"), size, eligible, weights, scopes)
        except RecordError as error:
            raise RecordError(f"{path}: {error}") from None


def _check_scopes(
    scopes: tuple[RollScope, ...],
    eligible: int,
    weights: tuple[tuple[int, int], ...],
    path: str,
) -> None:
    """Distinct scopes in ascending order whose members and weights add up to the roll's."""
    if not scopes:
        return
    keys = [s.contests for s in scopes]
    total: dict[int, int] = {}
    for scope in scopes:
        for weight, members in scope.weights:
            total[weight] = total.get(weight, 0) + members
    if keys != sorted(set(keys)) or tuple(sorted(total.items())) != weights:
        raise RecordError(
            f"{path}: expected distinct scopes in ascending order whose members and weights add "
            f"up to the roll's {eligible} eligible {[list(p) for p in weights]}, got "
            f"{[s.to_body() for s in scopes]}"
        )


def _check_weights(weights: tuple[tuple[int, int], ...], eligible: int, path: str) -> None:
    ordered = [w for w, _ in weights]
    if ordered != sorted(set(ordered)) or sum(m for _, m in weights) != eligible:
        raise RecordError(
            f"{path}: expected distinct weights in ascending order whose members add up to "
            f"the {eligible} eligible, got {[list(p) for p in weights]}"
        )


@dataclass(frozen=True, slots=True)
class RoleEntry:
    """A role's name and long-term signing key, from the role's own card (spec §11.2.2)."""

    name: str
    key: Point

    def to_body(self) -> dict[str, object]:
        return {"name": self.name, "key": codec.hexify(self.key)}

    @classmethod
    def from_body(cls, body: object, path: str) -> RoleEntry:
        f = codec.fields(body, path, ("name", "key"))
        return cls(codec.text(f["name"], f"{path}.name"), codec.point(f["key"], f"{path}.key"))


Teller = RoleEntry
"""A teller who enters paper ballots, with the Schnorr key that signs batches (§11.6)."""


@dataclass(frozen=True, slots=True)
class TrusteeRole:
    """Trustee `index`'s long-term keys: `key` signs its acts, `encryption_key` receives its
    ceremony shares (spec §11.2.2, §5.3)."""

    name: str
    index: int
    key: Point
    encryption_key: Point

    def to_body(self) -> dict[str, object]:
        return {
            "name": self.name,
            "index": self.index,
            "key": codec.hexify(self.key),
            "encryption_key": codec.hexify(self.encryption_key),
        }

    @classmethod
    def from_body(cls, body: object, path: str) -> TrusteeRole:
        f = codec.fields(body, path, ("name", "index", "key", "encryption_key"))
        return cls(
            codec.text(f["name"], f"{path}.name"),
            codec.integer(f["index"], f"{path}.index", minimum=1),
            codec.point(f["key"], f"{path}.key"),
            codec.point(f["encryption_key"], f"{path}.encryption_key"),
        )


_MANIFEST_FIELDS = (
    "election_id",
    "title",
    "organisation",
    "opens",
    "closes",
    "contests",
    "threshold",
    "roll",
    "officer",
    "credential_authority",
    "tellers",
    "trustee_keys",
    "channel_precedence",
    "booth",
    "postal",
)
_SETUP_FIELDS = (*_MANIFEST_FIELDS, "trustees", "joint_key", "ceremony")


@dataclass(frozen=True, slots=True)
class Setup:
    """Event 0 (spec §11.2): what is being decided, by whom, under which keys and rules."""

    election_id: str
    title: str
    organisation: str
    opens: str
    closes: str
    contests: tuple[ContestSpec, ...]
    trustees: tuple[TrusteeEntry, ...]
    threshold: int
    joint_key: Point
    roll: RollCommitment
    officer: RoleEntry
    credential_authority: RoleEntry
    tellers: tuple[RoleEntry, ...]
    trustee_keys: tuple[TrusteeRole, ...]
    channel_precedence: tuple[str, ...]
    ceremony: CeremonyTranscript
    """The key ceremony's signed messages (§11.2.3), outside the manifest like `trustees`."""
    booth: Mapping[str, str] = field(default_factory=dict)
    """The voter's booth bundles' SRI values, {file: "sha384-…"} (§11.2; record.booth)."""
    postal: PostalRules | None = None
    """Postal voting papers (§11.12): null when the election issues none."""

    def manifest_body(self) -> dict[str, object]:
        """The body without `trustees`, `joint_key` and `ceremony`: what the ceremony context
        hashes."""
        return {
            "election_id": self.election_id,
            "title": self.title,
            "organisation": self.organisation,
            "opens": self.opens,
            "closes": self.closes,
            "contests": [c.to_body() for c in self.contests],
            "threshold": self.threshold,
            "roll": self.roll.to_body(),
            "officer": self.officer.to_body(),
            "credential_authority": self.credential_authority.to_body(),
            "tellers": [t.to_body() for t in self.tellers],
            "trustee_keys": [t.to_body() for t in self.trustee_keys],
            "channel_precedence": list(self.channel_precedence),
            "booth": dict(self.booth),
            "postal": None if self.postal is None else self.postal.to_body(),
        }

    def ceremony_context(self) -> bytes:
        """SHA-256(lp(CEREMONY_DOMAIN, JCS(manifest))): the trustees' proof context (§11.2)."""
        data = length_prefixed(CEREMONY_DOMAIN, canonical_json(self.manifest_body()))
        return hashlib.sha256(data).digest()

    def to_body(self) -> dict[str, object]:
        body = self.manifest_body()
        body["trustees"] = [t.to_body() for t in self.trustees]
        body["joint_key"] = codec.hexify(self.joint_key)
        body["ceremony"] = self.ceremony.to_body()
        return body

    def contest(self, contest_id: str) -> ContestSpec:
        for contest in self.contests:
            if contest.id == contest_id:
                return contest
        raise RecordError(f"Setup.contests: expected a contest {contest_id!r}, found none")

    def trustee(self, name: str) -> TrusteeEntry:
        for trustee in self.trustees:
            if trustee.name == name:
                return trustee
        raise RecordError(f"Setup.trustees: expected a trustee named {name!r}, found none")

    def trustee_key(self, name: str) -> TrusteeRole:
        for trustee in self.trustee_keys:
            if trustee.name == name:
                return trustee
        raise RecordError(f"Setup.trustee_keys: expected a trustee named {name!r}, found none")

    def teller(self, name: str) -> RoleEntry:
        for teller in self.tellers:
            if teller.name == name:
                return teller
        raise RecordError(f"Setup.tellers: expected a teller named {name!r}, found none")

    @classmethod
    def from_body(cls, body: object, where: str) -> Setup:
        """Event 0's body, every field checked (RecordError naming the field)."""
        return _parse(body, f"{where}: Setup", draft=False)

    @classmethod
    def from_manifest(cls, body: object, where: str) -> Setup:
        """The draft the officer publishes before the ceremony: the manifest only (§11.2.3)."""
        return _parse(body, f"{where}: manifest", draft=True)


def _parse(body: object, path: str, *, draft: bool) -> Setup:
    f = codec.fields(body, path, _MANIFEST_FIELDS if draft else _SETUP_FIELDS)
    threshold = codec.integer(f["threshold"], f"{path}.threshold", minimum=1)
    raw_keys = codec.array(f["trustee_keys"], f"{path}.trustee_keys", least=threshold)
    trustee_keys = tuple(
        TrusteeRole.from_body(t, f"{path}.trustee_keys[{i}]") for i, t in enumerate(raw_keys)
    )
    _unique([t.name for t in trustee_keys], f"{path}.trustee_keys[].name")
    if [t.index for t in trustee_keys] != list(range(1, len(trustee_keys) + 1)):
        raise RecordError(
            f"{path}.trustee_keys[].index: expected 1..{len(trustee_keys)} in order, "
            f"got {[t.index for t in trustee_keys]}"
        )
    raw_contests = codec.array(f["contests"], f"{path}.contests", least=1)
    contests = tuple(
        ContestSpec.from_body(c, f"{path}.contests[{i}]") for i, c in enumerate(raw_contests)
    )
    _unique([c.id for c in contests], f"{path}.contests[].id")
    roll = RollCommitment.from_body(f["roll"], f"{path}.roll")
    ids = {c.id for c in contests}
    for i, scope in enumerate(roll.scopes):
        unknown = [c for c in scope.contests if c not in ids]
        if unknown:
            raise RecordError(
                f"{path}.roll.scopes[{i}].contests: expected ids of Setup.contests, got {unknown}"
            )
    tellers = tuple(
        RoleEntry.from_body(t, f"{path}.tellers[{i}]")
        for i, t in enumerate(codec.array(f["tellers"], f"{path}.tellers"))
    )
    _unique([t.name for t in tellers], f"{path}.tellers[].name")
    precedence = tuple(
        codec.text(c, f"{path}.channel_precedence[{i}]")
        for i, c in enumerate(
            codec.array(f["channel_precedence"], f"{path}.channel_precedence", least=1)
        )
    )
    if (
        len(set(precedence)) != len(precedence)
        or not set(precedence) <= set(CHANNELS)
        or ("online" not in precedence)
    ):
        raise RecordError(
            f"{path}.channel_precedence: expected distinct channels from "
            f"{CHANNELS} including 'online', got {list(precedence)}"
        )
    roll = RollCommitment.from_body(f["roll"], f"{path}.roll")
    postal = PostalRules.from_body(f["postal"], f"{path}.postal")
    _check_postal(postal, precedence, roll, contests, f"{path}.postal")
    if draft:
        trustees: tuple[TrusteeEntry, ...] = ()
        joint_key = Point.generator()
        ceremony = CeremonyTranscript((), ())
    else:
        trustees = _trustees(f["trustees"], f"{path}.trustees", threshold, trustee_keys)
        joint_key = codec.point(f["joint_key"], f"{path}.joint_key")
        ceremony = CeremonyTranscript.from_body(f["ceremony"], f"{path}.ceremony")
    return Setup(
        election_id=codec.text(f["election_id"], f"{path}.election_id"),
        title=codec.text(f["title"], f"{path}.title", empty=True),
        organisation=codec.text(f["organisation"], f"{path}.organisation", empty=True),
        opens=codec.iso_time(f["opens"], f"{path}.opens"),
        closes=codec.iso_time(f["closes"], f"{path}.closes"),
        contests=contests,
        trustees=trustees,
        threshold=threshold,
        joint_key=joint_key,
        roll=roll,
        officer=RoleEntry.from_body(f["officer"], f"{path}.officer"),
        credential_authority=RoleEntry.from_body(
            f["credential_authority"], f"{path}.credential_authority"
        ),
        tellers=tellers,
        trustee_keys=trustee_keys,
        channel_precedence=precedence,
        ceremony=ceremony,
        booth=booth_files(f["booth"], f"{path}.booth"),
        postal=postal,
    )


def _check_postal(
    postal: PostalRules | None,
    precedence: tuple[str, ...],
    roll: RollCommitment,
    contests: tuple[ContestSpec, ...],
    path: str,
) -> None:
    """Postal rules consistent with the rest of the Setup (spec §11.12)."""
    if postal is None:
        return
    if "postal" not in precedence:
        raise RecordError(
            f"{path}: expected 'postal' in channel_precedence, got {list(precedence)}"
        )
    if postal.method == "postal" and precedence.index("postal") > precedence.index("online"):
        raise RecordError(
            f"{path}.method: a postal ballot's papers must take precedence over online, got "
            f"channel_precedence {list(precedence)}"
        )
    if any(c.weighted for c in contests):
        raise RecordError(f"{path}: expected unweighted contests with postal papers")
    if postal.workplaces and sum(w.eligible for w in postal.workplaces) != roll.eligible:
        raise RecordError(
            f"{path}.workplaces[].eligible: expected them to add up to roll.eligible "
            f"{roll.eligible}, got {sum(w.eligible for w in postal.workplaces)}"
        )


def _trustees(
    value: object, path: str, threshold: int, keys: tuple[TrusteeRole, ...]
) -> tuple[TrusteeEntry, ...]:
    """One entry per trustee of `trustee_keys`, same names and indices in the same order."""
    raw = codec.array(value, path, least=len(keys), most=len(keys))
    trustees = tuple(
        TrusteeEntry.from_body(t, f"{path}[{i}]", threshold) for i, t in enumerate(raw)
    )
    for i, (entry, key) in enumerate(zip(trustees, keys, strict=True)):
        if (entry.name, entry.index) != (key.name, key.index):
            raise RecordError(
                f"{path}[{i}]: expected trustee {key.name!r} index {key.index} as in "
                f"Setup.trustee_keys, got {entry.name!r} index {entry.index}"
            )
    return trustees


def _unique(values: list[str], path: str) -> None:
    if len(set(values)) != len(values):
        raise RecordError(f"{path}: expected distinct values, got {values}")
