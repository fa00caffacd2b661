"""The documented election, literally: every command of docs/steps/01-13, in order (page 14,
the trigger ballot, runs in tests/e2e/test_e2e_trigger_ballot.py).

Ashby Vale CLP's selection (AV): online ballots (a re-vote, a challenged ballot, one voter
whose hustings paper replaces their online vote), the hustings meeting and the post; credentials
by email through a real SMTP server; trustees 2 of 3; the published record verified.
"""

from __future__ import annotations

import json
import time
import zipfile

from tests.e2e.harness import DOCS, Cli, credential_codes
from tests.unit.mail.smtp_server import SmtpServer

E = "av-selection-2031"
PAGES = sorted(p.name for p in DOCS.glob("[0-9][0-9]-*.md"))


def _vote(cli: Cli, codes: dict[str, str], member: str, ranking: str) -> str:
    done = cli.ok(
        "vote",
        "online",
        E,
        "--member",
        member,
        "--credential",
        codes[member],
        "--choice",
        f"candidate={ranking}",
    )
    return cli.values["TRACKING_CODE"] if "tracking code" in done.out else ""


def test_the_documented_selection_runs_and_verifies(cli: Cli, smtp_server: SmtpServer) -> None:
    started = time.perf_counter()
    # page 14 (trigger ballot): test_e2e_trigger_ballot.py; 15 (postal): test_e2e_postal_ballot.py
    assert len(PAGES) == 15
    cli.clock.set("2031-02-01T10:00Z")
    out = [d.out for d in cli.run_doc_page("01-organisation-and-roll.md")]
    assert "10 added, 0 changed" in out[-1]
    cli.clock.set("2031-02-20T10:00Z")
    out = [d.out for d in cli.run_doc_page("02-eligibility-and-freeze.md")]
    assert "8 of 10 members eligible" in out[1]
    assert "AV0007" in out[1]
    assert "after the freeze date 2030-12-31" in out[1]
    assert "in arrears" in out[1]
    cli.clock.set("2031-03-10T10:00Z")
    cli.run_doc_page("03-define-the-ballot.md")
    cli.run_doc_page("04-key-ceremony.md")
    people = ["authority", "officer", "teller-pat-quinn", "teller-sam-ortiz"]
    people += ["trustee-nia-cedar", "trustee-owen-birch", "trustee-priya-nandra"]
    made = sorted(p.name for p in (cli.cwd / "keys").iterdir())
    assert made == sorted([f"{p}.key" for p in people] + [f"{p}.card.json" for p in people])
    assert sorted(p.name for p in (cli.cwd / "shares").iterdir()) == [
        "trustee-nia-cedar.key",
        "trustee-owen-birch.key",
        "trustee-priya-nandra.key",
    ]
    cli.run_doc_page("05-credentials.md")
    received = [r.message for r in smtp_server.inbox.received]
    codes = credential_codes(received)
    assert sorted(codes) == ["AV0001", "AV0002", "AV0003", "AV0006", "AV0008", "AV0009", "AV0010"]
    assert (cli.cwd / "letters.pdf").exists()  # AV0004 has no email: a letter
    out = [d.out for d in cli.run_doc_page("06-open.md")]
    assert "published 8 credentials" in out[0]
    assert "open" in out[1]

    cli.clock.set("2031-04-05T12:00Z")
    _vote(cli, codes, "AV0002", "Tom Ledger,Amal Okafor")
    _vote(cli, codes, "AV0003", "Rosa Quarry")  # replaced by her hustings paper below
    first = _vote(cli, codes, "AV0006", "Sian Pryce")
    _vote(cli, codes, "AV0006", "Amal Okafor,Sian Pryce")  # re-vote: the last one counts
    _vote(cli, codes, "AV0009", "Amal Okafor")
    done = cli.run_doc_page(
        "07-vote.md",
        {
            "AV0001_CREDENTIAL": codes["AV0001"],
            "AV0010_CREDENTIAL": codes["AV0010"],
        },
    )
    assert "counts" in done[1].out  # vote check of AV0001's tracking code
    assert "CHALLENGED" in done[2].out
    assert "Sian Pryce" in done[2].out
    assert "replaced" in cli.ok("vote", "check", E, first).out
    assert "meeting   2 counted" in done[-1].out.replace("meeting  ", "meeting   ")

    cli.clock.set("2031-04-30T17:00Z")
    cli.run_doc_page("08-close.md")
    late = cli.run(
        "vote",
        "online",
        E,
        "--member",
        "AV0009",
        "--credential",
        codes["AV0009"],
        "--choice",
        "candidate=Tom Ledger",
    )
    assert late.code == 2
    assert late.err.startswith("clearcount: error:")
    assert "closed" in late.err
    assert len(late.err.strip().splitlines()) == 1

    cli.clock.set("2031-05-01T10:00Z")
    cli.run_doc_page("09-tally-and-decrypt.md")
    declared = cli.run_doc_page("10-declare.md")[0].out
    assert "elected: " in declared
    assert "turnout: 8 of 8 eligible members" in declared
    assert "meeting 2, postal 1, online 5" in declared
    published = cli.run_doc_page("11-publish.md")[0].out
    assert "VERIFIED by the independent verifier: 0 checks failed" in published
    verified = cli.run_doc_page("12-verify.md")
    assert "VERIFIED: 0 checks failed" in verified[0].out
    assert "ON THE ROLL" in verified[1].out
    assert "ELIGIBLE" in verified[1].out
    appeal = cli.run_doc_page("13-appeal.md")
    assert "dismissed" in appeal[3].out
    assert appeal[-1].out.startswith("EXTENDS:")
    with zipfile.ZipFile(cli.cwd / "appeal-1-evidence.zip") as bundle:
        assert {"record.zip", "verifier-report.json", "audit-log.jsonl", "MANIFEST.json"} <= set(
            bundle.namelist()
        )
        assert json.loads(bundle.read("verifier-report.json"))["verified"] is True

    print(f"selection e2e: {len(cli.ran)} commands in {time.perf_counter() - started:.1f} s")
