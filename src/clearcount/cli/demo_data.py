"""The demo's fictional organisations, members, ballots and votes (`clearcount demo`).

Every name, address and number is invented; the places are fictional ("Ashby Vale CLP",
"Northfold Transport Workers' Union"). Phone numbers are left out; emails use example.org.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "AV_AFFILIATES",
    "AV_AFFILIATE_VOTES",
    "AV_BRANCH_VOTES",
    "AV_CASTING_VOTES",
    "AV_MEMBERS",
    "AV_UNITS",
    "NTWU_MEMBERS",
    "NTWU_UNITS",
    "SELECTION_CANDIDATES",
    "csv_text",
]

CSV_COLUMNS = (
    "member_id",
    "given_name",
    "family_name",
    "email",
    "address",
    "postcode",
    "joined",
    "paid_up_to",
    "units",
    "categories",
)

# unit id, name, kind, parent
AV_UNITS = (
    ("ashby-vale", "Ashby Vale CLP", "constituency_party", None),
    ("av-north", "Ashby Vale North branch", "branch", "ashby-vale"),
    ("av-south", "Ashby Vale South branch", "branch", "ashby-vale"),
    ("av-central", "Ashby Vale Central branch", "branch", "ashby-vale"),
    ("av-riverside", "Riverside branch", "branch", "ashby-vale"),
    ("av-ntwu", "Northfold TWU, Ashby Vale branch (affiliate)", "affiliate", "ashby-vale"),
    ("av-coop", "Ashby Vale Co-operative Party (affiliate)", "affiliate", "ashby-vale"),
)
# the trigger ballot: per party branch, its name and its members' votes online and at the
# branch meeting (on paper); per affiliate, its vote and the officer who gave it
AV_BRANCH_VOTES = {
    "av-north": (
        "Ashby Vale North branch",
        {"AV1001": "Yes", "AV1009": "Yes", "AV1013": "No"},
        {"AV1017": "Yes"},
    ),
    "av-south": (
        "Ashby Vale South branch",
        {"AV1002": "No", "AV1010": "No"},
        {"AV1014": "Yes", "AV1018": "No"},
    ),
    "av-central": (
        "Ashby Vale Central branch",
        {"AV1003": "No", "AV1007": "Yes"},
        {"AV1011": "No", "AV1015": "No"},
    ),
    "av-riverside": (
        "Riverside branch",
        {"AV1004": "No"},
        {"AV1012": "Yes"},
    ),
}
# Riverside's members tie 1 to 1: its chair's casting vote decides (profile rule body_tie)
AV_CASTING_VOTES = {"av-riverside": ("Dev Amin (branch chair)", "no")}
AV_AFFILIATES = (
    "Northfold TWU, Ashby Vale branch",
    "Ashby Vale Co-operative Party",
    "Ashby Vale Fabian Society",
)
# the Fabian Society did not meet: the returning officer records it as abstaining
AV_AFFILIATE_VOTES = {
    AV_AFFILIATES[0]: ("yes", "Rita Okafor (branch secretary)"),
    AV_AFFILIATES[1]: ("no", "Hal Brennan (chair)"),
}

_STREETS = (
    "Mill Lane",
    "Quarry Row",
    "Canal Walk",
    "Station Road",
    "Chapel Street",
    "Orchard Rise",
    "Tollgate",
    "Kestrel Hill",
)
_GIVEN = (
    "Ann",
    "Ben",
    "Cat",
    "Dan",
    "Eve",
    "Fay",
    "Gus",
    "Hal",
    "Ivy",
    "Jo",
    "Kit",
    "Lou",
    "Max",
    "Noor",
    "Owen",
    "Pia",
    "Ravi",
    "Sal",
    "Tam",
    "Uma",
    "Vic",
    "Wyn",
    "Xan",
    "Yara",
)
_FAMILY = (
    "Arbel",
    "Brask",
    "Corrin",
    "Dulwich",
    "Ember",
    "Fenwick",
    "Garrow",
    "Hesketh",
    "Ingle",
    "Jarrow",
    "Kemble",
    "Lowry",
    "Marrick",
    "Nolan",
    "Oxley",
    "Pryor",
    "Quill",
    "Rudd",
    "Selby",
    "Thorne",
    "Umber",
    "Vance",
    "Wold",
    "Yeld",
)
_AV_UNIT = ("av-north", "av-south", "av-central", "av-riverside", "av-ntwu", "av-coop")


def _av_members() -> tuple[dict[str, str], ...]:
    rows = []
    for i in range(24):
        joined, paid = "2019-03-04", "2031-12-31"
        if i == 20:
            joined = "2031-01-04"  # joined after the selection's freeze date
        if i == 21:
            paid = "2030-06-30"  # in arrears beyond the grace period
        rows.append(
            {
                "member_id": f"AV{1001 + i}",
                "given_name": _GIVEN[i],
                "family_name": _FAMILY[i],
                "email": ""
                if i in (7, 14, 22)
                else f"{_GIVEN[i].lower()}.{_FAMILY[i].lower()}@example.org",
                "address": f"{i + 1} {_STREETS[i % len(_STREETS)]}, Ashby Vale",
                "postcode": f"AV{1 + i % 5} {i % 9}AB",
                "joined": joined,
                "paid_up_to": paid,
                "units": _AV_UNIT[i % 4] if i >= 6 else _AV_UNIT[i],
                "categories": "",
            }
        )
    return tuple(rows)


AV_MEMBERS = _av_members()
SELECTION_CANDIDATES = ("Rosa Quarry", "Tom Ledger", "Amal Okafor", "Sian Pryce")

NTWU_UNITS = (
    ("northfold-branch", "Northfold branch", "branch", None),
    ("northfold-depot", "Northfold Bus Depot", "workplace", "northfold-branch"),
    ("tram-yard", "Northfold Tram Yard", "workplace", "northfold-branch"),
)


def _ntwu_members() -> tuple[dict[str, str], ...]:
    rows = []
    for i in range(18):
        workplace = "tram-yard" if i >= 14 else "northfold-depot"
        category = ("driver", "engineer", "driver", "clerical")[i % 4]
        rows.append(
            {
                "member_id": f"NTW-{i + 1:05d}",
                "given_name": _GIVEN[(i + 5) % len(_GIVEN)],
                "family_name": _FAMILY[(i * 7) % len(_FAMILY)],
                "email": "" if i in (2, 9) else f"ntw{i + 1:05d}@members.example.org",
                "address": f"{10 + i} Depot Road, Northfold",
                "postcode": f"NF{1 + i % 4} {i % 9}QP",
                "joined": "2016-05-04",
                "paid_up_to": "2031-12-31",
                "units": workplace,
                "categories": category,
            }
        )
    return tuple(rows)


NTWU_MEMBERS = _ntwu_members()


def csv_text(rows: Sequence[dict[str, str]]) -> str:
    """The rows as a membership system's CSV export."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
