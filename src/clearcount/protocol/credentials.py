"""The credential authority: one secret credential per eligible member (spec §11.3).

The authority draws s, sends it to the member, and publishes only S = s·G, sorted, so the list
reveals nothing about who holds which. The count must equal the roll's eligible members: the
board cannot add voters (Belenios' eligibility verifiability).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from clearcount.core.errors import RecordError
from clearcount.crypto.group import Point, Scalar, ScalarSource
from clearcount.record.chain import Event, next_event
from clearcount.record.events import Credentials, Setup

__all__ = ["CredentialSecret", "credentials_event", "generate_credentials"]


@dataclass(frozen=True, slots=True)
class CredentialSecret:
    """A voter's credential s and its public S = s·G; the repr hides s."""

    secret: Scalar
    public: Point
    weight: int = 1

    @classmethod
    def from_secret(cls, secret: Scalar, weight: int = 1) -> CredentialSecret:
        return cls(secret, Point.base_mul(secret), weight)

    def __repr__(self) -> str:
        return f"CredentialSecret(public={self.public.to_bytes().hex()[:16]}…, <hidden>)"


def generate_credentials(
    setup: Setup, rng: ScalarSource = Scalar.random, weights: Sequence[int] | None = None
) -> tuple[Credentials, tuple[CredentialSecret, ...]]:
    """`setup.roll.eligible` credentials (in the authority's member order) and the public list.

    `weights[i]` is member i's weight (a delegate's card vote); 1 each by default.
    """
    count = setup.roll.eligible
    weights = [1] * count if weights is None else list(weights)
    if len(weights) != count or any(w < 1 for w in weights):
        raise RecordError(
            f"credential weights: expected {count} integers >= 1 (one per "
            f"eligible member), got {len(weights)}"
        )
    secrets = tuple(CredentialSecret.from_secret(rng(), w) for w in weights)
    ordered = sorted(secrets, key=lambda c: c.public.to_bytes())
    return (
        Credentials(tuple(c.public for c in ordered), tuple(c.weight for c in ordered)),
        secrets,
    )


def credentials_event(chain: Sequence[Event], credentials: Credentials) -> Event:
    """Event 1 (spec §11.3): right after Setup, before any ballot."""
    if len(chain) != 1:
        raise RecordError(
            f"Credentials: expected to follow Setup as event 1, got a record of {len(chain)} events"
        )
    return next_event(chain, "Credentials", credentials.to_body())
