"""The booth's built bundles and their Subresource Integrity values (WEB_CONTRACT.md).

`npm run build` in booth/ writes `static/booth/booth.js`, `booth-worker.js` and `manifest.json`
= {file: "sha384-<base64>"} (read by `bootstrap.booth.served_booth`). The booth page puts each
value in its script tag's `integrity`; the election's Setup carries the values pinned when it
was defined (spec §11.2), and the page uses those, so a voter's browser refuses any other
bundle. Before the booth is built there is no manifest: the page renders without scripts and
says how else to vote.
"""

from __future__ import annotations

from collections.abc import Mapping

from clearcount.bootstrap.booth import BOOTH_FOLDER, served_booth
from clearcount.record.booth import sri

__all__ = ["BOOTH_FOLDER", "PAGE_SCRIPTS", "manifest", "sri"]

PAGE_SCRIPTS = ("booth.js",)
"""The bundles the page loads with a script tag (booth.js starts booth-worker.js itself)."""


def manifest() -> Mapping[str, str]:
    """{bundle file name: SRI value} of the booth this server serves; {} if none is built."""
    return served_booth()
