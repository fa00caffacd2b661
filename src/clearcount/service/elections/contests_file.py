"""The contests file: the questions and candidates of a ballot as the officer writes them
(docs/steps/03-define-the-ballot.md), read the same way by `clearcount election define` and the
console's "Define a ballot" form."""

from __future__ import annotations

from clearcount.record.events import ContestSpec
from clearcount.service.elections.ballots import contest
from clearcount.service.errors import ServiceError

__all__ = ["CONTESTS_FORMAT", "ContestsFileError", "contests_from_document"]


class ContestsFileError(ServiceError):
    """A contests file that is not one; the message names the place and what was expected."""


CONTESTS_FORMAT = "clearcount-contests/1"
_CONTEST_FIELDS = (
    "id",
    "title",
    "method",
    "candidates",
    "seats",
    "min_selections",
    "max_selections",
    "max_ranks",
    "weighted",
    "options",
)


def contests_from_document(
    document: object, source: str, eligible: int | None
) -> tuple[ContestSpec, ...]:
    """The contests of a contests file (docs/steps/03-define-the-ballot.md).

    An option `"entitled": "roll"` (yes/no ballots under a turnout rule) becomes the number of
    eligible members on the frozen roll.
    """
    if not isinstance(document, dict) or document.get("format") != CONTESTS_FORMAT:
        raise ContestsFileError(
            f'{source}: expected a JSON object with "format": "{CONTESTS_FORMAT}"'
        )
    items = document.get("contests")
    if not isinstance(items, list) or not items:
        raise ContestsFileError(f'{source}: expected "contests": a list of at least one contest')
    out = []
    for i, item in enumerate(items):
        where = f"{source}: contests[{i}]"
        if not isinstance(item, dict):
            raise ContestsFileError(f"{where}: expected an object, got {type(item).__name__}")
        unknown = sorted(set(item) - set(_CONTEST_FIELDS))
        missing = [f for f in _CONTEST_FIELDS[:4] if f not in item]
        if unknown or missing:
            raise ContestsFileError(f"{where}: unknown fields {unknown}, missing fields {missing}")
        options = item.get("options") or {}
        if not isinstance(options, dict):
            raise ContestsFileError(f"{where}.options: expected an object of options")
        options = dict(options)
        for name in ("seats", "min_selections", "max_selections", "max_ranks"):
            value = item.get(name)
            if value is not None and (type(value) is not int or not 0 <= value <= 10**6):
                raise ContestsFileError(f"{where}.{name}: expected a whole number, got {value!r}")
        for name in ("id", "title", "method"):
            if not isinstance(item[name], str):
                raise ContestsFileError(f"{where}.{name}: expected text")
        if options.get("entitled") == "roll":
            if eligible is None:
                raise ContestsFileError(f'{where}: "entitled": "roll" needs a frozen roll first')
            options["entitled"] = eligible
        candidates = item["candidates"]
        if not isinstance(candidates, list) or not all(isinstance(c, str) for c in candidates):
            raise ContestsFileError(f"{where}.candidates: expected a list of names")
        out.append(
            contest(
                item["id"],
                item["title"],
                item["method"],
                candidates,
                seats=item.get("seats", 1),
                min_selections=item.get("min_selections", 0),
                max_selections=item.get("max_selections"),
                max_ranks=item.get("max_ranks"),
                weighted=bool(item.get("weighted", False)),
                options=options,
            )
        )
    return tuple(out)
