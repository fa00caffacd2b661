"""Checks of the record as a whole: the chain, the phase order, the event schemas (spec §12.2).

These need nothing but the events: they run even when the Setup cannot be read, and they are
essential (a record that fails or skips them is not verified).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping

from clearcount.core.errors import ClearcountError
from clearcount.record.chain import GENESIS
from clearcount.record.events import parse_body
from clearcount.verifier import ballot_checks
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
    for position, (event, digest) in enumerate(zip(view.events, view.hashes, strict=True)):
        if event.seq != position:
            out.fail(f"sequence number {event.seq}, expected {position}", event)
        if event.prev != prev:
            out.fail(
                f"prev {event.prev[:16]}… is not the hash {prev[:16]}… of the event before "
                "(an event was removed, inserted, reordered or rewritten)",
                event,
            )
        prev = digest
    out.detail = f"{len(view.events)} events, head {prev[:16]}…"


def check_phases(view: RecordView, out: Collector) -> None:
    """V-SEQ-1 (spec §11): Setup first, phases in order, unique events once, Result last."""
    if not view.events:
        out.fail("the record is empty")
        return
    if view.events[0].kind != "Setup":
        out.fail(f"event 0 is {view.events[0].kind}, expected Setup", view.events[0])
    counts = Counter(event.kind for event in view.events)
    phase = 0
    for event in view.events[1:]:
        if event.kind in WINDOWS:
            low, high = WINDOWS[event.kind]
            if not low <= phase <= high:
                out.fail(f"{event.kind} outside its phase (spec §11 order)", event)
            continue
        current = PHASES[event.kind]
        if current < phase:
            out.fail(f"{event.kind} after a later phase (spec §11 order)", event)
        phase = max(phase, current)
    for kind in UNIQUE:
        if counts[kind] > 1:
            out.fail(f"{counts[kind]} {kind} events, expected at most one")
    if view.complete:
        for kind in ("Credentials", "EndBallots", "Result"):
            if counts[kind] == 0:
                out.fail(f"no {kind} event: the record is incomplete (or was truncated)")
        if view.events[-1].kind not in ("Result", "Audit"):
            out.fail(f"the record ends with {view.events[-1].kind}, expected Result")
    out.detail = ", ".join(f"{n} {kind}" for kind, n in counts.items())


def check_schema(view: RecordView, out: Collector) -> None:
    """V-SCHEMA-1 (spec §11): every body decodes as its type; ballots are decoded by the scan."""
    try:
        scan = ballot_checks.scan(view)
    except UnavailableError:
        scan = None
    for event in view.events:
        if event.kind == "Ballot" and scan is not None:
            continue
        try:
            parse_body(event)
        except ClearcountError as error:
            out.fail(str(error), event)
    if scan is not None:
        for check_id, seq, message in scan.findings:
            if check_id == "V-SCHEMA-1":
                out.fail_at(message, seq, "Ballot")
    out.detail = f"{len(view.events)} bodies"


CHECKS: Mapping[str, Callable[[RecordView, Collector], None]] = {
    "V-CHAIN-1": check_chain,
    "V-SEQ-1": check_phases,
    "V-SCHEMA-1": check_schema,
}
