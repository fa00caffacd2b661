"""Run every check on a record and collect a Report (spec §12.1).

Each check runs on its own: an exception inside one (a malformed value nobody foresaw, a failed
derivation) becomes that check's outcome, never the end of the run, so one bad ballot or one
broken event does not hide the rest. A check whose inputs could not be derived is `skipped`
with the reason. At most `MAX_FINDINGS` findings are kept per check, with the total.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from clearcount.core.errors import ClearcountError, RecordError
from clearcount.record.chain import Event
from clearcount.verifier import (
    ballot_checks,
    ceremony_checks,
    checks_record,
    postal_checks,
    result_checks,
    setup_checks,
    signature_checks,
    tally_checks,
)
from clearcount.verifier.pool import TaskRunner
from clearcount.verifier.registry import CATALOGUE, CheckSpec, spec
from clearcount.verifier.report import CheckOutcome, Finding, Report, Status
from clearcount.verifier.view import (
    Collector,
    EventSource,
    FileSource,
    RecordView,
    UnavailableError,
)

__all__ = ["IMPLEMENTATIONS", "MAX_FINDINGS", "default_workers", "verify_events", "verify_record"]

MAX_FINDINGS = 200

CheckFunction = Callable[[RecordView, Collector], None]

IMPLEMENTATIONS: Mapping[str, CheckFunction] = {
    **checks_record.CHECKS,
    **setup_checks.CHECKS,
    **ceremony_checks.CHECKS,
    **ballot_checks.CHECKS,
    **tally_checks.CHECKS,
    **result_checks.CHECKS,
    **signature_checks.CHECKS,
    **postal_checks.CHECKS,
}
"""Check id -> function; every id of the catalogue but V-READ-1 (done by `verify_record`)."""


def default_workers() -> int:
    """One worker process per core."""
    return os.cpu_count() or 1


def _run(check: CheckSpec, function: CheckFunction, view: RecordView) -> CheckOutcome:
    out = Collector()
    try:
        function(view, out)
    except UnavailableError as missing:
        return CheckOutcome(check, Status.SKIPPED, detail=str(missing))
    except ClearcountError as error:
        out.fail(str(error))
    except Exception as error:
        out.fail(f"the check could not complete: {type(error).__name__}: {error}")
    findings = tuple(Finding(message, seq, kind) for message, seq, kind in out.findings)
    detail = out.detail
    if len(findings) > MAX_FINDINGS:
        detail = f"{detail}; {len(findings)} findings, the first {MAX_FINDINGS} shown".lstrip("; ")
        findings = findings[:MAX_FINDINGS]
    if findings:
        return CheckOutcome(check, Status.FAILED, findings, detail)
    if not out.applicable:
        return CheckOutcome(check, Status.SKIPPED, detail=detail)
    return CheckOutcome(check, Status.PASSED, detail=detail)


def verify_events(
    events: Sequence[Event] | EventSource,
    *,
    workers: int | None = None,
    complete: bool = True,
    progress: Callable[[int], None] | None = None,
    on_check: Callable[[CheckOutcome], None] | None = None,
    runner: TaskRunner | None = None,
) -> Report:
    """Run every check of the catalogue on `events` (a list, or a source read as a stream;
    spec §12). The independent pieces run on `runner` (default: a local process pool of
    `workers`, one per core)."""
    view = RecordView(
        events,
        workers=workers or default_workers(),
        complete=complete,
        progress=progress,
        runner=runner,
    )
    outcomes = [CheckOutcome(spec("V-READ-1"), Status.PASSED, detail=f"{view.count} events")]
    for check in CATALOGUE:
        function = IMPLEMENTATIONS.get(check.id)
        if function is None:
            continue
        outcome = _run(check, function, view)
        outcomes.append(outcome)
        if on_check:
            on_check(outcome)
    fingerprint = view.hashes[0] if view.count and view.kinds[0] == "Setup" else None
    head = view.hashes[-1] if view.count else None
    return Report(tuple(outcomes), view.count, fingerprint, head)


def verify_record(path: Path, *, scheduler: str | None = None, **options: object) -> Report:
    """Read the record at `path` (folder, zip or record.jsonl) as a stream and verify it; on the
    Dask cluster whose scheduler is at `scheduler` (tcp://HOST:PORT) when one is named.

    An unreadable record gives a report whose only outcome is a failed V-READ-1.
    """
    if scheduler is not None:
        from clearcount.verifier.dask_runner import DaskRunner, connect

        with connect(scheduler) as client:
            return verify_record(path, runner=DaskRunner(client), **options)  # type: ignore[arg-type]
    try:
        return verify_events(FileSource(path), **options)  # type: ignore[arg-type]
    except RecordError as error:
        failed = CheckOutcome(spec("V-READ-1"), Status.FAILED, (Finding(str(error)),))
        return Report((failed,), 0, None, None)
