"""A document as HTML, JSON and CSV: plain text renderers of `reports.document` (issue 10).

HTML is one standalone page (no scripts, no external files; the transfers chart inline as SVG),
written with string templates and `html.escape` on every value. JSON is the document's data in
a fixed key order; CSV is the same data as rows (one section per block). None of them adds a
date or anything else not in the document, so the same record gives the same bytes. The PDF
renderer is `clearcount.documents.pdf`.
"""

from __future__ import annotations

import csv
import io
import json
from html import escape

from clearcount.reports.appeal_bundle import Bundle
from clearcount.reports.document import (
    Block,
    Document,
    Facts,
    Figure,
    Heading,
    Paragraph,
    Table,
    Verification,
)
from clearcount.reports.sankey_svg import label, sankey_svg

__all__ = ["document_csv", "document_data", "document_html", "document_json"]

_STYLE = """
body { font-family: "DejaVu Sans", Verdana, sans-serif; max-width: 60em; margin: 2em auto;
       padding: 0 1em; color: #111; line-height: 1.4; }
header p { margin: 0.2em 0; color: #444; }
.verdict { border: 2px solid #333; padding: 0.5em 1em; margin: 1em 0; }
.verdict code { word-break: break-all; }
table { border-collapse: collapse; margin: 0.5em 0 1em; width: 100%; }
th, td { border: 1px solid #999; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
th { background: #eee; }
td.num { text-align: right; }
dl { display: grid; grid-template-columns: 22em 1fr; gap: 0.2em 1em; }
dt { font-weight: bold; }
dd { margin: 0; }
tr.bold td { font-weight: bold; }
footer { margin-top: 2em; font-size: 0.9em; color: #444; }
"""


def _verification_html(v: Verification) -> str:
    return (
        '<section class="verdict">'
        f"<p><strong>Verifier's verdict:</strong> {escape(v.verdict)}</p>"
        f"<p><strong>Record hash:</strong> <code>{escape(v.record_hash)}</code></p>"
        "</section>"
    )


def _block_html(block: Block) -> str:
    if isinstance(block, Heading):
        return f"<h2>{escape(block.text)}</h2>"
    if isinstance(block, Paragraph):
        text = escape(block.text)
        return f"<p><strong>{text}</strong></p>" if block.strong else f"<p>{text}</p>"
    if isinstance(block, Facts):
        title = f"<h3>{escape(block.title)}</h3>" if block.title else ""
        rows = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in block.rows)
        return f"{title}<dl>{rows}</dl>"
    if isinstance(block, Table):
        caption = f"<caption>{escape(block.title)}</caption>" if block.title else ""
        head = "".join(f'<th scope="col">{escape(h)}</th>' for h in block.header)
        body = []
        for index, row in enumerate(block.rows):
            css = ' class="bold"' if index in block.bold_rows else ""
            cells = "".join(
                f"<td>{escape(c)}</td>" if i == 0 else f'<td class="num">{escape(c)}</td>'
                for i, c in enumerate(row)
            )
            body.append(f"<tr{css}>{cells}</tr>")
        return (
            f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        )
    svg = sankey_svg(block.chart, block.caption)
    return f"<figure>{svg}<figcaption>{escape(block.caption)}</figcaption></figure>"


def _document_body(doc: Document, level: str = "h1", anchor: str = "") -> str:
    ident = f' id="{anchor}"' if anchor else ""
    parts = [
        f"<header><{level}{ident}>{escape(doc.title)}</{level}>",
        f"<p>{escape(doc.organisation)} · {escape(doc.dated)}</p></header>",
        _verification_html(doc.verification),
        *(_block_html(block) for block in doc.blocks),
        f"<footer><p>Basis: {escape('; '.join(doc.basis))}</p>",
        f"<p>Record hash: <code>{escape(doc.verification.record_hash)}</code></p></footer>",
    ]
    return "\n".join(parts)


def document_html(doc: Document | Bundle) -> str:
    """One standalone HTML page."""
    if isinstance(doc, Bundle):
        index = "".join(
            f'<li><a href="#part-{i}">{escape(part.title)}</a></li>'
            for i, part in enumerate(doc.parts, start=1)
        )
        body = "\n".join(
            [
                f"<header><h1>{escape(doc.title)}</h1><p>{escape(doc.organisation)} · "
                f"{escape(doc.dated)}</p></header>",
                _verification_html(doc.verification),
                f"<h2>Index</h2><ol>{index}</ol>",
                *(
                    f"<article>{_document_body(part, 'h1', f'part-{i}')}</article>"
                    for i, part in enumerate(doc.parts, start=1)
                ),
            ]
        )
    else:
        body = _document_body(doc)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(doc.title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"{body}\n</body>\n</html>\n"
    )


def _block_data(block: Block) -> dict[str, object]:
    if isinstance(block, Heading):
        return {"type": "heading", "text": block.text}
    if isinstance(block, Paragraph):
        return {"type": "paragraph", "text": block.text}
    if isinstance(block, Facts):
        return {"type": "facts", "title": block.title, "rows": [list(r) for r in block.rows]}
    if isinstance(block, Table):
        return {
            "type": "table",
            "title": block.title,
            "header": list(block.header),
            "rows": [list(r) for r in block.rows],
        }
    assert isinstance(block, Figure)
    chart = block.chart
    return {
        "type": "figure",
        "caption": block.caption,
        "bands": [
            {"stage": b.stage, "from": label(b.source), "to": label(b.target),
             "votes": chart.votes(b.votes)}
            for b in chart.links
        ],
    }  # fmt: skip


def document_data(doc: Document | Bundle) -> dict[str, object]:
    """The document as plain data (JSON-able), in a fixed key order."""
    v = doc.verification
    data: dict[str, object] = {
        "kind": doc.kind,
        "title": doc.title,
        "organisation": doc.organisation,
        "election_id": doc.election_id,
        "dated": doc.dated,
        "record_hash": v.record_hash,
        "verified": v.verified,
        "verdict": v.verdict,
    }
    if isinstance(doc, Bundle):
        data["parts"] = [document_data(part) for part in doc.parts]
    else:
        data["basis"] = list(doc.basis)
        data["blocks"] = [_block_data(block) for block in doc.blocks]
    return data


def document_json(doc: Document | Bundle) -> str:
    return json.dumps(document_data(doc), indent=2, ensure_ascii=False) + "\n"


def _csv_rows(doc: Document | Bundle) -> list[list[str]]:
    v = doc.verification
    rows = [["document", doc.title], ["record hash", v.record_hash], ["verdict", v.verdict]]
    if isinstance(doc, Bundle):
        for part in doc.parts:
            rows.append([])
            rows += _csv_rows(part)
        return rows
    for block in doc.blocks:
        if isinstance(block, Heading):
            rows += [[], [block.text]]
        elif isinstance(block, Facts):
            rows += [[block.title or "facts"], *([k, v] for k, v in block.rows)]
        elif isinstance(block, Table):
            rows += [[block.title or "table"], list(block.header), *(list(r) for r in block.rows)]
    return rows


def document_csv(doc: Document | Bundle) -> str:
    """The document's facts and tables as CSV (paragraphs and charts left out)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(_csv_rows(doc))
    return out.getvalue()
