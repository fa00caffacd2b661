"""Which paper channels and workplaces a PaperBatch may use under the Setup (§11.6, §11.12).

Shared by the board (protocol) and the verifier, which must agree on it: a paper channel ranks
before `online` in `channel_precedence`, except postal papers of a hybrid ballot, which may rank
after it (the member's online ballot then wins; §11.12.4); a workplace is named exactly by the
postal batches of a separate-workplace ballot, and must be one of Setup.postal's.
"""

from __future__ import annotations

from clearcount.record.setup_body import Setup

__all__ = ["online_first", "paper_channel_problem"]


def online_first(setup: Setup) -> bool:
    """True for a hybrid ballot whose published precedence puts online before postal."""
    order = setup.channel_precedence
    return (
        setup.postal is not None
        and setup.postal.method == "hybrid"
        and order.index("online") < order.index("postal")
    )


def paper_channel_problem(setup: Setup, channel: str, workplace: str | None) -> str | None:
    """What is wrong with a batch on `channel` for `workplace`, or None if nothing is."""
    order = setup.channel_precedence
    hybrid_postal = channel == "postal" and online_first(setup)
    if channel not in order or (
        order.index(channel) >= order.index("online") and not hybrid_postal
    ):
        return (
            f"channel: expected a channel ranked before 'online' in {list(order)} (or postal "
            f"in a hybrid ballot), got {channel!r}"
        )
    names = [] if setup.postal is None else [w.name for w in setup.postal.workplaces]
    if channel == "postal" and names:
        if workplace not in names:
            return f"workplace: expected one of {names}, got {workplace!r}"
    elif workplace is not None:
        return (
            "workplace: expected none outside a separate-workplace postal ballot, got "
            f"{workplace!r}"
        )
    return None
