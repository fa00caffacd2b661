"""Facts the checks share, each derived once from the record (spec §12.1).

Every derivation reads only the record: the typed Setup, the published credentials and their
weights, the parsed bodies of the events after the ballots, the trustees' joint key recomputed
from their Feldman commitments, and the counted ballots recomputed by the selection rule of
spec §11.4 and §11.6. A derivation that fails raises `UnavailableError` for the checks that need it.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from clearcount.core.errors import RecordError
from clearcount.crypto.dkg import CeremonyParameters, JointKey, TrusteeAnnouncement
from clearcount.crypto.elgamal import PublicKey
from clearcount.crypto.group import Point
from clearcount.crypto.lagrange import evaluate_commitments
from clearcount.record.chain import Event
from clearcount.record.events import Credentials, PaperBatch, Setup, parse_body
from clearcount.record.scopes import credential_scopes
from clearcount.verifier.view import RecordView

__all__ = [
    "Selection",
    "announcements",
    "ballots",
    "bodies",
    "credentials",
    "joint",
    "scopes",
    "selection",
    "setup",
    "weights",
]


def setup(view: RecordView) -> Setup:
    """The Setup body of event 0 (spec §11.2)."""

    def compute() -> Setup:
        view.fingerprint  # noqa: B018 - raises UnavailableError when event 0 is not Setup
        body: Setup = parse_body(view.event(0))
        return body

    return view.derive("the Setup event", compute)


def credentials(view: RecordView) -> Credentials:
    """The one Credentials body (spec §11.3)."""

    def compute() -> Credentials:
        found = list(view.of_kind("Credentials"))
        if len(found) != 1:
            raise RecordError(f"expected exactly one Credentials event, found {len(found)}")
        body: Credentials = parse_body(found[0])
        return body

    return view.derive("the Credentials event", compute)


def weights(view: RecordView) -> Mapping[bytes, int]:
    """Published credential (its 32 bytes, as `view.ballot_credentials` gives them) -> its
    weight (spec §11.3)."""

    def compute() -> dict[bytes, int]:
        published = credentials(view)
        return {
            point.to_bytes(): weight
            for point, weight in zip(published.credentials, published.weights, strict=True)
        }

    return view.derive("the published credentials", compute)


def scopes(view: RecordView) -> Mapping[bytes, tuple[str, ...]]:
    """Published credential (32 bytes) -> the contests its ballot holds, in a scoped election
    (spec §10.4.1); empty when every credential votes in every contest."""

    def compute() -> dict[bytes, tuple[str, ...]]:
        return credential_scopes(setup(view).roll, credentials(view))

    return view.derive("the credentials' scopes", compute)


def announcements(view: RecordView) -> tuple[TrusteeAnnouncement, ...]:
    return tuple(
        TrusteeAnnouncement(t.index, t.commitments, t.proofs) for t in setup(view).trustees
    )


def joint(view: RecordView) -> JointKey:
    """K = Σ_i K_{i,0} and K_ℓ = Σ_j ℓ^j·(Σ_i K_{i,j}), recomputed from the commitments (§5.2.4).

    The coefficient proofs are V-TRUSTEE-1's business; this derivation does not depend on them.
    """

    def compute() -> JointKey:
        body = setup(view)
        parameters = CeremonyParameters(body.threshold, len(body.trustees))
        columns = []
        for j in range(body.threshold):
            total = Point.identity()
            for trustee in body.trustees:
                total = total + trustee.commitments[j]
            columns.append(total)
        if columns[0].is_identity():
            raise RecordError("the trustees' constant-term commitments sum to the identity")
        keys = tuple(evaluate_commitments(columns, index) for index in parameters.indices)
        return JointKey(parameters, PublicKey(columns[0]), keys)

    return view.derive("the trustees' joint key", compute)


def bodies(view: RecordView, kind: str) -> tuple[tuple[Event, Any], ...]:
    """(event, typed body) for every event of `kind` whose body parses (others: V-SCHEMA-1)."""

    def compute() -> tuple[tuple[Event, Any], ...]:
        parsed = []
        for event in view.of_kind(kind):
            try:
                parsed.append((event, parse_body(event)))
            except RecordError:
                continue
        return tuple(parsed)

    return view.derive(f"the {kind} events", compute)


@dataclass(frozen=True, slots=True)
class Selection:
    """Which Ballot events count (spec §11.4, §11.6), and why the others do not."""

    counted: array[int]
    """Seqs of counted Ballot events, in record order (8 bytes each)."""
    superseded: int
    cancelled: int
    unpublished: int
    cancelled_credentials: frozenset[bytes]


def selection(view: RecordView) -> Selection:
    """The last ballot per published credential, unless a PaperBatch cancelled the credential."""

    def compute() -> Selection:
        published = weights(view)
        cancelled: set[bytes] = set()
        for _, batch in bodies(view, "PaperBatch"):
            assert isinstance(batch, PaperBatch)
            cancelled.update(c.to_bytes() for c in batch.cancelled_credentials)
        last: dict[object, int] = {}
        ballots = 0
        for seq, credential in view.ballot_credentials():
            ballots += 1
            if isinstance(credential, (bytes, str)):
                last[credential] = seq
        counted = sorted(
            seq for cred, seq in last.items() if cred in published and cred not in cancelled
        )
        return Selection(
            counted=array("q", counted),
            superseded=ballots - len(last),
            cancelled=sum(1 for cred in last if cred in published and cred in cancelled),
            unpublished=sum(1 for cred in last if cred not in published),
            cancelled_credentials=frozenset(cancelled),
        )

    return view.derive("the counted ballots", compute)


def ballots(view: RecordView) -> Iterator[tuple[int, object, bool]]:
    """(seq, credential as `view.ballot_credentials` gives it, whether it is counted) of every
    Ballot event, in record order (no set of the counted seqs is built)."""
    counted = iter(selection(view).counted)
    next_counted = next(counted, None)
    for seq, credential in view.ballot_credentials():
        if next_counted == seq:
            yield seq, credential, True
            next_counted = next(counted, None)
        else:
            yield seq, credential, False
