"""`clearcount-verify`: the verifier's own command, standard library only (docs/verifier.md).

The `clearcount-verifier` distribution (verifier-dist/) installs this with rbcl as its only
dependency, so an appeal panel can check a record without the service, click, rich, NumPy or a
database. The same checks as `clearcount verify` (spec §12), in plain text or JSON:

    clearcount-verify RECORD [--format table|json] [--workers N] [--incomplete]
                      [--scheduler tcp://HOST:PORT]
    clearcount-verify diff OLD NEW
    clearcount-verify trigger DECLARATION RECORD...
    clearcount-verify roll-proof RECORD --salt HEX --member ID --proof FILE

Exit status: 0 verified, 1 not verified, 2 a usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from clearcount.core.errors import ClearcountError, RecordError
from clearcount.core.json_text import load_json
from clearcount.verifier.diff import verify_extension
from clearcount.verifier.report import CheckOutcome, Report
from clearcount.verifier.roll_proof import check_membership, roll_root
from clearcount.verifier.runner import verify_record
from clearcount.verifier.trigger import verify_trigger

__all__ = ["main"]

_SHOWN = 20
"""Findings printed per check in the text output (all of them are in --format json)."""


def _lines(outcome: CheckOutcome) -> list[str]:
    detail = f": {outcome.detail}" if outcome.detail else ""
    lines = [f"{outcome.status.value:>7}  {outcome.spec.id:<17} {outcome.spec.section}{detail}"]
    lines += [f"         {f.where()}: {f.message}" for f in outcome.findings[:_SHOWN]]
    if len(outcome.findings) > _SHOWN:
        lines.append(f"         ... {len(outcome.findings) - _SHOWN} more (use --format json)")
    return lines


def _text(report: Report) -> str:
    lines = [f"Election record: {report.events} events"]
    for outcome in report.outcomes:
        lines += _lines(outcome)
    verdict = "VERIFIED" if report.ok else "NOT VERIFIED"
    lines.append(f"{verdict}: {len(report.failed())} checks failed; head {report.head}")
    return "\n".join(lines)


def _verify(args: argparse.Namespace) -> int:
    report = verify_record(
        args.record,
        workers=args.workers,
        complete=not args.incomplete,
        scheduler=args.scheduler,
    )
    print(report.to_json() if args.format == "json" else _text(report))
    return 0 if report.ok else 1


def _diff(args: argparse.Namespace) -> int:
    try:
        extension = verify_extension(args.old, args.new)
    except RecordError as error:
        print(f"NOT AN EXTENSION: {error}")
        return 1
    kept, added = extension.old_events, extension.new_events - extension.old_events
    print(f"EXTENDS: {args.new} keeps the {kept} events of {args.old} and adds {added}")
    return 0


def _trigger(args: argparse.Namespace) -> int:
    report = verify_trigger(args.declaration, list(args.records), workers=args.workers)
    for path, record_report in report.records:
        verdict = "VERIFIED" if record_report.ok else "NOT VERIFIED"
        print(f"election record {path}: {verdict} (head {record_report.head})")
    for outcome in report.outcomes:
        print("\n".join(_lines(outcome)))
    verdict = "VERIFIED" if report.ok else "NOT VERIFIED"
    print(f"trigger declaration {verdict}: sha256 {report.declaration_hash}")
    return 0 if report.ok else 1


def _roll_proof(args: argparse.Namespace) -> int:
    try:
        document = load_json(args.proof.read_bytes())
    except (OSError, ValueError) as error:
        raise RecordError(f"{args.proof}: cannot read the proof: {error}") from None
    try:
        status = check_membership(roll_root(args.record), args.salt, args.member, document)
    except RecordError as error:
        print(f"NOT ON THE ROLL: {error}")
        return 1
    print(f"ON THE ROLL: member {args.member!r} is {status.upper()} in {args.record}")
    return 0


def _workers(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workers", type=int, default=None, help="processes for the proofs (default: one per core)"
    )


_DESCRIPTIONS = {
    "diff": "NEW extends OLD: OLD's events, byte for byte, are NEW's first events.",
    "trigger": "Check a trigger declaration against every branch's election record.",
    "roll-proof": "Check that you are on the record's committed roll.",
    "": "Re-check an election record (folder, .zip or record.jsonl) from the record alone "
    "(spec §12). Other commands: diff, trigger, roll-proof.",
}


def _parser(command: str) -> argparse.ArgumentParser:
    """One parser per command; `command` is "diff", "trigger", "roll-proof" or "" (verify)."""
    prog = f"clearcount-verify {command}".strip()
    parser = argparse.ArgumentParser(prog=prog, description=_DESCRIPTIONS[command])
    add = parser.add_argument
    if command == "diff":
        add("old", type=Path)
        add("new", type=Path)
        parser.set_defaults(run=_diff)
    elif command == "trigger":
        add("declaration", type=Path)
        add("records", type=Path, nargs="+")
        _workers(parser)
        parser.set_defaults(run=_trigger)
    elif command == "roll-proof":
        add("record", type=Path)
        add("--salt", required=True, help="your 32-byte roll salt, in hex")
        add("--member", required=True, help="your member id on the roll")
        add("--proof", required=True, type=Path, help="the inclusion proof file")
        parser.set_defaults(run=_roll_proof)
    else:
        add("record", type=Path)
        add("--format", choices=("table", "json"), default="table")
        add("--incomplete", action="store_true", help="an election in progress (no Result)")
        add(
            "--scheduler",
            default=None,
            help="run the per-ballot, shuffle and decryption checks on the Dask cluster whose "
            "scheduler is at tcp://HOST:PORT (needs clearcount[cluster]; trust its workers)",
        )
        _workers(parser)
        parser.set_defaults(run=_verify)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; the exit status (0 verified, 1 not verified, 2 usage error)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    command = arguments[0] if arguments else ""
    sub = command in ("diff", "trigger", "roll-proof")
    args = _parser(command if sub else "").parse_args(arguments[1:] if sub else arguments)
    if getattr(args, "workers", None) is not None and args.workers < 1:
        print(f"clearcount-verify: --workers must be at least 1, got {args.workers}")
        return 2
    try:
        status: int = args.run(args)
    except ClearcountError as error:
        print(f"clearcount-verify: {error}", file=sys.stderr)
        return 1
    return status


if __name__ == "__main__":
    sys.exit(main())
