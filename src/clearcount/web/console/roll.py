"""Roll import from the console: upload, see what will change, then apply (issue 9, 11).

The preview is `RollImporter.preview` (service.roll_import's plan: added, changed with each
field's old and new value, rejected rows grouped by kind, flags); applying is
`RollImporter.import_csv` with the same bytes, kept in this server process between the two
requests under the file's SHA-256 and the official's name, so what is applied is exactly what
was previewed (the service re-plans it and refuses what it would refuse from the CLI).
"""

from __future__ import annotations

import hashlib

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from clearcount.service.errors import ValidationError
from clearcount.service.officials.accounts import OfficialSession
from clearcount.web.console.auth import form_text
from clearcount.web.console.pages import action, page, services_of, show, upload

__all__ = ["apply", "preview", "roll_page"]

_KEPT_LIMIT = 8


def _kept(request: Request) -> dict[tuple[str, str], tuple[bytes, str]]:
    state = request.app.state
    if not hasattr(state, "console_uploads"):
        state.console_uploads = {}
    kept: dict[tuple[str, str], tuple[bytes, str]] = state.console_uploads
    return kept


@page
async def roll_page(request: Request, session: OfficialSession) -> Response:
    return show(request, session, "roll", {"title": "Import the roll"})


@action
async def preview(request: Request, session: OfficialSession) -> Response:
    data, name = await upload(request, "roll")
    plan = await run_in_threadpool(
        services_of(request).importer.preview, session.principal, session.organisation_id,
        data, name,
    )  # fmt: skip
    digest = hashlib.sha256(data).hexdigest()
    kept = _kept(request)
    if len(kept) >= _KEPT_LIMIT:
        kept.pop(next(iter(kept)))
    kept[(session.username, digest)] = (data, name)
    changes = [(d.member_id, c) for d in plan.changed for c in d.changes]
    context = {"title": "What this import will change", "plan": plan, "digest": digest,
               "changes": changes}  # fmt: skip
    return show(request, session, "roll_preview", context)


@action
async def apply(request: Request, session: OfficialSession) -> Response:
    digest = await form_text(request, "digest")
    found = _kept(request).pop((session.username, digest), None)
    if found is None:
        raise ValidationError(
            "roll import", "file", "a file previewed in this session (upload it again)", digest
        )
    data, name = found
    valid_rows = await form_text(request, "apply_valid_rows") == "yes"
    acknowledge = await form_text(request, "acknowledge_flags") == "yes"
    await run_in_threadpool(
        lambda: services_of(request).importer.import_csv(
            session.principal, session.organisation_id, data, name,
            apply_valid_rows=valid_rows, acknowledge_flags=acknowledge,
        )
    )  # fmt: skip
    return RedirectResponse("/console?done=imported", status_code=303)
