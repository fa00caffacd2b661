"""From an export's own headers and cell texts to clearcount's member fields.

Membership systems name their columns their own way ("First name", "Surname", "Membership
number", "Date joined", "Branch"). `map_columns` maps each header to a field: first by the
organisation's saved mapping (`clearcount roll map`), else by the aliases below (compared without
case, spaces or punctuation). Headers mapped to nothing are ignored and listed. `address` may
come from several columns (joined with ", " in file order), `units` and `categories` from several
(their union); any other field named by two columns is an error naming both.

Dates are read as ISO `YYYY-MM-DD` always, and as `dd/mm/yyyy` or `mm/dd/yyyy` only when the
organisation's date format says which (`--date-format`): 03/04/2021 is never guessed.
UK postcodes are upper-cased with one space before the inward code ("av1 1aa" -> "AV1 1AA").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from clearcount.core.errors import InputFormatError

__all__ = [
    "ALIASES",
    "DATE_FORMATS",
    "FIELDS",
    "IGNORE",
    "MULTI_COLUMN_FIELDS",
    "ColumnMap",
    "RollSettings",
    "header_key",
    "map_columns",
    "normalise_postcode",
    "parse_date",
    "slash_date",
]

FIELDS = (
    "member_id", "given_name", "family_name", "email", "phone", "address", "postcode",
    "joined", "left", "paid_up_to", "units", "categories",
)  # fmt: skip
MULTI_COLUMN_FIELDS = ("address", "units", "categories")
IGNORE = "ignore"
DATE_FORMATS = ("yyyy-mm-dd", "dd/mm/yyyy", "mm/dd/yyyy")

# field -> header keys (header_key of the header) that membership systems use for it
ALIASES: Mapping[str, tuple[str, ...]] = {
    "member_id": ("memberid", "membershipnumber", "membershipno", "membernumber", "memberno",
                  "membershipid", "membershipref", "memberref", "payrollnumber", "id"),
    "given_name": ("givenname", "firstname", "forename", "forenames", "first", "christianname"),
    "family_name": ("familyname", "surname", "lastname", "last"),
    "email": ("email", "emailaddress", "email1", "primaryemail", "emailaddress1", "mail"),
    "phone": ("phone", "telephone", "mobile", "mobilenumber", "mobilephone", "phonenumber",
              "telephonenumber", "tel", "mobileno", "phoneno"),
    "address": ("address", "address1", "address2", "address3", "addressline1", "addressline2",
                "addressline3", "street", "town", "city", "towncity", "homeaddress",
                "postaltown", "locality", "county"),
    "postcode": ("postcode", "postalcode", "zip", "zipcode", "postcodezip"),
    "joined": ("joined", "datejoined", "joindate", "joineddate", "startdate", "membersince",
               "membershipstartdate", "dateofjoining", "joiningdate", "continuousmembershipfrom"),
    "left": ("left", "dateleft", "leftdate", "leavingdate", "dateresigned", "resigneddate",
             "ceaseddate", "dateceased"),
    "paid_up_to": ("paiduptoo", "paidupto", "paiduntil", "paidto", "duesto", "duespaidto",
                   "subscriptionpaidto", "arrearsdate", "membershipexpiry", "expirydate",
                   "membershipexpirydate", "lapsedate"),
    "units": ("units", "unit", "branch", "branchname", "branchid", "branchcode", "workplace",
              "workplacename", "workplaceid"),
    "categories": ("categories", "category", "jobcategory", "jobcategories", "grade",
                   "membershipcategory"),
}  # fmt: skip
_ALIAS_FIELD = {alias: name for name, aliases in ALIASES.items() for alias in aliases}
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_SLASH = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})")
_TIME = re.compile(r"[ T]0?0:00(:00(\.0+)?)?$")
_UK_POSTCODE = re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})")


def header_key(header: str) -> str:
    """A header without case, spaces or punctuation ("E-mail address" -> "emailaddress")."""
    return "".join(c for c in header.casefold() if c.isalnum())


@dataclass(frozen=True, slots=True)
class RollSettings:
    """An organisation's saved import settings (`clearcount roll map`)."""

    columns: Mapping[str, str] = field(default_factory=dict)
    """header_key(header) -> field or "ignore"."""
    date_format: str | None = None
    encoding: str | None = None

    def __post_init__(self) -> None:
        for key, name in self.columns.items():
            if name not in (*FIELDS, IGNORE):
                raise InputFormatError(
                    "roll map", None, f"column {key!r}: unknown field {name!r}; expected one of "
                    f"{', '.join((*FIELDS, IGNORE))}",
                )  # fmt: skip
        if self.date_format is not None and self.date_format not in DATE_FORMATS:
            raise InputFormatError(
                "roll map", None, f"date format {self.date_format!r}: expected one of "
                f"{', '.join(DATE_FORMATS)}",
            )  # fmt: skip

    def to_json(self) -> dict[str, object]:
        return {
            "columns": dict(sorted(self.columns.items())),
            "date_format": self.date_format,
            "encoding": self.encoding,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> RollSettings:
        columns = data.get("columns") or {}
        assert isinstance(columns, dict)
        date_format, encoding = data.get("date_format"), data.get("encoding")
        return cls(
            {str(k): str(v) for k, v in columns.items()},
            None if date_format is None else str(date_format),
            None if encoding is None else str(encoding),
        )


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """Which column(s) give each field, and the headers ignored."""

    fields: Mapping[str, tuple[int, ...]]
    headers: tuple[str, ...]
    ignored: tuple[str, ...]

    def describe(self) -> str:
        used = "; ".join(
            f"{name} <- " + " + ".join(repr(self.headers[i]) for i in at)
            for name, at in self.fields.items()
        )
        extra = f"; ignored: {', '.join(repr(h) for h in self.ignored)}" if self.ignored else ""
        return used + extra


def map_columns(
    headers: Sequence[str], settings: RollSettings, source: str, required: Sequence[str]
) -> ColumnMap:
    """The mapping of `headers`; InputFormatError naming the fix for a clash or a missing field."""
    fields: dict[str, list[int]] = {}
    ignored: list[str] = []
    for index, header in enumerate(headers):
        key = header_key(header)
        name = settings.columns.get(key) or (key if key in FIELDS else _ALIAS_FIELD.get(key))
        if name is None or name == IGNORE:
            ignored.append(header)
            continue
        fields.setdefault(name, []).append(index)
    for name, at in fields.items():
        if len(at) > 1 and name not in MULTI_COLUMN_FIELDS:
            named = " and ".join(repr(headers[i]) for i in at)
            raise InputFormatError(
                source, 1, f"columns {named} both map to {name}; say which with "
                f"`clearcount roll map ORG --column '{headers[at[1]]}=ignore'`",
            )  # fmt: skip
    missing = [name for name in required if name not in fields]
    if missing:
        raise InputFormatError(
            source, 1, f"no column for {', '.join(missing)} among the headers "
            f"{', '.join(repr(h) for h in headers)}; map one with "
            f"`clearcount roll map ORG --column 'HEADER={missing[0]}'`",
        )  # fmt: skip
    ordered = {name: tuple(fields[name]) for name in FIELDS if name in fields}
    return ColumnMap(ordered, tuple(headers), tuple(ignored))


def slash_date(value: str) -> bool:
    """True for a date written with slashes or dots (whose day/month order needs a setting)."""
    return _SLASH.fullmatch(_TIME.sub("", value.strip())) is not None


def parse_date(value: str, date_format: str | None) -> date:
    """`value` as a date; ValueError saying what was expected (ISO always; slashes per setting)."""
    text = _TIME.sub("", value.strip())
    iso = _ISO.fullmatch(text)
    slash = _SLASH.fullmatch(text)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
    elif slash and date_format in ("dd/mm/yyyy", "mm/dd/yyyy"):
        first, second, year_text = slash.groups()
        if len(year_text) != 4:
            raise ValueError(f"{value!r}: the year must have 4 digits")
        year = int(year_text)
        day, month = (int(first), int(second))
        if date_format == "mm/dd/yyyy":
            day, month = month, day
    elif slash and date_format is None:
        raise ValueError(
            f"{value!r} could be read day-first or month-first: give --date-format dd/mm/yyyy "
            "(or mm/dd/yyyy)"
        )
    else:
        expected = "YYYY-MM-DD" if date_format in (None, "yyyy-mm-dd") else date_format.upper()
        raise ValueError(f"expected a date {expected}, got {value!r}")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{value!r} is not a calendar date") from None


def normalise_postcode(value: str) -> str:
    """A UK postcode as "OUT IN" in capitals; anything else with its spaces collapsed."""
    text = " ".join(value.split())
    compact = text.replace(" ", "").upper()
    match = _UK_POSTCODE.fullmatch(compact)
    if match is None:
        return text
    return f"{match.group(1)} {match.group(2)}"
