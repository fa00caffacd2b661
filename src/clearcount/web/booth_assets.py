"""The booth's built bundles and their Subresource Integrity values (WEB_CONTRACT.md).

`npm run build` in booth/ writes `static/booth/booth.js`, `booth-worker.js` and `manifest.json`
= {file: "sha384-<base64>"}. The booth page puts each value in its script tag's `integrity`, and
the election's Setup carries the same values (spec §11.2), so `clearcount check-booth` can compare
what a server serves with the record. Before the booth is built there is no manifest: the page
renders without scripts and says how else to vote.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

__all__ = ["BOOTH", "PAGE_SCRIPTS", "manifest", "sri"]

BOOTH = Path(__file__).parent / "static" / "booth"
PAGE_SCRIPTS = ("booth.js",)
"""The bundles the page loads with a script tag (booth.js starts booth-worker.js itself)."""


def sri(data: bytes) -> str:
    """The Subresource Integrity value of `data`: "sha384-" and the base64 digest."""
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode("ascii")


def manifest(folder: Path = BOOTH) -> Mapping[str, str]:
    """{bundle file name: SRI value} from the built manifest; {} when nothing is built."""
    try:
        document = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    if not isinstance(document, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v.startswith("sha384-")
        for k, v in document.items()
    ):
        raise ValueError(f"{folder / 'manifest.json'}: expected {{file: 'sha384-…'}}")
    return dict(document)
