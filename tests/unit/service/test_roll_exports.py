"""Issue 11: rolls as membership systems export them, imported without hand-editing.

Generated 2,500-row exports in each encoding (UTF-8 with and without BOM, Windows-1252, XLSX),
with the systems' own headers, dd/mm/yyyy dates, CRLF, extra columns and untidy postcodes: every
field of every member is compared. Then each slip: ambiguous dates, bad emails, shared emails,
several bad fields in one row, thousands of bad rows.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Sequence
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.principals import officer
from tests.unit.service.messy_exports import Person, party_export, people, union_export
from tests.unit.service.world import OFFICER, World

from clearcount.core.errors import InputFormatError
from clearcount.service.errors import ImportRefusedError
from clearcount.service.membership.members import Member
from clearcount.service.membership.roll_import import REQUIRED
from clearcount.service.membership.roll_mapping import (
    ALIASES,
    DATE_FORMATS,
    RollSettings,
    map_columns,
    normalise_postcode,
    parse_date,
)

ROWS = 2500


def _assert_all_kept(world: World, org: str, members: list[Person]) -> None:
    _assert_same(world.members.list_members(officer(), org), members)


def _assert_same(got: Sequence[Member], members: list[Person]) -> None:
    """Every field of every member as the export meant it."""
    stored = {m.member_id: m for m in got}
    assert len(stored) == len(members)
    for p in members:
        m = stored[p.member_id]
        got = (m.given_name, m.family_name, m.email, m.phone, m.address, m.postcode, m.joined,
               m.units)  # fmt: skip
        assert got == (p.given_name, p.family_name, p.email, p.phone, p.address, p.postcode,
                       p.joined, p.units)  # fmt: skip
        assert unicodedata.is_normalized("NFC", m.given_name + m.family_name)


def _xlsx(data: bytes) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("encoding", "latin1", "read_as"),
    [
        ("utf-8-sig", False, "utf-8 (BOM)"),
        ("utf-8", False, "utf-8"),
        ("windows-1252", True, "windows-1252"),
        ("xlsx", False, "xlsx"),
    ],
)
def test_a_party_export_imports_as_written(
    world: World, encoding: str, latin1: bool, read_as: str
) -> None:
    org = world.party()
    members = people(ROWS, latin1=latin1)
    data = party_export(members, encoding="utf-8-sig" if encoding == "xlsx" else encoding)
    if encoding == "xlsx":
        data = _xlsx(data)
    plan = world.importer.preview(officer(), org, data, "export", date_format="dd/mm/yyyy")
    assert (plan.encoding, len(plan.added), plan.rejected) == (read_as, ROWS, ())
    assert plan.ignored_columns == ("Ward", "Membership type", "Notes")
    assert "address <- 'Address line 1' + 'Town'" in plan.mapping
    assert len(plan.report().splitlines()) < 10
    _assert_same(plan.added, members)


def test_a_party_export_is_stored_as_written(world: World) -> None:
    org = world.party()
    members = people(ROWS)
    world.importer.import_csv(
        officer(OFFICER), org, party_export(members), "export.csv", date_format="dd/mm/yyyy"
    )
    _assert_all_kept(world, org, members)


def test_a_union_export_with_other_headers_imports_too(world: World) -> None:
    org = world.party()
    members = people(40)
    plan = world.importer.import_csv(officer(OFFICER), org, union_export(members), "u.csv")
    assert (len(plan.added), plan.rejected, plan.ignored_columns) == (40, (), ())
    _assert_all_kept(world, org, members)


def test_names_are_stored_in_nfc_whatever_the_export_used(world: World) -> None:
    org = world.party()
    decomposed = unicodedata.normalize("NFD", "Siobhán,Nguyễn")
    data = f"member_id,given_name,family_name,joined\nM1,{decomposed},2020-01-01\n".encode()
    world.importer.import_csv(officer(OFFICER), org, data, "x.csv")
    member = world.members.get(officer(), org, "M1")
    assert (member.given_name, member.family_name) == ("Siobhán", "Nguyễn")


def test_dd_mm_dates_without_a_date_format_are_an_error_naming_the_option(world: World) -> None:
    org = world.party()
    data = party_export(people(3))
    with pytest.raises(ImportRefusedError, match="3 rows rejected") as caught:
        world.importer.import_csv(officer(OFFICER), org, data, "export.csv")
    plan = caught.value.plan
    assert {r.kind for r in plan.rejected} == {"ambiguous date"}  # type: ignore[attr-defined]
    assert "give --date-format dd/mm/yyyy (or mm/dd/yyyy)" in plan.report()  # type: ignore[attr-defined]
    assert world.members.list_members(officer(), org) == []


def test_the_saved_settings_are_used_by_later_imports(world: World) -> None:
    org = world.party()
    settings = RollSettings({"ward": "ignore", "notes": "ignore"}, "dd/mm/yyyy", "windows-1252")
    world.importer.save_settings(officer(OFFICER), org, settings)
    assert world.importer.settings(officer(OFFICER), org) == settings
    members = people(5, latin1=True)
    plan = world.importer.import_csv(
        officer(OFFICER), org, party_export(members, encoding="windows-1252"), "e.csv"
    )
    assert (len(plan.added), plan.encoding) == (5, "windows-1252")
    _assert_all_kept(world, org, members)
    assert any(e.action == "roll.settings_set" for e in world.audit.history(officer(), org))


def test_a_forced_encoding_that_does_not_fit_names_the_option(world: World) -> None:
    org = world.party()
    data = party_export(people(3, latin1=True), encoding="windows-1252")
    with pytest.raises(InputFormatError, match="--encoding"):
        world.importer.import_csv(officer(OFFICER), org, data, "e.csv", encoding="utf-8")


def test_a_bad_email_keeps_the_member_flagged_for_a_letter(world: World) -> None:
    org = world.party()
    data = (
        "member_id,given_name,family_name,joined,email\n"
        "M1,Zoë,Brontë,2020-01-01,zoe at example.org\n"
        "M2,Ann,Arbel,2020-01-01,ann@example.org\n"
    ).encode()
    plan = world.importer.import_csv(officer(OFFICER), org, data, "x.csv")
    assert len(plan.added) == 2
    assert world.members.get(officer(), org, "M1").email == ""
    (kept,) = plan.kept_with_problems
    assert (kept.member_id, kept.kind, kept.kept) == ("M1", "bad email", True)
    (flag,) = plan.flags
    assert (flag.kind, flag.member_ids, flag.acknowledged_by) == ("bad_email", ("M1",), None)


def test_two_members_sharing_an_email_are_flagged_with_the_option(world: World) -> None:
    org = world.party()
    data = (
        "member_id,given_name,family_name,joined,email\n"
        "M1,Zoë,Brontë,2020-01-01,home@example.org\n"
        "M2,Ann,Brontë,2020-01-01,HOME@example.org\n"
    ).encode()
    with pytest.raises(ImportRefusedError, match="acknowledge with --acknowledge-flags"):
        world.importer.import_csv(officer(OFFICER), org, data, "x.csv")
    plan = world.importer.import_csv(officer(OFFICER), org, data, "x.csv", acknowledge_flags=True)
    (flag,) = plan.flags
    assert (flag.kind, flag.member_ids) == ("shared_contact", ("M1", "M2"))
    assert "(acknowledge with --acknowledge-flags)" in plan.report()


def test_one_bad_field_does_not_hide_the_others(world: World) -> None:
    org = world.party()
    data = (
        "member_id,given_name,family_name,joined,left,phone,units\n"
        "M1,,Brontë,2099-01-01,31/02/2020,12,av-mars\n"
    ).encode()
    plan = world.importer.preview(officer(), org, data, "x.csv")
    assert sorted((r.field, r.kind) for r in plan.rejected) == [
        ("given_name", "missing"),
        ("joined", "future date"),
        ("left", "ambiguous date"),
        ("phone", "invalid"),
        ("units", "unknown unit"),
    ]


def test_thousands_of_bad_rows_give_a_short_report_and_a_full_file(world: World) -> None:
    org = world.party()
    lines = ["member_id,given_name,family_name,joined,email"]
    lines += [f"M{i},Ann,,2020-13-01,bad{i}" for i in range(ROWS)]
    plan = world.importer.preview(officer(), org, "\n".join(lines).encode(), "x.csv")
    report = plan.report()
    assert len(report.splitlines()) <= 6
    assert f"{ROWS} × missing (family_name)" in report
    assert "and 2497 more" in report
    rows = list(csv.reader(io.StringIO(plan.problems_csv().decode("utf-8-sig"))))
    assert len(rows) == 1 + 2 * ROWS  # the header, then both problems of every row
    assert rows[1][:5] == ["2", "M0", "family_name", "missing", "left out"]


def test_apply_valid_rows_names_what_it_left_out(world: World) -> None:
    org = world.party()
    data = (
        "member_id,given_name,family_name,joined\nM1,Ann,Arbel,2020-01-01\n"
        "M2,Zoë,,2020-01-01\nM3,Łukasz,Kowalczyk,2020-99-01\n"
    ).encode()
    plan = world.importer.import_csv(officer(OFFICER), org, data, "x.csv", apply_valid_rows=True)
    assert plan.left_out == ((3, "M2"), (4, "M3"))
    assert [m.member_id for m in plan.added] == ["M1"]


def test_columns_that_clash_or_are_missing_name_the_fix() -> None:
    with pytest.raises(InputFormatError, match="roll map ORG --column 'Last name=ignore'"):
        map_columns(["Member ID", "First name", "Surname", "Last name", "Joined"],
                    RollSettings(), "x.csv", REQUIRED)  # fmt: skip
    with pytest.raises(InputFormatError, match="no column for member_id"):
        map_columns(["Ref", "First name", "Surname", "Joined"], RollSettings(), "x.csv", REQUIRED)
    mapped = map_columns(["Ref", "First name", "Surname", "Joined"],
                         RollSettings({"ref": "member_id"}), "x.csv", REQUIRED)  # fmt: skip
    assert mapped.fields["member_id"] == (0,)


# --- invariants (hypothesis) ---

_SEPARATORS = st.sampled_from(["", " ", "_", "-", "  "])


@given(st.sampled_from(sorted((f, a) for f, aliases in ALIASES.items() for a in aliases)),
       st.booleans(), _SEPARATORS)  # fmt: skip
def test_a_header_maps_whatever_its_case_and_spacing(
    pair: tuple[str, str], upper: bool, separator: str
) -> None:
    field, alias = pair
    header = separator.join(alias).upper() if upper else alias.title()
    others = [h for h in ("Membership number", "First name", "Surname", "Date joined")
              if ALIASES_FIELD[h] != field]  # fmt: skip
    mapped = map_columns([*others, header], RollSettings(), "x.csv", ())
    assert mapped.fields[field] == (len(others),)


ALIASES_FIELD = {"Membership number": "member_id", "First name": "given_name",
                 "Surname": "family_name", "Date joined": "joined"}  # fmt: skip


@given(st.dates(date(1900, 1, 1), date(2100, 12, 31)), st.sampled_from(DATE_FORMATS))
def test_a_date_written_in_the_set_format_reads_back(day: date, date_format: str) -> None:
    text = {"yyyy-mm-dd": "%Y-%m-%d", "dd/mm/yyyy": "%d/%m/%Y", "mm/dd/yyyy": "%m/%d/%Y"}
    assert parse_date(day.strftime(text[date_format]), date_format) == day
    assert parse_date(day.isoformat(), date_format) == day  # ISO always reads


@given(st.dates(date(1900, 1, 1), date(2100, 12, 31)))
def test_a_day_month_date_is_never_guessed(day: date) -> None:
    with pytest.raises(ValueError, match="--date-format"):
        parse_date(day.strftime("%d/%m/%Y"), None)


@given(st.from_regex(r"[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}", fullmatch=True))
def test_postcodes_normalise_to_one_form(postcode: str) -> None:
    once = normalise_postcode(postcode)
    assert once == normalise_postcode(once) == normalise_postcode(postcode.lower())
    assert once == once.upper()
    assert once.count(" ") == 1
    assert len(once.split()[1]) == 3
