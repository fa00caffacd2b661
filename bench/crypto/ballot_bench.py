"""A 1-of-5 ballot, encrypt+prove and verify: clearcount vs ElectionGuard 1.4.0 vs Belenios 2.0.

The shape: 5 encrypted choices, each with a 0/1 disjunctive proof, and a proof that their sum is
in [1, 1] (spec §4.4, §4.5). clearcount's side is composed from clearcount.crypto.elgamal and
clearcount.crypto.proofs; the peers run through their own harnesses in bench/crypto/peers. The
floor is the cost of the group operations the verification needs, timed with rbcl in this run.

Usage: .venv/bin/python bench/crypto/ballot_bench.py [--ballots N] [--repeats R]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
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
from floor import count_operations, floor_us, unit_costs

CHOICES = 5
CONTEXT = b"clearcount-bench/election-fingerprint"
NEEDED_VERIFY = {"base_mul": 11, "var_mul": 33, "add": 36}
"""What a 1-of-5 verification needs at least (shared/notes/peers.md; derivation in RESULTS.md):
per 0/1 proof 2 branches x (s·G, c·pad, s·K, c·β) = 2 fixed + 6 variable, + 5 additions
(2 per branch and β_1 = β_0 - G); the [1, 1] proof on the sum: 1 fixed + 3 variable, 4 sums of
ciphertexts = 8 additions, + 3 more; 11 fixed + 33 variable + 36 additions in all."""
FLOOR_OPS = ("base_mul", "var_mul", "add", "sub")
Ballot = tuple[list[Any], list[Any], Any]
"""(ciphertexts, 0/1 proofs, sum proof): clearcount's types, imported lazily below."""


def clearcount_ballots(n: int, repeats: int) -> dict[str, Any]:
    from clearcount.crypto.elgamal import Ciphertext, encrypt, generate_keypair
    from clearcount.crypto.group import Scalar
    from clearcount.crypto.proofs.disjunctive import (
        DisjunctiveProof,
        prove_zero_one,
        verify_zero_one,
    )
    from clearcount.crypto.proofs.range import prove_range, verify_range

    _, key = generate_keypair()

    def cast(choice: int) -> Ballot:
        binding = choice.to_bytes(8, "big")  # stands in for the voter's public credential
        votes = [int(i == choice % CHOICES) for i in range(CHOICES)]
        nonces = [Scalar.random() for _ in votes]
        ciphertexts = [encrypt(key, m, r) for m, r in zip(votes, nonces, strict=True)]
        proofs = [
            prove_zero_one(CONTEXT, key, c, m, r, binding=binding)
            for c, m, r in zip(ciphertexts, votes, nonces, strict=True)
        ]
        total = nonces[0]
        for r in nonces[1:]:
            total = total + r
        overall = prove_range(CONTEXT, key, ciphertexts, 1, total, 1, 1, binding=binding)
        return ciphertexts, proofs, overall

    def check(index: int, ballot: Ballot) -> None:
        binding = index.to_bytes(8, "big")
        ciphertexts, proofs, overall = ballot
        for c, p in zip(ciphertexts, proofs, strict=True):
            verify_zero_one(CONTEXT, key, c, p, binding=binding)
        verify_range(CONTEXT, key, ciphertexts, 1, 1, overall, binding=binding)

    def wire(ballot: Ballot) -> bytes:
        ciphertexts, proofs, _ = ballot
        return b"".join([*(c.to_bytes() for c in ciphertexts), *(p.to_bytes() for p in proofs)])

    def check_wire(index: int, data: bytes, overall: bytes) -> None:
        """Decode every point and scalar (canonical checks), then verify: what a verifier does."""
        ciphertexts = [Ciphertext.from_bytes(data[64 * i : 64 * i + 64]) for i in range(CHOICES)]
        base = 64 * CHOICES
        proofs = [
            DisjunctiveProof.from_bytes(data[base + 128 * i : base + 128 * i + 128])
            for i in range(CHOICES)
        ]
        check(index, (ciphertexts, proofs, DisjunctiveProof.from_bytes(overall)))

    ballots = [cast(i) for i in range(n)]
    encoded = [(wire(b), b[2].to_bytes()) for b in ballots]
    encrypt_ms = repeat_ms(lambda: [cast(i) for i in range(n)], repeats, per=n)
    verify_ms = repeat_ms(lambda: [check(i, b) for i, b in enumerate(ballots)], repeats, per=n)
    wire_ms = repeat_ms(
        lambda: [check_wire(i, d, o) for i, (d, o) in enumerate(encoded)], repeats, per=n
    )
    with count_operations() as encrypt_ops:
        cast(0)
    with count_operations() as verify_ops:
        check(0, ballots[0])
    with count_operations() as wire_ops:
        check_wire(0, *encoded[0])
    return {
        "n": n,
        "encrypt_ms": Samples(encrypt_ms),
        "verify_ms": Samples(verify_ms),
        "decode_verify_ms": Samples(wire_ms),
        "encrypt_ops": dict(encrypt_ops),
        "verify_ops": dict(verify_ops),
        "decode_verify_ops": dict(wire_ops),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=200)
    parser.add_argument("--peer-ballots", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    costs = unit_costs(repeats=args.repeats)
    result: dict[str, Any] = {"unit_costs_us": costs}
    try:
        ours = clearcount_ballots(args.ballots, args.repeats)
    except ImportError as missing:  # the crypto layer is being written in parallel
        ours = {"missing": str(missing)}
    result["clearcount"] = ours

    eg = run_electionguard("ballot", str(args.peer_ballots), str(args.repeats))
    result["electionguard"] = {
        "n": eg["n"],
        "encrypt_ms": Samples(
            timings(eg["encrypt_ms_per_ballot"], eg["encrypt_cpu_ms_per_ballot"])
        ),
        "verify_ms": Samples(timings(eg["verify_ms_per_ballot"], eg["verify_cpu_ms_per_ballot"])),
    }

    bel = run_belenios("ballot", args.peer_ballots, args.repeats)
    n = int(bel["ballots"][0])
    empty = timings(list(bel["verify_empty_ms"]), list(bel["verify_empty_ms_cpu"]))
    result["belenios"] = {
        "n": n,
        "encrypt_ms_process": bel["encrypt_total_ms"][0] / n,
        "verify_ms": Samples(per_ballot(bel, "verify_full_ms", "verify_empty_ms", n)),
        "verify_empty_archive_ms": Samples(empty),
    }

    needed = floor_us(NEEDED_VERIFY, costs, ("base_mul", "var_mul", "add")) / 1000
    result["floor"] = {"needed_ops": NEEDED_VERIFY, "needed_ms": needed}
    if "verify_ops" in ours:
        counted: Counter[str] = Counter(ours["verify_ops"])
        result["floor"]["implementation_ms"] = floor_us(counted, costs, FLOOR_OPS) / 1000
        all_point_ops = tuple(k for k in counted if k in costs)
        result["floor"]["implementation_all_point_ops_ms"] = (
            floor_us(counted, costs, all_point_ops) / 1000
        )
    path = write_result("ballot", result)
    summary(result)
    print(f"wrote {path}")


def summary(result: dict[str, Any]) -> None:
    def med(block: object, key: str) -> float | None:
        if not isinstance(block, dict) or key not in block:
            return None
        value = block[key]
        return value["median"] if isinstance(value, dict) else value

    for name in ("clearcount", "electionguard", "belenios"):
        block = result[name]
        print(
            f"{name:14} encrypt {med(block, 'encrypt_ms') or med(block, 'encrypt_ms_process')}"
            f" ms  verify {med(block, 'verify_ms')} ms"
        )
    print(f"floor {result['floor']}")


if __name__ == "__main__":
    main()
