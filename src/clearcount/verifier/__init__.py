"""The independent verifier: re-checks an election record from the record alone (spec §12).

Imports only core, crypto, counting and record (an import-linter contract forbids protocol,
service, storage and web), and recomputes everything itself: the counted ballots, the tally, the
shuffle inputs, the decryption, the count.

    from clearcount.verifier import verify_record
    report = verify_record(Path("record.zip"))
    report.ok, report.failed()
"""

from clearcount.verifier.registry import CATALOGUE, CheckSpec
from clearcount.verifier.report import CheckOutcome, Finding, Report, Status
from clearcount.verifier.runner import verify_events, verify_record

__all__ = [
    "CATALOGUE",
    "CheckOutcome",
    "CheckSpec",
    "Finding",
    "Report",
    "Status",
    "verify_events",
    "verify_record",
]
