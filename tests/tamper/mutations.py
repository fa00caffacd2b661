"""Systematic mutations of an election record, each with the check ids that must catch it.

A mutation changes the event documents (every JSON leaf changed or removed, list items dropped or
duplicated, whole events deleted, duplicated or swapped, plus targeted forgeries) and is tried
twice: as is (the chain breaks at the next event: V-CHAIN-1) and re-chained, every later `seq`
and `prev` recomputed as a forger would, so the deeper checks must catch it.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from clearcount.record.chain import GENESIS, Event, event_from_document
from clearcount.record.result_body import result_decisions
from clearcount.verifier.checks_record import PHASES

__all__ = ["EXPECTED", "Mutation", "build", "mutations"]

Documents = list[dict[str, Any]]
Path = tuple[Any, ...]

EXPECTED: dict[str, frozenset[str]] = {
    "Setup": frozenset({"V-SCHEMA-1", "V-SETUP-1", "V-BALLOT-SIG"}),
    "Credentials": frozenset(
        {"V-SCHEMA-1", "V-CRED-0", "V-CRED-SIG", "V-CRED-1", "V-TALLY-1", "V-RESULT-2"}
    ),
    "Ballot": frozenset(
        {
            "V-SCHEMA-1",
            "V-BALLOT-SIG",
            "V-BALLOT-SHAPE",
            "V-BALLOT-PROOF",
            "V-CRED-1",
            "V-CHALLENGE-1",
        }
    ),
    "Spoiled": frozenset({"V-SCHEMA-1", "V-SPOIL-1"}),
    "EndBallots": frozenset({"V-SCHEMA-1", "V-END-1"}),
    "PaperBatch": frozenset({"V-SCHEMA-1", "V-PAPER-1", "V-CANCEL-1", "V-PAPER-2", "V-SELECT-1"}),
    "EncryptedTally": frozenset({"V-SCHEMA-1", "V-TALLY-1"}),
    "Shuffle": frozenset({"V-SCHEMA-1", "V-SHUFFLE-1", "V-SHUFFLE-SIG"}),
    "PartialDecryption": frozenset({"V-SCHEMA-1", "V-DECRYPT-1", "V-DECRYPT-2", "V-DECRYPT-SIG"}),
    "Result": frozenset({"V-SCHEMA-1", "V-RESULT-1", "V-RESULT-2"}),
}
"""Event type -> the checks, any of which must fail when a field of that event is changed."""

DELETED: dict[str, frozenset[str]] = {
    "Setup": frozenset({"V-SEQ-1"}),
    "Credentials": frozenset({"V-SEQ-1"}),
    "Ballot": frozenset({"V-END-1"}),
    "EndBallots": frozenset({"V-SEQ-1"}),
    "PaperBatch": frozenset({"V-TALLY-1", "V-SHUFFLE-1"}),
    "EncryptedTally": frozenset({"V-TALLY-1"}),
    "Shuffle": frozenset({"V-SHUFFLE-1", "V-DECRYPT-1"}),  # the last shuffle: shares no longer fit
    "PartialDecryption": frozenset({"V-DECRYPT-2"}),
    "Result": frozenset({"V-SEQ-1"}),
}
"""Deleting a Spoiled event is not detectable from the record (EndBallots does not count them):
a documented gap. Deleting a PartialDecryption when more than t remain changes nothing."""

DUPLICATED: dict[str, frozenset[str]] = {
    "Setup": frozenset({"V-SEQ-1"}),
    "Credentials": frozenset({"V-SEQ-1"}),
    "Ballot": frozenset({"V-CHALLENGE-1"}),
    "Spoiled": frozenset({"V-SPOIL-1"}),
    "EndBallots": frozenset({"V-SEQ-1"}),
    "PaperBatch": frozenset({"V-SELECT-1", "V-TALLY-1", "V-SHUFFLE-1"}),
    "EncryptedTally": frozenset({"V-SEQ-1"}),
    "Shuffle": frozenset({"V-SHUFFLE-1"}),
    "PartialDecryption": frozenset({"V-DECRYPT-2"}),
    "Result": frozenset({"V-SEQ-1"}),
}


@dataclass(frozen=True, slots=True)
class Mutation:
    """One tampering: its class, a description, the new documents and the ids that must fail."""

    kind: str
    description: str
    documents: Documents
    expected: frozenset[str]
    breaks_at: int
    """The first event whose seq or prev no longer fits without re-chaining (V-CHAIN-1 fails
    there if it exists)."""


def _leaves(value: Any, path: Path = ()) -> Iterator[Path]:
    """Every node below `value`: fields, sub-objects, list items (long lists: 3 of them)."""
    if isinstance(value, dict):
        keys: Any = list(value)
    elif isinstance(value, list):
        keys = sorted({0, len(value) // 2, len(value) - 1}) if len(value) > 3 else range(len(value))
    else:
        return
    for key in keys:
        yield (*path, key)
        yield from _leaves(value[key], (*path, key))


def _changed(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        if value and value[0] in "0123456789abcdef":
            return ("1" if value[0] != "1" else "2") + value[1:]
        return value + "x"
    if value is None:
        return 0
    return None


def _get(root: Any, path: Path) -> Any:
    for key in path:
        root = root[key]
    return root


def _edit(documents: Documents, position: int, path: Path, action: str) -> Documents | None:
    result = copy.deepcopy(documents)
    parent = _get(result[position]["body"], path[:-1])
    key = path[-1]
    if action == "change":
        new = _changed(parent[key])
        if new == parent[key] or isinstance(parent[key], dict | list):
            return None
        parent[key] = new
    elif action == "remove":
        del parent[key]
    elif action == "duplicate":
        parent.insert(key, copy.deepcopy(parent[key]))
    return result


def _field_expected(
    documents: Documents, changed: Documents, position: int, path: Path
) -> frozenset[str]:
    """EXPECTED for the event type, or nothing for a Result's wording (spec §11.9.2).

    V-RESULT-2 compares a declared count's numbers and decisions only: a change to a stage's
    description, a note or an option that leaves them equal keeps the record valid.
    """
    kind = documents[position]["type"]
    if kind == "Result" and len(path) > 3 and path[0] == "contests" and path[2] == "result":
        before = documents[position]["body"]["contests"][path[1]]["result"]
        after = changed[position]["body"]["contests"][path[1]]["result"]
        names = before.get("candidates", [])
        if result_decisions(before, names) == result_decisions(after, names):
            return frozenset()
    return EXPECTED[kind]


def mutations(documents: Documents) -> Iterator[Mutation]:
    """Every mutation of the record's documents (field, event and targeted forgeries)."""
    for position, document in enumerate(documents):
        kind = document["type"]
        for path in _leaves(document["body"]):
            actions = (
                ["change"] if not isinstance(_get(document["body"], path), dict | list) else []
            )
            actions.append("remove")
            if isinstance(path[-1], int):
                actions.append("duplicate")
            for action in actions:
                changed = _edit(documents, position, path, action)
                if changed is not None:
                    where = ".".join(str(p) for p in path)
                    yield Mutation(
                        f"field-{action}",
                        f"event {position} {kind}.{where} {action}",
                        changed,
                        _field_expected(documents, changed, position, path),
                        position + 1,
                    )
        if kind in DELETED:
            rest = documents[:position] + documents[position + 1 :]
            yield Mutation(
                "event-delete",
                f"event {position} {kind} deleted",
                rest,
                _deleted(documents, kind),
                position,
            )
        if kind in DUPLICATED:
            copied = [
                *documents[: position + 1],
                copy.deepcopy(document),
                *documents[position + 1 :],
            ]
            yield Mutation(
                "event-duplicate",
                f"event {position} {kind} duplicated",
                copied,
                DUPLICATED[kind],
                position + 1,
            )
        if position + 1 < len(documents):
            after = documents[position + 1]["type"]
            if kind in PHASES and after in PHASES and PHASES[kind] != PHASES[after]:
                swapped = [
                    *documents[:position],
                    documents[position + 1],
                    document,
                    *documents[position + 2 :],
                ]
                yield Mutation(
                    "event-reorder",
                    f"events {position} {kind} and {after} swapped",
                    swapped,
                    frozenset({"V-SEQ-1"}),
                    position,
                )
    yield from _forgeries(documents)


def _deleted(documents: Documents, kind: str) -> frozenset[str]:
    """What must catch deleting an event of `kind`; empty when the record stays valid."""
    if kind == "PartialDecryption":
        present = sum(1 for d in documents if d["type"] == kind)
        if present > documents[0]["body"]["threshold"]:
            return frozenset()  # t of n suffice: the Result is unchanged
    return DELETED[kind]


def _forgeries(documents: Documents) -> Iterator[Mutation]:
    ballots = [i for i, d in enumerate(documents) if d["type"] == "Ballot"]
    first, second = ballots[0], ballots[1]
    replayed = copy.deepcopy(documents)
    replayed[first]["body"]["credential"] = documents[second]["body"]["credential"]
    yield Mutation(
        "ballot-replay",
        f"ballot {first} replayed under ballot {second}'s credential",
        replayed,
        frozenset({"V-BALLOT-SIG"}),
        first + 1,
    )
    yield from _decryption_forgeries(documents)
    for position, document in enumerate(documents):
        if document["type"] == "EncryptedTally":
            swapped = copy.deepcopy(documents)
            cts = swapped[position]["body"]["contests"][0]["ciphertexts"]
            cts[0], cts[1] = cts[1], cts[0]
            yield Mutation(
                "tally-swap",
                "two tally ciphertexts swapped",
                swapped,
                frozenset({"V-TALLY-1"}),
                position + 1,
            )
        if document["type"] == "Result":
            changed = copy.deepcopy(documents)
            result = changed[position]["body"]["contests"][0]["result"]
            others = [c for c in result["candidates"] if c not in result["elected"]]
            if result["elected"] and others:
                result["elected"] = [others[0], *result["elected"][1:]]
                yield Mutation(
                    "winner-change",
                    "declared winner replaced",
                    changed,
                    frozenset({"V-RESULT-2"}),
                    position + 1,
                )


def _decryption_forgeries(documents: Documents) -> Iterator[Mutation]:
    """Within one trustee's batch (spec §4.3.3): two shares swapped, and another trustee's
    batched proof put in place of its own; each fails the batch (V-DECRYPT-1)."""
    partials = [i for i, d in enumerate(documents) if d["type"] == "PartialDecryption"]
    if len(partials) < 2:
        return
    first, second = partials[0], partials[1]
    contest = documents[first]["body"]["contests"][0]
    if len(contest["shares"]) > 1 and contest["proof"] is not None:
        swapped = copy.deepcopy(documents)
        shares = swapped[first]["body"]["contests"][0]["shares"]
        shares[0], shares[-1] = shares[-1], shares[0]
        if shares != contest["shares"]:
            yield Mutation(
                "decryption-share-swap",
                f"event {first} PartialDecryption: first and last shares swapped",
                swapped,
                frozenset({"V-DECRYPT-1"}),
                first + 1,
            )
    other = documents[second]["body"]["contests"][0]["proof"]
    if contest["proof"] is not None and other is not None:
        replayed = copy.deepcopy(documents)
        replayed[first]["body"]["contests"][0]["proof"] = other
        yield Mutation(
            "decryption-proof-replay",
            f"event {first} PartialDecryption: event {second}'s batched proof replayed",
            replayed,
            frozenset({"V-DECRYPT-1"}),
            first + 1,
        )


def build(documents: Documents, *, rechain: bool) -> list[Event]:
    """Events from documents; with `rechain`, every seq and prev recomputed (a forger's record)."""
    events: list[Event] = []
    for position, document in enumerate(documents):
        if rechain:
            prev = events[-1].hash if events else GENESIS
            document = {**document, "seq": position, "prev": prev}
        events.append(event_from_document(document, f"mutated event {position}"))
    return events
