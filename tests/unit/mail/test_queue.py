"""The booth's mail queue (mail.queue, issue 12) against a real SMTP server: held connections,
everything queued sent by `close`, failures logged, a full queue dropping rather than growing."""

from __future__ import annotations

import logging
import threading
import time

import pytest
from tests.unit.mail.smtp_server import SmtpServer
from tests.unit.mail.test_smtp import settings

from clearcount.mail.queue import MailQueue
from clearcount.mail.smtp import SmtpMailer
from clearcount.service.ports import MailMessage


def receipt(n: int, to: str = "") -> MailMessage:
    return MailMessage(to or f"voter-{n}@example.org", "Your vote has been cast: Ballot", f"{n}\n")


def test_queued_mail_goes_over_held_connections_and_close_sends_the_rest(
    smtp_server: SmtpServer,
) -> None:
    mail = MailQueue(SmtpMailer(settings(smtp_server)), senders=2)
    for n in range(30):
        mail.send(receipt(n))
    mail.close()
    inbox = smtp_server.inbox
    assert sorted(r.recipients[0] for r in inbox.received) == sorted(
        f"voter-{n}@example.org" for n in range(30)
    )
    assert len(set(inbox.peers)) <= 2, "one connection per sender thread, not per message"


def test_a_refused_message_is_logged_and_the_others_still_go(
    smtp_server: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    smtp_server.inbox.refuse.add("gone@example.org")
    mail = MailQueue(SmtpMailer(settings(smtp_server)), senders=1)
    with caplog.at_level(logging.ERROR, logger="clearcount.mail"):
        mail.send(receipt(1))
        mail.send(receipt(2, "gone@example.org"))
        mail.send(receipt(3))
        mail.close()
    assert [r.recipients[0] for r in smtp_server.inbox.received] == [
        "voter-1@example.org", "voter-3@example.org"
    ]  # fmt: skip
    assert "mail to gone@example.org not sent: " in caplog.text
    assert "Your vote" not in caplog.text, "never the body"


def test_an_idle_connection_is_closed_and_a_new_one_opened_for_the_next(
    smtp_server: SmtpServer,
) -> None:
    mail = MailQueue(SmtpMailer(settings(smtp_server)), senders=1, idle=0.1)
    mail.send(receipt(1))
    deadline = time.monotonic() + 10
    while not smtp_server.inbox.received and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.5)  # idle past 0.1 s: the connection is closed
    mail.send(receipt(2))
    mail.close()
    assert len(smtp_server.inbox.received) == 2
    assert len(set(smtp_server.inbox.peers)) == 2


def test_a_full_queue_drops_new_mail_with_an_error_instead_of_growing(
    smtp_server: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    smtp_server.inbox.gate = threading.Event()  # the mail server stalls
    mail = MailQueue(SmtpMailer(settings(smtp_server)), senders=1, limit=2)
    with caplog.at_level(logging.ERROR, logger="clearcount.mail"):
        mail.send(receipt(1))
        deadline = time.monotonic() + 10
        while mail._queue.qsize() and time.monotonic() < deadline:  # the sender holds 1
            time.sleep(0.01)
        for n in (2, 3, 4):
            mail.send(receipt(n))
    assert "mail to voter-4@example.org dropped: 2 messages already wait" in caplog.text
    smtp_server.inbox.gate.set()
    mail.close()
    assert sorted(r.recipients[0] for r in smtp_server.inbox.received) == [
        f"voter-{n}@example.org" for n in (1, 2, 3)
    ]
