"""Checks of the key ceremony's transcript in Setup (spec §11.2.3, §12.2).

The trustees' round-1 messages (commitments, proofs, encrypted shares) and round-2
acknowledgements are in `Setup.ceremony`. The verifier re-checks, from the record alone, that
each trustee sent exactly one of each, for this ceremony context, with the commitments and
proofs listed in `Setup.trustees` (V-CEREMONY-1); that every message is signed by its trustee's
key in `Setup.trustee_keys` (V-CEREMONY-2); and that every trustee acknowledged every round-1
message as recorded, with no complaint left (V-CEREMONY-3). The shares stay encrypted: each
acknowledgement is the recipient's signed word that its shares matched the commitments.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from clearcount.record.ceremony_body import transcript_problems
from clearcount.verifier import facts
from clearcount.verifier.view import Collector, RecordView

__all__ = ["CHECKS"]


def _problems(view: RecordView) -> list[tuple[str, str]]:
    def compute() -> list[tuple[str, str]]:
        setup = facts.setup(view)
        people = [(t.name, t.index, t.key, t.encryption_key) for t in setup.trustee_keys]
        found = transcript_problems(
            setup.ceremony_context(), people, setup.threshold, setup.ceremony
        )
        for entry, message in zip(setup.trustees, setup.ceremony.round1, strict=False):
            if (entry.commitments, entry.proofs) != (message.commitments, message.proofs):
                found.append(
                    (
                        "V-CEREMONY-1",
                        f"Setup.trustees of {entry.name!r}: commitments or proofs differ from "
                        "its signed round-1 message",
                    )
                )
        return found

    return view.derive("the ceremony transcript", compute)


def _check(check_id: str) -> Callable[[RecordView, Collector], None]:
    def check(view: RecordView, out: Collector) -> None:
        setup = facts.setup(view)
        for found_id, reason in _problems(view):
            if found_id == check_id:
                out.fail(reason, view.event(0))
        out.detail = (
            f"{len(setup.ceremony.round1)} round-1 and {len(setup.ceremony.round2)} round-2 "
            "messages"
        )

    check.__doc__ = f"{check_id} (spec §11.2.3)"
    return check


CHECKS: Mapping[str, Callable[[RecordView, Collector], None]] = {
    "V-CEREMONY-1": _check("V-CEREMONY-1"),
    "V-CEREMONY-2": _check("V-CEREMONY-2"),
    "V-CEREMONY-3": _check("V-CEREMONY-3"),
}
