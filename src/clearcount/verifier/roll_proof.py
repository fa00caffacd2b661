"""A member checks they are on the committed roll, and with which status (spec §10.4, §12.7).

The member has their 32-byte salt and member id (from the service) and an inclusion proof (from
`record.roll_file.member_proof`); the root comes from the record's Setup, read here. The proof
is checked with RFC 9162 §2.1.3.2 for the status it claims.
"""

from __future__ import annotations

from pathlib import Path

from clearcount.core.errors import RecordError
from clearcount.record.archive import read_record
from clearcount.record.events import Setup
from clearcount.record.roll import RollEntry, member_commitment, verify_inclusion
from clearcount.record.roll_file import proof_contests, proof_from_document

__all__ = ["check_membership", "roll_root"]


def roll_root(record: Path) -> str:
    """The roll commitment's Merkle root from the record's Setup (event 0)."""
    events = read_record(record)
    if not events or events[0].kind != "Setup":
        raise RecordError(f"{record}: event 0 is not a Setup event")
    return Setup.from_body(events[0].body, "event 0").roll.root


def check_membership(root: str, salt_hex: str, member_id: str, document: object) -> str:
    """The member's status ("eligible" or "ineligible"); RecordError if the proof fails."""
    try:
        salt = bytes.fromhex(salt_hex)
    except ValueError:
        raise RecordError(f"salt: expected hexadecimal, got {salt_hex[:20]!r}") from None
    proof, status, weight = proof_from_document(document)
    contests = proof_contests(document)
    entry = RollEntry(member_commitment(salt, member_id), status, weight, contests)
    verify_inclusion(entry, proof, root)
    return status
