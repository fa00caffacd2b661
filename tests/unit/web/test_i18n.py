"""The Welsh catalogue: every string of every template (and every marked Python string) is in
it, translated, with the same placeholders; the committed .mo is compiled from the .po."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from clearcount.web import i18n

WEB = Path(i18n.__file__).parent
PO = i18n.LOCALE / "cy" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%%")


def extracted() -> set[str | tuple[str, str]]:
    """Every message the documented `pybabel extract` finds under web/ (babel.cfg)."""
    with (WEB / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found: set[str | tuple[str, str]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(WEB), method_map, options_map
    ):
        found.add(message if isinstance(message, str) else (message[0], message[1]))
    return found


def catalogue() -> dict[object, object]:
    with PO.open("rb") as handle:
        return {m.id: m.string for m in read_po(handle, locale="cy") if m.id}


def test_every_template_string_is_translated_into_welsh() -> None:
    messages = extracted()
    assert "Skip to main content" in messages  # base.html is read
    assert "Transfers between stages" in messages  # and the public pages
    welsh = catalogue()
    missing = sorted(str(m) for m in messages if m not in welsh)
    assert not missing, f"not in messages.po (run the commands in web/i18n.py): {missing}"
    empty = sorted(str(m) for m in messages if not all(_forms(welsh[m])))
    assert not empty, f"untranslated in messages.po: {empty}"


def _forms(value: object) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)  # type: ignore[arg-type]


def test_translations_keep_the_placeholders() -> None:
    for source, welsh in catalogue().items():
        wanted = sorted(PLACEHOLDER.findall(source if isinstance(source, str) else source[1]))
        for form in _forms(welsh):
            got = PLACEHOLDER.findall(form)
            assert sorted(set(got)) == sorted(set(wanted)), (source, form)


def test_the_compiled_catalogue_matches_the_po() -> None:
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for source, welsh in catalogue().items():
        if isinstance(source, str):
            assert compiled.gettext(source) == welsh, source
        else:
            for n, form in ((1, _forms(welsh)[1]), (5, _forms(welsh)[5])):
                assert compiled.ngettext(source[0], source[1], n) == form, source


def test_the_language_comes_from_query_then_cookie_then_browser() -> None:
    from starlette.requests import Request

    def request(query: str = "", cookie: str = "", accept: str = "") -> Request:
        headers = []
        if cookie:
            headers.append((b"cookie", f"lang={cookie}".encode()))
        if accept:
            headers.append((b"accept-language", accept.encode()))
        return Request({"type": "http", "query_string": query.encode(), "headers": headers})

    assert i18n.choose(request("lang=cy")) == ("cy", True)
    assert i18n.choose(request("lang=fr", cookie="cy")) == ("cy", False)
    assert i18n.choose(request(accept="fr, cy;q=0.8, en;q=0.9")) == ("en", False)
    assert i18n.choose(request(accept="cy-GB")) == ("cy", False)
    assert i18n.choose(request(accept="de;q=x")) == ("en", False)
