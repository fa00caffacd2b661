"""The transfers chart (`reports.sankey`) written as SVG, for the HTML documents and the PDF.

The geometry is `reports.sankey.sankey` (shared with the public web pages); this module only
writes it: one path per band (the band's colour is its source candidate's), one rectangle per
bar, and, unless `labels=False` (the PDF sets its labels in its own font), each bar's name and
votes. No scripts and no external references, so a page's Content-Security-Policy holds.
"""

from __future__ import annotations

from html import escape

from clearcount.reports.sankey import EXHAUSTED, Sankey

__all__ = ["PALETTE", "colours", "label", "sankey_svg", "stage_columns"]

PALETTE = (
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e",
    "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
)  # fmt: skip
GREY = "#b0b0b0"


def colours(chart: Sankey) -> dict[str, str]:
    """A colour per bar name, in the order the bars first appear."""
    found: dict[str, str] = {}
    for node in chart.nodes:
        if node.name not in found:
            found[node.name] = GREY if node.name == EXHAUSTED else PALETTE[len(found) % 10]
    return found


def label(name: str) -> str:
    return "Non-transferable" if name == EXHAUSTED else name


def stage_columns(chart: Sankey) -> dict[int, str]:
    """Each stage's column: the x of its bars, for the "Stage n" headings."""
    columns: dict[int, str] = {}
    for node in chart.nodes:
        columns.setdefault(node.stage, node.x)
    return columns


def sankey_svg(chart: Sankey, title: str, *, labels: bool = True) -> str:
    """The chart as one standalone SVG element (with labels: a row of stage headings on top)."""
    colour = colours(chart)
    top, height = ("-16", f"{float(chart.height) + 16:g}") if labels else ("0", chart.height)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 {top} {chart.width} {height}" '
        f'width="{chart.width}" height="{height}" role="img" aria-label="{escape(title)}" '
        'font-family="DejaVu Sans, sans-serif" font-size="11">'
    ]
    if labels:
        for stage, x in stage_columns(chart).items():
            parts.append(f'<text x="{x}" y="-4" font-weight="bold">Stage {stage}</text>')
    for link in chart.links:
        parts.append(f'<path d="{link.path}" fill="{colour[link.source]}" fill-opacity="0.35"/>')
    for node in chart.nodes:
        parts.append(
            f'<rect x="{node.x}" y="{node.y}" width="{node.width}" height="{node.height}" '
            f'fill="{colour[node.name]}"/>'
        )
        if labels:
            parts.append(
                f'<text x="{node.label_x}" y="{node.label_y}">{escape(label(node.name))} '
                f"{chart.votes(node.votes)}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)
