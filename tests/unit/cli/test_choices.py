"""Each option value the CLI copies for a light `--help` (cli.choices) equals its source."""

from __future__ import annotations

from clearcount.cli import choices
from clearcount.documents.build import FORMATS
from clearcount.mail.smtp import SECURITY_MODES
from clearcount.protocol.roles import ROLES
from clearcount.record.trigger_signed import VOTES
from clearcount.service.elections.appeals import DECISIONS
from clearcount.service.roles.keys import DEFAULT_LOG2_N


def test_every_copy_equals_its_source() -> None:
    assert choices.DECISIONS == DECISIONS
    assert choices.DEFAULT_LOG2_N == DEFAULT_LOG2_N
    assert choices.FORMATS == FORMATS
    assert choices.ROLES == ROLES
    assert choices.SECURITY_MODES == SECURITY_MODES
    assert choices.VOTES == VOTES
