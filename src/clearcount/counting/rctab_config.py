"""Reading an RCTab contest config (its `rules` and `candidates`) into runoff rules.

RCTab writes numbers as strings ("4", "" for unset) and booleans as JSON booleans; both are
accepted as RCTab writes them (counting.md §7; RCTab `config_file_documentation.txt`,
`ContestConfig.java`). Keys RCTab 2.0 moved to `cvrFileSources` (undeclaredWriteInLabel,
treatBlankAsUndeclaredWriteIn, overvoteLabel) are read from there or from `rules`, as older
configs had them. Unknown keys are a ConfigError: a typo must not silently change a count.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from clearcount.core.errors import ConfigError
from clearcount.counting.numbers import floor_units, from_units
from clearcount.counting.options import check_keys, get_bool, get_choice
from clearcount.counting.runoff_rules import OvervoteRule, RunoffRules, TieMode, WinnerMode

__all__ = ["RctabCandidate", "RctabConfig", "read_config"]

METHOD = "rctab"

_MODES: Mapping[str, WinnerMode | None] = {
    "singleWinnerMajority": "single",
    "multiWinnerAllowMultipleWinnersPerRound": "multi_many",
    "multiWinnerAllowOnlyOneWinnerPerRound": "multi_one",
    "bottomsUp": "bottoms_up",
    "bottomsUpUsingPercentageThreshold": "bottoms_up_pct",
    "multiPassIrv": None,
}
_OVERVOTES: Mapping[str, OvervoteRule] = {
    "exhaustImmediately": "exhaust",
    "alwaysSkipToNextRank": "skip",
    "exhaustIfMultipleContinuing": "exhaust_if_multiple",
}
_TIES: Mapping[str, TieMode] = {
    "useCandidateOrder": "candidate_order",
    "random": "random",
    "generatePermutation": "permutation",
    "previousRoundCountsThenRandom": "history_then_random",
    "previousRoundCountsThenAsk": "history_then_ask",
    "stopCountingAndAsk": "ask",
}
_RULE_KEYS = (
    "tiebreakMode",
    "overvoteRule",
    "winnerElectionMode",
    "randomSeed",
    "numberOfWinners",
    "multiSeatBottomsUpPercentageThreshold",
    "decimalPlacesForVoteArithmetic",
    "minimumVoteThreshold",
    "maxSkippedRanksAllowed",
    "maxRankingsAllowed",
    "nonIntegerWinningThreshold",
    "doesFirstRoundDetermineThreshold",
    "hareQuota",
    "batchElimination",
    "cutoffElimination",
    "continueUntilTwoCandidatesRemain",
    "stopTabulationEarlyAfterRound",
    "exhaustOnDuplicateCandidate",
    "rulesDescription",
    "treatBlankAsUndeclaredWriteIn",
    "undeclaredWriteInLabel",
    "overvoteLabel",
    "undervoteLabel",
)
_CONFIG_KEYS = ("tabulatorVersion", "outputSettings", "cvrFileSources", "candidates", "rules")


@dataclass(frozen=True, slots=True)
class RctabCandidate:
    name: str
    code: str | None = None
    excluded: bool = False


@dataclass(frozen=True, slots=True)
class RctabConfig:
    rules: RunoffRules
    multi_pass: bool
    seats: int
    """numberOfWinners: seats of the count (passes of multiPassIrv; 0 for bottoms-up by share)."""
    candidates: tuple[RctabCandidate, ...] | None
    writeins: bool
    """Undeclared write-ins are a candidate of the count (a source names a label for them)."""
    raw_rules: Mapping[str, object]
    raw_candidates: object


def _text(rules: Mapping[str, object], key: str) -> str:
    value = rules.get(key, "")
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, (int, str)):
        return str(value).strip()
    raise ConfigError(f"{METHOD}: rules.{key} must be a string or integer, got {value!r}")


def _whole(
    rules: Mapping[str, object], key: str, default: int | None, *, special: str = ""
) -> int | None:
    text = _text(rules, key)
    if not text or (special and text.lower() == special):
        return default
    try:
        return int(text)
    except ValueError:
        expected = f"an integer or {special!r}" if special else "an integer"
        raise ConfigError(f"{METHOD}: rules.{key} must be {expected}, got {text!r}") from None


def _decimal(rules: Mapping[str, object], key: str) -> Fraction:
    text = _text(rules, key)
    try:
        return Fraction(text) if text else Fraction(0)
    except ValueError:
        raise ConfigError(f"{METHOD}: rules.{key} must be a number, got {text!r}") from None


def _candidates(raw: object) -> tuple[RctabCandidate, ...] | None:
    if raw is None:
        return None
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        raise ConfigError(f"{METHOD}: candidates must be a list of {{name, code, excluded}}")
    out = []
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping) or not isinstance(item.get("name"), str):
            raise ConfigError(f"{METHOD}: candidates[{i}] must have a string name, got {item!r}")
        check_keys(f"{METHOD} candidates[{i}]", item, ("name", "code", "excluded", "aliases"))
        code = item.get("code")
        out.append(
            RctabCandidate(
                item["name"],
                code if isinstance(code, str) and code else None,
                get_bool(METHOD, item, "excluded", False),
            )
        )
    return tuple(out)


def _split(options: Mapping[str, object]) -> tuple[Mapping[str, object], object, object]:
    """(rules, candidates, cvrFileSources) from a whole config or from rules plus candidates."""
    if isinstance(options.get("rules"), Mapping):
        check_keys(METHOD, options, _CONFIG_KEYS)
        rules = options["rules"]
        assert isinstance(rules, Mapping)
        return rules, options.get("candidates"), options.get("cvrFileSources")
    flat = {k: v for k, v in options.items() if k != "candidates"}
    return flat, options.get("candidates"), None


def _writeins(rules: Mapping[str, object], sources: object) -> bool:
    found = (
        bool(_text(rules, "undeclaredWriteInLabel"))
        or rules.get("treatBlankAsUndeclaredWriteIn") is True
    )
    if isinstance(sources, Sequence):
        for source in sources:
            if isinstance(source, Mapping) and (
                source.get("undeclaredWriteInLabel") or source.get("treatBlankAsUndeclaredWriteIn")
            ):
                found = True
    return found


def read_config(options: Mapping[str, object]) -> RctabConfig:
    """Validate an RCTab config (whole, or its rules plus candidates) and translate it."""
    rules, raw_candidates, sources = _split(options)
    check_keys(METHOD, rules, _RULE_KEYS)
    candidates = _candidates(raw_candidates)
    mode_name = get_choice(
        METHOD, rules, "winnerElectionMode", "singleWinnerMajority", tuple(_MODES)
    )
    mode = _MODES[mode_name]
    seats = _whole(rules, "numberOfWinners", 1)
    decimals = _whole(rules, "decimalPlacesForVoteArithmetic", 4)
    assert seats is not None
    assert decimals is not None
    if not 1 <= decimals <= 20:
        raise ConfigError(
            f"{METHOD}: rules.decimalPlacesForVoteArithmetic must be 1 to 20, got {decimals}"
        )
    if (seats == 0) != (mode == "bottoms_up_pct") or seats < 0:
        raise ConfigError(
            f"{METHOD}: rules.numberOfWinners is {seats}; it must be 0 exactly when "
            "winnerElectionMode is bottomsUpUsingPercentageThreshold"
        )
    tie_mode = _TIES[get_choice(METHOD, rules, "tiebreakMode", "useCandidateOrder", tuple(_TIES))]
    seed = _text(rules, "randomSeed") or None
    if tie_mode in ("random", "history_then_random", "permutation") and seed is None:
        raise ConfigError(f"{METHOD}: tiebreakMode {tie_mode} needs rules.randomSeed, got none")
    declared = len([c for c in candidates or () if c.name])
    percent = _decimal(rules, "multiSeatBottomsUpPercentageThreshold")
    fraction = from_units(floor_units(percent / 100, decimals), decimals) if percent else None
    if mode == "bottoms_up_pct" and not fraction:
        raise ConfigError(
            f"{METHOD}: bottomsUpUsingPercentageThreshold needs "
            "rules.multiSeatBottomsUpPercentageThreshold (1 to 100), got none"
        )
    runoff = RunoffRules(
        seats=1 if mode is None else seats,
        mode=mode or "single",
        decimals=decimals,
        overvote=_OVERVOTES[
            get_choice(METHOD, rules, "overvoteRule", "exhaustImmediately", tuple(_OVERVOTES))
        ],
        max_skipped=_whole(rules, "maxSkippedRanksAllowed", None, special="unlimited"),
        max_rankings=_whole(rules, "maxRankingsAllowed", declared or None, special="max"),
        exhaust_on_duplicate=get_bool(METHOD, rules, "exhaustOnDuplicateCandidate", False),
        batch=get_bool(METHOD, rules, "batchElimination", False),
        continue_until_two=get_bool(METHOD, rules, "continueUntilTwoCandidatesRemain", False),
        first_round_threshold=get_bool(METHOD, rules, "doesFirstRoundDetermineThreshold", False),
        minimum_threshold=_decimal(rules, "minimumVoteThreshold"),
        non_integer_threshold=get_bool(METHOD, rules, "nonIntegerWinningThreshold", False),
        hare=get_bool(METHOD, rules, "hareQuota", False),
        bottoms_up_fraction=fraction,
        cutoff=get_bool(METHOD, rules, "cutoffElimination", False),
        stop_after_round=_whole(rules, "stopTabulationEarlyAfterRound", None),
        tie_mode=tie_mode,
        seed=seed,
    )
    if runoff.overvote == "exhaust_if_multiple" and _text(rules, "overvoteLabel"):
        raise ConfigError(
            f"{METHOD}: overvoteRule exhaustIfMultipleContinuing cannot be used with an "
            "overvoteLabel: expected exhaustImmediately or alwaysSkipToNextRank"
        )
    return RctabConfig(
        rules=runoff,
        multi_pass=mode is None,
        seats=seats,
        candidates=candidates,
        writeins=_writeins(rules, sources),
        raw_rules=dict(rules),
        raw_candidates=raw_candidates,
    )
