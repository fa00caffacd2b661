"""Threshold decryption of the tallies and mixed ballots (spec §11.9, §5.3-§5.4).

Each present trustee publishes, for every target ciphertext (each homomorphic tally ciphertext;
each component of each ballot of a mixnet contest's last shuffle, row-major), its share
M_ℓ = z_ℓ·pad, and per contest ONE batched Chaum-Pedersen proof (RFC 9497 §2.2.1, spec §4.3.3)
against its verification key K_ℓ. A ciphertext whose pad is the identity (nothing encrypted in
it: only paper votes) gets the identity share; a contest with only such ciphertexts gets no
proof. Shares and composites are computed in chunks on a process pool. Any t valid partial
decryptions give m·G by Lagrange interpolation; up to n − t trustees
may be absent. Bad shares are attributed to the trustee by name. Each trustee signs its
PartialDecryption with its own long-term key (purpose `partial-decryption`,
`Setup.trustee_keys`), so nobody can decrypt under its name.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

from clearcount.core.errors import CryptoError, ProofError, RecordError
from clearcount.crypto.dkg import verify_trustee_key
from clearcount.crypto.elgamal import Ciphertext
from clearcount.crypto.group import Point, Scalar, ScalarSource
from clearcount.crypto.lagrange import lagrange_coefficients
from clearcount.crypto.proofs.batch_dleq import (
    BatchStatement,
    batch_seed,
    composite_part,
    prove_composite,
    verify_composite,
)
from clearcount.protocol.acts import UNSIGNED, check_act, sign_act
from clearcount.protocol.ceremony import TrusteeSecret
from clearcount.protocol.context import Election
from clearcount.protocol.mixing import shuffles
from clearcount.record.chain import Event, next_event
from clearcount.record.events import DecryptionContest, EncryptedTally, PartialDecryption
from clearcount.record.signing import DECRYPTION_PURPOSE

__all__ = [
    "combine_plaintexts", "decryption_targets", "partial_decryption", "partial_decryptions",
    "post_partial_decryption", "verify_partial",
]  # fmt: skip

Targets = tuple[tuple[str, tuple[Ciphertext, ...]], ...]


def decryption_targets(chain: Sequence[Event], election: Election) -> Targets:
    """(contest id, ciphertexts) in Setup order: what the trustees decrypt (spec §11.9)."""
    tallies: dict[str, tuple[Ciphertext, ...]] = {}
    for event in chain:
        if event.kind == "EncryptedTally":
            body = EncryptedTally.from_body(event.body, f"event {event.seq}")
            tallies = {c.id: c.ciphertexts for c in body.contests}
    targets = []
    for spec in election.setup.contests:
        if spec.kind == "homomorphic":
            if spec.id not in tallies:
                raise RecordError(
                    f"decryption: expected an EncryptedTally of contest {spec.id!r} first, got none"
                )
            targets.append((spec.id, tallies[spec.id]))
            continue
        done = shuffles(chain, spec.id)
        if len(done) < election.setup.threshold:
            raise RecordError(
                f"decryption: expected at least {election.setup.threshold} "
                f"shuffles of contest {spec.id!r}, got {len(done)}"
            )
        targets.append((spec.id, tuple(c for row in done[-1].ciphertexts for c in row)))
    return tuple(targets)


CHUNK = 2000
"""Targets per pool task; a trustee's batch of fewer than two chunks is done in process."""

R = TypeVar("R")


def _map(function: Callable[..., R], tasks: Sequence[tuple[Any, ...]], workers: int) -> list[R]:
    """`[function(*t) for t in tasks]`, on a process pool when there is more than one task."""
    workers = max(1, min(workers, os.cpu_count() or 1))
    if workers == 1 or len(tasks) < 2:
        return [function(*task) for task in tasks]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return [f.result() for f in [pool.submit(function, *task) for task in tasks]]


def _shares(secret: Scalar, pads: Sequence[Point]) -> list[Point]:
    """Pool task: D_i = z·A_i (the identity for an identity pad)."""
    return [pad * secret for pad in pads]


def _composites(
    seed: bytes, pads: Sequence[Point], shares: Sequence[Point] | None, offset: int
) -> tuple[Point, Point]:
    """Pool task: one chunk's part of the composites (M, Z) (spec §4.3.3)."""
    return composite_part(seed, pads, shares, offset)


def _composite_sums(
    seed: bytes, pads: Sequence[Point], shares: Sequence[Point] | None, workers: int
) -> tuple[Point, Point]:
    tasks = [
        (seed, pads[k : k + CHUNK], None if shares is None else shares[k : k + CHUNK], k)
        for k in range(0, len(pads), CHUNK)
    ]
    m = z = Point.identity()
    for part_m, part_z in _map(_composites, tasks, workers):
        m, z = m + part_m, z + part_z
    return m, z


def _trivial(ciphertexts: Sequence[Ciphertext]) -> bool:
    """Every pad is the identity: nothing to prove, the batch has no proof (spec §11.9)."""
    return all(c.pad.is_identity() for c in ciphertexts)


def partial_decryption(
    election: Election,
    targets: Targets,
    trustee: TrusteeSecret,
    signing: Scalar,
    rng: ScalarSource = Scalar.random,
    *,
    workers: int | None = None,
) -> PartialDecryption:
    """Trustee's shares and one batched proof per contest, from its own key share, signed with
    `signing`, its own long-term key (spec §11.9); shares and composites on `workers`
    processes (default: one per core)."""
    if Point.base_mul(signing) != election.setup.trustee_key(trustee.name).key:
        raise ProofError(
            f"PartialDecryption: expected the own signing key of trustee {trustee.name!r} (as "
            "in the Setup), got another key"
        )
    if election.trustee_index(trustee.name) != trustee.key.index:
        raise CryptoError(
            f"trustee {trustee.name!r}: expected key share index "
            f"{election.trustee_index(trustee.name)}, got {trustee.key.index}"
        )
    try:
        verify_trustee_key(election.joint, trustee.key)
    except CryptoError as error:
        raise CryptoError(f"trustee {trustee.name!r}: {error}") from None
    pool = workers if workers is not None else (os.cpu_count() or 1)
    context = election.fingerprint
    secret = trustee.key.share
    key = election.joint.verification_key(trustee.key.index)
    contests = []
    for contest, ciphertexts in targets:
        pads = [c.pad for c in ciphertexts]
        tasks = [(secret, pads[k : k + CHUNK]) for k in range(0, len(pads), CHUNK)]
        shares = tuple(s for part in _map(_shares, tasks, pool) for s in part)
        proof = None
        if not _trivial(ciphertexts):
            statement = BatchStatement(trustee.key.index, contest, key, ciphertexts, shares)
            seed = batch_seed(context, statement)
            base, _ = _composite_sums(seed, pads, None, pool)
            proof = prove_composite(context, secret, seed, base, rng)
        contests.append(DecryptionContest(contest, shares, proof))
    draft = PartialDecryption(trustee.name, tuple(contests), UNSIGNED)
    signature = sign_act(context, signing, DECRYPTION_PURPOSE, draft.signed_digest(), rng)
    return PartialDecryption(trustee.name, tuple(contests), signature)


def verify_partial(
    election: Election, targets: Targets, partial: PartialDecryption, *, workers: int = 1
) -> None:
    """The signature, then each contest's batched proof against the trustee's K_ℓ; errors name
    the trustee and the contest (spec §4.3.3, §5.3)."""
    name = partial.trustee
    index = election.trustee_index(name)
    check_act(
        election.fingerprint,
        election.setup.trustee_key(name).key,
        partial.signature,
        DECRYPTION_PURPOSE,
        partial.signed_digest(),
        f"PartialDecryption by trustee {name!r}",
    )
    ids = [c.id for c in partial.contests]
    if ids != [t[0] for t in targets]:
        raise RecordError(
            f"PartialDecryption by {name!r}: expected contests {[t[0] for t in targets]}, got {ids}"
        )
    key = election.joint.verification_key(index)
    for (contest, ciphertexts), mine in zip(targets, partial.contests, strict=True):
        where = f"PartialDecryption by trustee {name!r}, contest {contest!r}"
        if len(mine.shares) != len(ciphertexts):
            raise RecordError(
                f"{where}: expected {len(ciphertexts)} shares, got {len(mine.shares)}"
            )
        for j, (c, share) in enumerate(zip(ciphertexts, mine.shares, strict=True)):
            if c.pad.is_identity() and not share.is_identity():
                raise ProofError(
                    f"{where}, share {j}: expected the identity for a ciphertext with an "
                    "identity pad"
                )
        if _trivial(ciphertexts):
            if mine.proof is not None:
                raise ProofError(f"{where}: expected no proof (every pad is the identity)")
            continue
        if mine.proof is None:
            raise ProofError(f"{where}: expected a batched Chaum-Pedersen proof, got none")
        seed = batch_seed(
            election.fingerprint, BatchStatement(index, contest, key, ciphertexts, mine.shares)
        )
        pads = [c.pad for c in ciphertexts]
        composites = _composite_sums(seed, pads, mine.shares, workers)
        try:
            verify_composite(election.fingerprint, key, seed, composites, mine.proof)
        except ProofError as error:
            raise ProofError(f"{where}: {error}") from None


def post_partial_decryption(
    chain: Sequence[Event], election: Election, partial: PartialDecryption
) -> Event:
    """Check a trustee's partial decryption and append it; one per trustee (spec §11.9)."""
    if any(e.kind == "PartialDecryption" and e.body["trustee"] == partial.trustee for e in chain):
        raise RecordError(
            f"PartialDecryption: expected one per trustee, got a second from {partial.trustee!r}"
        )
    if any(e.kind == "Result" for e in chain):
        raise RecordError("PartialDecryption: expected it before the Result, got one after")
    verify_partial(election, decryption_targets(chain, election), partial)
    return next_event(chain, "PartialDecryption", partial.to_body())


def partial_decryptions(chain: Sequence[Event]) -> list[PartialDecryption]:
    return [
        PartialDecryption.from_body(e.body, f"event {e.seq}")
        for e in chain
        if e.kind == "PartialDecryption"
    ]


def combine_plaintexts(
    election: Election,
    targets: Targets,
    partials: Sequence[PartialDecryption],
    *,
    verify: bool = True,
) -> dict[str, tuple[Point, ...]]:
    """m·G for every target from the t lowest-indexed trustees' shares (spec §5.4).

    Fewer than t trustees: CryptoError naming those present. With `verify`, every partial is
    checked first and ProofError names every trustee whose shares fail.
    """
    t = election.setup.threshold
    present = sorted(partials, key=lambda p: election.trustee_index(p.trustee))
    if len(present) < t:
        raise CryptoError(
            f"decryption: expected partial decryptions from at least {t} of "
            f"{len(election.setup.trustees)} trustees, got {len(present)} "
            f"({[p.trustee for p in present]})"
        )
    if verify:
        failed = []
        for partial in present:
            try:
                verify_partial(election, targets, partial)
            except (ProofError, RecordError) as error:
                failed.append(f"{partial.trustee!r} ({error})")
        if failed:
            raise ProofError(
                f"decryption: expected valid partial decryptions, got invalid ones "
                f"from trustees {'; '.join(failed)}"
            )
    chosen = present[:t]
    weights = lagrange_coefficients([election.trustee_index(p.trustee) for p in chosen])
    ordered = [weights[election.trustee_index(p.trustee)] for p in chosen]
    plaintexts = {}
    for position, (contest, ciphertexts) in enumerate(targets):
        columns = [p.contests[position].shares for p in chosen]
        values = []
        for j, c in enumerate(ciphertexts):
            combined = Point.identity()
            for weight, column in zip(ordered, columns, strict=True):
                combined = combined + column[j] * weight
            values.append(c.data - combined)
        plaintexts[contest] = tuple(values)
    return plaintexts
