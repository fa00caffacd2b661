"""Times as officials and members read them: entered and shown in Europe/London, with the zone
(issue 11). Stored and signed times stay UTC (spec §11.2); only what people type and read is
local. A wall-clock time that does not exist (the hour skipped in March) or happens twice (the
hour repeated in October) is refused with what to type instead, never guessed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from clearcount.service.errors import ValidationError

__all__ = ["LONDON", "london_input", "parse_london", "show_london"]

LONDON = ZoneInfo("Europe/London")


def parse_london(text: str, field: str) -> datetime:
    """`text` (ISO 8601; without an offset it is London time) as a UTC datetime."""
    try:
        at = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(
            "time", field, "a date and time like 2031-05-01T09:00 (London time)", text
        ) from None
    if at.tzinfo is not None:
        return at.astimezone(UTC)
    early, late = at.replace(tzinfo=LONDON, fold=0), at.replace(tzinfo=LONDON, fold=1)
    if early.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None) != at:
        raise ValidationError(
            "time", field, "a London time that exists (the clocks go forward then)", text
        )
    if early.utcoffset() != late.utcoffset():
        raise ValidationError(
            "time", field, "a London time that happens once (the clocks go back then): add "
            "+01:00 for the first or +00:00 for the second", text,
        )  # fmt: skip
    return early.astimezone(UTC)


def show_london(at: datetime | str) -> str:
    """`at` (a datetime or stored ISO text) as London reads it: "2031-05-01 10:00 BST"."""
    instant = datetime.fromisoformat(at.replace("Z", "+00:00")) if isinstance(at, str) else at
    return instant.astimezone(LONDON).strftime("%Y-%m-%d %H:%M %Z")


def london_input(at: datetime) -> str:
    """`at` as a form's London date-time value: "2031-05-01T10:00" (what `parse_london` reads)."""
    return at.astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")
