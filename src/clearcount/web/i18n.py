"""English and Welsh: the request's language and its gettext catalogue (issue 9).

The language comes from `?lang=cy` (or `?lang=en`) on any page, which is then kept in a `lang`
cookie; without either, from the browser's Accept-Language; else English. `LanguageMiddleware`
puts it in `request.state.lang` (base.html writes it into `<html lang>`) and sets the cookie;
`translations_for(request)` is the catalogue `web.templating.render` installs per page.
`install(app)` wires both, one line in `web.app`.

The catalogues are gettext `.po` files under `web/locale/<lang>/LC_MESSAGES/messages.po` with
their compiled `.mo` beside them, both committed. After changing a string in a template or in
Python (`_()`/`gettext`), from the repository root:

    pybabel extract -F src/clearcount/web/babel.cfg -o src/clearcount/web/locale/messages.pot \
        --no-location --omit-header src/clearcount/web
    pybabel update -i src/clearcount/web/locale/messages.pot -d src/clearcount/web/locale \
        --no-fuzzy-matching --ignore-obsolete --omit-header
    (translate the new entries in messages.po)
    pybabel compile -d src/clearcount/web/locale

`tests/web/test_i18n.py` fails while a template string is missing from the Welsh catalogue or
the `.mo` is out of date with its `.po`.
"""

from __future__ import annotations

import gettext
from datetime import datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "COOKIE",
    "LANGUAGES",
    "LOCALE",
    "N_",
    "LanguageMiddleware",
    "install",
    "lang_of",
    "local_time",
    "translations_for",
]

LOCALE = Path(__file__).parent / "locale"
LANGUAGES = ("en", "cy")
"""English (the source strings) and Welsh (Cymraeg)."""
COOKIE = "lang"
LONDON = ZoneInfo("Europe/London")
_YEAR = 365 * 24 * 3600


def N_(message: str) -> str:  # noqa: N802 - gettext's name for "translate where it is shown"
    """Marks a string for the catalogue (`pybabel extract` finds it); it is translated where it
    is shown, in the request's language."""
    return message


@cache
def catalogue(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of `lang` (English: the strings as written)."""
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation("messages", LOCALE, languages=[lang])


def _accepted(header: str) -> str | None:
    """The first of our languages in an Accept-Language header, by its q-value."""
    best: tuple[float, str] | None = None
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in LANGUAGES:
            continue
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if best is None or quality > best[0]:
            best = (quality, primary)
    return None if best is None else best[1]


def choose(request: Request) -> tuple[str, bool]:
    """(the request's language, whether `?lang=` chose it so the cookie must be set)."""
    asked = request.query_params.get("lang", "")
    if asked in LANGUAGES:
        return asked, True
    kept = request.cookies.get(COOKIE, "")
    if kept in LANGUAGES:
        return kept, False
    return _accepted(request.headers.get("accept-language", "")) or "en", False


def lang_of(request: Request) -> str:
    """The request's language, one of LANGUAGES."""
    lang = getattr(request.state, "lang", None) or choose(request)[0]
    return lang if lang in LANGUAGES else "en"


def local_time(instant: str, lang: str) -> str:
    """An instant of the record ("2031-04-01T09:00:00Z") as a date and time in Europe/London in
    `lang`'s words (Babel's CLDR data: month names, the zone's name), with the zone shown
    ("1 April 2031, 10:00 British Summer Time", "1 Ebrill 2031, 10:00 Amser Haf Prydain")."""
    at = datetime.fromisoformat(instant.replace("Z", "+00:00"))
    locale = "en_GB" if lang == "en" else lang
    return format_datetime(at, "d MMMM y, HH:mm zzzz", tzinfo=LONDON, locale=locale)


def translations_for(request: Request) -> gettext.NullTranslations:
    """The catalogue of the request's language (`web.templating.Translations`)."""
    return catalogue(lang_of(request))


class LanguageMiddleware:
    """Puts the language in `request.state.lang`; `?lang=` also sets the `lang` cookie."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        lang, chosen = choose(Request(scope))
        scope.setdefault("state", {})["lang"] = lang
        secure = scope.get("scheme") == "https"

        async def send_with_cookie(message: Message) -> None:
            if chosen and message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                cookie = f"{COOKIE}={lang}; Path=/; Max-Age={_YEAR}; SameSite=Lax"
                headers.append("set-cookie", cookie + ("; Secure" if secure else ""))
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def install(app: Starlette) -> None:
    """Wire the language choice and the catalogues into `app` (one line in `web.app`)."""
    app.add_middleware(LanguageMiddleware)
    app.state.translations_for = translations_for
