"""Key ceremony (DKG) and threshold decryption, 5 trustees of whom 3 are needed.

clearcount: clearcount.crypto.dkg / clearcount.crypto.threshold (Pedersen DKG with Feldman
commitments; partial decryptions with Chaum-Pedersen proofs; Lagrange combination), all five
trustees simulated in one process. Peers: ElectionGuard 1.4.0's key ceremony (its orchestrator,
5 guardians, quorum 3) and Belenios 2.0's threshold key generation and decryption (CLI steps,
one process per step and trustee, so its figures include process start-up and the archive
check each step does first). ElectionGuard's decryption is its compensated one (3 guardians
present, shares of the 2 missing reconstructed); Belenios adds its mandatory server key's plain
decryption. The decryption is of the tally of a 1-of-5 question (5 ciphertexts).

Usage: .venv/bin/python bench/crypto/threshold_bench.py [--repeats R]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (
    Samples,
    per_ballot,
    repeat_ms,
    run_belenios,
    run_electionguard,
    timings,
    write_result,
)

TRUSTEES, NEEDED, CHOICES, VOTERS = 5, 3, 5, 100


CONTEXT = b"clearcount-bench/election-fingerprint"


def clearcount_ceremony() -> tuple[Any, list[Any]]:
    """The whole DKG, every trustee's part: announce, check every announcement (each trustee
    computes the joint key), send shares, check the shares received, combine, check the result."""
    from clearcount.crypto import dkg

    params = dkg.CeremonyParameters(threshold=NEEDED, trustees=TRUSTEES)
    polynomials = [dkg.generate_polynomial(params, i) for i in params.indices]
    announcements = [dkg.announce(CONTEXT, p) for p in polynomials]
    by_index = {a.index: a for a in announcements}
    shares = [share for p in polynomials for share in dkg.make_shares(params, p)]
    keys = []
    for trustee in params.indices:
        joint = dkg.joint_key(CONTEXT, params, announcements)
        received = [share for share in shares if share.recipient == trustee]
        if dkg.check_shares(trustee, received, by_index):
            raise SystemExit("clearcount DKG: an honest share was refused")
        key = dkg.combine_shares(params, trustee, received)
        dkg.verify_trustee_key(joint, key)
        keys.append(key)
    return joint, keys


def clearcount_threshold(repeats: int) -> dict[str, Any]:
    from clearcount.crypto.dlog import DiscreteLog
    from clearcount.crypto.elgamal import encrypt, sum_ciphertexts
    from clearcount.crypto.group import Scalar
    from clearcount.crypto.threshold import combine, partial_decrypt

    dkg_ms = repeat_ms(clearcount_ceremony, repeats)
    joint, keys = clearcount_ceremony()
    votes = [[int(v % CHOICES == c) for c in range(CHOICES)] for v in range(VOTERS)]
    tally = [
        sum_ciphertexts(encrypt(joint.public_key, row[c], Scalar.random()) for row in votes)
        for c in range(CHOICES)
    ]
    present = keys[:NEEDED]  # trustees 1..3 decrypt; 4 and 5 are absent
    counts: list[int] = []

    def decrypt() -> None:
        table = DiscreteLog(VOTERS)
        counts.clear()
        for ciphertext in tally:
            partials = [partial_decrypt(CONTEXT, key, ciphertext) for key in present]
            counts.append(table.solve(combine(CONTEXT, joint, ciphertext, partials)))

    decrypt_ms = repeat_ms(decrypt, repeats)
    if counts != [VOTERS // CHOICES] * CHOICES:
        raise SystemExit(f"clearcount threshold decryption gave {counts}")
    return {
        "trustees": TRUSTEES,
        "needed": NEEDED,
        "voters": VOTERS,
        "counts": counts,
        "dkg_ms": Samples(dkg_ms),
        "decrypt_ms": Samples(decrypt_ms),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    result: dict[str, Any] = {}
    try:
        result["clearcount"] = clearcount_threshold(args.repeats)
    except (ImportError, AttributeError) as missing:  # written in parallel; API may lag
        result["clearcount"] = {"missing": f"{type(missing).__name__}: {missing}"}

    eg = run_electionguard("ceremony", str(args.repeats))
    result["electionguard"] = {
        "dkg_ms": Samples(timings(eg["dkg_ms"], eg["dkg_cpu_ms"])),
        # Its decryption runs partly in a process pool (electionguard.scheduler): the parent's
        # CPU time would leave that out, so only wall time is kept.
        "decrypt_ms": Samples(eg["decrypt_3_of_5_ms"]),
        "counts": eg["counts"],
    }

    # One ballot: each Belenios step re-checks the whole archive, so more ballots would time
    # ballot verification, not the decryption (the tally has 5 ciphertexts either way).
    bel = run_belenios("threshold", 1, args.repeats)
    result["belenios"] = {
        "dkg_ms": Samples(per_ballot(bel, "dkg_ms", None, 1)),
        "partial_decrypt_3_ms": Samples(per_ballot(bel, "partial_decrypt_3_ms", None, 1)),
        "combine_ms": Samples(per_ballot(bel, "combine_ms", None, 1)),
        "verified": bel.get("verified"),
    }
    path = write_result("threshold", result)
    for name, block in result.items():
        print(name, block)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
