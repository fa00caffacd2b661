"""Shuffle + proof of N ballots of 5 ciphertexts, and its verification: clearcount vs Belenios.

clearcount: clearcount.crypto.shuffle (Terelius-Wikström proof as specified in CHVote), one mix
server. Belenios 2.0: `belenios-tool election shuffle` on an election of 5 NonHomomorphic
questions (its mixnet, also Terelius-Wikström, one shuffle per question), RFC-3526-2048 group,
one mix server; verification is `election verify` after the Shuffle event minus before it.
Belenios needs a process per generated ballot (~90 ms each at 2047-bit exponents), so its N is
smaller than clearcount's by default: both are reported per ballot, with N stated.

Usage: .venv/bin/python bench/crypto/shuffle_bench.py [--ballots N] [--peer-ballots M]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Samples, per_ballot, repeat_ms, run_belenios, write_result
from floor import count_operations

WIDTH = 5


def clearcount_shuffle(n: int, repeats: int) -> dict[str, Any]:
    from clearcount.crypto.elgamal import encrypt, generate_keypair
    from clearcount.crypto.group import Scalar
    from clearcount.crypto.shuffle import gen_shuffle
    from clearcount.crypto.shuffle_proof import check_shuffle_proof, gen_shuffle_proof

    context = b"clearcount-bench/election-fingerprint"
    _, key = generate_keypair()
    rows = [
        tuple(encrypt(key, (i + j) % 6, Scalar.random()) for j in range(WIDTH)) for i in range(n)
    ]
    outputs: list[Any] = []

    def mix(ballots: list[Any]) -> tuple[Any, Any]:
        shuffled, witness = gen_shuffle(key, ballots)
        return shuffled, gen_shuffle_proof(context, key, ballots, shuffled, witness)

    def run_shuffle() -> None:
        outputs.clear()
        outputs.append(mix(rows))

    def run_verify() -> None:
        shuffled, proof = outputs[-1]
        check_shuffle_proof(context, key, rows, shuffled, proof)

    shuffle_ms = repeat_ms(run_shuffle, repeats, per=n)
    verify_ms = repeat_ms(run_verify, repeats, per=n)
    small = rows[: min(n, 100)]
    with count_operations() as prove_ops:
        shuffled, proof = mix(small)
    with count_operations() as verify_ops:
        check_shuffle_proof(context, key, small, shuffled, proof)
    return {
        "n": n,
        "width": WIDTH,
        "shuffle_ms": Samples(shuffle_ms),
        "verify_ms": Samples(verify_ms),
        "ops_n": len(small),
        "shuffle_ops": dict(prove_ops),
        "verify_ops": dict(verify_ops),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=10_000)
    parser.add_argument("--peer-ballots", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    result: dict[str, Any] = {}
    try:
        result["clearcount"] = clearcount_shuffle(args.ballots, args.repeats)
    except (ImportError, AttributeError) as missing:  # written in parallel; API may lag
        result["clearcount"] = {"missing": f"{type(missing).__name__}: {missing}"}

    bel = run_belenios("shuffle", args.peer_ballots, args.repeats)
    n = int(bel["ballots"][0])
    result["belenios"] = {
        "n": n,
        "width": WIDTH,
        "group": "RFC-3526-2048",
        "shuffle_ms": Samples(per_ballot(bel, "shuffle_ms", None, n)),
        "verify_ms": Samples(per_ballot(bel, "verify_after_ms", "verify_before_ms", n)),
        "encrypt_ms_process": bel["encrypt_total_ms"][0] / n,
    }
    path = write_result("shuffle", result)
    for name, block in result.items():
        print(name, {k: v for k, v in block.items() if "ops" not in k})
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
