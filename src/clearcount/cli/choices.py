"""The values some options offer in `--help`, without importing the modules that define them.

`clearcount GROUP --help` must import only click and the CLI (issue 11: every command starts in
under 0.3 s), yet these choices and defaults live in modules that pull in the record, the
protocol or the PDF library. Each is copied here as a literal; tests/unit/cli/test_choices.py
keeps every copy equal to its source.
"""

from __future__ import annotations

__all__ = ["DECISIONS", "DEFAULT_LOG2_N", "FORMATS", "ROLES", "SECURITY_MODES", "VOTES"]

DECISIONS = ("upheld", "dismissed", "partly-upheld")
"""service.elections.appeals.DECISIONS: the appeal panel's decisions."""

DEFAULT_LOG2_N = 17
"""service.roles.sealed_file.DEFAULT_LOG2_N: the key files' default scrypt cost."""

FORMATS = ("pdf", "html", "csv", "json")
"""documents.build.FORMATS: the formats a document is made in."""

ROLES = ("trustee", "teller", "authority", "officer", "affiliate")
"""protocol.roles.ROLES: the roles that hold a long-term key."""

SECURITY_MODES = ("starttls", "ssl", "plain")
"""mail.smtp.SECURITY_MODES: how the SMTP connection is secured."""

VOTES = ("yes", "no", "abstain")
"""record.trigger_signed.VOTES: an affiliate's vote in a trigger ballot."""
