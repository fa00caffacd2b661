"""Exports as ugly as real ones, from files (tests/fixtures/members): every field of every
member compared after import with what the export meant (issue 11).

- `excel_windows1252.csv`: Excel's "CSV" save: Windows-1252 with curly quotes (O’Neill, “Shiv”),
  an en dash and £ in a note, CRLF, dd/mm/yyyy with and without leading zeros, a title and other
  extra columns, two address lines and a town, untidy postcodes, cells with stray spaces, an
  upper-case email, a household sharing an email (flagged), a bad email (kept, flagged for a
  letter) and Excel's trailing row of empty cells.
- `crm_utf8_bom.csv`: a CRM's "CSV UTF-8": a BOM, headers reordered and spelt otherwise
  (" SURNAME ", "Forename(s)", "E-mail", "Post Code"), names in decomposed Unicode (Nguyễn),
  Excel date-times ("2019-04-03 00:00:00"), two branches in one cell (id and name), an address
  cell with a line break, a leaver, a quoted name with quotes inside.
"""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from tests.principals import officer
from tests.unit.service.world import FIXTURES, OFFICER, World

from clearcount.service.errors import ImportRefusedError

MEANT = {
    "AV1001": ("Siobhán", "O’Neill", "siobhan.oneill@example.org", "07700 900101",
               "Flat 2, 14 Mill Lane, Ashby Vale", "AV1 1AA", date(2019, 4, 3), None,
               date(2032, 3, 31), {"av-north"}),
    "AV1002": ("Dafydd", "ap Rhys", "DAFYDD.APRHYS@EXAMPLE.ORG", "",
               "7 Quarry Row, Upper Ashby, Ashby Vale", "AV1 2BA", date(2020, 11, 9), None,
               date(2032, 3, 31), {"av-south"}),
    "AV1003": ("Zoë", "Brontë–Núñez", "zoe.bn@example.org", "07700 900103",
               "12 Chapel St, Ashby Vale", "AV1 2BB", date(2020, 2, 1), None, date(2031, 2, 28),
               {"av-north"}),
    "AV1004": ("Renée", "O’Brien", "shared.household@example.org", "07700 900104",
               "3 Kiln Yard, Ashby Vale", "AV1 3CA", date(2012, 6, 15), None, date(2032, 3, 31),
               {"av-south"}),
    "AV1005": ("José", "O’Brien", "shared.household@example.org", "", "3 Kiln Yard, Ashby Vale",
               "AV1 3CA", date(2012, 6, 15), None, date(2032, 3, 31), {"av-south"}),
    "AV1006": ("Ågot", "Çelik", "", "07700 900106", "9 Weir Close, Ashby Vale", "AV1 4DA",
               date(2020, 12, 30), None, date(2031, 12, 31), {"av-north"}),
    "AV2001": ("Łukasz", "Kowalczyk", "lukasz.k@example.org", "07700 900201",
               "1 Mill Lane, Ashby Vale", "AV1 1AB", date(2019, 4, 3), None, date(2032, 3, 31),
               {"av-north", "av-south"}),
    "AV2002": ("Thị Hoa", "Nguyễn", "hoa.nguyen@example.org", "", "22 Chapel Street", "AV1 2BC",
               date(2020, 1, 15), None, date(2032, 3, 31), {"av-south"}),
    "AV2003": ("Aoife", "Ó Briain", "aoife@example.org", "07700 900203",
               "4 Weir Close, Ashby Vale", "AV1 4DB", date(2010, 9, 1), date(2021, 8, 31),
               date(2021, 8, 31), {"av-south"}),
    "AV2004": ('Zoë "Zee"', "O'Neill-Kowalczyk", "zee@example.org", "+44 7700 900204",
               "5 Mill Lane", "AV1 1AD", date(2021, 5, 9), None, date(2032, 3, 31),
               {"av-north"}),
}  # fmt: skip
"""What each export means: given, family, email, phone, address, postcode, joined, left, paid
up to, units; no categories and no suspensions (the exports have none)."""


def _import(world: World, org: str, name: str, date_format: str) -> None:
    data = (FIXTURES / name).read_bytes()
    world.importer.import_csv(
        officer(OFFICER), org, data, name, date_format=date_format, acknowledge_flags=True
    )


def test_the_excel_export_is_refused_until_its_flags_are_acknowledged_by_name(
    world: World,
) -> None:
    org = world.party()
    data = (FIXTURES / "excel_windows1252.csv").read_bytes()
    with pytest.raises(ImportRefusedError, match="acknowledge with --acknowledge-flags") as refused:
        world.importer.import_csv(officer(OFFICER), org, data, "x.csv", date_format="dd/mm/yyyy")
    plan = refused.value.plan
    assert (plan.encoding, plan.rows, len(plan.added), plan.rejected) == (
        "windows-1252",
        6,
        6,
        (),
    )  # the trailing row of empty cells is no member
    assert plan.ignored_columns == ("Title", "Ward", "Notes")
    assert {f.kind for f in plan.flags} == {"shared_contact", "bad_email"}
    assert world.members.list_members(officer(), org) == []


@pytest.mark.parametrize(
    ("files", "ids"),
    [
        ((("excel_windows1252.csv", "dd/mm/yyyy"),), "AV1"),
        ((("crm_utf8_bom.csv", "yyyy-mm-dd"),), "AV2"),
        ((("excel_windows1252.csv", "dd/mm/yyyy"), ("crm_utf8_bom.csv", "yyyy-mm-dd")), "AV"),
    ],
)
def test_every_field_of_every_member_is_stored_as_the_export_meant(
    world: World, files: tuple[tuple[str, str], ...], ids: str
) -> None:
    org = world.party()
    for name, date_format in files:
        _import(world, org, name, date_format)
    stored = {m.member_id: m for m in world.members.list_members(officer(), org)}
    meant = {k: v for k, v in MEANT.items() if k.startswith(ids)}
    assert sorted(stored) == sorted(meant)
    for member_id, fields in meant.items():
        m = stored[member_id]
        got = (m.given_name, m.family_name, m.email, m.phone, m.address, m.postcode, m.joined,
               m.left, m.paid_up_to, set(m.units))  # fmt: skip
        assert got == fields, member_id
        assert (m.categories, m.suspensions) == (frozenset(), ())
        assert unicodedata.is_normalized("NFC", m.given_name + m.family_name)
