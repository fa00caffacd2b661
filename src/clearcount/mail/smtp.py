"""Sending mail through the organisation's SMTP server: the `Mailer` port over smtplib.

The credential authority (docs/service/credentials.md) sends each voter their credential
(spec §11.3) through a configured server: STARTTLS on port 587 (the default), implicit TLS on
465 ("ssl"), or plain SMTP (a relay on the same host or the tests' local server). A failure
names the member's address and the server's answer, never the message body, which holds the
secret. Temporary failures (connection lost, 4xx answers) are retried on a fresh connection;
permanent ones (5xx, such as a refused recipient, or an internationalised address the server
cannot take without SMTPUTF8) are not, and fail that recipient alone.
"""

from __future__ import annotations

import smtplib
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.charset import QP, Charset
from email.message import EmailMessage, Message
from email.mime.text import MIMEText
from email.utils import formatdate, make_msgid
from types import TracebackType
from typing import Self

from clearcount.core.errors import ConfigError
from clearcount.service.ports import MailMessage
from clearcount.service.roles.delivery import DeliveryError, MailServerError

__all__ = ["SECURITY_MODES", "SmtpMailer", "SmtpSettings", "build_message"]

SECURITY_MODES = ("starttls", "ssl", "plain")
_UTF8_QP = Charset("utf-8")
_UTF8_QP.body_encoding = QP  # quoted-printable: readable, unlike base64


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    """How to reach the SMTP server. `password` is kept out of repr."""

    host: str
    sender: str
    """The From address, e.g. "Scrutineer <scrutineer@northfold-union.example>"."""
    port: int = 587
    security: str = "starttls"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 30.0
    retries: int = 2
    """Further attempts after a temporary failure (so 3 tries in all by default)."""
    retry_delay: float = 5.0
    """Seconds before the first retry; doubled for each further one."""

    def __post_init__(self) -> None:
        if self.security not in SECURITY_MODES:
            raise ConfigError(
                f"SMTP security: expected one of {SECURITY_MODES}, got {self.security!r}"
            )
        if not 0 < self.port < 65536:
            raise ConfigError(f"SMTP port: expected 1..65535, got {self.port}")
        if "@" not in self.sender:
            raise ConfigError(f"SMTP sender: expected a From address, got {self.sender!r}")
        if (self.username is None) != (self.password is None):
            raise ConfigError("SMTP login: expected both a username and a password, or neither")
        if self.retries < 0 or self.retry_delay < 0 or self.timeout <= 0:
            raise ConfigError(
                "SMTP retries, retry delay and timeout: expected retries >= 0, delay >= 0, "
                f"timeout > 0, got {self.retries}, {self.retry_delay}, {self.timeout}"
            )


def build_message(message: MailMessage, sender: str) -> Message:
    """The RFC 5322 message: plain UTF-8 text, with Date and Message-ID. With ASCII headers
    (the usual case) it is built by the email package's compat32 classes, a third of the
    CPU of its default policy's, which parses every address header (issue 12: a receipt per
    cast); the body is 7bit if it is short-lined ASCII, else UTF-8 quoted-printable."""
    domain = sender.rsplit("@", 1)[-1].strip(" >")
    if (sender + message.to + message.subject).isascii():
        plain = message.body.isascii() and all(len(n) <= 76 for n in message.body.split("\n"))
        charset = "us-ascii" if plain else _UTF8_QP  # set_payload takes a Charset too
        light = MIMEText(message.body, "plain", charset)  # type: ignore[arg-type]
        light["From"] = sender
        light["To"] = message.to
        light["Subject"] = message.subject
        light["Date"] = formatdate(localtime=False, usegmt=True)
        light["Message-ID"] = make_msgid(domain=domain or None)
        return light
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False, usegmt=True)
    email["Message-ID"] = make_msgid(domain=domain or None)
    email.set_content(message.body, charset="utf-8")
    return email


class _TemporaryError(Exception):
    """A failure worth another try; `reason` is what the report says if tries run out."""

    def __init__(self, reason: str, *, server: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.server = server
        """True when the server, not this message, failed (connection lost or refused)."""


def _answer(code: int, text: bytes | str) -> str:
    said = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {said}".strip()


class SmtpMailer:
    """The `Mailer` port over one SMTP connection, reopened when it drops.

    Use as a context manager to send many messages over one connection; `send` alone opens and
    closes a connection per message. The connection is per thread, so one mailer may be shared
    by the threads of a server (each sign-in code sent from its own worker thread): an SMTP
    session interleaved between two threads would be refused ("nested MAIL command").
    """

    def __init__(
        self,
        settings: SmtpSettings,
        *,
        context: ssl.SSLContext | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._settings = settings
        self._context = context or ssl.create_default_context()
        self._sleep = sleep
        self._local = threading.local()

    @property
    def _client(self) -> smtplib.SMTP | None:
        client: smtplib.SMTP | None = getattr(self._local, "client", None)
        return client

    @_client.setter
    def _client(self, client: smtplib.SMTP | None) -> None:
        self._local.client = client

    @property
    def _held(self) -> bool:
        return bool(getattr(self._local, "held", False))

    @_held.setter
    def _held(self, held: bool) -> None:
        self._local.held = held

    def __enter__(self) -> Self:
        self._held = True
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._held = False
        self._close()

    def _connect(self) -> smtplib.SMTP:
        s = self._settings
        client: smtplib.SMTP
        if s.security == "ssl":
            client = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=self._context)
        else:
            client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        try:
            client.ehlo()
            if s.security == "starttls":
                client.starttls(context=self._context)
                client.ehlo()
            if s.username is not None and s.password is not None:
                client.login(s.username, s.password)
        except BaseException:
            client.close()
            raise
        return client

    def _close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                client.close()

    def _attempt(self, email: Message, to: str) -> None:
        """One try; _TemporaryError for what may pass later, DeliveryError for what will not."""
        try:
            if self._client is None:
                self._client = self._connect()
            refused = self._client.send_message(email, to_addrs=[to])
        except smtplib.SMTPAuthenticationError as error:
            self._close()
            raise ConfigError(
                f"SMTP server {self._settings.host}: login refused for user "
                f"{self._settings.username!r}: {_answer(error.smtp_code, error.smtp_error)}"
            ) from None
        except smtplib.SMTPRecipientsRefused as error:
            code, text = error.recipients.get(to, (550, b"refused"))
            self._reset()
            if 400 <= code < 500:
                raise _TemporaryError(f"recipient refused for now: {_answer(code, text)}") from None
            raise DeliveryError(to, f"recipient refused: {_answer(code, text)}") from None
        except smtplib.SMTPNotSupportedError:
            # an internationalised address (zoë@…) and a server without SMTPUTF8: this
            # recipient cannot be reached through this server, the others can
            self._reset()
            raise DeliveryError(
                to, "the mail server does not accept internationalised addresses (no SMTPUTF8); "
                "send this member a letter, or use a server that supports SMTPUTF8",
            ) from None  # fmt: skip
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
            self._reset()
            answer = _answer(error.smtp_code, error.smtp_error)
            if 400 <= error.smtp_code < 500:
                raise _TemporaryError(f"message refused for now: {answer}") from None
            raise DeliveryError(to, f"message refused: {answer}") from None
        except (smtplib.SMTPException, OSError) as error:
            self._close()
            raise _TemporaryError(f"SMTP server {self._settings.host}:{self._settings.port}: "
                             f"{type(error).__name__}: {error}", server=True) from None  # fmt: skip
        if refused:
            code, text = refused.get(to, (550, b"refused"))
            raise DeliveryError(to, f"recipient refused: {_answer(code, text)}")

    def _reset(self) -> None:
        if self._client is not None:
            try:
                self._client.rset()
            except (smtplib.SMTPException, OSError):
                self._close()

    def send(self, message: MailMessage) -> None:
        """Send one message; DeliveryError naming the recipient when it cannot be delivered,
        MailServerError when the server itself stays unreachable, ConfigError on a bad login.

        The error names no member: the caller (the credential authority) knows whose address it
        is and adds the member (`DeliveryError.for_member`).
        """
        email = build_message(message, self._settings.sender)
        delay = self._settings.retry_delay
        try:
            for attempt in range(self._settings.retries + 1):
                try:
                    self._attempt(email, message.to)
                    return
                except _TemporaryError as temporary:
                    if attempt == self._settings.retries:
                        reason = f"{temporary.reason} (after {attempt + 1} tries)"
                        if temporary.server:
                            raise MailServerError(f"sending to {message.to}: {reason}") from None
                        raise DeliveryError(message.to, reason) from None
                    self._sleep(delay)
                    delay *= 2
        finally:
            if not self._held:
                self._close()
