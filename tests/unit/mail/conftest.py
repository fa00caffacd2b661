"""The mail tests run against a real SMTP server (tests/unit/mail/smtp_server.py)."""

from tests.unit.mail.smtp_server import smtp_server

__all__ = ["smtp_server"]
