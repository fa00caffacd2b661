"""Which credentials the mail server has accepted, so that sending is idempotent.

`credentials send` records each accepted message as one JSON line in a log beside the key file
(`KEYFILE.sent`), appended and flushed as soon as the server accepts it: a run cut short keeps
what it sent, and a re-run sends only what was not sent. Sending one member again is explicit
(`credentials resend MEMBER`), and is logged too. The log holds member ids and addresses, never
a credential; it is created readable by its owner only (0600).
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

from clearcount.core.errors import InputFormatError
from clearcount.core.json_text import load_json

__all__ = ["read_sent", "record_sent", "sent_log_path"]


def sent_log_path(key_file: Path) -> Path:
    return key_file.with_name(key_file.name + ".sent")


def read_sent(path: Path, election_id: str) -> frozenset[str]:
    """The members whose credential for `election_id` was accepted by the mail server."""
    if not path.exists():
        return frozenset()
    sent: set[str] = set()
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputFormatError(
            str(path), None, f"not UTF-8 text (byte {error.start}); is this the sent log?"
        ) from None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = load_json(line)
            member, election = str(entry["member_id"]), str(entry["election_id"])
        except (ValueError, KeyError, TypeError):
            raise InputFormatError(
                str(path), number, "not a sent-log line; move the file away to send to everyone"
            ) from None
        if election != election_id:
            raise InputFormatError(
                str(path), number, f"the log of election {election!r}, not {election_id!r}"
            )
        sent.add(member)
    return frozenset(sent)


def record_sent(
    path: Path, election_id: str, member_id: str, destination: str, at: datetime, how: str
) -> None:
    """Append one accepted message (`how`: "send" or "resend") and flush it to disk."""
    entry = {"election_id": election_id, "member_id": member_id, "destination": destination,
             "at": at.isoformat(), "how": how}  # fmt: skip
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
