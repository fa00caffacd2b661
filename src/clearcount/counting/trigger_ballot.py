"""Labour trigger ballots: party branches and affiliates each cast one body vote (domain.md §1.1).

A body votes "yes" (reselect the sitting MP without an open selection) or "no" (ask for a
selection), or does not vote. A branch decides by simple majority of the members at its
meeting, so a body's vote may be given directly or derived from its members' count; there is
no quorum. A tied meeting follows option `body_tie`: "abstain" (default), "casting-vote" (the
body's given `vote` is the chair's casting vote, required on a tie), or a fixed "yes"/"no".
Three rule profiles (docs/counting/trigger-ballot.md gives the sources):

* "labour-pre-2018" (the rule before conference 2018): a selection proceeds when a majority of all
  the bodies, branches and affiliates pooled into one class, ask for one; a raw count of the
  bodies that voted (option `basis`: "voted" default, or "all"); more than half by default
  (option `more_than_half`).
* "labour-2018" (Rule Book Ch.5 Cl.IV.5.B as amended in 2018): a selection is triggered when
  one third or more of the party branches, OR one third or more of the affiliates, ask for one,
  counting only the bodies in that class that voted (2019 FAQ to MPs); 3 * no >= voted, i.e.
  the third rounded up. A class in which no body voted cannot trigger.
* "labour-2021" (conference 2021): a two-section electoral college, branches 50% and affiliates
  50%, each section's share over its bodies that voted; a selection proceeds when the total is
  more than 50% (`counting.trigger_college`; options `more_than_half`, `empty_section`).

The counts are integers and the college's shares exact Fractions (percent), never floats.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from clearcount.core.errors import ConfigError, CountingError
from clearcount.counting.options import check_keys, get_bool, get_choice, get_str
from clearcount.counting.result import Result, Stage
from clearcount.counting.trigger_college import EMPTY_SECTION, SECTION_LABELS, College, college

__all__ = ["BODY_TIES", "KINDS", "METHOD", "PROFILES", "Body", "body_vote", "count_bodies"]

METHOD = "trigger-ballot"
KINDS = ("branch", "affiliate")
PROFILES = ("labour-pre-2018", "labour-2018", "labour-2021")
BODY_TIES = ("abstain", "casting-vote", "yes", "no")
Vote = Literal["yes", "no"]

RULE_PRE_2018 = (
    "A selection proceeds when a majority of the party branches and affiliates, pooled into "
    "one class, indicate that they wish one (the trigger ballot rule before conference "
    "2018; a raw count of bodies) [verify against the pre-2018 Rule Book]."
)
RULE_2018 = (
    "If either one third or more of Party branches, or one third or more of affiliated "
    "branches, indicate that they wish a selection to take place, a selection shall proceed "
    "(Labour Rule Book Ch.5 Cl.IV.5.B, as amended by conference 2018); the third is computed "
    "only on the branches that cast a vote (2019 FAQ to MPs), fractions rounded up."
)
RULE_2021 = (
    "An electoral college in which the party branches collectively make up 50% and the "
    "affiliates the other 50%; each section's share is its bodies asking for a selection over "
    "its bodies that voted; a selection proceeds when more than 50% of the college asks for "
    "one (conference 2021; LabourList July 2022 on Ilford South) [the Rule Book's own "
    "sentence, 2022 Ch.5 Cl.IV.5, not found in public copies]."
)
_COMMON_KEYS = ("profile", "body_tie", "title")
_PROFILE_KEYS = {
    "labour-pre-2018": ("basis", "more_than_half"),
    "labour-2018": (),
    "labour-2021": ("more_than_half", "empty_section"),
}


@dataclass(frozen=True, slots=True)
class Body:
    """One party branch or affiliate and its body vote (None: abstained or did not vote).

    `members_yes`/`members_no` are the members' count at the body's meeting, from which the
    vote is derived by simple majority when `vote` is None. Given together with `vote`, they
    must not contradict it; on a tie `vote` is the chair's casting vote (option `body_tie`
    "casting-vote"; under any other `body_tie` a tie with a given vote is refused).
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
    """The body's vote and how it was reached ("given", "members' majority", "members tied;
    ...", "no vote")."""
    tied = body.members_yes is not None and body.members_yes == body.members_no
    if tied and body.members_yes and body.vote is not None and body_tie != "casting-vote":
        raise CountingError(
            f"body {body.name!r}: its members tied {body.members_yes} to {body.members_no} and "
            f"a vote {body.vote!r} is given, but body_tie is {body_tie!r}; count with body_tie "
            f"'casting-vote' to take it as the chair's casting vote, or drop 'vote'"
        )
    if tied and body.members_yes and body_tie == "casting-vote":
        if body.vote is None:
            raise CountingError(
                f"body {body.name!r}: its members tied {body.members_yes} to "
                f"{body.members_no} and body_tie is 'casting-vote'; give the chair's casting "
                f"vote as 'vote' (yes or no)"
            )
        return body.vote, "members tied; chair's casting vote"
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


def _test_pooled(
    classes: Mapping[str, Mapping[str, int]], basis: str, more_than_half: bool
) -> dict[str, object]:
    """The pre-2018 test: the bodies asking for a selection are a majority of all bodies."""
    no = sum(classes[k]["no"] for k in KINDS)
    voted = sum(classes[k]["yes"] + classes[k]["no"] for k in KINDS)
    base = voted if basis == "voted" else sum(classes[k]["bodies"] for k in KINDS)
    needed = base // 2 + 1 if more_than_half else -(-base // 2)
    return {
        "test": "bodies asking for a selection (branches and affiliates pooled)",
        "threshold": Fraction(1, 2),
        "strict": more_than_half,
        "basis": basis,
        "counted": no,
        "of": base,
        "needed": needed,
        "met": base > 0 and no > 0 and no >= needed,
    }


def _test_college(result: College) -> dict[str, object]:
    """The 2021 test: the college's total asking for a selection (percent) against 50."""
    return {
        "test": "electoral college asking for a selection (branches 50%, affiliates 50%)",
        "threshold": Fraction(50),
        "strict": result.more_than_half,
        "share": result.total,
        "met": result.triggered,
        "summary": result.to_json()["summary"],
    }


def _college_stages(result: College, verdict: str) -> tuple[Stage, ...]:
    """Stages 2 and 3 of a 2021 count: the college built up section by section, in percent,
    so the stage table shows each section's share and the total against the threshold."""
    first, second = result.sections
    stage2 = Stage(
        number=2,
        action=f"college: {SECTION_LABELS[first.kind]}' share (%)",
        tallies={"yes": first.mp_share, "no": first.share},
        quota=Fraction(50),
        notes=(f"weight {first.weight}%: {first.asked} of {first.voted} voting asked",),
    )
    winner = ("no",) if result.triggered else ("yes",)
    stage3 = Stage(
        number=3,
        action=f"college: + {SECTION_LABELS[second.kind]}' share (%)",
        tallies={"yes": result.mp_total, "no": result.total},
        transfers={"yes": second.mp_share, "no": second.share},
        quota=Fraction(50),
        elected=winner,
        notes=(
            f"weight {second.weight}%: {second.asked} of {second.voted} voting asked",
            str(result.to_json()["summary"]),
            verdict,
        ),
    )
    return stage2, stage3


def count_bodies(bodies: Sequence[Body], options: Mapping[str, object] | None = None) -> Result:
    """Decide a trigger ballot from its bodies' votes under the named profile."""
    options = options or {}
    if "profile" not in options:
        raise ConfigError(
            f"{METHOD}: option 'profile' is required (one of {', '.join(PROFILES)}): the "
            f"threshold depends on the rules in force"
        )
    profile = get_choice(METHOD, options, "profile", "labour-2021", PROFILES)
    check_keys(METHOD, options, (*_COMMON_KEYS, *_PROFILE_KEYS[profile]))
    body_tie = get_choice(METHOD, options, "body_tie", "abstain", BODY_TIES)
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
    the_college: College | None = None
    if profile == "labour-2018":
        tests = _test_2018(classes)
        triggered = any(bool(t["met"]) for t in tests)
        rule = RULE_2018
    elif profile == "labour-pre-2018":
        basis = get_choice(METHOD, options, "basis", "voted", ("voted", "all"))
        strict = get_bool(METHOD, options, "more_than_half", True)
        effective.update(basis=basis, more_than_half=strict)
        tests = [_test_pooled(classes, basis, strict)]
        triggered = bool(tests[0]["met"])
        rule = RULE_PRE_2018
    else:
        strict = get_bool(METHOD, options, "more_than_half", True)
        empty = get_choice(METHOD, options, "empty_section", EMPTY_SECTION[0], EMPTY_SECTION)
        effective.update(more_than_half=strict, empty_section=empty)
        the_college = college(classes, more_than_half=strict, empty_section=empty)
        tests = [_test_college(the_college)]
        triggered = the_college.triggered
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
    winner = ("no",) if triggered else ("yes",)
    stages: tuple[Stage, ...] = (
        Stage(
            number=1,
            action="body votes",
            tallies={"yes": Fraction(yes), "no": Fraction(no)},
            elected=() if the_college else winner,
            notes=() if the_college else (verdict,),
        ),
    )
    if the_college is not None:
        outcome["college"] = the_college.to_json()
        stages += _college_stages(the_college, verdict)
    return Result(
        method=METHOD,
        seats=1,
        candidates=("yes", "no"),
        elected=winner,
        stages=stages,
        valid_votes=Fraction(yes + no),
        outcome=outcome,
        options=effective,
    )
