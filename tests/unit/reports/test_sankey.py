"""The transfers chart: bands conserve votes, read back from the record body exactly."""

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.unit.reports.test_result_document import RESULT

from clearcount.counting import stv_scottish
from clearcount.counting.ballots import Ballot, Contest
from clearcount.record.result_body import result_body
from clearcount.reports.result_reading import result_from_body
from clearcount.reports.sankey import EXHAUSTED, has_transfers, sankey

F = Fraction


def _totals(links, stage, *, by):
    out: dict[str, Fraction] = {}
    for link in links:
        if link.stage == stage:
            key = link.source if by == "source" else link.target
            out[key] = out.get(key, F(0)) + link.votes
    return out


def test_the_record_body_reads_back_to_the_same_result() -> None:
    assert result_from_body(result_body(RESULT)) == RESULT


def test_an_exclusion_moves_exactly_what_the_stages_say() -> None:
    chart = sankey(RESULT)
    assert has_transfers(RESULT)
    moved = {(t.source, t.target): t.votes for t in chart.transfers}
    assert moved == {("Bo Chan", "Ann Lee"): F(1), ("Bo Chan", EXHAUSTED): F(1)}
    kept = [link for link in chart.links if link.kept]
    assert [(k.source, k.votes) for k in kept] == [("Ann Lee", F(3))]
    assert {n.name for n in chart.nodes if n.stage == 2} == {"Ann Lee", EXHAUSTED}
    assert next(n for n in chart.nodes if n.name == "Bo Chan").state == "excluded"


def test_geometry_is_plain_numbers_for_svg() -> None:
    chart = sankey(RESULT)
    for node in chart.nodes:
        for value in (node.x, node.y, node.width, node.height, node.label_y):
            assert Fraction(value) >= 0
    for link in chart.links:
        assert link.path.startswith("M")
        assert link.path.endswith("Z")


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.permutations(range(4)).flatmap(lambda p: st.integers(1, 4).map(lambda k: p[:k])),
        min_size=3,
        max_size=40,
    ),
    st.integers(1, 2),
)
def test_every_band_conserves_votes(rankings, seats) -> None:
    names = ("Ann Lee", "Bo Chan", "Cy Dale", "Di Evans")
    contest = Contest(names, tuple(Ballot.of(*r) for r in rankings), seats=seats)
    result = stv_scottish.count(contest)
    chart = sankey(result)
    held = {(n.stage, n.name): n.votes for n in chart.nodes}
    for index, stage in enumerate(result.stages[:-1]):
        after = result.stages[index + 1].number
        for name, votes in _totals(chart.links, stage.number, by="source").items():
            assert votes == held[(stage.number, name)]
        for name, votes in _totals(chart.links, stage.number, by="target").items():
            assert votes == held[(after, name)]
