"""The Jinja2 templates every page renders through (autoescaped; i18n hook; CSRF token).

`render(request, name, context)` is the one way a route makes an HTML page: it adds the CSRF
token, the request (for the language switch's links) and the translation functions (Jinja2's
"newstyle" gettext: every message is a format string, so a literal percent sign is written
`%%`, and `_("Choose %(n)s.", n=2)` fills it in). The
environment carries Jinja2's i18n extension with null translations, so templates use
`{% trans %}` and `_()` from the start; the i18n machinery (web.i18n, helper webpublic) installs
the Welsh catalogue per request through `Site.translations_for`.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jinja2
import jinja2.runtime
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from clearcount.web.security import csrf_token

__all__ = ["TEMPLATES", "Translations", "make_templates", "render"]

TEMPLATES = Path(__file__).parent / "templates"

Translations = Callable[[Request], gettext.NullTranslations]
"""Picks the catalogue for a request (the `lang` cookie or `?lang=`); null = English."""


def _english(_request: Request) -> gettext.NullTranslations:
    return gettext.NullTranslations()


def _gettext(translations: gettext.NullTranslations) -> Callable[..., str]:
    """Jinja2's "newstyle" gettext over `translations`: escaped, then `%(name)s` filled."""

    @jinja2.pass_context
    def translate(context: jinja2.runtime.Context, text: str, **variables: Any) -> str:
        found = translations.gettext(text)
        if context.eval_ctx.autoescape:
            found = Markup(found)  # noqa: S704 - our own catalogue's text; values are escaped by %
        return found % variables

    return translate


def _ngettext(translations: gettext.NullTranslations) -> Callable[..., str]:
    @jinja2.pass_context
    def translate(
        context: jinja2.runtime.Context, singular: str, plural: str, num: int, **variables: Any
    ) -> str:
        found = translations.ngettext(singular, plural, num)
        if context.eval_ctx.autoescape:
            found = Markup(found)  # noqa: S704 - our own catalogue's text; values are escaped by %
        return found % {"num": num, **variables}

    return translate


def make_templates() -> Jinja2Templates:
    """The environment: autoescape on every template, undefined names are errors."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    return Jinja2Templates(env=env)


def render(
    request: Request,
    name: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """The page `name` for this request, in the request's language."""
    templates: Jinja2Templates = request.app.state.templates
    pick: Translations = getattr(request.app.state, "translations_for", _english)
    translations = pick(request)
    translate = _gettext(translations)
    values: dict[str, Any] = {
        "csrf_token": csrf_token(request),
        "lang": getattr(request.state, "lang", "en"),
        "_": translate,
        "gettext": translate,
        "ngettext": _ngettext(translations),
        **(context or {}),
    }
    return templates.TemplateResponse(request, name, values, status_code=status_code)
