"""A hostile returning officer's toolkit, for the attack tests (issue 8).

The forger has everything but the trustees' and the credential authority's keys: the service's
code and database, the record, the officer's own key and the tellers' keys (it runs the tellers'
machines, or they collude). It rewrites part of a simulated record and then RE-CHAINS everything
after it, each event rebuilt as the protocol would build it on the forged board (the EndBallots
count, the tally), honest trustees shuffling and decrypting whatever the board shows them
(they cannot tell), so the chain and every proof it can make are valid: only the checks of the
signatures and counts it cannot forge are left to catch it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from clearcount.crypto.group import Point, Scalar, seeded_scalars
from clearcount.crypto.proofs.schnorr import SchnorrProof
from clearcount.protocol.acts import UNSIGNED, sign_act
from clearcount.protocol.context import Election, read_election
from clearcount.protocol.declare import declare
from clearcount.protocol.decryption import Targets, decryption_targets, partial_decryption
from clearcount.protocol.mixing import make_shuffle, shuffle_event
from clearcount.protocol.simulate import SimulationSecrets
from clearcount.protocol.tally import tally_event
from clearcount.record.chain import Event, next_event
from clearcount.record.events import (
    Credentials,
    DecryptionContest,
    EndBallots,
    PaperBallot,
    PaperBatch,
    PartialDecryption,
    parse_body,
)
from clearcount.record.signing import DECRYPTION_PURPOSE, TELLER_PURPOSE
from clearcount.verifier import Status, verify_events

__all__ = [
    "FORGER_RNG",
    "Step",
    "forged_batch",
    "honest_partials",
    "honest_shuffles",
    "identity_partials",
    "lenient_election",
    "officer_key",
    "rebuild",
    "resign",
    "verdict",
]

FORGER_RNG = seeded_scalars(b"the forger")
OFFICER = "Jo Hale"

Step = Callable[[list[Event], Election], list[Event]]
"""A step of the forged tail: given the chain so far, the events it appends."""


def officer_key(secrets: SimulationSecrets) -> Scalar:
    """The forger's own signing key (the officer's): valid signatures, but by the wrong key."""
    return secrets.roles[OFFICER].signing


def verdict(chain: Sequence[Event]) -> tuple[bool, set[str]]:
    """(verified?, the ids of the failed checks)."""
    report = verify_events(chain, workers=1)
    return report.ok, {o.spec.id for o in report.outcomes if o.status is Status.FAILED}


def lenient_election(chain: Sequence[Event]) -> Election:
    """The Election as the forger's own code reads it: Credentials taken as they stand, whether
    or not the authority signed them (the honest `read_election` would refuse them)."""
    honest = read_election(chain[:1])
    published: Credentials = parse_body(chain[1])
    weights = {
        c.to_bytes(): w for c, w in zip(published.credentials, published.weights, strict=True)
    }
    return replace(honest, credentials=weights)


def resign(secret: Scalar, election: Election, purpose: str, digest: bytes) -> SchnorrProof:
    return sign_act(election.fingerprint, secret, purpose, digest, FORGER_RNG)


def forged_batch(
    election: Election,
    secrets: SimulationSecrets,
    contest: str,
    papers: Sequence[PaperBallot],
    cancelled: Sequence[Point],
    authority_signature: SchnorrProof | None,
    channel: str = "postal",
) -> PaperBatch:
    """A paper batch signed by both tellers (the forger holds their keys), with whatever
    signature it can put on the cancellations (it does not hold the authority's key)."""
    ordered = tuple(sorted(cancelled, key=lambda p: p.to_bytes()))
    names = (secrets.tellers[0].name, secrets.tellers[1].name)
    draft = PaperBatch(
        channel, contest, tuple(papers), ordered, authority_signature, names, (UNSIGNED, UNSIGNED)
    )
    first, second = (
        resign(t.secret, election, TELLER_PURPOSE, draft.signed_digest()) for t in secrets.tellers
    )
    return replace(draft, signatures=(first, second))


def honest_partials(
    secrets: SimulationSecrets,
    absent: Sequence[str] = (),
    targets: Callable[[list[Event], Election], Targets] = decryption_targets,
) -> Step:
    """The present trustees decrypt whatever `targets` the (forged) board shows them."""

    def step(chain: list[Event], election: Election) -> list[Event]:
        shown = targets(chain, election)
        added: list[Event] = []
        for trustee in secrets.trustees:
            if trustee.name in absent:
                continue
            signing = secrets.roles[trustee.name].signing
            partial = partial_decryption(election, shown, trustee, signing, FORGER_RNG)
            added.append(next_event([*chain, *added], "PartialDecryption", partial.to_body()))
        return added

    return step


def honest_shuffles(secrets: SimulationSecrets) -> Step:
    """Every trustee shuffles every mixnet contest of the (forged) board in turn."""

    def step(chain: list[Event], election: Election) -> list[Event]:
        added: list[Event] = []
        for spec in election.setup.contests:
            if spec.kind != "mixnet":
                continue
            for trustee in secrets.trustees:
                signing = secrets.roles[trustee.name].signing
                added.append(
                    shuffle_event(
                        [*chain, *added],
                        make_shuffle(
                            [*chain, *added], election, spec.id, trustee.name, signing, FORGER_RNG
                        ),
                    )
                )
        return added

    return step


def rebuild(
    honest: Sequence[Event],
    upto: str,
    forged: Sequence[tuple[str, dict[str, object]]],
    *,
    drop: int = 0,
    election: Election | None = None,
    tally: Step | None = None,
    shuffles: Step | None = None,
    partials: Step | None = None,
    declare_result: bool = True,
) -> list[Event]:
    """The honest record up to (not including) the first `upto` event, the `forged` events, the
    rest of the honest casting phase (less the `drop` events from the first `upto` on)
    re-chained (EndBallots recounted), then the counting phase
    rebuilt on the forged board: `tally`, `shuffles`, `partials` (default: the protocol's tally,
    no shuffles, no decryptions) and the Result (`declare`, the honest count of whatever was
    decrypted)."""
    cut = next(i for i, e in enumerate(honest) if e.kind == upto)
    chain = list(honest[:cut])
    for kind, body in forged:
        chain.append(next_event(chain, kind, body))
    counting = ("EncryptedTally", "Shuffle", "PartialDecryption", "Result")
    for event in honest[cut + drop :]:
        if event.kind in counting:
            continue
        if event.kind == "EndBallots":
            ballots = [e for e in chain if e.kind == "Ballot"]
            body = EndBallots(len(ballots), ballots[-1].hash).to_body()
            chain.append(next_event(chain, "EndBallots", body))
        else:
            chain.append(next_event(chain, event.kind, event.body))
    election = election or lenient_election(chain)
    if any(s.kind == "homomorphic" for s in election.setup.contests):
        if tally is None:
            chain.append(tally_event(chain, election))
        else:
            chain.extend(tally(chain, election))
    if shuffles is not None:
        chain.extend(shuffles(chain, election))
    if partials is not None:
        chain.extend(partials(chain, election))
    if declare_result:
        chain.append(declare(chain, election, verify=False))
    return chain


def identity_partials(secrets: SimulationSecrets, key: Scalar) -> Step:
    """PartialDecryption events under the trustees' names, every share the identity and no
    proof, signed with the forger's key (the issue's attack on trivial tallies)."""

    def step(chain: list[Event], election: Election) -> list[Event]:
        targets = decryption_targets(chain, election)
        added: list[Event] = []
        for trustee in secrets.trustees[: election.setup.threshold]:
            contests = tuple(
                DecryptionContest(contest, tuple(Point.identity() for _ in cts), None)
                for contest, cts in targets
            )
            draft = PartialDecryption(trustee.name, contests, UNSIGNED)
            signed = replace(
                draft, signature=resign(key, election, DECRYPTION_PURPOSE, draft.signed_digest())
            )
            added.append(next_event([*chain, *added], "PartialDecryption", signed.to_body()))
        return added

    return step
