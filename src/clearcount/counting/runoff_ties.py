"""Tie-breaks of the runoff engine: RCTab's six tiebreakModes and clearcount's seeded lot.

RCTab (`Tiebreak.java`, counting.md §7, §8) sorts the tied names first, then:
`candidate_order`/`permutation` take the earliest listed as winner and the latest as loser (in
the config order, or in `Collections.shuffle` of the sorted names under `java.util.Random(seed)`);
`random` takes index floor(nextDouble() * n); `history_then_*` walk back from the previous round,
keeping the lowest (loser) or highest (winner), and fall back to random or to the operator;
`ask` stops the count. clearcount's default for `irv` walks back the same way, then draws by the
published seeded lot of `ties.draw_order`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction

from clearcount.core.errors import ConfigError, TieUnresolvedError
from clearcount.counting.java_random import (
    JavaRandom,
    java_hash_set_order,
    java_shuffle,
    java_string_key,
)
from clearcount.counting.result import TieBreak
from clearcount.counting.runoff_rules import RunoffRules
from clearcount.counting.ties import draw_order, narrow_by_history

__all__ = ["TieBreaker"]

_JAVA_MODES = ("random", "history_then_random", "permutation")


def _java_seed(seed: str | None, mode: str) -> int:
    try:
        return int(str(seed).strip())
    except ValueError:
        raise ConfigError(
            f"tie-break mode {mode}: randomSeed must be an integer (a Java long), got {seed!r}"
        ) from None


class TieBreaker:
    """Settles the ties of one tabulation pass and records each one."""

    def __init__(
        self,
        rules: RunoffRules,
        order: Sequence[str],
        lot_seed: Callable[[], str],
    ) -> None:
        self.rules = rules
        self.mode = rules.tie_mode
        self.records: list[TieBreak] = []
        self._lot_seed = lot_seed
        self._seed_text: str | None = None
        self.random: JavaRandom | None = None
        self.order = list(order)
        if self.mode in _JAVA_MODES:
            seed = _java_seed(rules.seed, self.mode)
            self._seed_text = str(seed)
            self.random = JavaRandom(seed)
            if self.mode == "permutation":
                self.order.sort(key=java_string_key)
                java_shuffle(self.order, self.random)

    def choose(
        self,
        tied: Sequence[str],
        *,
        winner: bool,
        stage: int,
        purpose: str,
        history: Sequence[Mapping[str, Fraction]],
    ) -> str:
        """The one tied candidate to elect (`winner`) or to eliminate, recorded with its reason."""
        names = sorted(tied, key=java_string_key)
        chosen, method, reason, seed = self._decide(names, winner, stage, purpose, history)
        self.records.append(TieBreak(stage, purpose, tuple(names), (chosen,), method, reason, seed))
        return chosen

    def _decide(
        self,
        names: list[str],
        winner: bool,
        stage: int,
        purpose: str,
        history: Sequence[Mapping[str, Fraction]],
    ) -> tuple[str, str, str, str | None]:
        side = "most" if winner else "fewest"
        if self.mode in ("candidate_order", "permutation"):
            listed = self.order if winner else self.order[::-1]
            found = next((name for name in listed if name in names), names[0])
            where = "config order" if self.mode == "candidate_order" else "generated permutation"
            text = f"appears {'earliest' if winner else 'latest'} in the {where}"
            seed = self._seed_text if self.mode == "permutation" else None
            return found, where, f"{found} {text}", seed
        if self.mode == "ask":
            raise self._unresolved(names, stage, purpose)
        if self.mode == "random":
            return self._random(names, "tied")
        if self.mode == "lot":
            return self._lot(names, stage, purpose, "tied")
        if self.mode == "history_then_lot":
            rest, used = narrow_by_history(
                names, history, search="most recent", keep="highest" if winner else "lowest"
            )
        else:
            rest, used = _java_history(names, history, winner)
        if len(rest) == 1:
            return (
                rest[0],
                "history (most recent stage)",
                f"{rest[0]} had the {side} votes at round(s) {', '.join(map(str, used))}",
                None,
            )
        still = f"still tied after earlier rounds ({', '.join(rest)})"
        if self.mode == "history_then_random":
            return self._random(list(rest), still)
        if self.mode == "history_then_ask":
            raise self._unresolved(list(rest), stage, purpose)
        return self._lot(list(rest), stage, purpose, still)

    def _random(self, names: list[str], why: str) -> tuple[str, str, str, str | None]:
        assert self.random is not None
        index = self.random.scaled_index(len(names))
        return (
            names[index],
            "java.util.Random",
            f"{why}: index {index} of the sorted names drawn by java.util.Random.nextDouble()",
            self._seed_text,
        )

    def _lot(
        self, names: list[str], stage: int, purpose: str, why: str
    ) -> tuple[str, str, str, str | None]:
        seed = self.rules.seed if self.rules.seed is not None else self._lot_seed()
        drawn = draw_order(names, seed, stage, purpose)
        return drawn[0], "seeded draw", f"{why}: {drawn[0]} drawn first by seeded lot", seed

    def _unresolved(self, names: list[str], stage: int, purpose: str) -> TieUnresolvedError:
        return TieUnresolvedError(
            f"round {stage}: tie for {purpose} between {', '.join(names)} must be decided by "
            "the returning officer (tie-break mode stopCountingAndAsk)"
        )


def _java_history(
    names: Sequence[str], history: Sequence[Mapping[str, Fraction]], winner: bool
) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """RCTab `doPreviousRounds`: from the previous round back, keep the highest (winner) or
    lowest (loser); each round rebuilds the list through a Java HashSet, whose order the random
    fallback then indexes (counting.md §8)."""
    rest = list(names)
    used: list[int] = []
    for number in range(len(history), 0, -1):
        tally = history[number - 1]
        rest = java_hash_set_order(rest)
        values = [tally.get(name, Fraction(0)) for name in rest]
        target = max(values) if winner else min(values)
        narrowed = [name for name, value in zip(rest, values, strict=True) if value == target]
        if len(narrowed) < len(rest):
            used.append(number)
        rest = narrowed
        if len(rest) == 1:
            break
    return tuple(rest), tuple(used)
