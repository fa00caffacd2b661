"""The nearest known id for a mistyped one (issue 11: `--entitled-unit nm-garrage`)."""

from __future__ import annotations

from clearcount.core.suggest import did_you_mean, no_such


def test_the_nearest_ids_are_named_and_a_far_one_gets_no_guess() -> None:
    units = ["nm-garage", "nm-depot", "tram-yard"]
    assert did_you_mean("nm-garrage", units) == "; did you mean 'nm-garage'?"
    assert did_you_mean("zz", units) == ""
    assert did_you_mean("nm-dep", ["nm-depot", "nm-depots"]) == (
        "; did you mean 'nm-depot' or 'nm-depots'?"
    )


def test_the_message_names_kind_value_and_place() -> None:
    assert no_such("unit", "nm-garrage", ["nm-garage"], "northfold-twu") == (
        "no such unit 'nm-garrage' in northfold-twu; did you mean 'nm-garage'?"
    )
    assert no_such("election", "x", []) == "no such election 'x' (there is no election yet)"
