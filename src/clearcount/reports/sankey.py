"""The transfers chart of a preferential count (a Sankey diagram): geometry, then SVG.

One column of bars per stage, one bar per candidate still in the count (height proportional to
their votes) and one for votes no longer in play (non-transferable and exhausted); a band from
each bar to the next stage's: the votes a candidate keeps, and the votes transferred from an
excluded candidate or a surplus to each candidate who gains at the next stage. When several
candidates give votes at one stage (a bulk exclusion), each gainer's share is split between them
in proportion to what each gave (the record states only totals per candidate).

`sankey_layout(result)` computes the geometry once (in points of a `width` x `height` box);
`sankey_svg(layout)` writes it as SVG for HTML pages, and the PDF renderer draws the same
geometry, so the web page (helper `webpublic`) and the printed declaration show one chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from html import escape

from clearcount.counting.result import Result

__all__ = ["Band", "Bar", "SankeyLayout", "sankey_layout", "sankey_svg"]

OUT = "Non-transferable"
PALETTE = (
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
    "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Bar:
    stage: int
    name: str
    votes: Fraction
    x: float
    y: float
    height: float
    colour: str


@dataclass(frozen=True, slots=True)
class Band:
    """Votes moving from one bar to a bar of the next stage: top edges at each end, width."""

    source: str
    target: str
    stage: int
    votes: Fraction
    x0: float
    y0: float
    x1: float
    y1: float
    width: float
    colour: str


@dataclass(frozen=True, slots=True)
class SankeyLayout:
    width: float
    height: float
    bar_width: float
    bars: tuple[Bar, ...]
    bands: tuple[Band, ...]
    stage_labels: tuple[tuple[float, str], ...]


def _r(value: float) -> float:
    return round(value, 2)


def _columns(result: Result) -> list[dict[str, Fraction]]:
    columns = []
    for stage in result.stages:
        column = {name: stage.tallies[name] for name in result.candidates if name in stage.tallies}
        out = stage.non_transferable + stage.exhausted
        if out > 0:
            column[OUT] = out
        columns.append(column)
    return columns


def _moves(
    before: dict[str, Fraction], after: dict[str, Fraction]
) -> list[tuple[str, str, Fraction]]:
    """(source, target, votes): what each keeps, then the transfers, split pro rata."""
    kept = {name: min(votes, after.get(name, Fraction(0))) for name, votes in before.items()}
    given = {name: votes - kept[name] for name, votes in before.items() if votes > kept[name]}
    gained = {name: votes - kept.get(name, Fraction(0)) for name, votes in after.items()}
    gained = {name: votes for name, votes in gained.items() if votes > 0}
    moves = [(name, name, votes) for name, votes in kept.items() if votes > 0]
    total = sum(given.values(), Fraction(0))
    if total > 0:
        for source, gave in given.items():
            for target, got in gained.items():
                moves.append((source, target, got * gave / total))
    return moves


def sankey_layout(
    result: Result, width: float = 480.0, height: float | None = None
) -> SankeyLayout:
    """The chart's geometry (module docstring); `height` by default grows with the candidates."""
    columns = _columns(result)
    if height is None:
        height = 40.0 + 34.0 * max((len(c) for c in columns), default=1)
    colour = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(result.candidates)}
    colour[OUT] = "#b0b0b0"
    scale_total = max((sum(c.values(), Fraction(0)) for c in columns), default=Fraction(1))
    gap, bar_width, top = 6.0, 10.0, 16.0
    rows = max((len(c) for c in columns), default=1)
    usable = height - top - gap * (rows - 1)
    scale = usable / float(scale_total) if scale_total else 0.0
    step = (width - bar_width - 120.0) / max(len(columns) - 1, 1)
    bars: list[Bar] = []
    where: dict[tuple[int, str], Bar] = {}
    for index, column in enumerate(columns):
        x, y = _r(index * step), top
        for name, votes in column.items():
            bar = Bar(index + 1, name, votes, x, _r(y), _r(float(votes) * scale), colour[name])
            bars.append(bar)
            where[(index, name)] = bar
            y += float(votes) * scale + gap
    bands: list[Band] = []
    for index in range(len(columns) - 1):
        out_at = {name: where[(index, name)].y for name in columns[index]}
        in_at = {name: where[(index + 1, name)].y for name in columns[index + 1]}
        for source, target, votes in _moves(columns[index], columns[index + 1]):
            thick = float(votes) * scale
            bands.append(
                Band(
                    source,
                    target,
                    index + 1,
                    votes,
                    _r(where[(index, source)].x + bar_width),
                    _r(out_at[source]),
                    _r(where[(index + 1, target)].x),
                    _r(in_at[target]),
                    _r(thick),
                    colour[source],
                )
            )
            out_at[source] += thick
            in_at[target] += thick
    labels = tuple((_r(i * step), f"Stage {i + 1}") for i in range(len(columns)))
    return SankeyLayout(width, height, bar_width, tuple(bars), tuple(bands), labels)


def band_path(band: Band) -> str:
    """The SVG path of a band: two cubic curves between the bars' edges."""
    mid = _r((band.x0 + band.x1) / 2)
    bottom0, bottom1 = _r(band.y0 + band.width), _r(band.y1 + band.width)
    return (
        f"M{band.x0} {band.y0} C{mid} {band.y0} {mid} {band.y1} {band.x1} {band.y1} "
        f"L{band.x1} {bottom1} C{mid} {bottom1} {mid} {bottom0} {band.x0} {bottom0} Z"
    )


def sankey_svg(layout: SankeyLayout, title: str = "Transfers between stages") -> str:
    """The chart as a standalone SVG element (no scripts, no external references)."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {layout.width} {layout.height}" '
        f'width="{layout.width}" height="{layout.height}" role="img" '
        f'aria-label="{escape(title)}" font-family="DejaVu Sans, sans-serif" font-size="8">',
        f"<title>{escape(title)}</title>",
    ]
    for x, label in layout.stage_labels:
        parts.append(f'<text x="{x}" y="9">{escape(label)}</text>')
    for band in layout.bands:
        parts.append(
            f'<path d="{band_path(band)}" fill="{band.colour}" fill-opacity="0.35">'
            f"<title>{escape(band.source)} to {escape(band.target)}: {_votes(band.votes)}</title>"
            "</path>"
        )
    for bar in layout.bars:
        parts.append(
            f'<rect x="{bar.x}" y="{bar.y}" width="{layout.bar_width}" '
            f'height="{max(bar.height, 0.5)}" fill="{bar.colour}"/>'
        )
        x, y = _r(bar.x + layout.bar_width + 2), _r(bar.y + min(bar.height, 14) / 2 + 3)
        parts.append(f'<text x="{x}" y="{y}">{escape(bar.name)} {_votes(bar.votes)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _votes(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.2f}"
