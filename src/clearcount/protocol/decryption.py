"""Threshold decryption of the tallies and mixed ballots (spec §11.9, §5.3-§5.4).

Each present trustee publishes, for every target ciphertext (each homomorphic tally ciphertext;
each component of each ballot of a mixnet contest's last shuffle, row-major), its share
M_ℓ = z_ℓ·pad with a Chaum-Pedersen proof against its verification key K_ℓ. A ciphertext whose
pad is the identity (nothing encrypted in it: only paper votes) gets the identity share and no
proof. Any t valid partial decryptions give m·G by Lagrange interpolation; up to n − t trustees
may be absent. Bad shares are attributed to the trustee by name. Each trustee signs its
PartialDecryption with its own long-term key (purpose `partial-decryption`,
`Setup.trustee_keys`), so nobody can decrypt under its name.
"""

from __future__ import annotations

from collections.abc import Sequence

from clearcount.core.errors import CryptoError, ProofError, RecordError
from clearcount.crypto.dkg import verify_trustee_key
from clearcount.crypto.elgamal import Ciphertext
from clearcount.crypto.group import Point, Scalar, ScalarSource
from clearcount.crypto.lagrange import lagrange_coefficients
from clearcount.crypto.proofs.dleq import DleqProof
from clearcount.crypto.threshold import PartialDecryption as Share
from clearcount.crypto.threshold import partial_decrypt, verify_partial_decryption
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


def partial_decryption(
    election: Election,
    targets: Targets,
    trustee: TrusteeSecret,
    signing: Scalar,
    rng: ScalarSource = Scalar.random,
) -> PartialDecryption:
    """Trustee's shares and proofs for every target, from its own key share, signed with
    `signing`, its own long-term key (spec §11.9)."""
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
    context = election.fingerprint
    contests = []
    for contest, ciphertexts in targets:
        shares: list[Point] = []
        proofs: list[DleqProof | None] = []
        for c in ciphertexts:
            if c.pad.is_identity():
                shares.append(Point.identity())
                proofs.append(None)
                continue
            share = partial_decrypt(context, trustee.key, c, rng)
            shares.append(share.share)
            proofs.append(share.proof)
        contests.append(DecryptionContest(contest, tuple(shares), tuple(proofs)))
    draft = PartialDecryption(trustee.name, tuple(contests), UNSIGNED)
    signature = sign_act(context, signing, DECRYPTION_PURPOSE, draft.signed_digest(), rng)
    return PartialDecryption(trustee.name, tuple(contests), signature)


def verify_partial(election: Election, targets: Targets, partial: PartialDecryption) -> None:
    """Every share's proof against the trustee's K_ℓ; errors name the trustee (spec §5.3)."""
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
    for (contest, ciphertexts), mine in zip(targets, partial.contests, strict=True):
        if len(mine.shares) != len(ciphertexts):
            raise RecordError(
                f"PartialDecryption by {name!r}, contest {contest!r}: expected "
                f"{len(ciphertexts)} shares, got {len(mine.shares)}"
            )
        for j, (c, share, proof) in enumerate(
            zip(ciphertexts, mine.shares, mine.proofs, strict=True)
        ):
            where = f"PartialDecryption by trustee {name!r}, contest {contest!r}, share {j}"
            if c.pad.is_identity():
                if not share.is_identity() or proof is not None:
                    raise ProofError(
                        f"{where}: expected the identity and no proof for a "
                        "ciphertext with an identity pad"
                    )
                continue
            if proof is None:
                raise ProofError(f"{where}: expected a Chaum-Pedersen proof, got none")
            try:
                verify_partial_decryption(
                    election.fingerprint, election.joint, c, Share(index, share, proof)
                )
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
