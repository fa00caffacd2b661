"""Trigger-ballot bodies as JSON: the input of `trigger_ballot.count_bodies`, no Contest needed.

    {"profile": "labour-2018", "title": "Ashby Vale CLP",
     "bodies": [{"name": "Northfold branch", "kind": "branch", "vote": "no"},
                {"name": "Riverside branch", "kind": "branch", "members": {"yes": 9, "no": 7}},
                {"name": "Quarry Lane branch", "kind": "branch", "vote": null}]}

Every top-level key but "bodies" is returned as an option (the count checks their names);
`vote` is "yes", "no", "abstain" or null. Errors name the path (bodies[2].members.yes).
See docs/counting/formats.md.
"""

from __future__ import annotations

import json

from clearcount.core.errors import CountingError, InputFormatError
from clearcount.core.json_text import load_json
from clearcount.counting.trigger_ballot import Body

__all__ = ["format_bodies_json", "parse_bodies_json"]

_BODY_KEYS = ("name", "kind", "vote", "members")


def _count(source: str, path: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InputFormatError(source, None, f"{path}: expected a whole number >= 0, got {value!r}")
    return value


def _body(source: str, index: int, item: object) -> Body:
    path = f"bodies[{index}]"
    if not isinstance(item, dict):
        raise InputFormatError(source, None, f"{path}: expected an object, got {item!r}")
    unknown = sorted(set(item) - set(_BODY_KEYS))
    if unknown:
        raise InputFormatError(
            source, None, f"{path}: unknown key(s) {unknown!r}; expected {list(_BODY_KEYS)!r}"
        )
    for key in ("name", "kind"):
        if not isinstance(item.get(key), str):
            raise InputFormatError(
                source, None, f"{path}.{key}: expected a string, got {item.get(key)!r}"
            )
    vote = item.get("vote")
    if vote == "abstain":
        vote = None
    if vote not in ("yes", "no", None):
        raise InputFormatError(
            source, None, f"{path}.vote: expected 'yes', 'no', 'abstain' or null, got {vote!r}"
        )
    members_yes = members_no = None
    if item.get("members") is not None:
        members = item["members"]
        if not isinstance(members, dict) or set(members) != {"yes", "no"}:
            raise InputFormatError(
                source,
                None,
                f'{path}.members: expected {{"yes": n, "no": m}}, got {members!r}',
            )
        members_yes = _count(source, f"{path}.members.yes", members["yes"])
        members_no = _count(source, f"{path}.members.no", members["no"])
    try:
        return Body(item["name"], item["kind"], vote, members_yes, members_no)
    except CountingError as exc:
        raise InputFormatError(source, None, f"{path}: {exc}") from None


def parse_bodies_json(text: str, source: str = "<bodies>") -> tuple[list[Body], dict[str, object]]:
    """The bodies and the file's options (profile, title, body_tie, ...)."""
    try:
        document = load_json(text)
    except json.JSONDecodeError as exc:
        raise InputFormatError(
            source, exc.lineno, f"not valid JSON: {exc.msg} (column {exc.colno})"
        ) from None
    if not isinstance(document, dict):
        raise InputFormatError(
            source, None, f"expected a JSON object, got {type(document).__name__}"
        )
    items = document.get("bodies")
    if not isinstance(items, list):
        raise InputFormatError(source, None, f"bodies: expected a list of bodies, got {items!r}")
    bodies = [_body(source, i, item) for i, item in enumerate(items)]
    options = {key: value for key, value in document.items() if key != "bodies"}
    return bodies, options


def format_bodies_json(bodies: list[Body], options: dict[str, object] | None = None) -> str:
    """The JSON text `parse_bodies_json` reads back to the same bodies and options."""
    items: list[dict[str, object]] = []
    for body in bodies:
        item: dict[str, object] = {"name": body.name, "kind": body.kind, "vote": body.vote}
        if body.members_yes is not None:
            item["members"] = {"yes": body.members_yes, "no": body.members_no}
        items.append(item)
    return json.dumps({**(options or {}), "bodies": items}, ensure_ascii=False, indent=2) + "\n"
