"""Bad input at each step: one clear line on stderr, exit status 2, and nothing lost or stored."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

from tests.e2e.harness import DOCS, Cli, Done, doc_blocks

E = "av-selection-2031"
BAD_CSV = """member_id,given_name,family_name,email,joined,units
AV0001,Ann,Arbel,ann.arbel@example.org,2015-03-02,av-north
AV0002,Ben,Brask,ben.brask@example.org,31/02/2021,av-north
AV0003,Cat,Corrin,not-an-email,2020-05-09,av-east
"""


def _refused(done: Done, *fragments: str) -> None:
    assert done.code == 2, (done.out, done.err)
    lines = done.err.strip().splitlines()
    assert len(lines) == 1, done.err
    assert lines[0].startswith("clearcount: error: "), done.err
    assert "Traceback" not in done.err + done.out
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def _documented_setup(cli: Cli, *pages: str) -> None:
    for page in pages:
        cli.run_doc_page(page)


def test_bad_input_is_refused_with_one_line_and_nothing_is_lost(cli: Cli) -> None:
    cli.clock.set("2031-02-01T10:00Z")
    _documented_setup(cli, "01-organisation-and-roll.md")
    (cli.cwd / "bad.csv").write_text(BAD_CSV, encoding="utf-8")
    refused = cli.run("roll", "import", "ashby-vale-clp", "bad.csv")
    _refused(refused, "bad.csv", "rows rejected; nothing applied")
    # step 1 saved the date format dd/mm/yyyy, so the date is read day-first, and is wrong
    assert "field joined: '31/02/2021' is not a calendar date" in refused.out
    assert (cli.cwd / "bad.csv.problems.csv").read_text(encoding="utf-8-sig").count("\n") == 3
    assert "unknown units ['av-east']" in refused.out
    assert "ashby-vale-clp): 10 members" in cli.ok("org", "show", "ashby-vale-clp").out
    history = cli.ok("roll", "history", "ashby-vale-clp").out
    assert "roll.import_refused" in history  # the attempt is evidence; no member changed
    assert "ben.brask@example.org" not in history.split("roll.import_refused")[1]
    partial = cli.run("roll", "import", "ashby-vale-clp", "bad.csv", "--apply-valid-rows")
    assert partial.code == 1, (partial.out, partial.err)
    assert "left out 2 rows, by line (member): 3 (AV0002), 4 (AV0003)" in partial.out
    shown = cli.ok("roll", "map", "ashby-vale-clp", "--check", "bad.csv").out
    assert "date format: dd/mm/yyyy" in shown
    assert "columns: notes=ignore" in shown

    _refused(cli.run("roll", "import", "no-such-org", "members.csv"), "no such organisation")
    _refused(
        cli.run("roll", "import", "ashby-vale-cl", "members.csv"),
        "no such organisation 'ashby-vale-cl'; did you mean 'ashby-vale-clp'?",
    )
    rules = ("roll", "rules", E, "--org", "ashby-vale-clp", "--kind", "selection", "--basis", "b")
    _refused(
        cli.run(*rules, "--qualifying-date", "2031-03-01", "--unit", "av-nrth"),
        "--unit: no such unit 'av-nrth' in ashby-vale-clp; did you mean 'av-north'?",
    )
    _refused(cli.run("roll", "preview", E), f"no such ballot {E!r}")
    _refused(cli.run("roll", "import", "ashby-vale-clp", "missing.csv"), "cannot read file")
    _refused(cli.run("org", "show", "ashby-vale-clp", "--db", "mysql://x/y"), "--db")
    _refused(cli.run(*rules, "--qualifying-date", "1 March 2031"), "--qualifying-date")

    cli.clock.set("2031-02-20T10:00Z")
    _documented_setup(cli, "02-eligibility-and-freeze.md")
    cli.clock.set("2031-03-10T10:00Z")
    (cli.cwd / "contests.json").write_text('{"format": "clearcount-contests/1"}')
    define = next(b for b in doc_blocks(DOCS / "03-define-the-ballot.md") if b[0] == "sh")[2]
    args = define.replace("\\\n", " ").split(maxsplit=1)[1]
    _refused(cli.run(*shlex.split(args)), "contests")
    status = cli.run("election", "status", E)
    _refused(status, "no such election")  # the refused definition stored nothing
    _refused(cli.run("tally", "declare", E), f"no such election {E!r}")

    _documented_setup(cli, "03-define-the-ballot.md", "04-key-ceremony.md")
    _refused(cli.run("election", "ceremony", "start", E, "--dir", "ceremony2"), "already run")
    _refused(
        cli.run("election", "register-card", E, "--card", "keys/officer.card.json"),
        "the key ceremony has run",
    )
    _refused(
        cli.run("trustee", "ceremony", "round1", "--key", "keys/officer.key", "--dir", "ceremony"),
        "role: expected 'trustee'",
    )
    bad = {"CLEARCOUNT_PASSPHRASE_PRIYA_NANDRA": "not the right passphrase"}
    _refused(
        cli.run(
            "trustee",
            "decrypt",
            E,
            "--key-file",
            "shares/trustee-priya-nandra.key",
            "--role-key",
            "keys/trustee-priya-nandra.key",
            env=bad,
        ),
        "passphrase is wrong",
    )
    decrypt = ("trustee", "decrypt", E, "--role-key", "keys/trustee-priya-nandra.key")
    missing = cli.run(*decrypt, "--key-file", "shares/trustee-priya-nandr.key")
    assert missing.code == 2, missing
    assert "'shares/trustee-priya-nandr.key' does not exist" in missing.err  # not "wrong role"
    typo = (decrypt[0], decrypt[1], E + "x", *decrypt[3:])
    _refused(cli.run(*typo, "--key-file", "shares/trustee-priya-nandra.key"), "no such election")
    _refused(
        cli.run("vote", "online", E, "--member", "AV0001", "--credential", "0" * 56), "credentials"
    )  # not open: no credentials published yet


def test_a_real_process_reports_one_line_not_a_traceback(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "clearcount",
            "roll",
            "import",
            "no-such-org",
            "members.csv",
            "--as",
            "tester",
            "--db",
            f"sqlite:///{tmp_path}/x.db",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if not k.startswith("CLEARCOUNT_")},
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "clearcount: error: members.csv: cannot read file: No such file or directory"
    ]
