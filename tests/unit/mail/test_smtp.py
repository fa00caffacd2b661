"""The SMTP adapter against a real SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import dataclasses
from concurrent.futures import ThreadPoolExecutor

import pytest
from tests.unit.mail.smtp_server import SmtpServer, free_port
from tests.unit.service.credential_world import AUTHORITY, INSTRUCTIONS, RECIPIENTS, SETUP

from clearcount.core.errors import ConfigError
from clearcount.crypto.group import Point, seeded_scalars
from clearcount.mail.smtp import SmtpMailer, SmtpSettings
from clearcount.service.ports import MailMessage
from clearcount.service.roles.credential_authority import (
    issue_credentials,
    resend,
    send_credentials,
)
from clearcount.service.roles.delivery import DeliveryError, MailServerError, parse_credential_code

SENDER = "Harrow & Pell Scrutineers <scrutineer@harrow-pell.example>"


def settings(server: SmtpServer, **changes: object) -> SmtpSettings:
    values: dict[str, object] = {
        "host": "127.0.0.1",
        "port": server.port,
        "security": "plain",
        "sender": SENDER,
        "timeout": 5.0,
        "retries": 2,
        "retry_delay": 0.01,
    } | changes
    return SmtpSettings(**values)  # type: ignore[arg-type]


def credential_of(body: str) -> Point:
    (line,) = [line for line in body.splitlines() if line.startswith("    ")]
    return Point.base_mul(parse_credential_code(line.split("#c=")[-1]))


def test_every_email_voter_receives_their_own_credential(smtp_server: SmtpServer) -> None:
    smtp_server.inbox.refuse.add("refuse.dev@members.example")
    material = issue_credentials(SETUP, RECIPIENTS, seeded_scalars(b"smtp tests"))
    with SmtpMailer(settings(smtp_server)) as mailer:
        report = send_credentials(material, mailer, INSTRUCTIONS)
    assert [o.member_id for o in report.sent] == ["NT-1001", "NT-1002"]
    (failed,) = report.failed
    assert failed.member_id == "NT-1004"
    assert failed.error is not None
    assert "550" in failed.error
    assert "mailbox unavailable" in failed.error
    received = smtp_server.inbox.received
    assert [r.recipients for r in received] == [
        ["ada.byrne@members.example"],
        ["bram.okafor@members.example"],
    ]
    published = set(material.credentials(AUTHORITY.signing).credentials)
    for mail, member in zip(received, ("NT-1001", "NT-1002"), strict=True):
        assert mail.sender == "scrutineer@harrow-pell.example"
        assert (
            mail.message["Subject"] == "Your voting credential: Executive Committee election 2031"
        )
        assert mail.message["To"] == material.find(member).recipient.email
        assert mail.message["Message-ID"]
        assert mail.message["Date"]
        body = mail.message.get_content()
        public = credential_of(body)
        assert public == material.find(member).secret.public  # S = s·G of this member
        assert public in published
        assert INSTRUCTIONS.vote_url in body


def test_an_internationalised_address_fails_alone_without_smtputf8(
    ascii_smtp_server: SmtpServer, smtp_server: SmtpServer
) -> None:
    zoe = dataclasses.replace(RECIPIENTS[0], email="zoë@members.example")
    material = issue_credentials(SETUP, (zoe, *RECIPIENTS[1:]), seeded_scalars(b"smtputf8"))
    sleeps: list[float] = []
    with SmtpMailer(settings(ascii_smtp_server), sleep=sleeps.append) as mailer:
        report = send_credentials(material, mailer, INSTRUCTIONS)
    (failed,) = report.failed
    assert (failed.member_id, failed.destination) == ("NT-1001", "<zoë@members.example>")
    assert "internationalised addresses (no SMTPUTF8)" in str(failed.error)
    assert [o.member_id for o in report.sent] == ["NT-1002", "NT-1004"]
    assert [r.recipients for r in ascii_smtp_server.inbox.received] == [
        ["bram.okafor@members.example"],
        ["refuse.dev@members.example"],
    ]
    assert sleeps == []  # not retried: it cannot pass later
    with SmtpMailer(settings(smtp_server)) as mailer:  # a server with SMTPUTF8 takes it
        again = send_credentials(material, mailer, INSTRUCTIONS, member_ids=["NT-1001"])
    assert [o.member_id for o in again.sent] == ["NT-1001"]
    assert smtp_server.inbox.received[0].recipients == ["zoë@members.example"]


def test_a_rerun_sends_only_what_was_not_sent(smtp_server: SmtpServer) -> None:
    material = issue_credentials(SETUP, RECIPIENTS, seeded_scalars(b"smtp tests"))
    with SmtpMailer(settings(smtp_server)) as mailer:
        report = send_credentials(material, mailer, INSTRUCTIONS, already_sent={"NT-1001"})
    assert report.skipped == ("NT-1001",)
    assert [o.member_id for o in report.sent] == ["NT-1002", "NT-1004"]
    assert len(smtp_server.inbox.received) == 2


def test_one_mailer_shared_by_threads_delivers_every_message(smtp_server: SmtpServer) -> None:
    """A server's worker threads share one mailer (sign-in codes): no interleaved sessions."""
    mailer = SmtpMailer(settings(smtp_server))
    addresses = [f"member{i}@members.example" for i in range(24)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda a: mailer.send(MailMessage(a, "Subject", "Body")), addresses))
    received = sorted(r.recipients[0] for r in smtp_server.inbox.received)
    assert received == sorted(addresses)


def test_refused_recipient_names_the_recipient_and_is_not_retried(smtp_server: SmtpServer) -> None:
    smtp_server.inbox.refuse.add("nobody@members.example")
    sleeps: list[float] = []
    mailer = SmtpMailer(settings(smtp_server), sleep=sleeps.append)
    with pytest.raises(DeliveryError, match=r"nobody@members\.example: recipient refused: 550"):
        mailer.send(MailMessage("nobody@members.example", "Subject", "Body"))
    assert sleeps == []
    mailer.send(MailMessage("someone@members.example", "Subject", "Body"))  # the session recovers
    assert len(smtp_server.inbox.received) == 1


def test_temporary_refusal_is_retried_with_backoff(smtp_server: SmtpServer) -> None:
    smtp_server.inbox.later["busy@members.example"] = 2
    sleeps: list[float] = []
    with SmtpMailer(settings(smtp_server, retry_delay=0.5), sleep=sleeps.append) as mailer:
        mailer.send(MailMessage("busy@members.example", "Subject", "Body"))
    assert sleeps == [0.5, 1.0]
    assert [r.recipients for r in smtp_server.inbox.received] == [["busy@members.example"]]
    smtp_server.inbox.later["busy@members.example"] = 5
    with pytest.raises(DeliveryError, match=r"busy@members\.example: .*451.*after 3 tries"):
        SmtpMailer(settings(smtp_server), sleep=lambda _: None).send(
            MailMessage("busy@members.example", "Subject", "Body")
        )


def test_login_and_a_refused_login(smtp_server: SmtpServer) -> None:
    good = settings(smtp_server, username="scrutineer", password="s3cret-relay")
    SmtpMailer(good).send(MailMessage("ada.byrne@members.example", "Subject", "Body"))
    assert smtp_server.inbox.logins == [("scrutineer", "s3cret-relay")]
    assert "s3cret-relay" not in repr(good)
    bad = settings(smtp_server, username="scrutineer", password="wrong")
    with pytest.raises(ConfigError, match="login refused for user 'scrutineer'"):
        SmtpMailer(bad).send(MailMessage("ada.byrne@members.example", "Subject", "Body"))
    assert len(smtp_server.inbox.received) == 1


def test_an_unreachable_server_stops_the_run(smtp_server: SmtpServer) -> None:
    dead = settings(smtp_server, port=free_port(), retries=1)
    material = issue_credentials(SETUP, RECIPIENTS, seeded_scalars(b"smtp tests"))
    with pytest.raises(MailServerError, match=r"127\.0\.0\.1:\d+: .*after 2 tries"):
        SmtpMailer(dead, sleep=lambda _: None).send(MailMessage("a@b.example", "S", "B"))
    report = send_credentials(material, SmtpMailer(dead, sleep=lambda _: None), INSTRUCTIONS)
    assert report.sent == ()
    assert len(report.failed) == 3
    assert all(o.error and "not sent" in o.error for o in report.failed[1:])


def test_resend_delivers_the_same_credential_again(smtp_server: SmtpServer) -> None:
    material = issue_credentials(SETUP, RECIPIENTS, seeded_scalars(b"smtp tests"))
    with SmtpMailer(settings(smtp_server)) as mailer:
        send_credentials(material, mailer, INSTRUCTIONS, member_ids=["NT-1001"])
        resend(material, "NT-1001", mailer, INSTRUCTIONS)
    first, second = (credential_of(r.message.get_content()) for r in smtp_server.inbox.received)
    assert first == second == material.find("NT-1001").secret.public


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"security": "tls1"}, "security: expected one of"),
        ({"port": 0}, "port: expected 1..65535"),
        ({"sender": "nobody"}, "sender: expected a From address"),
        ({"username": "x"}, "both a username and a password"),
    ],
)
def test_bad_settings_are_named(
    smtp_server: SmtpServer, changes: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        settings(smtp_server, **changes)


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("Your vote has been cast: Ballot", "Your tracking code: ABCD\n" + "y" * 200 + "\n"),
        ("Your sign-in code: Ballot", "Dear Siobhán Ó Briain,\n\n    123456\n"),
        ("Pleidlais: Cangen Ŵyr", "Eich cod: 654321\n"),
    ],
)
def test_what_is_sent_reads_back_exactly(smtp_server: SmtpServer, subject: str, body: str) -> None:
    """ASCII headers take the light builder (compat32), others the default policy's; either
    way a mail client reads back the very subject and body, long lines and accents too."""
    SmtpMailer(settings(smtp_server)).send(MailMessage("lee@example.org", subject, body))
    (got,) = smtp_server.inbox.received
    assert got.message["Subject"] == subject
    text = got.message.get_body(("plain",))
    assert text is not None
    assert text.get_content().replace("\r\n", "\n") == body  # as a mail client reads it
