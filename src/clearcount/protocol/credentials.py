"""The credential authority: one secret credential per eligible member (spec §11.3).

The authority draws s, sends it to the member, and publishes only S = s·G, sorted, so the list
reveals nothing about who holds which. The count must equal the roll's eligible members: the
board cannot add voters (Belenios' eligibility verifiability). The authority signs the list, with
each credential's weight, with its own key (purpose `credential-list`), so nobody else can
publish or alter it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from clearcount.core.errors import RecordError
from clearcount.crypto.group import Point, Scalar, ScalarSource
from clearcount.protocol.acts import UNSIGNED, check_act, sign_act
from clearcount.record.chain import Event, next_event
from clearcount.record.events import Credentials, Setup, election_fingerprint
from clearcount.record.scopes import check_credential_scopes
from clearcount.record.signing import CREDENTIALS_PURPOSE

__all__ = [
    "CredentialSecret",
    "credentials_event",
    "generate_credentials",
    "sign_credentials",
    "verify_credentials",
]


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
) -> tuple[CredentialSecret, ...]:
    """`setup.roll.eligible` credentials, in the authority's member order.

    `weights[i]` is member i's weight (a delegate's card vote); 1 each by default.
    """
    count = setup.roll.eligible
    weights = [1] * count if weights is None else list(weights)
    if len(weights) != count or any(w < 1 for w in weights):
        raise RecordError(
            f"credential weights: expected {count} integers >= 1 (one per "
            f"eligible member), got {len(weights)}"
        )
    return tuple(CredentialSecret.from_secret(rng(), w) for w in weights)


def sign_credentials(
    fingerprint: bytes,
    publics: Sequence[tuple[Point, int]],
    authority: Scalar,
    rng: ScalarSource = Scalar.random,
    scopes: Sequence[int] | None = None,
) -> Credentials:
    """The Credentials body (spec §11.3): (S, weight) sorted by S, signed by the authority;
    in a scoped election `scopes[i]` is `publics[i]`'s index in Setup.roll.scopes (§10.4.1)."""
    if scopes is not None and len(scopes) != len(publics):
        raise RecordError(
            f"credential scopes: expected one per credential ({len(publics)}), got {len(scopes)}"
        )
    rows = [(p, w, None if scopes is None else scopes[i]) for i, (p, w) in enumerate(publics)]
    rows.sort(key=lambda row: row[0].to_bytes())
    draft = Credentials(
        tuple(p for p, _, _ in rows),
        tuple(w for _, w, _ in rows),
        UNSIGNED,
        None if scopes is None else tuple(int(x or 0) for _, _, x in rows),
    )
    signature = sign_act(fingerprint, authority, CREDENTIALS_PURPOSE, draft.signed_digest(), rng)
    return Credentials(draft.credentials, draft.weights, signature, draft.scopes)


def verify_credentials(setup: Setup, fingerprint: bytes, credentials: Credentials) -> None:
    """The count and the weights are the roll's (§10.4) and the authority's signature holds
    (§11.3)."""
    if len(credentials.credentials) != setup.roll.eligible:
        raise RecordError(
            f"Credentials.credentials: expected {setup.roll.eligible} "
            f"(the eligible members), got {len(credentials.credentials)}"
        )
    histogram = tuple(sorted(Counter(credentials.weights).items()))
    if histogram != setup.roll.weights:
        raise RecordError(
            f"Credentials.weights: expected the roll's committed weights (weight, members) "
            f"{[list(p) for p in setup.roll.weights]}, got {[list(p) for p in histogram]}"
        )
    check_credential_scopes(setup.roll, credentials)
    authority = setup.credential_authority
    check_act(
        fingerprint,
        authority.key,
        credentials.signature,
        CREDENTIALS_PURPOSE,
        credentials.signed_digest(),
        f"Credentials.signature (credential authority {authority.name!r})",
    )


def credentials_event(chain: Sequence[Event], credentials: Credentials) -> Event:
    """Event 1 (spec §11.3): right after Setup, before any ballot; its signature checked."""
    if len(chain) != 1:
        raise RecordError(
            f"Credentials: expected to follow Setup as event 1, got a record of {len(chain)} events"
        )
    setup = Setup.from_body(chain[0].body, "event 0")
    verify_credentials(setup, election_fingerprint(chain[0]), credentials)
    return next_event(chain, "Credentials", credentials.to_body())
