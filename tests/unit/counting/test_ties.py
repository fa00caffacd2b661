from fractions import Fraction

from clearcount.counting.ballots import Ballot, Contest
from clearcount.counting.ties import contest_seed, draw_order, narrow_by_history

F = Fraction
HISTORY = [
    {"Ann": F(10), "Bo": F(10), "Cy": F(10)},
    {"Ann": F(12), "Bo": F(11), "Cy": F(11)},
    {"Ann": F(13), "Bo": F(13), "Cy": F(14)},
]


def test_most_recent_stage_decides_first() -> None:
    remaining, used = narrow_by_history(
        ["Ann", "Bo", "Cy"], HISTORY, search="most recent", keep="lowest"
    )
    # Stage 3: Ann and Bo lowest (13); still tied, stage 2 separates them: Bo lower.
    assert remaining == ("Bo",)
    assert used == (3, 2)


def test_earliest_stage_decides_first() -> None:
    remaining, used = narrow_by_history(
        ["Ann", "Bo", "Cy"], HISTORY, search="earliest", keep="lowest"
    )
    # Stage 1 all equal; stage 2: Bo and Cy lowest; stage 3: Bo lower.
    assert remaining == ("Bo",)
    assert used == (2, 3)


def test_keep_highest_and_undecided() -> None:
    remaining, _ = narrow_by_history(["Ann", "Bo"], HISTORY[:1], search="earliest", keep="highest")
    assert remaining == ("Ann", "Bo")
    remaining, used = narrow_by_history(
        ["Ann", "Cy"], HISTORY, search="most recent", keep="highest"
    )
    assert remaining == ("Cy",)
    assert used == (3,)


def test_draw_is_repeatable_and_depends_on_seed() -> None:
    names = ["Ann", "Bo", "Cy", "Di", "Ed"]
    first = draw_order(names, "seed-1", 4, "exclusion")
    assert draw_order(list(reversed(names)), "seed-1", 4, "exclusion") == first
    assert sorted(first) == sorted(names)
    orders = {draw_order(names, f"seed-{i}", 4, "exclusion") for i in range(20)}
    assert len(orders) > 1


def test_contest_seed_is_determined_by_the_contest() -> None:
    a = Contest(("Ann", "Bo"), (Ballot.of(0, 1), Ballot.of(1)))
    b = Contest(("Ann", "Bo"), (Ballot.of(0, 1), Ballot.of(1)))
    c = Contest(("Ann", "Bo"), (Ballot.of(0, 1), Ballot.of(0)))
    assert contest_seed(a) == contest_seed(b) != contest_seed(c)


def test_contest_seed_ignores_the_order_of_papers() -> None:
    a = Contest(("Ann", "Bo"), (Ballot.of(0, 1), Ballot.of(1), Ballot.of(0, 1)))
    b = Contest(("Ann", "Bo"), (Ballot.of(1), Ballot.of(0, 1, weight=2)))
    assert contest_seed(a) == contest_seed(b)
