"""`clearcount credentials ...` as the scrutineer runs it: real processes, files and SMTP server."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from tests.unit.mail.smtp_server import SmtpServer, smtp_server
from tests.unit.service.credential_world import AUTHORITY, INSTRUCTIONS, LOW_COST, SETUP

from clearcount.cli.common import passphrase_variable
from clearcount.crypto.group import Point
from clearcount.record.archive import write_record
from clearcount.record.events import Credentials
from clearcount.service.roles.credential_authority import ROLL_FORMAT, election_facts
from clearcount.service.roles.delivery import parse_credential_code
from clearcount.service.roles.keys import save_long_term_key

__all__ = ["smtp_server"]

PASSPHRASE = "Harrow & Pell: a long passphrase"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    own = {"CLEARCOUNT_CA_PASSPHRASE": PASSPHRASE, passphrase_variable(AUTHORITY.name): PASSPHRASE}
    return subprocess.run(
        [sys.executable, "-m", "clearcount", "credentials", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env=os.environ | own | (env or {}),
    )


@pytest.fixture
def generated(tmp_path: Path) -> Path:
    write_record([SETUP], tmp_path / "record")
    save_long_term_key(tmp_path / "authority.key", AUTHORITY, PASSPHRASE, log2_n=LOW_COST)
    roll = {
        "format": ROLL_FORMAT,
        "roll_root": election_facts(SETUP).roll_root,
        "members": [
            {"member_id": "NT-1001", "name": "Ada Byrne", "email": "ada.byrne@members.example"},
            {"member_id": "NT-1002", "name": "Bram Okafor", "email": "bram.okafor@members.example"},
            {
                "member_id": "NT-1003",
                "name": "Cait Doherty",
                "address": ["4 Ropewalk Row"],
                "postcode": "NF2 7QP",
            },
            {"member_id": "NT-1004", "name": "Dev Mistry", "email": "refuse.dev@members.example"},
            {"member_id": "NT-1005", "name": "Eilidh Ross", "address": "9 Dock Road, Northfold"},
        ],
    }
    (tmp_path / "roll.json").write_text(json.dumps(roll))
    done = run(
        "generate",
        "--record",
        str(tmp_path / "record"),
        "--roll",
        str(tmp_path / "roll.json"),
        "--key-file",
        str(tmp_path / "ca-key.json"),
        "--authority-key",
        str(tmp_path / "authority.key"),
        "--out",
        str(tmp_path / "public.json"),
    )
    assert done.returncode == 0, done.stderr
    assert "5 credentials" in done.stdout
    assert "3 by email, 2 by letter" in done.stdout
    return tmp_path


def smtp_env(server: SmtpServer) -> dict[str, str]:
    return {
        "CLEARCOUNT_SMTP_HOST": "127.0.0.1",
        "CLEARCOUNT_SMTP_PORT": str(server.port),
        "CLEARCOUNT_SMTP_SECURITY": "plain",
        "CLEARCOUNT_SMTP_RETRY_DELAY": "0",
        "CLEARCOUNT_SMTP_FROM": "Scrutineer <scrutineer@harrow-pell.example>",
        "CLEARCOUNT_VOTE_URL": INSTRUCTIONS.vote_url,
        "CLEARCOUNT_HELP_CONTACT": INSTRUCTIONS.help_contact,
    }


def test_generate_writes_a_private_key_file_and_the_public_list(generated: Path) -> None:
    key = generated / "ca-key.json"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    public = json.loads((generated / "public.json").read_text())
    assert public["fingerprint"] == SETUP.hash
    assert len(Credentials.from_body(public["body"], "public.json").credentials) == 5
    assert "NT-10" not in key.read_text()
    assert "NT-10" not in json.dumps(public)
    again = run(
        "generate",
        "--record",
        str(generated / "record"),
        "--roll",
        str(generated / "roll.json"),
        "--key-file",
        str(key),
        "--authority-key",
        str(generated / "authority.key"),
        "--out",
        str(generated / "other.json"),
    )
    assert again.returncode == 2
    assert "already there" in again.stderr


def test_send_letters_and_resend(generated: Path, smtp_server: SmtpServer) -> None:
    smtp_server.inbox.refuse.add("refuse.dev@members.example")
    key = ["--key-file", str(generated / "ca-key.json")]
    env = smtp_env(smtp_server)
    sent = run("send", *key, env=env)
    assert sent.returncode == 1
    assert "sent 2, failed 1" in sent.stdout
    assert (
        "FAILED member NT-1004 <refuse.dev@members.example>: recipient refused: 550" in sent.stderr
    )
    public = Credentials.from_body(json.loads((generated / "public.json").read_text())["body"], "p")
    codes = {}
    for mail in smtp_server.inbox.received:
        (line,) = [x for x in mail.message.get_content().splitlines() if x.startswith("    ")]
        codes[mail.recipients[0]] = line.strip()
        assert Point.base_mul(parse_credential_code(line.split("#c=")[-1])) in public.credentials
    assert sorted(codes) == ["ada.byrne@members.example", "bram.okafor@members.example"]
    for secret in codes.values():
        assert secret not in sent.stdout + sent.stderr

    # a re-run sends only what was not sent: the refused member, once the server takes it
    smtp_server.inbox.refuse.clear()
    again = run("send", *key, env=env)
    assert again.returncode == 0, again.stderr
    assert "sent 1, failed 0, 2 already sent before (skipped)" in again.stdout
    assert [m.recipients for m in smtp_server.inbox.received[2:]] == [
        ["refuse.dev@members.example"]
    ]
    assert "sent 0, failed 0, 3 already sent" in run("send", *key, env=env).stdout
    log = generated / "ca-key.json.sent"
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert len(log.read_text().splitlines()) == 3

    resent = run("resend", "NT-1001", *key, env=env)  # a member's resend is explicit
    assert resent.returncode == 0, resent.stderr
    last = smtp_server.inbox.received[-1].message.get_content()
    assert codes["ada.byrne@members.example"] in last  # the same credential
    assert '"how": "resend"' in log.read_text().splitlines()[-1]

    postal = run("resend", "NT-1003", *key, env=env)
    assert postal.returncode == 2
    assert "postal voter" in postal.stderr

    out = generated / "letters.pdf"
    printed = run("letters", *key, "--out", str(out), "--date", "3 April 2031", env=env)
    assert printed.returncode == 0, printed.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    pages = PdfReader(io.BytesIO(out.read_bytes())).pages
    assert len(pages) == 2
    assert "Cait Doherty" in pages[0].extract_text()
    assert "Eilidh Ross" in pages[1].extract_text()


def test_a_wrong_passphrase_is_one_clear_line(generated: Path, smtp_server: SmtpServer) -> None:
    env = smtp_env(smtp_server) | {"CLEARCOUNT_CA_PASSPHRASE": "not the passphrase at all"}
    done = run("send", "--key-file", str(generated / "ca-key.json"), env=env)
    assert done.returncode == 2
    assert "passphrase is wrong or the file was altered" in done.stderr
    assert "Traceback" not in done.stderr
    assert smtp_server.inbox.received == []
