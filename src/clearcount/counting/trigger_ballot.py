"""Labour trigger ballots: party branches and affiliates each cast one body vote (domain.md §1.1).

A body votes "yes" (reselect the sitting MP without an open selection) or "no" (ask for a
selection), or does not vote. A branch decides by simple majority of the members at its
meeting, so a body's vote may be given directly or derived from its members' count; there is
no quorum. Two rule profiles:

* "labour-2018" (Rule Book Ch.5 Cl.IV.5.B as amended in 2018): a selection is triggered when
  one third or more of the party branches, OR one third or more of the affiliates, ask for one,
  counting only the bodies in that class that voted (2019 FAQ to MPs); 3 * no >= voted, i.e.
  the third rounded up. A class in which no body voted cannot trigger.
* "labour-2021" (conference 2021): the MP must win the support of half of all branches, party
  branches and affiliates pooled. Half of the bodies that voted by default (option `basis`),
  at least half by default (option `mp_support_strict` for "more than half"); both [verify].

The counts are integers; docs/counting/trigger-ballot.md gives the sources and interpretation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from clearcount.core.errors import ConfigError, CountingError
from clearcount.counting.options import check_keys, get_bool, get_choice, get_str
from clearcount.counting.result import Result, Stage

__all__ = ["KINDS", "METHOD", "PROFILES", "Body", "body_vote", "count_bodies"]

METHOD = "trigger-ballot"
KINDS = ("branch", "affiliate")
PROFILES = ("labour-2018", "labour-2021")
Vote = Literal["yes", "no"]

RULE_2018 = (
    "If either one third or more of Party branches, or one third or more of affiliated "
    "branches, indicate that they wish a selection to take place, a selection shall proceed "
    "(Labour Rule Book Ch.5 Cl.IV.5.B, as amended by conference 2018); the third is computed "
    "only on the branches that cast a vote (2019 FAQ to MPs), fractions rounded up."
)
RULE_2021 = (
    "The MP must win the support of half of all branches, CLP and affiliates together "
    "(conference 2021 rule change, 'simple majority trigger ballots') [verify against the "
    "Rule Book text]."
)
_COMMON_KEYS = ("profile", "body_tie", "title")
_KEYS_2021 = ("basis", "mp_support_strict")


@dataclass(frozen=True, slots=True)
class Body:
    """One party branch or affiliate and its body vote (None: abstained or did not vote).

    `members_yes`/`members_no` are the members' count at the body's meeting, from which the
    vote is derived by simple majority when `vote` is None. Given together with `vote`, they
    must not contradict it; on a tie `vote` records the decision (e.g. a chair's casting vote).
    """

    name: str
    kind: Literal["branch", "affiliate"]
    vote: Vote | None = None
    members_yes: int | None = None
    members_no: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise CountingError(f"body {self.name!r}: field 'name' must be a non-empty string")
        if self.kind not in KINDS:
            raise CountingError(
                f"body {self.name!r}: field 'kind' must be 'branch' or 'affiliate', "
                f"got {self.kind!r}"
            )
        if self.vote not in ("yes", "no", None):
            raise CountingError(
                f"body {self.name!r}: field 'vote' must be 'yes', 'no' or None, got {self.vote!r}"
            )
        counts = (self.members_yes, self.members_no)
        if (counts[0] is None) != (counts[1] is None):
            raise CountingError(
                f"body {self.name!r}: fields 'members_yes' and 'members_no' must be given "
                f"together, got {counts[0]!r} and {counts[1]!r}"
            )
        for field, value in (("members_yes", counts[0]), ("members_no", counts[1])):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise CountingError(
                    f"body {self.name!r}: field {field!r} must be a whole number, got {value!r}"
                )
            if value is not None and value < 0:
                raise CountingError(
                    f"body {self.name!r}: field {field!r} must be at least 0, got {value}"
                )
        if self.vote is not None and counts[0] is not None and counts[1] is not None:
            majority = "yes" if counts[0] > counts[1] else "no" if counts[1] > counts[0] else None
            if majority is not None and majority != self.vote:
                raise CountingError(
                    f"body {self.name!r}: field 'vote' is {self.vote!r} but its members voted "
                    f"{counts[0]} yes to {counts[1]} no; expected {majority!r}"
                )


def body_vote(body: Body, body_tie: str) -> tuple[Vote | None, str]:
    """The body's vote and how it was reached ("given", "members", "tie: ...", "no vote")."""
    if body.vote is not None:
        return body.vote, "given"
    if body.members_yes is None or body.members_no is None:
        return None, "no vote"
    if body.members_yes > body.members_no:
        return "yes", "members' majority"
    if body.members_no > body.members_yes:
        return "no", "members' majority"
    if body.members_yes == 0:
        return None, "no member voted"
    if body_tie == "yes":
        return "yes", "members tied; body_tie: yes"
    if body_tie == "no":
        return "no", "members tied; body_tie: no"
    return None, "members tied; body_tie: abstain"


def _class_counts(votes: Sequence[tuple[Body, Vote | None, str]], kind: str) -> dict[str, int]:
    mine = [(body, vote, how) for body, vote, how in votes if body.kind == kind]
    return {
        "bodies": len(mine),
        "yes": sum(1 for _, vote, _ in mine if vote == "yes"),
        "no": sum(1 for _, vote, _ in mine if vote == "no"),
        "not_voting": sum(1 for _, vote, _ in mine if vote is None),
        "members_tied": sum(1 for _, _, how in mine if how.startswith("members tied")),
    }


def _test_2018(classes: Mapping[str, Mapping[str, int]]) -> list[dict[str, object]]:
    """One test per class: the bodies asking for a selection are one third or more of voters."""
    tests: list[dict[str, object]] = []
    for kind in KINDS:
        counts = classes[kind]
        voted = counts["yes"] + counts["no"]
        tests.append(
            {
                "test": f"{kind} bodies asking for a selection",
                "threshold": Fraction(1, 3),
                "strict": False,
                "counted": counts["no"],
                "of": voted,
                "needed": -(-voted // 3) if voted else None,
                "met": voted > 0 and 3 * counts["no"] >= voted,
            }
        )
    return tests


def _test_2021(
    classes: Mapping[str, Mapping[str, int]], basis: str, strict: bool
) -> dict[str, object]:
    """The pooled test: the MP's yes bodies are half (or more than half) of the basis."""
    yes = sum(classes[k]["yes"] for k in KINDS)
    voted = sum(classes[k]["yes"] + classes[k]["no"] for k in KINDS)
    base = voted if basis == "voted" else sum(classes[k]["bodies"] for k in KINDS)
    needed = base // 2 + 1 if strict else -(-base // 2)
    test: dict[str, object] = {
        "test": "MP supported by half of all bodies (branches and affiliates pooled)",
        "threshold": Fraction(1, 2),
        "strict": strict,
        "basis": basis,
        "counted": yes,
        "of": base,
        "needed": needed,
        "met": base == 0 or yes >= needed,
    }
    if base == 0:
        test["note"] = "no body voted, so no selection was asked for"
    return test


def count_bodies(bodies: Sequence[Body], options: Mapping[str, object] | None = None) -> Result:
    """Decide a trigger ballot from its bodies' votes under the named profile."""
    options = options or {}
    if "profile" not in options:
        raise ConfigError(
            f"{METHOD}: option 'profile' is required (one of {', '.join(PROFILES)}): the "
            f"threshold depends on the rules in force"
        )
    profile = get_choice(METHOD, options, "profile", "labour-2021", PROFILES)
    check_keys(METHOD, options, (*_COMMON_KEYS, *(_KEYS_2021 if profile == "labour-2021" else ())))
    body_tie = get_choice(METHOD, options, "body_tie", "abstain", ("abstain", "yes", "no"))
    title = get_str(METHOD, options, "title", None)
    if not bodies:
        raise CountingError(f"{METHOD}: no bodies to count; expected at least one")
    names = [body.name for body in bodies]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise CountingError(f"{METHOD}: body names must be distinct, repeated: {duplicates!r}")
    votes = [(body, *body_vote(body, body_tie)) for body in bodies]
    classes = {kind: _class_counts(votes, kind) for kind in KINDS}
    effective: dict[str, object] = {"profile": profile, "body_tie": body_tie}
    if title is not None:
        effective["title"] = title
    if profile == "labour-2018":
        tests = _test_2018(classes)
        triggered = any(bool(t["met"]) for t in tests)
        rule = RULE_2018
    else:
        basis = get_choice(METHOD, options, "basis", "voted", ("voted", "all"))
        strict = get_bool(METHOD, options, "mp_support_strict", False)
        effective.update(basis=basis, mp_support_strict=strict)
        tests = [_test_2021(classes, basis, strict)]
        triggered = not tests[0]["met"]
        rule = RULE_2021
    yes = sum(classes[k]["yes"] for k in KINDS)
    no = sum(classes[k]["no"] for k in KINDS)
    verdict = (
        "selection triggered: an open selection proceeds, the MP on the shortlist"
        if triggered
        else "not triggered: the MP is reselected, subject to NEC endorsement"
    )
    outcome: dict[str, object] = {
        "title": title,
        "profile": profile,
        "triggered": triggered,
        "verdict": verdict,
        "classes": classes,
        "tests": tests,
        "rule": rule,
        "bodies": [
            {"name": body.name, "kind": body.kind, "vote": vote, "how": how}
            for body, vote, how in votes
        ],
    }
    stage = Stage(
        number=1,
        action="body votes",
        tallies={"yes": Fraction(yes), "no": Fraction(no)},
        elected=("no",) if triggered else ("yes",),
        notes=(verdict,),
    )
    return Result(
        method=METHOD,
        seats=1,
        candidates=("yes", "no"),
        elected=stage.elected,
        stages=(stage,),
        valid_votes=Fraction(yes + no),
        outcome=outcome,
        options=effective,
    )
