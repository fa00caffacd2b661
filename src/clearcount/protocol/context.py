"""What every phase reads from the start of the record: Setup, fingerprint, keys, credentials.

`read_election(chain)` parses event 0 (Setup) and, when present, event 1 (Credentials), checks
the trustees' announcements and that the joint key is their sum (spec §11.2, §5.2.4), and returns
a frozen `Election` that the phases share.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from clearcount.core.errors import ClearcountError, RecordError
from clearcount.crypto.dkg import CeremonyParameters, JointKey, TrusteeAnnouncement, joint_key
from clearcount.crypto.elgamal import PublicKey
from clearcount.protocol.credentials import verify_credentials
from clearcount.record.chain import Event
from clearcount.record.events import ContestSpec, Credentials, Setup, election_fingerprint
from clearcount.record.scopes import credential_scopes

__all__ = ["Election", "announcements_of", "read_election"]


@dataclass(frozen=True, slots=True)
class Election:
    """The fixed facts of one election, read once from events 0 and 1 (spec §11.1-§11.3)."""

    setup: Setup
    fingerprint: bytes
    key: PublicKey
    joint: JointKey
    credentials: Mapping[bytes, int] = field(default_factory=dict)
    """Public credential encoding -> weight; empty before the Credentials event."""
    scopes: Mapping[bytes, tuple[str, ...]] = field(default_factory=dict)
    """Public credential encoding -> the contests its ballot holds, in a scoped election
    (spec §10.4.1); empty when every credential votes in every contest."""

    def contest(self, contest_id: str) -> ContestSpec:
        return self.setup.contest(contest_id)

    def contests_for(self, credential: bytes) -> tuple[ContestSpec, ...]:
        """The Setup contests, in order, that a ballot under `credential` holds (§11.4)."""
        scope = self.scopes.get(credential)
        if scope is None:
            return self.setup.contests
        return tuple(c for c in self.setup.contests if c.id in scope)

    def trustee_index(self, name: str) -> int:
        return self.setup.trustee(name).index

    def trustee_name(self, index: int) -> str:
        return self.setup.trustees[index - 1].name


def announcements_of(setup: Setup) -> tuple[TrusteeAnnouncement, ...]:
    """The dkg announcements as Setup publishes them (spec §11.2)."""
    return tuple(TrusteeAnnouncement(t.index, t.commitments, t.proofs) for t in setup.trustees)


def read_election(chain: Sequence[Event]) -> Election:
    """Parse Setup (and Credentials if present); RecordError/ProofError if they do not hold."""
    if not chain or chain[0].kind != "Setup":
        raise RecordError(
            "record: expected event 0 to be Setup, got "
            f"{chain[0].kind if chain else 'an empty record'}"
        )
    setup = Setup.from_body(chain[0].body, "event 0")
    parameters = CeremonyParameters(setup.threshold, len(setup.trustees))
    joint = joint_key(setup.ceremony_context(), parameters, announcements_of(setup))
    if joint.public_key.point != setup.joint_key:
        raise RecordError(
            "event 0: Setup.joint_key: expected the sum of the trustees' constant "
            "commitments, got a different point"
        )
    credentials: dict[bytes, int] = {}
    scopes: dict[bytes, tuple[str, ...]] = {}
    if len(chain) > 1 and chain[1].kind == "Credentials":
        published = Credentials.from_body(chain[1].body, "event 1")
        try:
            verify_credentials(setup, election_fingerprint(chain[0]), published)
        except ClearcountError as error:
            raise RecordError(f"event 1: {error}") from None
        credentials = {
            c.to_bytes(): w for c, w in zip(published.credentials, published.weights, strict=True)
        }
        scopes = credential_scopes(setup.roll, published)
    return Election(
        setup, election_fingerprint(chain[0]), joint.public_key, joint, credentials, scopes
    )
