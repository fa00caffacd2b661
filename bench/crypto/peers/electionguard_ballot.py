"""ElectionGuard 1.4.0 peer harness: the same 1-of-5 ballot, and a 5-trustee (quorum 3) ceremony.

Runs under the Python 3.10 venv in bench/.peers/eg (ElectionGuard 1.4.0 does not import on 3.11);
prints one JSON object with the samples (ms) for bench/crypto/*_bench.py to read. Nothing of
ElectionGuard is vendored: it is installed from PyPI by bench/crypto/run.sh.

Usage: eg/bin/python electionguard_ballot.py ballot N REPEATS
       eg/bin/python electionguard_ballot.py ceremony REPEATS

The library calls `inspect.stack()` inside every log call, whatever the level, so the harness
switches that off and raises the level to WARNING: what is timed is the cryptography.
ElectionGuard encodes a 1-of-5 contest as 5 selections plus 1 placeholder (6 encryptions and 6
disjunctive proofs) and a constant Chaum-Pedersen proof on their sum: its own form of this shape.
"""

import json
import logging
import sys
import time
from datetime import datetime
from statistics import median

from electionguard import logs as eg_logs

eg_logs.ElectionGuardLog._ElectionGuardLog__formatted_message = lambda self, message: message
logging.getLogger("electionguard").setLevel(logging.WARNING)

from electionguard.ballot import (  # noqa: E402
    PlaintextBallot,
    PlaintextBallotContest,
    PlaintextBallotSelection,
)
from electionguard.elgamal import elgamal_keypair_random  # noqa: E402
from electionguard.encrypt import encrypt_ballot  # noqa: E402
from electionguard.group import ONE_MOD_Q  # noqa: E402
from electionguard.manifest import (  # noqa: E402
    BallotStyle,
    Candidate,
    CandidateContestDescription,
    ElectionType,
    GeopoliticalUnit,
    Manifest,
    ReportingUnitType,
    SelectionDescription,
    SpecVersion,
    VoteVariationType,
)
from electionguard_tools.helpers.election_builder import ElectionBuilder  # noqa: E402

NAMES = ("ash", "birch", "cedar", "damson", "elm")  # fictional candidates


def manifest_1_of_5() -> Manifest:
    unit = "unit-1"
    selections = [SelectionDescription(f"sel-{n}", i, f"cand-{n}") for i, n in enumerate(NAMES)]
    contest = CandidateContestDescription(
        "contest-1", 0, unit, VoteVariationType.one_of_m, 1, 1, "Pick one", selections
    )
    style = BallotStyle("style-1")
    style.geopolitical_unit_ids = [unit]
    return Manifest(
        spec_version=SpecVersion.EG0_95,
        election_scope_id="bench",
        type=ElectionType.unknown,
        start_date=datetime.now(),
        end_date=datetime.now(),
        geopolitical_units=[GeopoliticalUnit(unit, "Unit", ReportingUnitType.unknown)],
        parties=[],
        candidates=[Candidate(f"cand-{n}") for n in NAMES],
        contests=[contest],
        ballot_styles=[style],
    )


def ballot(i: int) -> PlaintextBallot:
    chosen = NAMES[i % len(NAMES)]
    contest = PlaintextBallotContest("contest-1", [PlaintextBallotSelection(f"sel-{chosen}", 1)])
    return PlaintextBallot(f"ballot-{i}", "style-1", [contest])


def bench_ballot(n: int, repeats: int) -> dict[str, object]:
    builder = ElectionBuilder(1, 1, manifest_1_of_5())
    builder.set_public_key(elgamal_keypair_random().public_key)
    builder.set_commitment_hash(ONE_MOD_Q)
    internal, context = builder.build()
    plain = [ballot(i) for i in range(n)]
    encrypt_ms: list[float] = []
    verify_ms: list[float] = []
    encrypt_cpu: list[float] = []
    verify_cpu: list[float] = []
    for _ in range(repeats):
        start, cpu = time.perf_counter(), time.process_time()
        encrypted = [encrypt_ballot(b, internal, context, ONE_MOD_Q) for b in plain]
        encrypt_ms.append((time.perf_counter() - start) * 1000 / n)
        encrypt_cpu.append((time.process_time() - cpu) * 1000 / n)
        start, cpu = time.perf_counter(), time.process_time()
        for e in encrypted:
            ok = e.is_valid_encryption(
                internal.manifest_hash,
                context.elgamal_public_key,
                context.crypto_extended_base_hash,
            )
            if not ok:
                raise SystemExit("ElectionGuard rejected its own ballot")
        verify_ms.append((time.perf_counter() - start) * 1000 / n)
        verify_cpu.append((time.process_time() - cpu) * 1000 / n)
    return {
        "peer": "electionguard",
        "version": "1.4.0",
        "n": n,
        "encrypt_ms_per_ballot": encrypt_ms,
        "verify_ms_per_ballot": verify_ms,
        "encrypt_cpu_ms_per_ballot": encrypt_cpu,
        "verify_cpu_ms_per_ballot": verify_cpu,
        "encrypt_median": median(encrypt_ms),
        "verify_median": median(verify_ms),
    }


def bench_ceremony(repeats: int, voters: int = 10) -> dict[str, object]:
    """The 5-guardian, quorum-3 key ceremony (ElectionGuard's DKG) through its own orchestrator,
    then the decryption of a 1-of-5 tally by 3 guardians, compensating for the 2 missing ones."""
    from electionguard.ballot_box import BallotBox
    from electionguard.data_store import DataStore
    from electionguard.decryption_mediator import DecryptionMediator
    from electionguard.key_ceremony import CeremonyDetails
    from electionguard.key_ceremony_mediator import KeyCeremonyMediator
    from electionguard.tally import tally_ballots
    from electionguard_tools.helpers.key_ceremony_orchestrator import KeyCeremonyOrchestrator
    from electionguard_tools.helpers.tally_ceremony_orchestrator import (
        TallyCeremonyOrchestrator,
    )

    def ceremony() -> tuple[list[object], object]:
        details = CeremonyDetails(5, 3)
        guardians = KeyCeremonyOrchestrator.create_guardians(details)
        mediator = KeyCeremonyMediator("mediator", details)
        KeyCeremonyOrchestrator.perform_full_ceremony(guardians, mediator)
        joint = mediator.publish_joint_key()
        if joint is None:
            raise SystemExit("ElectionGuard key ceremony failed")
        return guardians, joint

    dkg_ms: list[float] = []
    dkg_cpu: list[float] = []
    for _ in range(repeats):
        start, cpu = time.perf_counter(), time.process_time()
        guardians, joint = ceremony()
        dkg_ms.append((time.perf_counter() - start) * 1000)
        dkg_cpu.append((time.process_time() - cpu) * 1000)

    manifest = manifest_1_of_5()
    builder = ElectionBuilder(5, 3, manifest)
    builder.set_public_key(joint.joint_public_key)
    builder.set_commitment_hash(joint.commitment_hash)
    internal, context = builder.build()
    store = DataStore()
    box = BallotBox(internal, context, store)
    for i in range(voters):
        box.cast(encrypt_ballot(ballot(i), internal, context, ONE_MOD_Q))
    tally = tally_ballots(store, internal, context)
    keys = [g.share_key() for g in guardians]
    decrypt_ms: list[float] = []
    decrypt_cpu: list[float] = []
    for _ in range(repeats):
        start, cpu = time.perf_counter(), time.process_time()
        mediator = DecryptionMediator("decryption-mediator", context)
        TallyCeremonyOrchestrator.perform_compensated_decryption_setup(
            guardians[:3], keys, mediator, context, tally
        )
        plaintext = mediator.get_plaintext_tally(tally, manifest)
        decrypt_ms.append((time.perf_counter() - start) * 1000)
        decrypt_cpu.append((time.process_time() - cpu) * 1000)
        if plaintext is None:
            raise SystemExit("ElectionGuard threshold decryption failed")
    counts = [s.tally for c in plaintext.contests.values() for s in c.selections.values()]
    return {
        "peer": "electionguard",
        "dkg_ms": dkg_ms,
        "decrypt_3_of_5_ms": decrypt_ms,
        "dkg_cpu_ms": dkg_cpu,
        "decrypt_3_of_5_cpu_ms": decrypt_cpu,
        "counts": counts,
    }


def main(argv: list[str]) -> None:
    if argv[1] == "ballot":
        result = bench_ballot(int(argv[2]), int(argv[3]))
    elif argv[1] == "ceremony":
        result = bench_ceremony(int(argv[2]))
    else:
        raise SystemExit(f"unknown mode {argv[1]!r}")
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv)
