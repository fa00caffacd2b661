"""Render bench/out/crypto/*.json into the "## Cryptographic core" section of bench/RESULTS.md.

Only that section is rewritten (from its heading to the next `## ` heading); the other sections
(e.g. "## Counting", written by the counting benchmark) are left as they are.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import OUT_DIR, PEERS_DIR, REPO_ROOT
from floor import floor_us

HEADING = "## Cryptographic core"
RESULTS = REPO_ROOT / "bench" / "RESULTS.md"
ANALYSIS = Path(__file__).resolve().parent / "analysis.md"


def load(name: str) -> dict[str, Any]:
    path = OUT_DIR / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else {}


def med(block: object, key: str) -> float | None:
    if not isinstance(block, dict) or key not in block:
        return None
    value = block[key]
    if isinstance(value, dict):
        return value.get("median")
    return value if isinstance(value, int | float) else None


def cell(block: object, key: str, digits: int = 2) -> str:
    if not isinstance(block, dict) or key not in block:
        return "—"
    value = block[key]
    if isinstance(value, dict):
        if value.get("median") is None:
            return "—"
        text = (
            f"**{value['median']:.{digits}f}** "
            f"({value['min']:.{digits}f}–{value['max']:.{digits}f})"
        )
        if value.get("cpu_median") is not None:
            text += f", CPU {value['cpu_median']:.{digits}f}"
        return text
    return f"{value:.{digits}f}"


def ratio(a: float | None, b: float | None) -> str:
    if not a or not b:
        return "n/a"
    r = a / b
    return f"{r:.2f}x" if r < 10 else f"{r:.0f}x"


def cpu(block: object, key: str) -> float | None:
    if not isinstance(block, dict) or not isinstance(block.get(key), dict):
        return None
    return block[key].get("cpu_median")


def ratios(slow: object, fast: object, key: str, fast_key: str | None = None) -> str:
    """Wall-time ratio, with the CPU-time ratio beside it when both sides have one."""
    fast_key = fast_key or key
    text = ratio(med(slow, key), med(fast, fast_key))
    by_cpu = ratio(cpu(slow, key), cpu(fast, fast_key))
    return f"{text} (CPU time: {by_cpu})" if by_cpu != "n/a" else text


def spreads(block: object) -> list[float]:
    """(max - min) / median of every sample set inside `block`, for the noise statement."""
    found: list[float] = []
    if isinstance(block, dict):
        if {"samples", "median", "min", "max"} <= block.keys() and block["median"]:
            found.append((block["max"] - block["min"]) / block["median"])
        else:
            for value in block.values():
                found += spreads(value)
    return found


def versions() -> str:
    def run(*cmd: str) -> str:
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        except OSError:
            return "?"
        return (done.stdout or done.stderr).strip().splitlines()[0] if done.returncode == 0 else "?"

    def version(python: Path, package: str) -> str:
        code = f"import importlib.metadata as m; print(m.version({package!r}))"
        return run(str(python), "-c", code)

    eg_python = PEERS_DIR / "eg/bin/python"
    rbcl = version(REPO_ROOT / ".venv/bin/python", "rbcl")
    eg_py = run(str(eg_python), "--version")
    gmpy = version(eg_python, "gmpy2")
    bel = run("dpkg-query", "-W", "-f=${Version}", "belenios-tool")
    return (
        f"rbcl {rbcl} (bundled libsodium); ElectionGuard 1.4.0 on {eg_py}, gmpy2 {gmpy}; "
        f"belenios-tool {bel} (Debian)"
    )


def ballot_section(data: dict[str, Any]) -> list[str]:
    if not data:
        return ["(ballot benchmark not run)"]
    ours, eg, bel = data["clearcount"], data["electionguard"], data["belenios"]
    floor = data["floor"]
    costs = data["unit_costs_us"]
    lines = [
        "### 1. A 1-of-5 ballot "
        "(5 ciphertexts, 5 proofs of 0/1, 1 proof that the sum is in [1, 1])",
        "",
        "ms per ballot: **median** (min–max over the repeats).",
        "",
        "| implementation | group | ballots x repeats | encrypt + prove | verify |",
        "|---|---|---|---|---|",
    ]
    if "missing" in ours:
        lines.append(f"| clearcount | ristretto255 | — | not run: {ours['missing']} | — |")
    else:
        lines.append(
            f"| clearcount | ristretto255 (libsodium) | {ours['n']} x "
            f"{len(ours['verify_ms']['samples'])} | {cell(ours, 'encrypt_ms')} | "
            f"{cell(ours, 'verify_ms')}; from bytes (decode + verify) "
            f"{cell(ours, 'decode_verify_ms')} |"
        )
    lines += [
        f"| ElectionGuard 1.4.0 | 4096-bit p, 256-bit q (gmpy2) | {eg['n']} x "
        f"{len(eg['verify_ms']['samples'])} | {cell(eg, 'encrypt_ms')} | {cell(eg, 'verify_ms')} |",
        f"| Belenios 2.0 (belenios-tool) | BELENIOS-2048 (2048-bit p, 256-bit q) | {bel['n']} x "
        f"{len(bel['verify_ms']['samples'])} | {cell(bel, 'encrypt_ms_process', 1)} (one process "
        f"per ballot, start-up and credential signature included) | {cell(bel, 'verify_ms')} |",
        "",
    ]
    v_ours = med(ours, "verify_ms")
    needed_ops = ("base_mul", "var_mul", "add")
    needed = floor_us(floor["needed_ops"], costs, needed_ops) / 1000
    needed_cpu = floor_us(floor["needed_ops"], costs, needed_ops, "cpu_min") / 1000
    lines += [
        "Targets (verify): clearcount vs ElectionGuard "
        f"**{ratios(eg, ours, 'verify_ms')}** faster (target >= 30x); vs Belenios "
        f"**{ratios(bel, ours, 'verify_ms')}** (target >= 5x); vs the floor "
        f"**{ratio(cpu(ours, 'verify_ms'), needed_cpu)}** its cost in CPU time (target <= 1.3x; "
        f"in wall time {ratio(v_ours, needed)}, but the wall-time floor loops and the verify "
        "loops met different levels of contention, so that ratio is the less reliable). "
        "Encrypt + prove: "
        f"{ratio(med(eg, 'encrypt_ms'), med(ours, 'encrypt_ms'))} faster than ElectionGuard, "
        f"{ratio(med(bel, 'encrypt_ms_process'), med(ours, 'encrypt_ms'))} than Belenios' CLI.",
        "",
        "**The floor** (rbcl called directly in the same run; us per call, CPU time: the "
        "fastest of the repeats of 2,000 calls, which the floor uses; after the slash the same "
        "in wall time, with the wall-time median in brackets):",
        "",
        "| s·G (fixed base) | s·P (variable base) | P + Q | P − Q | hash to group | decode check |",
        "|---|---|---|---|---|---|",
        "| "
        + " | ".join(
            f"{costs[k].get('cpu_min', 0):.2f} / {costs[k]['min']:.2f} ({costs[k]['median']:.2f})"
            for k in ("base_mul", "var_mul", "add", "sub", "from_hash", "is_valid_point")
        )
        + " |",
        "",
    ]
    nd = floor["needed_ops"]
    lines.append(
        f"Needed to verify: {nd['base_mul']} fixed + {nd['var_mul']} variable multiplications + "
        f"{nd['add']} additions = **{needed_cpu:.3f} ms** of CPU time ({needed:.3f} ms wall)."
    )
    if "verify_ops" in ours:
        ops = ours["verify_ops"]
        adds = ops.get("add", 0) + ops.get("sub", 0)
        lines.append(
            "clearcount's verify makes (counted by wrapping the binding): "
            f"{ops.get('base_mul', 0)} "
            f"fixed + {ops.get('var_mul', 0)} variable + {adds} additions/subtractions "
            "= "
            f"{floor_us(ops, costs, ('base_mul', 'var_mul', 'add', 'sub'), 'cpu_min') / 1000:.3f}"
            " ms of libsodium CPU time; the rest of its "
            f"{cpu(ours, 'verify_ms'):.3f} ms of CPU time is Python (objects, transcript "
            "encoding, SHA-512, scalar calls). "
            f"From bytes it adds {ours['decode_verify_ops'].get('is_valid_point', 0)} point "
            "decode checks."
        )
        enc = ours["encrypt_ops"]
        lines.append(
            f"Encrypt + prove makes {enc.get('base_mul', 0)} fixed + {enc.get('var_mul', 0)} "
            f"variable + {enc.get('add', 0) + enc.get('sub', 0)} additions."
        )
    lines.append("")
    return lines


def shuffle_section(data: dict[str, Any], costs: dict[str, Any] | None) -> list[str]:
    if not data:
        return ["(shuffle benchmark not run)"]
    ours, bel = data["clearcount"], data["belenios"]
    lines = [
        "### 2. Shuffle + proof, 5 ciphertexts per ballot, one mix server",
        "",
        "| implementation | group | ballots | shuffle + prove, ms/ballot | verify, ms/ballot |",
        "|---|---|---|---|---|",
    ]
    if "missing" in ours:
        lines.append(f"| clearcount | ristretto255 | — | not run: {ours['missing']} | — |")
    else:
        lines.append(
            f"| clearcount | ristretto255 | {ours['n']} | {cell(ours, 'shuffle_ms')} | "
            f"{cell(ours, 'verify_ms')} |"
        )
    lines += [
        f"| Belenios 2.0 (`election shuffle`, 5 NonHomomorphic questions) | RFC-3526-2048 "
        f"(2047-bit exponents) | {bel['n']} | {cell(bel, 'shuffle_ms')} | "
        f"{cell(bel, 'verify_ms')} |",
        "",
        f"Belenios was measured at N = {bel['n']}, not 10,000: its ballots are generated one "
        f"process each (~{bel['encrypt_ms_process']:.0f} ms) and a 10,000-ballot shuffle alone "
        f"would take ~{(med(bel, 'shuffle_ms') or 0) * 10:.0f} s per repeat; the shuffle is "
        "linear in N, so per-ballot figures compare. "
        "Ratio (Belenios / clearcount): "
        f"shuffle {ratios(bel, ours, 'shuffle_ms')}, verify {ratios(bel, ours, 'verify_ms')}.",
        "",
    ]
    if costs and "verify_ops" in ours:
        n = ours["ops_n"]
        for what, key, timed in (
            ("verify", "verify_ops", "verify_ms"),
            ("shuffle + prove", "shuffle_ops", "shuffle_ms"),
        ):
            ops = ours[key]
            priced = tuple(k for k in ops if k in costs)
            floor = floor_us(ops, costs, priced) / 1000 / n
            floor_cpu = floor_us(ops, costs, priced, "cpu_min") / 1000 / n
            lines.append(
                f"clearcount {what} per ballot (counted over {n} ballots): "
                f"{ops.get('base_mul', 0) / n:.2f} fixed + {ops.get('var_mul', 0) / n:.2f} variable"
                f" + {(ops.get('add', 0) + ops.get('sub', 0)) / n:.2f} additions + "
                f"{ops.get('from_hash', 0) / n:.2f} hash-to-group = {floor_cpu:.3f} ms of "
                f"libsodium CPU time; measured {cpu(ours, timed):.3f} ms of CPU time, "
                f"**{ratio(cpu(ours, timed), floor_cpu)}** that floor (wall time: "
                f"{ratio(med(ours, timed), floor)})."
            )
        lines.append("")
    return lines


def threshold_section(data: dict[str, Any]) -> list[str]:
    if not data:
        return ["(threshold benchmark not run)"]
    ours, eg, bel = data["clearcount"], data["electionguard"], data["belenios"]
    belenios_decrypt = (med(bel, "partial_decrypt_3_ms") or 0) + (med(bel, "combine_ms") or 0)
    lines = [
        "### 3. Key ceremony (DKG) and threshold decryption, 5 trustees, 3 needed",
        "",
        "ms for the whole ceremony (all trustees simulated on this machine); the decryption is "
        "of a 1-of-5 tally (5 ciphertexts), by 3 trustees, with proofs, then combined.",
        "",
        "| implementation | DKG (5 trustees, t = 3) | threshold decryption (3 of 5) |",
        "|---|---|---|",
    ]
    if "missing" in ours:
        lines.append(f"| clearcount | not run: {ours['missing']} | — |")
    else:
        lines.append(f"| clearcount | {cell(ours, 'dkg_ms')} | {cell(ours, 'decrypt_ms')} |")
    lines += [
        f"| ElectionGuard 1.4.0 | {cell(eg, 'dkg_ms')} | {cell(eg, 'decrypt_ms')} (compensated: "
        "shares of the 2 missing guardians reconstructed) |",
        f"| Belenios 2.0 (CLI, a process per step) | {cell(bel, 'dkg_ms', 0)} | "
        f"3 partial decryptions {cell(bel, 'partial_decrypt_3_ms', 0)} + combine "
        f"{cell(bel, 'combine_ms', 0)} |",
        "",
        "clearcount's DKG is every trustee's whole part in one process: 5 announcements with a "
        "Schnorr proof per coefficient, each trustee checking all 15 proofs and computing the "
        "joint key, 25 Feldman share checks, combination and the check z·G = K_ℓ. Its "
        "decryption: 3 partial decryptions with Chaum-Pedersen proofs per ciphertext, every "
        "proof verified, Lagrange combination, the discrete log. Ratios (peer / clearcount): "
        f"DKG ElectionGuard {ratios(eg, ours, 'dkg_ms')}, Belenios "
        f"{ratios(bel, ours, 'dkg_ms')}; decryption ElectionGuard "
        f"{ratio(med(eg, 'decrypt_ms'), med(ours, 'decrypt_ms'))}, Belenios "
        f"{ratio(belenios_decrypt, med(ours, 'decrypt_ms'))} (Belenios runs a process per step, "
        "18 for the DKG and 4 for the decryption, each starting in ~3 ms and re-reading and "
        "checking the archive, so its figures overstate its cryptography somewhat; "
        "ElectionGuard's and clearcount's run in one process).",
        "",
    ]
    return lines


def section() -> str:
    ballot, shuffle, threshold = load("ballot"), load("shuffle"), load("threshold")
    found = sorted(spreads({"b": ballot, "s": shuffle, "t": threshold})) or [0.0]
    noise, typical = found[-1], found[len(found) // 2]
    where = next((d["machine"] for d in (ballot, shuffle, threshold) if d), {})
    lines = [
        HEADING,
        "",
        "Rerun (installs the peers, runs everything, rewrites this section): "
        "`bench/crypto/run.sh` (`--quick` for a smoke run).",
        "",
        f"Measured {where.get('date', '?')} on {where.get('cpu', '?')}, {where.get('cores', '?')} "
        "cores shared with other work "
        f"(1-minute load {where.get('load_avg_1m', '?')} at the start), "
        f"Python {where.get('python', '?')}; {versions()}. All three implementations ran in the "
        "same run, one after the other; every figure is a median over repeats, with the spread. "
        f"Noise: the widest spread (max − min) / median of any sample set was "
        f"{noise:.0%}, the median spread {typical:.0%}.",
        "",
        *ballot_section(ballot),
        *shuffle_section(shuffle, ballot.get("unit_costs_us")),
        *threshold_section(threshold),
    ]
    if ANALYSIS.exists():
        lines += [ANALYSIS.read_text().strip(), ""]
    return "\n".join(lines) + "\n"


def main() -> None:
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n\n"
    new = section()
    pattern = re.compile(rf"^{re.escape(HEADING)}\n.*?(?=^## |\Z)", re.DOTALL | re.MULTILINE)
    if pattern.search(text):
        text = pattern.sub(lambda _: new + "\n", text, count=1).rstrip("\n") + "\n"
    else:
        text = text.rstrip("\n") + "\n\n" + new
    RESULTS.write_text(text)
    print(f"wrote {HEADING!r} in {RESULTS}")


if __name__ == "__main__":
    main()
