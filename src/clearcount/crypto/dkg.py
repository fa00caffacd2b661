"""t-of-n key ceremony: Pedersen's distributed key generation with Feldman commitments (§5.2).

Each trustee i draws a secret polynomial P_i of degree t - 1, publishes K_{i,j} = a_{i,j}·G with a
Schnorr proof for every coefficient, and sends P_i(ℓ) privately to each trustee ℓ. Trustee ℓ
checks each share against the sender's commitments and complains, naming the sender, if one is
wrong. The joint key is K = Σ_i K_{i,0}; trustee ℓ's key share is z_ℓ = Σ_i P_i(ℓ) and its
public verification key K_ℓ = z_ℓ·G is computable by anyone from the commitments.
Sources: T. P. Pedersen, "A Threshold Cryptosystem without a Trusted Party", EUROCRYPT '91;
ElectionGuard 2.0 specification §3.2 (key generation, share verification, complaints);
Belenios specification, "Threshold decryption support" (polynomials, vinputs, voutputs).

Every trustee's secret is a value the trustee keeps (`TrusteePolynomial`, `KeyShare`,
`TrusteeKey`); everything here is a pure function of its arguments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from clearcount.core.errors import CryptoError, ProofError
from clearcount.crypto.elgamal import PublicKey
from clearcount.crypto.group import Point, Scalar, ScalarSource, length_prefixed
from clearcount.crypto.lagrange import evaluate_commitments, evaluate_polynomial
from clearcount.crypto.proofs.schnorr import SchnorrProof, prove_schnorr, verify_schnorr

__all__ = [
    "COEFFICIENT_PURPOSE",
    "CeremonyParameters",
    "Complaint",
    "JointKey",
    "KeyShare",
    "TrusteeAnnouncement",
    "TrusteeKey",
    "TrusteePolynomial",
    "announce",
    "check_shares",
    "combine_shares",
    "generate_polynomial",
    "joint_key",
    "make_shares",
    "resolve_complaint",
    "verify_announcement",
    "verify_share",
    "verify_trustee_key",
]

COEFFICIENT_PURPOSE = "dkg-coefficient"
"""Schnorr purpose (domain tag suffix) of the proofs of knowledge of each coefficient."""


@dataclass(frozen=True, slots=True)
class CeremonyParameters:
    """t of n: any `threshold` of the `trustees` (indices 1..n) can decrypt, fewer cannot."""

    threshold: int
    trustees: int

    def __post_init__(self) -> None:
        for name in ("threshold", "trustees"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise CryptoError(f"ceremony {name}: expected an integer, got {value!r}")
        if not 1 <= self.threshold <= self.trustees:
            raise CryptoError(
                "ceremony parameters: expected 1 <= threshold <= trustees, got "
                f"threshold={self.threshold}, trustees={self.trustees}"
            )

    @property
    def indices(self) -> range:
        return range(1, self.trustees + 1)

    def require_index(self, what: str, index: int) -> None:
        if index not in self.indices:
            raise CryptoError(
                f"{what}: expected a trustee index in 1..{self.trustees}, got {index}"
            )


@dataclass(frozen=True, slots=True)
class TrusteePolynomial:
    """Trustee i's secret P_i(x) = a_{i,0} + ... + a_{i,t-1}x^{t-1}; a_{i,0} is its key part."""

    index: int
    coefficients: tuple[Scalar, ...]

    def __repr__(self) -> str:
        return f"TrusteePolynomial(index={self.index}, <{len(self.coefficients)} hidden>)"


@dataclass(frozen=True, slots=True)
class TrusteeAnnouncement:
    """Published by trustee i: K_{i,j} = a_{i,j}·G and a Schnorr proof for each j (§5.2.1)."""

    index: int
    commitments: tuple[Point, ...]
    proofs: tuple[SchnorrProof, ...]


@dataclass(frozen=True, slots=True)
class KeyShare:
    """P_sender(recipient): sent privately (encrypted to the recipient by the protocol layer)."""

    sender: int
    recipient: int
    value: Scalar

    def __repr__(self) -> str:
        return f"KeyShare(sender={self.sender}, recipient={self.recipient}, <hidden>)"


@dataclass(frozen=True, slots=True)
class Complaint:
    """Trustee `accuser` says the share from trustee `accused` is missing or wrong (§5.2.3)."""

    accuser: int
    accused: int
    reason: str


@dataclass(frozen=True, slots=True)
class TrusteeKey:
    """Trustee ℓ's secret key share z_ℓ = Σ_i P_i(ℓ), a point on the joint polynomial."""

    index: int
    share: Scalar

    def __repr__(self) -> str:
        return f"TrusteeKey(index={self.index}, <hidden>)"


@dataclass(frozen=True, slots=True)
class JointKey:
    """The public result of the ceremony: K and every trustee's verification key K_ℓ."""

    parameters: CeremonyParameters
    public_key: PublicKey
    verification_keys: tuple[Point, ...]  # K_1..K_n

    def verification_key(self, index: int) -> Point:
        self.parameters.require_index("verification key", index)
        return self.verification_keys[index - 1]


def _coefficient_message(index: int, j: int) -> bytes:
    """What each coefficient proof is bound to: the trustee and the coefficient (§5.2.1)."""
    return length_prefixed(
        b"trustee", index.to_bytes(4, "big"), b"coefficient", j.to_bytes(4, "big")
    )


def generate_polynomial(
    parameters: CeremonyParameters, index: int, rng: ScalarSource = Scalar.random
) -> TrusteePolynomial:
    """Draw a_{i,0..t-1} uniformly at random (ElectionGuard 2.0 §3.2.1)."""
    parameters.require_index("generate_polynomial", index)
    return TrusteePolynomial(index, tuple(rng() for _ in range(parameters.threshold)))


def announce(
    context: bytes, polynomial: TrusteePolynomial, rng: ScalarSource = Scalar.random
) -> TrusteeAnnouncement:
    """K_{i,j} = a_{i,j}·G and a Schnorr proof of each a_{i,j}, bound to (i, j) and the election."""
    commitments = tuple(Point.base_mul(a) for a in polynomial.coefficients)
    proofs = tuple(
        prove_schnorr(
            context,
            a,
            message=_coefficient_message(polynomial.index, j),
            purpose=COEFFICIENT_PURPOSE,
            rng=rng,
        )
        for j, a in enumerate(polynomial.coefficients)
    )
    return TrusteeAnnouncement(polynomial.index, commitments, proofs)


def verify_announcement(
    context: bytes, parameters: CeremonyParameters, announcement: TrusteeAnnouncement
) -> None:
    """t commitments, t valid proofs; ProofError naming the trustee and coefficient otherwise."""
    index = announcement.index
    parameters.require_index("trustee announcement", index)
    for name in ("commitments", "proofs"):
        got = len(getattr(announcement, name))
        if got != parameters.threshold:
            raise ProofError(
                f"trustee {index} announcement {name}: expected {parameters.threshold} "
                f"(one per coefficient), got {got}"
            )
    for j, (commitment, proof) in enumerate(
        zip(announcement.commitments, announcement.proofs, strict=True)
    ):
        try:
            verify_schnorr(
                context,
                commitment,
                proof,
                message=_coefficient_message(index, j),
                purpose=COEFFICIENT_PURPOSE,
            )
        except ProofError as error:
            raise ProofError(f"trustee {index} coefficient {j}: {error}") from None


def make_shares(
    parameters: CeremonyParameters, polynomial: TrusteePolynomial
) -> tuple[KeyShare, ...]:
    """P_i(ℓ) for every trustee ℓ = 1..n, its own included (ElectionGuard 2.0 §3.2.2)."""
    return tuple(
        KeyShare(
            polynomial.index, recipient, evaluate_polynomial(polynomial.coefficients, recipient)
        )
        for recipient in parameters.indices
    )


def verify_share(share: KeyShare, announcement: TrusteeAnnouncement) -> None:
    """Feldman check P_i(ℓ)·G = Σ_j ℓ^j·K_{i,j}; ProofError naming the sender otherwise (§5.2.2)."""
    if share.sender != announcement.index:
        raise CryptoError(
            f"share verification: expected the announcement of trustee {share.sender}, "
            f"got trustee {announcement.index}'s"
        )
    if Point.base_mul(share.value) != evaluate_commitments(
        announcement.commitments, share.recipient
    ):
        raise ProofError(
            f"share from trustee {share.sender} to trustee {share.recipient}: expected a value "
            "matching the sender's published coefficient commitments, got one that does not"
        )


def check_shares(
    recipient: int,
    shares: Sequence[KeyShare],
    announcements: Mapping[int, TrusteeAnnouncement],
) -> tuple[Complaint, ...]:
    """Trustee `recipient` checks what it received: one complaint per missing or bad share."""
    received = {share.sender: share for share in shares if share.recipient == recipient}
    complaints = []
    for sender in sorted(announcements):
        share = received.get(sender)
        if share is None:
            complaints.append(Complaint(recipient, sender, "no share received"))
            continue
        try:
            verify_share(share, announcements[sender])
        except ProofError:
            complaints.append(
                Complaint(recipient, sender, "share does not match the sender's commitments")
            )
    return tuple(complaints)


def resolve_complaint(
    complaint: Complaint, revealed: KeyShare, announcement: TrusteeAnnouncement
) -> bool:
    """True if the complaint stands (the accused is excluded and the ceremony restarts).

    The accused answers by publishing the share it sent; if that share checks out the complaint
    is dismissed and the accuser uses it (ElectionGuard 2.0 §3.2.2, "share verification").
    """
    if (revealed.sender, revealed.recipient) != (complaint.accused, complaint.accuser):
        return True
    try:
        verify_share(revealed, announcement)
    except CryptoError:
        return True
    return False


def combine_shares(
    parameters: CeremonyParameters, recipient: int, shares: Sequence[KeyShare]
) -> TrusteeKey:
    """z_ℓ = Σ_i P_i(ℓ) over exactly one verified share from every trustee (§5.2.4)."""
    parameters.require_index("combine_shares", recipient)
    senders = sorted(share.sender for share in shares if share.recipient == recipient)
    if senders != list(parameters.indices) or len(shares) != parameters.trustees:
        raise CryptoError(
            f"trustee {recipient} key share: expected one share from each of trustees "
            f"1..{parameters.trustees}, got shares from {senders}"
        )
    return TrusteeKey(recipient, sum((share.value for share in shares), Scalar.from_int(0)))


def joint_key(
    context: bytes,
    parameters: CeremonyParameters,
    announcements: Sequence[TrusteeAnnouncement],
) -> JointKey:
    """Verify every announcement; K = Σ_i K_{i,0} and K_ℓ = Σ_j ℓ^j·(Σ_i K_{i,j}) (§5.2.4).

    Summing the commitments coefficient-wise first costs n·(t - 1) multiplications, not n²·(t - 1).
    """
    indices = sorted(a.index for a in announcements)
    if indices != list(parameters.indices):
        raise CryptoError(
            f"joint key: expected one announcement from each of trustees 1..{parameters.trustees}, "
            f"got {indices}"
        )
    for announcement in announcements:
        verify_announcement(context, parameters, announcement)
    joint = [
        _sum_points([a.commitments[j] for a in announcements]) for j in range(parameters.threshold)
    ]
    verification_keys = tuple(evaluate_commitments(joint, index) for index in parameters.indices)
    return JointKey(parameters, PublicKey(joint[0]), verification_keys)


def verify_trustee_key(joint: JointKey, key: TrusteeKey) -> None:
    """Trustee ℓ checks z_ℓ·G = K_ℓ before using its key share (§5.2.4)."""
    if Point.base_mul(key.share) != joint.verification_key(key.index):
        raise CryptoError(
            f"trustee {key.index} key share: expected z·G to equal the published verification "
            "key, got a different point (a share was combined wrongly)"
        )


def _sum_points(points: Sequence[Point]) -> Point:
    total = points[0]
    for point in points[1:]:
        total = total + point
    return total
