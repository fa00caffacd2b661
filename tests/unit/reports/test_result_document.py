import json
from fractions import Fraction

from clearcount.counting.result import Result, Stage, TieBreak
from clearcount.reports.result_document import result_document, to_json
from clearcount.reports.stage_table import stage_rows, stages_csv

F = Fraction

RESULT = Result(
    method="stv-scottish",
    seats=1,
    candidates=("Ann Lee", "Bo Chan"),
    elected=("Ann Lee",),
    stages=(
        Stage(1, "first preferences", {"Ann Lee": F(3), "Bo Chan": F(2)}, quota=F(3)),
        Stage(
            2,
            "exclusion of Bo Chan",
            {"Ann Lee": F(4)},
            non_transferable=F(1, 3),
            exhausted=F(2, 3),
            transfers={"Ann Lee": F(1)},
            excluded=("Bo Chan",),
            quota=F(3),
        ),
    ),
    valid_votes=F(5),
    quota=F(3),
    tie_breaks=(
        TieBreak(2, "exclusion", ("Bo Chan", "Cy"), ("Bo Chan",), "seeded draw", "lot", "s"),
    ),
    decimals=5,
)


def test_json_is_exact_and_parseable() -> None:
    text = to_json(result_document(RESULT), RESULT.decimals)
    data = json.loads(text)
    assert data["elected"] == ["Ann Lee"]
    assert '"quota": 3.00000' in text
    assert data["stages"][1]["non_transferable"] == "1/3"  # no finite expansion: exact string
    assert data["tie_breaks"][0]["seed"] == "s"
    assert data["stages"][0]["tallies"] == {"Ann Lee": 3, "Bo Chan": 2}


def test_stage_rows_show_transfers_and_totals() -> None:
    rows = stage_rows(RESULT)
    assert rows[0] == ["Candidate", "1: first preferences", "2: exclusion of Bo Chan"]
    assert rows[1] == ["Ann Lee", "3.00000", "+1.00000 = 4.00000"]
    assert rows[2] == ["Bo Chan", "2.00000", ""]
    assert ["Excluded", "", "Bo Chan"] in rows
    assert stages_csv(RESULT).splitlines()[1] == "Ann Lee,3.00000,+1.00000 = 4.00000"
