"""Rule set `rctab`: a count under an RCTab contest config, round by round as RCTab reports it.

Options are the config's `rules` block with RCTab's own keys and values, plus `candidates`
(`{name, code?, excluded}`), or the whole config object. The tabulation is the shared runoff
engine (counting.md §3, §7, §8); docs/counting/rctab.md lists the interpretation choices and the
peer cases (shared/peer-cases/rctab) it reproduces.
"""

from __future__ import annotations

from collections.abc import Mapping

from clearcount.core.errors import ConfigError
from clearcount.counting.ballots import Contest
from clearcount.counting.rctab_config import RctabConfig, read_config
from clearcount.counting.readers.cvr_csv import UNDECLARED_NAME
from clearcount.counting.result import Result
from clearcount.counting.runoff_count import count_runoff, groups_for, without_cyclic_gc
from clearcount.counting.runoff_engine import Field

__all__ = ["METHOD", "count"]

METHOD = "rctab"


def _field(contest: Contest, config: RctabConfig) -> tuple[Field, list[int]]:
    """The count's candidates (config order, write-ins last) and contest index -> count index."""
    if config.candidates is None:
        declared = [n for i, n in enumerate(contest.candidates) if i not in contest.undeclared]
        excluded_names: set[str] = set()
        codes: dict[str, str] = {}
    else:
        declared = [c.name for c in config.candidates]
        excluded_names = {c.name for c in config.candidates if c.excluded}
        codes = {c.code: c.name for c in config.candidates if c.code}
    writeins = config.writeins or bool(contest.undeclared)
    names = tuple(declared) + ((UNDECLARED_NAME,) if writeins else ())
    index = {name: i for i, name in enumerate(names)}
    translate: list[int] = []
    for i, name in enumerate(contest.candidates):
        target = index.get(UNDECLARED_NAME) if i in contest.undeclared else None
        if target is None:
            target = index.get(codes.get(name, name))
        if target is None:
            raise ConfigError(
                f"{METHOD}: the ballots name {name!r}, who is not among the config's "
                f"candidates ({', '.join(declared)})"
            )
        translate.append(target)
    excluded = {index[n] for n in excluded_names} | {translate[w] for w in contest.withdrawn}
    field = Field(
        names=names,
        undeclared=frozenset({index[UNDECLARED_NAME]} if writeins else ()),
        excluded=frozenset(excluded),
        order=tuple(declared),
    )
    return field, translate


def count(contest: Contest, options: Mapping[str, object] | None = None) -> Result:
    """Count `contest` under the RCTab config in `options`."""
    config = read_config(options or {})
    field, translate = _field(contest, config)
    identity = translate == list(range(len(contest.candidates)))
    with without_cyclic_gc():
        groups = groups_for(contest, None if identity else translate)
        return count_runoff(
            METHOD,
            contest,
            field,
            groups,
            config.rules,
            passes=config.seats if config.multi_pass else 1,
            options={"rules": config.raw_rules, "candidates": config.raw_candidates},
        )
