"""One trustee's partial decryption of 10,000 mixed ballots x 5 ciphertexts: per-ciphertext
Chaum-Pedersen proofs (clearcount/1) against one batched proof (clearcount/2, spec §4.3.3,
RFC 9497 §2.2.1).

before: for each of the 50,000 ciphertexts the share D = z·pad and its own DLEQ proof
        (`prove_decryption`); the verifier checks 50,000 proofs (`verify_decryption`).
after:  the 50,000 shares, then ONE proof over composites M = Σ d_i·pad_i (Z = z·M); the verifier
        recomputes the seed, the d_i, M and Z and checks one proof (`verify_batch`).

Both in one process, so the ratio is the cryptography's; the record code (protocol.decryption,
verifier.decryption) cuts the same sums into chunks of 2,000 for the process pool. The
pads are random group elements (a decryption proof does not depend on what was encrypted).

Usage: .venv/bin/python bench/crypto/batch_decryption_bench.py [--ballots N] [--width K]
       [--repeats R]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from statistics import median
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Samples, repeat_ms, write_result

CONTEXT = b"clearcount-bench/election-fingerprint"


def run(ballots: int, width: int, repeats: int) -> dict[str, Any]:
    from clearcount.crypto.elgamal import Ciphertext, SecretKey
    from clearcount.crypto.group import Point, Scalar, seeded_scalars
    from clearcount.crypto.proofs.batch_dleq import BatchStatement, prove_batch, verify_batch
    from clearcount.crypto.proofs.dleq import prove_decryption, verify_decryption

    rng = seeded_scalars(b"clearcount/bench/batch-decryption")
    secret = SecretKey(rng())
    key = secret.public_key()
    ciphertexts = [
        Ciphertext(Point.base_mul(rng()), Point.base_mul(rng())) for _ in range(ballots * width)
    ]
    per_ciphertext: list[tuple[Point, Any]] = []
    batch: list[Any] = []

    def prove_before() -> None:
        per_ciphertext[:] = [prove_decryption(CONTEXT, secret, c) for c in ciphertexts]

    def verify_before() -> None:
        for c, (share, proof) in zip(ciphertexts, per_ciphertext, strict=True):
            verify_decryption(CONTEXT, key, c, share, proof)

    def prove_after() -> None:
        shares = tuple(c.pad * secret.scalar for c in ciphertexts)
        statement = BatchStatement(1, "leader", key.point, ciphertexts, shares)
        batch[:] = [statement, prove_batch(CONTEXT, secret.scalar, statement, Scalar.random)]

    def verify_after() -> None:
        verify_batch(CONTEXT, batch[0], batch[1])

    timed = {
        "before_prove_ms": repeat_ms(prove_before, repeats),
        "before_verify_ms": repeat_ms(verify_before, repeats),
        "after_prove_ms": repeat_ms(prove_after, repeats),
        "after_verify_ms": repeat_ms(verify_after, repeats),
    }
    shares_before = [share for share, _ in per_ciphertext]
    if shares_before != list(batch[0].shares):
        raise SystemExit("the two constructions gave different shares")
    medians = {name: median(samples) for name, samples in timed.items()}
    cpu = {name: median(samples.cpu) for name, samples in timed.items()}
    return {
        "ballots": ballots,
        "width": width,
        "ciphertexts": len(ciphertexts),
        **{name: Samples(samples) for name, samples in timed.items()},
        "prove_ratio": round(medians["before_prove_ms"] / medians["after_prove_ms"], 2),
        "verify_ratio": round(medians["before_verify_ms"] / medians["after_verify_ms"], 2),
        "prove_ratio_cpu": round(cpu["before_prove_ms"] / cpu["after_prove_ms"], 2),
        "verify_ratio_cpu": round(cpu["before_verify_ms"] / cpu["after_verify_ms"], 2),
        "record_bytes_before": len(ciphertexts) * 64,
        "record_bytes_after": 64,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=10_000)
    parser.add_argument("--width", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    result = run(args.ballots, args.width, args.repeats)
    path = write_result("batch_decryption", {"clearcount": result})
    for name, value in result.items():
        print(f"{name}: {value}")
    print(
        f"ratio before/after: prove {result['prove_ratio']}x, verify {result['verify_ratio']}x "
        f"(CPU time: prove {result['prove_ratio_cpu']}x, verify {result['verify_ratio_cpu']}x; "
        f"{result['ciphertexts']} ciphertexts, one trustee, one process)"
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
