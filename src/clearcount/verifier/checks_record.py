"""Checks of the record as a whole: the chain, the phase order, the event schemas (spec §12.2).

These need nothing but the events: they run even when the Setup cannot be read, and they are
essential (a record that fails or skips them is not verified).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from itertools import islice

from clearcount.core.errors import ClearcountError
from clearcount.record.chain import GENESIS, Event
from clearcount.record.events import parse_body
from clearcount.verifier import ballot_checks, facts
from clearcount.verifier.view import Collector, RecordView, UnavailableError

__all__ = ["CHECKS", "PHASES"]

PHASES: Mapping[str, int] = {
    "Setup": 0,
    "Credentials": 1,
    "Ballot": 2,
    "Spoiled": 2,
    "EndBallots": 3,
    "EncryptedTally": 5,
    "Shuffle": 5,
    "PartialDecryption": 6,
    "Result": 7,
}
"""The phase of each event type (spec §11): phases never go back."""

WINDOWS: Mapping[str, tuple[int, int]] = {
    "PaperBatch": (1, 3),
    "PaperIssue": (1, 2),
    "PaperReplacement": (1, 2),
    "PaperReturns": (3, 3),
    "Audit": (0, 7),
}
"""Events that do not move the phase, and the phases they may come in: paper batches after the
credentials and before counting starts (spec §11.6), the papers' issue and replacements before
EndBallots, their returns after it and before counting (§11.12), audit events anywhere after
Setup."""

UNIQUE = (
    "Setup",
    "Credentials",
    "PaperIssue",
    "EndBallots",
    "PaperReturns",
    "EncryptedTally",
    "Result",
)


def check_chain(view: RecordView, out: Collector) -> None:
    """V-CHAIN-1 (spec §10.2): seq = position, prev = hash of the event before."""
    prev = GENESIS
    for position, (seq, kind, digest) in enumerate(
        zip(view.seqs, view.kinds, view.hashes, strict=True)
    ):
        if seq != position:
            out.fail_at(f"sequence number {seq}, expected {position}", seq, kind)
        written = view.prev(position)
        if written != prev:
            out.fail_at(
                f"prev {written[:16]}… is not the hash {prev[:16]}… of the event before "
                "(an event was removed, inserted, reordered or rewritten)",
                seq,
                kind,
            )
        prev = digest
    out.detail = f"{view.count} events, head {prev[:16]}…"


def check_phases(view: RecordView, out: Collector) -> None:
    """V-SEQ-1 (spec §11): Setup first, phases in order, unique events once, Result last."""
    if not view.count:
        out.fail("the record is empty")
        return
    kinds = view.kinds
    if kinds[0] != "Setup":
        out.fail_at(f"event 0 is {kinds[0]}, expected Setup", view.seqs[0], kinds[0])
    counts = Counter(kinds)
    phase = 0
    for seq, kind in zip(islice(view.seqs, 1, None), islice(kinds, 1, None), strict=True):
        if kind in WINDOWS:
            low, high = WINDOWS[kind]
            if not low <= phase <= high:
                out.fail_at(f"{kind} outside its phase (spec §11 order)", seq, kind)
            continue
        current = PHASES[kind]
        if current < phase:
            out.fail_at(f"{kind} after a later phase (spec §11 order)", seq, kind)
        phase = max(phase, current)
    for kind in UNIQUE:
        if counts[kind] > 1:
            out.fail(f"{counts[kind]} {kind} events, expected at most one")
    if view.complete:
        for kind in ("Credentials", "EndBallots", "Result"):
            if counts[kind] == 0:
                out.fail(f"no {kind} event: the record is incomplete (or was truncated)")
        if kinds[-1] not in ("Result", "Audit"):
            out.fail(f"the record ends with {kinds[-1]}, expected Result")
    out.detail = ", ".join(f"{n} {kind}" for kind, n in counts.items())


def check_schema(view: RecordView, out: Collector) -> None:
    """V-SCHEMA-1 (spec §11): every body decodes as its type; ballots are decoded by the scan."""
    try:
        scan = ballot_checks.scan(view)
    except UnavailableError:
        scan = None
    failed: list[tuple[int, str, Event]] = []
    for position, event in view.kept_positions():
        if event.kind == "Credentials" and _credentials_parsed(view):
            continue  # the one Credentials body, parsed once for every check (a million points)
        try:
            parse_body(event)
        except ClearcountError as error:
            failed.append((position, str(error), event))
    if scan is None:
        for position, event in zip(view.ballot_positions(), view.ballot_events(), strict=True):
            try:
                parse_body(event)
            except ClearcountError as error:
                failed.append((position, str(error), event))
        failed.sort(key=lambda row: row[0])
    for _, message, event in failed:
        out.fail(message, event)
    if scan is not None:
        for check_id, seq, message in scan.findings:
            if check_id == "V-SCHEMA-1":
                out.fail_at(message, seq, "Ballot")
    out.detail = f"{view.count} bodies"


def _credentials_parsed(view: RecordView) -> bool:
    """Whether the record's one Credentials event parsed (as `facts.credentials`)."""
    try:
        facts.credentials(view)
    except UnavailableError:
        return False
    return True


CHECKS: Mapping[str, Callable[[RecordView, Collector], None]] = {
    "V-CHAIN-1": check_chain,
    "V-SEQ-1": check_phases,
    "V-SCHEMA-1": check_schema,
}
