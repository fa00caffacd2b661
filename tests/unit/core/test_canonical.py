import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearcount.core import canonical
from clearcount.core.canonical import (
    MAX_SAFE_INTEGER,
    canonical_json,
    canonical_sha256,
    parse_canonical,
)
from clearcount.core.errors import CanonicalFormError


def test_rfc8785_key_order_is_by_utf16_code_units() -> None:
    # RFC 8785 §3.2.3's sorting example.
    value = {
        "\u20ac": "Euro Sign",
        "\r": "Carriage Return",
        "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One",
        "\U0001f600": "Emoji: Grinning Face",
        "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis",
    }
    parsed = parse_canonical(canonical_json(value))
    assert isinstance(parsed, dict)
    keys = list(parsed)
    assert keys == ["\r", "1", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\ufb33"]


def test_escaping_and_spacing() -> None:
    assert canonical_json({"b": [1, True, None], "a": 'x\n"\u001f€'}) == (
        '{"a":"x\\n\\"\\u001f€","b":[1,true,null]}'.encode()
    )


@pytest.mark.parametrize(
    "value", [1.5, MAX_SAFE_INTEGER + 1, {1: "x"}, b"raw", {"a": float("nan")}, "\ud800"]
)
def test_values_without_a_canonical_form_are_refused(value: object) -> None:
    with pytest.raises(CanonicalFormError):
        canonical_json(value)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b'{"b":1,"a":2}', "canonical form"),
        (b'{"a": 2}', "canonical form"),
        (b'{"a":1,"a":1}', "duplicate key"),
        (b'{"a":1.0}', "not an integer"),
        (b'{"a":NaN}', "not JSON"),
        (b"\xff", "not UTF-8"),
        (b"[" * 100000, "nesting"),
        (b'{"a":', "invalid JSON"),
    ],
)
def test_parse_refuses_non_canonical_bytes(data: bytes, fragment: str) -> None:
    with pytest.raises(CanonicalFormError, match=fragment):
        parse_canonical(data)


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER)
    | st.text(st.characters(exclude_categories=("Cs",))),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.text(st.characters(exclude_categories=("Cs",)), max_size=5), inner, max_size=4
        )
    ),
    max_leaves=20,
)


@given(JSON)
def test_round_trip(value: object) -> None:
    data = canonical_json(value)
    assert parse_canonical(data) == value
    assert canonical_json(parse_canonical(data)) == data


@given(st.binary(max_size=300))
def test_arbitrary_bytes_parse_or_fail_cleanly(data: bytes) -> None:
    try:
        value = parse_canonical(data)
    except CanonicalFormError:
        return
    assert canonical_json(value) == data


def _verdict(data: bytes) -> object:
    try:
        return parse_canonical(data)
    except CanonicalFormError as error:
        return str(error)


@settings(deadline=None)  # no timing: a loaded machine must not fail it
@given(JSON, st.integers(0, 200), st.sampled_from([b"", b" ", b"0", b"\\", b'"', b"}"]))
def test_a_long_text_compared_in_pieces_gets_the_verdict_of_a_whole_one(
    value: object, at: int, extra: bytes
) -> None:
    """Long texts are matched against their re-encoding a few parts at a time (a Credentials
    event of a million members): the same values and the same refusals as one comparison."""
    data = canonical_json(value)
    data = data[:at] + extra + data[at:]
    whole = _verdict(data)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(canonical, "MATCH_IN_PIECES", 0)
        patch.setattr(canonical, "PARTS_PER_PIECE", 3)
        assert _verdict(data) == whole
        assert _verdict(memoryview(data + b"\n")[:-1]) == whole


@settings(deadline=None)  # no timing: a loaded machine must not fail it
@given(JSON)
def test_the_digest_hashed_in_pieces_is_the_digest_of_the_encoding(value: object) -> None:
    expected = hashlib.sha256(canonical_json(value)).digest()
    assert canonical_sha256(value) == expected
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(canonical, "PARTS_PER_PIECE", 2)
        assert canonical_sha256(value) == expected


TRICKY = st.sampled_from(
    [
        b"",
        b" ",
        b"-0",
        b"1.0",
        b"9007199254740992",
        b"-9007199254740991",
        b'"\\u0041"',
        b'"\\/"',
        b'"\\u001f"',
        b'"\\u001F"',
        b'"\\t"',
        b'"\\u0009"',
        b'"\\ud800"',
        b'"\xc3\xa9"',
        b'"\\u00e9"',
        b'"\x7f"',
        b'{"a":1,"a":1}',
        b'{"b":1,"a":1}',
        b'{"\xef\xbf\xbd":1,"\xf0\x9f\x98\x80":2}',
        b'{"\xf0\x9f\x98\x80":2,"\xef\xbf\xbd":1}',
        b"[1,]",
        b"true",
        b"null",
        b"NaN",
    ]
)


@settings(deadline=None)  # no timing: a loaded machine must not fail it
@given(JSON, st.integers(0, 200), TRICKY, st.booleans())
def test_the_quick_path_gives_the_careful_paths_verdict(
    value: object, at: int, extra: bytes, replace: bool
) -> None:
    """ASCII lines are checked by the json module's C code: the same values and the same
    refusals, with the same reasons, as the careful re-encoding."""
    data = canonical_json(value)
    data = extra if replace else data[:at] + extra + data[at:]
    quick = _verdict(data)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(canonical, "_quick_parse", lambda text, data: None)
        assert _verdict(data) == quick
