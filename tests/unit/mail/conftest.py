"""The mail tests run against a real SMTP server (tests/unit/mail/smtp_server.py)."""

from tests.unit.mail.smtp_server import ascii_smtp_server, smtp_server

__all__ = ["ascii_smtp_server", "smtp_server"]
