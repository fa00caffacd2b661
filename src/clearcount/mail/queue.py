"""The booth's mail, sent behind the answer over held SMTP connections (issue 12).

A server under load mails a sign-in code and a receipt per voter. Sent one connection per
message (`SmtpMailer.send` alone), each costs a TCP connection, EHLO, STARTTLS's handshake and
QUIT on both ends, and holds a request thread while it lasts. `MailQueue.send` only queues the
message; a few sender threads each keep one SMTP connection open (`SmtpMailer` held, per
thread) and send the queue's messages over it, closing it after `idle` seconds without mail.

What a send cannot deliver is logged (the address and the server's answer, never the body,
which holds a code), as the request's background task logged it before: the voter can ask for a
new code, and the receipt is on their screen and the board. A full queue (the mail server down
for long) drops the new message with an error in the log rather than hold the server's memory
or its request threads. The threads start with the first message of the process that sends it
(a pre-forking server's parent starts none), and `close` sends what is queued before it returns.
"""

from __future__ import annotations

import logging
import os
import queue
import threading

from clearcount.mail.smtp import SmtpMailer
from clearcount.service.ports import MailMessage

__all__ = ["MailQueue"]

_log = logging.getLogger("clearcount.mail")
_STOP = MailMessage("", "", "")
"""Tells one sender thread to stop (never sent)."""


class MailQueue:
    """The `Mailer` port: queue now, send soon over held connections (module docstring)."""

    def __init__(
        self, mailer: SmtpMailer, *, senders: int = 2, idle: float = 20.0, limit: int = 10_000
    ) -> None:
        self._mailer = mailer
        self._senders = senders
        self._idle = idle
        self._queue: queue.Queue[MailMessage] = queue.Queue(limit)
        self._threads: list[threading.Thread] = []
        self._pid = 0
        self._start = threading.Lock()

    def send(self, message: MailMessage) -> None:
        """Queue `message` (logged and dropped if the queue is full)."""
        self._started()
        try:
            self._queue.put_nowait(message)
        except queue.Full:
            _log.error("mail to %s dropped: %d messages already wait for the mail server",
                       message.to, self._queue.maxsize)  # fmt: skip

    def _started(self) -> None:
        if self._pid == os.getpid():
            return
        with self._start:
            if self._pid == os.getpid():
                return
            self._threads = [
                threading.Thread(target=self._run, name=f"mail-{n}", daemon=True)
                for n in range(self._senders)
            ]
            for thread in self._threads:
                thread.start()
            self._pid = os.getpid()

    def _run(self) -> None:
        held = False
        while True:
            try:
                message = self._queue.get(timeout=self._idle)
            except queue.Empty:
                if held:
                    self._mailer.__exit__(None, None, None)  # closes this thread's connection
                    held = False
                continue
            if message is _STOP:
                break
            if not held:
                self._mailer.__enter__()
                held = True
            try:
                self._mailer.send(message)
            except Exception as error:  # logged, as the request's background task did
                _log.error("mail to %s not sent: %s", message.to, error)
        if held:
            self._mailer.__exit__(None, None, None)

    def close(self, timeout: float = 30.0) -> None:
        """Send what is queued (within `timeout` seconds), then stop the sender threads."""
        if self._pid != os.getpid():
            return
        for _ in self._threads:
            self._queue.put(_STOP)
        for thread in self._threads:
            thread.join(timeout)
        self._pid = 0
