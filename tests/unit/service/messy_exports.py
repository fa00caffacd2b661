"""Fictional membership exports as membership systems write them (issue 11), made in memory.

`party_export` is shaped like a party's members export ("First name", "Surname", "Membership
number", "Date joined", "Branch", dd/mm/yyyy dates, address lines, extra columns); `union_export`
like a union membership system's. Every person is invented (names drawn from a fixed list and
numbered); phone numbers are Ofcom's drama range. `expected` gives what each member must be.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

GIVEN = ("Siobhán", "Zoë", "Łukasz", "Nguyễn", "Ann", "Renée", "Dafydd", "Aoife", "José", "Ngozi")
FAMILY = ("O'Neill", "Brontë", "Kowalczyk", "Thị Hoa", "Arbel", "Ó Briain", "Ap Rhys", "Núñez")
# Windows-1252 cannot hold Ł or ễ: its exports use names it can write
GIVEN_1252 = ("Siobhán", "Zoë", "Renée", "Ann", "José", "Dafydd", "Ågot", "Çelik")
FAMILY_1252 = ("O’Neill", "Brontë", "Núñez", "Ó Briain", "Arbel", "Ap Rhys")
BRANCHES = ("Ashby Vale North", "av-south")  # a unit by name, and by id


@dataclass(frozen=True)
class Person:
    member_id: str
    given_name: str
    family_name: str
    email: str
    phone: str
    address: str
    postcode: str
    joined: date
    units: frozenset[str]


def people(n: int, *, latin1: bool = False) -> list[Person]:
    given, family = (GIVEN_1252, FAMILY_1252) if latin1 else (GIVEN, FAMILY)
    out = []
    for i in range(n):
        g, f = given[i % len(given)], family[(i // len(given)) % len(family)]
        out.append(
            Person(
                member_id=f"L{100000 + i}",
                given_name=g,
                family_name=f,
                email=f"member{i}@example.org",
                phone=f"07700 900{i:03d}" if i < 1000 else "",  # the drama range has 1,000
                address=f"{i + 1} Mill Lane, Ashby Vale",
                postcode=f"AV{1 + i % 9} {i % 10}A{'ABCDEFGH'[i % 8]}",
                joined=date(2001, 1, 1) + timedelta(days=(i * 37) % 7000),
                units=frozenset({"av-north" if i % 2 == 0 else "av-south"}),
            )
        )
    return out


def party_export(members: list[Person], *, encoding: str = "utf-8-sig") -> bytes:
    """A party's export: its own headers, dd/mm/yyyy, CRLF, untidy postcodes, extra columns."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Membership number", "First name", "Surname", "Email address", "Mobile",
                     "Address line 1", "Town", "Postcode", "Date joined", "Branch", "Ward",
                     "Membership type", "Notes"])  # fmt: skip
    for i, p in enumerate(members):
        street, town = p.address.split(", ")
        branch = "Ashby Vale North" if "av-north" in p.units else "av-south"
        postcode = p.postcode.lower().replace(" ", "") if i % 3 == 0 else p.postcode
        writer.writerow([p.member_id, p.given_name, p.family_name, p.email, p.phone, street,
                         town, postcode, p.joined.strftime("%d/%m/%Y"), branch, "Mill",
                         "Standard", "note, with a comma"])  # fmt: skip
    return out.getvalue().encode(encoding)


def union_export(members: list[Person], *, encoding: str = "utf-8") -> bytes:
    """A union system's export: other headers and order, ISO dates, LF endings."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Surname", "Forename", "Member No", "E-mail", "Join Date", "Workplace",
                     "Home Address", "Post Code", "Telephone"])  # fmt: skip
    for p in members:
        branch = "Ashby Vale North" if "av-north" in p.units else "av-south"
        writer.writerow([p.family_name, p.given_name, p.member_id, p.email, p.joined.isoformat(),
                         branch, p.address, p.postcode, p.phone])  # fmt: skip
    return out.getvalue().encode(encoding)
