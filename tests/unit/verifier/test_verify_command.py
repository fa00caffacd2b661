"""`clearcount verify`, `verify-diff` and `roll-proof` on real files, as a panel runs them."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

from clearcount.protocol.simulate import SimulationSecrets
from clearcount.record.archive import write_record
from clearcount.record.chain import Event, next_event
from clearcount.record.roll import RollEntry, member_commitment
from clearcount.record.roll_file import member_proof

STANDALONE = {"verify": [], "verify-diff": ["diff"], "roll-proof": ["roll-proof"]}
"""`clearcount X` -> the same command of `clearcount-verify` (verifier.command)."""


def _process(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *command], capture_output=True, text=True,
                          check=False, timeout=300)  # fmt: skip


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """`clearcount ARGS`; its `clearcount-verify` twin must exit the same way and say the same."""
    done = _process("clearcount", *args)
    if args and args[0] in STANDALONE:
        alone = _process("clearcount.verifier.command", *STANDALONE[args[0]], *args[1:])
        assert alone.returncode == done.returncode, alone.stdout[-2000:] + alone.stderr[-2000:]
        for word in ("NOT VERIFIED", "V-RESULT-2", "ELIGIBLE", "NOT ON THE ROLL", "differs"):
            assert (word in alone.stdout) == (word in done.stdout), word
    return done


def test_an_honest_record_verifies_with_exit_status_0(record_zip: Path) -> None:
    done = run("verify", str(record_zip), "--format", "json")
    assert done.returncode == 0, done.stdout[-2000:]
    report = json.loads(done.stdout)
    assert report["verified"] is True
    assert {c["id"] for c in report["checks"]} >= {"V-CHAIN-1", "V-BALLOT-PROOF", "V-RESULT-2"}
    assert all(c["section"].startswith("§") for c in report["checks"])


def test_a_forged_result_fails_with_its_check_id_in_the_table(
    tmp_path: Path, election: tuple[list[Event], SimulationSecrets]
) -> None:
    events = list(election[0])
    body = json.loads(json.dumps(events[-1].body))
    body["contests"][0]["result"]["elected"] = ["No"]
    forged = [*events[:-1], next_event(events[:-1], "Result", body)]
    write_record(forged, tmp_path / "forged")
    done = run("verify", str(tmp_path / "forged"))
    assert done.returncode == 1
    assert "V-RESULT-2" in done.stdout
    assert "NOT VERIFIED" in done.stdout


def test_an_unreadable_record_is_a_failed_read_check(tmp_path: Path) -> None:
    (tmp_path / "record.jsonl").write_bytes(b'{"not": "an event"}\n')
    done = run("verify", str(tmp_path), "--format", "json")
    assert done.returncode == 1
    assert json.loads(done.stdout)["checks"][0]["id"] == "V-READ-1"


def test_verify_diff_accepts_an_extension_and_names_the_first_difference(
    tmp_path: Path, election: tuple[list[Event], SimulationSecrets]
) -> None:
    events = election[0]
    write_record(events[:10], tmp_path / "early")
    write_record(events, tmp_path / "late.zip")
    done = run("verify-diff", str(tmp_path / "early"), str(tmp_path / "late.zip"))
    assert done.returncode == 0
    assert "adds" in done.stdout
    assert run("verify-diff", str(tmp_path / "late.zip"), str(tmp_path / "early")).returncode == 1
    rewritten = [
        *events[:5],
        next_event(
            events[:5],
            "Audit",
            {"topic": "note", "statement": "x", "commitment": None, "status": None},
        ),
    ]
    write_record(rewritten, tmp_path / "other")
    done = run("verify-diff", str(tmp_path / "early"), str(tmp_path / "other"))
    assert done.returncode == 1
    assert "event 5 differs" in done.stdout


def test_roll_proof_says_eligible_for_a_member_and_refuses_a_wrong_salt(
    tmp_path: Path, record_zip: Path, election: tuple[list[Event], SimulationSecrets]
) -> None:
    seed = b"verifier unit tests"
    n = election[0][0].body["roll"]["size"] - 1  # type: ignore[index, operator]
    roll = [
        RollEntry(
            member_commitment(hashlib.sha256(seed + i.to_bytes(8, "big")).digest(), f"M{i:07d}"),
            "eligible",
        )
        for i in range(n)
    ]
    roll.append(RollEntry(member_commitment(bytes(32), "M-lapsed"), "ineligible"))
    salt = hashlib.sha256(seed + (3).to_bytes(8, "big")).digest()
    (tmp_path / "proof.json").write_text(json.dumps(member_proof(roll, salt, "M0000003")))
    args = [
        "roll-proof",
        str(record_zip),
        "--member",
        "M0000003",
        "--proof",
        str(tmp_path / "proof.json"),
    ]
    done = run(*args, "--salt", salt.hex())
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ELIGIBLE" in done.stdout
    done = run(*args, "--salt", bytes(32).hex())
    assert done.returncode == 1
    assert "NOT ON THE ROLL" in done.stdout
    (tmp_path / "lapsed.json").write_text(json.dumps(member_proof(roll, bytes(32), "M-lapsed")))
    done = run("roll-proof", str(record_zip), "--member", "M-lapsed", "--proof",
               str(tmp_path / "lapsed.json"), "--salt", bytes(32).hex())  # fmt: skip
    assert done.returncode == 0
    assert "INELIGIBLE" in done.stdout
