"""The transfers chart (Sankey) of a preferential count: geometry only, the web draws it.

One column per stage; in each column a bar per candidate still holding votes, and a bar for the
votes that went no further (exhausted and non-transferable together), stacked top to bottom
in the ballot's candidate order, heights in proportion to votes. Between two stages a band
carries the votes each candidate kept, and bands carry what the candidates who lost votes
(the excluded, or an elected candidate's surplus) gave to those who gained. With one loser at
a stage (the usual case) every band is exact; when several lose at once (a bulk exclusion) the
gains are shared out in proportion, since the stage records only totals. Every number stays an
exact Fraction; coordinates are written with one decimal place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from clearcount.counting.numbers import decimal_text
from clearcount.counting.result import Result, Stage

__all__ = ["EXHAUSTED", "Sankey", "SankeyLink", "SankeyNode", "has_transfers", "sankey"]

EXHAUSTED = ""
"""The key of the exhausted/non-transferable bar (no candidate has an empty name)."""

_CHART = Fraction(360)
_GAP = Fraction(16)
_BAR = Fraction(12)
_COLUMN = Fraction(190)
_MARGIN = Fraction(8)
_LABELS = Fraction(170)


def _px(value: Fraction) -> str:
    return decimal_text(Fraction(round(value * 10), 10), 1)


@dataclass(frozen=True, slots=True)
class SankeyNode:
    """A bar: `name` (a candidate, or EXHAUSTED) holding `votes` after stage `stage`."""

    stage: int
    name: str
    votes: Fraction
    state: str
    """"elected", "excluded" (at this stage), "continuing" or "exhausted"."""
    x: str
    y: str
    width: str
    height: str
    label_x: str
    label_y: str

    @property
    def exhausted(self) -> bool:
        return self.name == EXHAUSTED


@dataclass(frozen=True, slots=True)
class SankeyLink:
    """Votes carried from `source` at stage `stage` to `target` at the next stage."""

    stage: int
    source: str
    target: str
    votes: Fraction
    path: str
    """The band's outline, an SVG path."""

    @property
    def kept(self) -> bool:
        return self.source == self.target


@dataclass(frozen=True, slots=True)
class Sankey:
    width: str
    height: str
    nodes: tuple[SankeyNode, ...]
    links: tuple[SankeyLink, ...]
    decimals: int | None

    @property
    def transfers(self) -> tuple[SankeyLink, ...]:
        """The bands that move votes (the chart's table alternative lists these)."""
        return tuple(link for link in self.links if not link.kept)

    def votes(self, value: Fraction) -> str:
        """A number of votes as the count's sheet writes it."""
        return decimal_text(value, self.decimals)


def has_transfers(result: Result) -> bool:
    """A count with more than one stage has transfers to draw."""
    return len(result.stages) > 1


def _holdings(stage: Stage, order: Sequence[str]) -> dict[str, Fraction]:
    held = {name: stage.tallies[name] for name in order if stage.tallies.get(name, 0) > 0}
    rest = stage.exhausted + stage.non_transferable
    if rest > 0:
        held[EXHAUSTED] = rest
    return held


def _state(name: str, stages: Sequence[Stage], index: int, stays: bool) -> str:
    """Rule sets record an exclusion at the stage that decides it or at the one that transfers
    it; either way the bar is marked at the candidate's last stage."""
    if name == EXHAUSTED:
        return "exhausted"
    if any(name in s.elected for s in stages[: index + 1]):
        return "elected"
    if not stays and any(name in s.excluded for s in stages[index : index + 2]):
        return "excluded"
    return "continuing"


def _flows(
    before: Mapping[str, Fraction], after: Mapping[str, Fraction]
) -> list[tuple[str, str, Fraction]]:
    """(source, target, votes): what each kept, then the losers' votes shared among gainers."""
    kept = [(n, n, min(before[n], after[n])) for n in before if n in after]
    losses = [(n, v - after.get(n, Fraction(0))) for n, v in before.items()]
    gains = [(n, v - before.get(n, Fraction(0))) for n, v in after.items()]
    losses = [(n, v) for n, v in losses if v > 0]
    gains = [(n, v) for n, v in gains if v > 0]
    lost = sum((v for _, v in losses), Fraction(0))
    moved = [
        (source, target, loss * gain / lost)
        for source, loss in losses
        for target, gain in gains
        if lost > 0
    ]
    return [f for f in kept + moved if f[2] > 0]


def _band(x0: Fraction, y0: Fraction, x1: Fraction, y1: Fraction, height: Fraction) -> str:
    mid = (x0 + x1) / 2
    return (
        f"M{_px(x0)} {_px(y0)}C{_px(mid)} {_px(y0)} {_px(mid)} {_px(y1)} {_px(x1)} {_px(y1)}"
        f"L{_px(x1)} {_px(y1 + height)}C{_px(mid)} {_px(y1 + height)} {_px(mid)} "
        f"{_px(y0 + height)} {_px(x0)} {_px(y0 + height)}Z"
    )


def sankey(result: Result) -> Sankey:
    """The chart of `result`'s stages (see the module's docstring)."""
    order = [*result.candidates, EXHAUSTED]
    columns = [_holdings(stage, result.candidates) for stage in result.stages]
    biggest = max((sum(c.values(), Fraction(0)) for c in columns), default=Fraction(0))
    scale = _CHART / biggest if biggest else Fraction(0)
    tallest = max((len(c) for c in columns), default=0)
    nodes: list[SankeyNode] = []
    tops: list[dict[str, Fraction]] = []
    for index, (stage, held) in enumerate(zip(result.stages, columns, strict=True)):
        x = _MARGIN + index * _COLUMN
        y = _MARGIN
        top: dict[str, Fraction] = {}
        later = columns[index + 1] if index + 1 < len(columns) else {}
        for name in (n for n in order if n in held):
            height = held[name] * scale
            top[name] = y
            nodes.append(
                SankeyNode(
                    stage.number,
                    name,
                    held[name],
                    _state(name, result.stages, index, name in later),
                    _px(x),
                    _px(y),
                    _px(_BAR),
                    _px(height),
                    _px(x + _BAR + 4),
                    _px(y + height / 2 + 4),
                )
            )
            y += height + _GAP
        tops.append(top)
    links: list[SankeyLink] = []
    for index in range(len(columns) - 1):
        x0 = _MARGIN + index * _COLUMN + _BAR
        x1 = _MARGIN + (index + 1) * _COLUMN
        out = dict(tops[index])
        into = dict(tops[index + 1])
        for source, target, votes in _flows(columns[index], columns[index + 1]):
            height = votes * scale
            path = _band(x0, out[source], x1, into[target], height)
            out[source] += height
            into[target] += height
            links.append(SankeyLink(result.stages[index].number, source, target, votes, path))
    width = 2 * _MARGIN + max(len(columns) - 1, 0) * _COLUMN + _BAR + _LABELS
    height = 2 * _MARGIN + _CHART + max(tallest - 1, 0) * _GAP
    return Sankey(_px(width), _px(height), tuple(nodes), tuple(links), result.decimals)
