"""Roles' long-term keys and their public cards (spec §11.2.2).

Every role (trustee, teller, credential authority, returning officer, affiliate's officer) makes
its own key pair on its own machine (`RoleSecret.generate`) and hands the officer only its public
**role card**: role, name, signing key and, for a trustee, the separate encryption key to which
the other trustees encrypt its ceremony shares, with a Schnorr proof of possession of the signing
key (purpose `role-card`, spec §4.2) over the whole card, so a card cannot be made for someone
else's key (the rogue-key defence of Belenios' and ElectionGuard's key publication). The officer
checks the card (`RoleCard.verify`) and Setup lists the keys (`record.setup_body.RoleEntry`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from clearcount.core.canonical import canonical_json
from clearcount.core.errors import ProofError, RecordError
from clearcount.crypto.group import Point, Scalar, ScalarSource
from clearcount.crypto.proofs.schnorr import SchnorrProof, prove_schnorr, verify_schnorr
from clearcount.protocol.paper import TellerSecret
from clearcount.protocol.setup import SetupRoles
from clearcount.record import codec
from clearcount.record.events import RoleEntry, TrusteeRole

__all__ = [
    "CARD_CONTEXT",
    "CARD_FORMAT",
    "CARD_PURPOSE",
    "ELECTION_ROLES",
    "ROLES",
    "RoleCard",
    "RoleSecret",
    "simulated_roles",
]

ROLES = ("trustee", "teller", "authority", "officer", "affiliate")
ELECTION_ROLES = ("trustee", "teller", "authority", "officer")
"""The roles whose cards an election's Setup lists (an affiliate's officer signs trigger votes)."""
CARD_FORMAT = "clearcount-role-card/1"
CARD_PURPOSE = "role-card"
CARD_CONTEXT = b"clearcount/v1/role-card"
_CARD_FIELDS = ("format", "role", "name", "key", "encryption_key", "proof")


def _statement(role: str, name: str, key: Point, encryption_key: Point | None) -> bytes:
    """What the proof of possession signs: the card without its proof, canonical JSON."""
    return canonical_json(
        {
            "format": CARD_FORMAT,
            "role": role,
            "name": name,
            "key": codec.hexify(key),
            "encryption_key": None if encryption_key is None else codec.hexify(encryption_key),
        }
    )


def _check_role(role: str, name: str, source: str) -> None:
    if role not in ROLES:
        raise RecordError(f"{source}: role: expected one of {ROLES}, got {role!r}")
    if not name.strip() or name != name.strip():
        raise RecordError(f"{source}: name: expected a name without outer spaces, got {name!r}")


@dataclass(frozen=True, slots=True)
class RoleCard:
    """A role's public card: what the officer registers and Setup lists (spec §11.2.2)."""

    role: str
    name: str
    key: Point
    encryption_key: Point | None
    proof: SchnorrProof

    def statement(self) -> bytes:
        return _statement(self.role, self.name, self.key, self.encryption_key)

    def verify(self, source: str = "role card") -> None:
        """The card is well formed and its proof holds; RecordError naming what is wrong."""
        _check_role(self.role, self.name, source)
        if (self.role == "trustee") != (self.encryption_key is not None):
            raise RecordError(
                f"{source}: encryption_key: expected one for a trustee and none for "
                f"another role, got {'one' if self.encryption_key else 'none'} "
                f"for role {self.role!r}"
            )
        if self.encryption_key is not None and self.encryption_key == self.key:
            raise RecordError(
                f"{source}: encryption_key: expected a key apart from the signing key"
            )
        try:
            verify_schnorr(
                CARD_CONTEXT, self.key, self.proof, message=self.statement(), purpose=CARD_PURPOSE
            )
        except ProofError:
            raise RecordError(
                f"{source}: proof: expected a proof of possession of {self.role} "
                f"{self.name!r}'s key over this card, got one that fails (card altered or "
                "made without the key)"
            ) from None

    def to_json(self) -> dict[str, object]:
        return {
            "format": CARD_FORMAT,
            "role": self.role,
            "name": self.name,
            "key": codec.hexify(self.key),
            "encryption_key": (
                None if self.encryption_key is None else codec.hexify(self.encryption_key)
            ),
            "proof": codec.hexify(self.proof),
        }

    @classmethod
    def from_json(cls, value: object, source: str = "role card") -> RoleCard:
        """Parse and verify a card; RecordError (one line, naming the field) otherwise."""
        f = codec.fields(value, source, _CARD_FIELDS)
        if f["format"] != CARD_FORMAT:
            raise RecordError(f"{source}: format: expected {CARD_FORMAT!r}, got {f['format']!r}")
        raw_encryption = f["encryption_key"]
        card = cls(
            codec.text(f["role"], f"{source}: role"),
            codec.text(f["name"], f"{source}: name"),
            codec.point(f["key"], f"{source}: key"),
            None
            if raw_encryption is None
            else codec.point(raw_encryption, f"{source}: encryption_key"),
            codec.decoded(f["proof"], f"{source}: proof", SchnorrProof.from_bytes, 64),
        )
        card.verify(source)
        return card

    def entry(self) -> RoleEntry:
        return RoleEntry(self.name, self.key)

    def trustee(self, index: int) -> TrusteeRole:
        if self.encryption_key is None:
            raise RecordError(f"role card of {self.name!r}: expected a trustee's card")
        return TrusteeRole(self.name, index, self.key, self.encryption_key)


@dataclass(frozen=True, slots=True)
class RoleSecret:
    """A role's long-term secrets: its signing key and, for a trustee, its encryption key."""

    role: str
    name: str
    signing: Scalar
    encryption: Scalar | None = None

    def __post_init__(self) -> None:
        _check_role(self.role, self.name, "role key")
        if (self.role == "trustee") != (self.encryption is not None):
            raise RecordError("role key: expected an encryption key for a trustee only")

    def __repr__(self) -> str:
        return f"RoleSecret({self.role} {self.name!r}, <hidden>)"

    @classmethod
    def generate(cls, role: str, name: str, rng: ScalarSource = Scalar.random) -> RoleSecret:
        """Fresh keys (on the role's own machine); a trustee also gets an encryption key."""
        encryption = rng() if role == "trustee" else None
        return cls(role, name, rng(), encryption)

    @property
    def key(self) -> Point:
        return Point.base_mul(self.signing)

    @property
    def encryption_key(self) -> Point | None:
        return None if self.encryption is None else Point.base_mul(self.encryption)

    def card(self, rng: ScalarSource = Scalar.random) -> RoleCard:
        """The public card with its proof of possession."""
        statement = _statement(self.role, self.name, self.key, self.encryption_key)
        proof = prove_schnorr(
            CARD_CONTEXT, self.signing, message=statement, purpose=CARD_PURPOSE, rng=rng
        )
        return RoleCard(self.role, self.name, self.key, self.encryption_key, proof)

    def teller(self) -> TellerSecret:
        """The teller's paper-batch signing key (spec §11.6)."""
        if self.role != "teller":
            raise RecordError(f"key of {self.name!r}: expected a teller's, got a {self.role}'s")
        return TellerSecret(self.name, self.signing)


def simulated_roles(
    officer: str,
    authority: str,
    tellers: Sequence[str],
    trustees: Sequence[str],
    rng: ScalarSource = Scalar.random,
) -> tuple[SetupRoles, dict[str, RoleSecret]]:
    """Every role's keys made in one process: protocol simulations and tests only."""
    wanted = [("officer", officer), ("authority", authority)]
    wanted += [("teller", n) for n in tellers] + [("trustee", n) for n in trustees]
    secrets = {name: RoleSecret.generate(role, name, rng) for role, name in wanted}
    cards = {name: secret.card(rng) for name, secret in secrets.items()}
    roles = SetupRoles(
        cards[officer].entry(),
        cards[authority].entry(),
        tuple(cards[n].entry() for n in tellers),
        tuple(cards[n].trustee(i) for i, n in enumerate(trustees, start=1)),
    )
    return roles, secrets
