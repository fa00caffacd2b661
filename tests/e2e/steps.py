"""The steps of docs/steps/01-13 for any election, as data: `run_election(cli, smtp, plan)`.

The selection test runs the pages' commands literally; the trigger ballot and the industrial
action ballot take the same steps, in the same order, with the commands these functions
build from their `Plan`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from tests.e2e.harness import Cli, Done, credential_codes
from tests.unit.mail.smtp_server import SmtpServer

__all__ = ["Plan", "Sitting", "run_election"]

TRUSTEES = ("Priya Nandra", "Owen Birch", "Nia Cedar")
TELLERS = ("Pat Quinn", "Sam Ortiz")
AUTHORITY_KEY = "keys/authority-northgate-ballot-services.key"


@dataclass(frozen=True)
class Sitting:
    """One meeting's or one post's papers: the voters and each contest's papers (names)."""

    channel: str
    voters: tuple[str, ...]
    papers: Mapping[str, Sequence[Sequence[str]]]


@dataclass(frozen=True)
class Plan:
    election: str
    organisation: tuple[str, str, str]  # id, name, kind
    units: Sequence[tuple[str, str, str, str | None]]  # id, name, kind, parent
    members_csv: str
    rules: Sequence[str]  # `roll rules` options after --org
    contests: Mapping[str, object]
    title: str
    channels: str
    online: Sequence[tuple[str, Mapping[str, str]]]  # (member, contest -> names), in order
    sittings: Sequence[Sitting] = ()
    absent_trustee: str | None = None
    times: Mapping[str, str] = field(default_factory=dict)
    roll_ready: bool = False
    """The organisation and its roll exist already (a trigger ballot's second branch): skip
    step 1's `org create`, `org unit` and `roll import`."""
    before_open: Callable[[], object] | None = None
    """Run after the key ceremony and credentials, before step 6 opens the election (a trigger
    ballot's list of bodies is signed then)."""
    after_open: Callable[[], object] | None = None
    """Run after step 6 opens the election (postal papers are issued then, step 15)."""
    define: Sequence[str] = ()
    """More `election define` options (e.g. --papers postal --workplace UNIT)."""
    after_close: Callable[[], object] | None = None
    """Run after step 8 closes the election, before the tally (postal returns, step 15)."""


def _time(cli: Cli, plan: Plan, step: str, default: str) -> None:
    cli.clock.set(plan.times.get(step, default))


def run_election(cli: Cli, smtp: SmtpServer, plan: Plan) -> dict[str, Done]:
    """Steps 1-13 of docs/steps for `plan`; returns the interesting commands' results."""
    e, (org, org_name, org_kind) = plan.election, plan.organisation
    out: dict[str, Done] = {}
    cli.env["CLEARCOUNT_ACTOR"] = "Jo Hale (returning officer)"
    # 1. organisation and roll
    _time(cli, plan, "roll", "2031-02-01T10:00Z")
    if not plan.roll_ready:
        cli.ok("org", "create", org, "--name", org_name, "--kind", org_kind)
        for unit, name, kind, parent in plan.units:
            cli.ok(
                "org",
                "unit",
                org,
                unit,
                "--name",
                name,
                "--kind",
                kind,
                *(("--parent", parent) if parent else ()),
            )
        (cli.cwd / "members.csv").write_text(plan.members_csv, encoding="utf-8")
        cli.ok("roll", "import", org, "members.csv", "--preview")
        out["import"] = cli.ok("roll", "import", org, "members.csv")
    # 2. eligibility and freeze
    _time(cli, plan, "freeze", "2031-02-20T10:00Z")
    cli.ok("roll", "rules", e, "--org", org, *plan.rules)
    out["preview"] = cli.ok("roll", "preview", e)
    out["freeze"] = cli.ok("roll", "freeze", e, "--reason", "timetable")
    # 3. define
    _time(cli, plan, "define", "2031-03-10T10:00Z")
    (cli.cwd / "contests.json").write_text(json.dumps(plan.contests), encoding="utf-8")
    cli.ok(
        "election",
        "define",
        e,
        "--org",
        org,
        "--title",
        plan.title,
        "--opens",
        plan.times.get("opens", "2031-04-01T09:00Z"),
        "--closes",
        plan.times.get("closes", "2031-04-30T17:00Z"),
        "--contests",
        "contests.json",
        "--authority",
        "Northgate Ballot Services",
        *[a for t in TRUSTEES for a in ("--trustee", t)],
        "--threshold",
        "2",
        *[a for t in TELLERS for a in ("--teller", t)],
        "--channels",
        plan.channels,
        *plan.define,
    )
    # 4. every role's keys (each on its own machine), the cards registered, the key ceremony
    roles = [("trustee", t) for t in TRUSTEES] + [("teller", t) for t in TELLERS]
    roles += [("authority", "Northgate Ballot Services"), ("officer", "Jo Hale")]
    cards = []
    for role, name in roles:
        key = f"keys/{role}-{name.lower().replace(' ', '-')}.key"
        if not (cli.cwd / key).exists():  # long-term: made once, used for every election
            cli.ok("role", "init", "--role", role, "--name", name, "--out", key)
        cards += ["--card", key.removesuffix(".key") + ".card.json"]
    cli.ok("election", "register-card", e, *cards)
    folder = f"ceremony/{e}"
    cli.ok("election", "ceremony", "start", e, "--dir", folder)
    keys = {t: f"keys/trustee-{t.lower().replace(' ', '-')}.key" for t in TRUSTEES}
    shares = {t: f"shares/{e}/trustee-{t.lower().replace(' ', '-')}.key" for t in TRUSTEES}
    for t in TRUSTEES:
        cli.ok("trustee", "ceremony", "round1", "--key", keys[t], "--dir", folder)
    for t in TRUSTEES:
        round2 = ("--key", keys[t], "--dir", folder, "--share-out", shares[t])
        cli.ok("trustee", "ceremony", "round2", *round2)
    cli.ok("election", "ceremony", "finish", e, "--dir", folder)
    cli.ok("election", "setup-record", e, "--out", "setup")
    cli.ok("election", "credential-roll", e, "--out", "credential-roll.json")
    # 5. credentials (the scrutineer)
    how = ("--vote-url", f"https://vote.example.org/{e}", "--help-contact", "the officer")
    cli.ok(
        "credentials",
        "generate",
        "--record",
        "setup",
        "--roll",
        "credential-roll.json",
        "--key-file",
        "ca-key.json",
        "--authority-key",
        AUTHORITY_KEY,
        "--out",
        "public-credentials.json",
    )
    cli.ok("credentials", "send", "--key-file", "ca-key.json", *how)
    postal = cli.ok(
        "credentials", "letters", "--key-file", "ca-key.json", "--out", "letters.pdf", *how
    )
    out["letters"] = postal
    codes = credential_codes([r.message for r in smtp.inbox.received])
    if plan.before_open is not None:
        plan.before_open()
    # 6. open
    out["open"] = cli.ok("election", "open", e, "--credentials", "public-credentials.json")
    if plan.after_open is not None:
        plan.after_open()
    # 7. vote
    _time(cli, plan, "vote", "2031-04-05T12:00Z")
    for member, choices in plan.online:
        cli.ok(
            "vote",
            "online",
            e,
            "--member",
            member,
            "--credential",
            codes[member],
            *[a for c, names in choices.items() for a in ("--choice", f"{c}={names}")],
        )
        cli.ok("vote", "check", e, cli.values["TRACKING_CODE"])
    if plan.online:  # no --choice: refused, never a blank ballot replacing the real one
        member = plan.online[0][0]
        blank = cli.run("vote", "online", e, "--member", member, "--credential", codes[member])
        assert blank.code == 2, blank
        assert "no choice given" in blank.err
        assert "--blank" in blank.err
    for i, sitting in enumerate(plan.sittings):
        members = [a for m in sitting.voters for a in ("--member", m)]
        cli.ok(
            "credentials",
            "cancel-list",
            "--key-file",
            "ca-key.json",
            "--authority-key",
            AUTHORITY_KEY,
            *members,
            "--out",
            f"cancelled-{i}.json",
        )
        papers = {
            "format": "clearcount-papers/1",
            "papers": {c: [list(p) for p in ps] for c, ps in sitting.papers.items()},
        }
        (cli.cwd / f"papers-{i}.json").write_text(json.dumps(papers), encoding="utf-8")
        paper = (
            "vote",
            "paper",
            e,
            "--channel",
            sitting.channel,
            *[a for m in sitting.voters for a in ("--voter", m)],
            "--cancelled",
            f"cancelled-{i}.json",
            "--papers",
            f"papers-{i}.json",
            "--teller-key",
            "keys/teller-pat-quinn.key",
            "--teller-key",
            "keys/teller-sam-ortiz.key",
            "--signed-in",
        )
        miscounted = cli.run(*paper, str(len(sitting.voters) + 1))
        assert miscounted.code == 2, miscounted
        assert "do not add up" in miscounted.err
        assert "--accept-mismatch" in miscounted.err
        cli.ok(*paper, str(len(sitting.voters)))
    out["status"] = cli.ok("election", "status", e)
    # 8. close
    _time(cli, plan, "close", plan.times.get("closes", "2031-04-30T17:00Z"))
    cli.ok("election", "close", e)
    if plan.after_close is not None:
        plan.after_close()
    # 9. tally and decrypt
    _time(cli, plan, "count", "2031-05-16T10:00Z")
    cli.ok("tally", "run", e)
    keys = {t: f"trustee-{t.lower().replace(' ', '-')}.key" for t in TRUSTEES}
    for key in keys.values():
        cli.ok("trustee", "shuffle", e, "--role-key", f"keys/{key}")
    for trustee, key in keys.items():
        if trustee != plan.absent_trustee:
            cli.ok(
                "trustee",
                "decrypt",
                e,
                "--key-file",
                f"shares/{e}/{key}",
                "--role-key",
                f"keys/{key}",
            )
    cli.ok("trustee", "status", e)
    # 10. declare
    out["declare"] = cli.ok("tally", "declare", e)
    out["result"] = cli.ok("tally", "result", e, "--format", "json")
    # 11. publish
    out["publish"] = cli.ok("publish", e, "--out", f"records/{e}")
    # 12. verify
    out["verify"] = cli.ok("verify", f"records/{e}", "--workers", "1")
    # 13. appeal
    out["lodge"] = cli.ok("appeal", "lodge", e, "--by", "A member", "--grounds", "a test")
    cli.ok("appeal", "evidence", f"{e}-appeal-1", "--out", "evidence.zip")
    cli.ok(
        "appeal",
        "decide",
        f"{e}-appeal-1",
        "--decision",
        "dismissed",
        "--reasons",
        "the record verifies",
    )
    cli.ok("publish", e, "--out", f"records/{e}-again.zip")
    out["verify-diff"] = cli.ok("verify-diff", f"records/{e}", f"records/{e}-again.zip")
    return out
