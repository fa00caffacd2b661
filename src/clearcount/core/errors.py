"""The one error tree of clearcount.

Every failure a user can cause is a `ClearcountError`, whose message names the object, the field,
what was expected and what was received (the attrs style), so the CLI can print it without a
traceback. Programming errors stay as the built-in exceptions.
"""

from __future__ import annotations

__all__ = [
    "CanonicalFormError",
    "ClearcountError",
    "ConfigError",
    "CountingError",
    "CryptoError",
    "DecodingError",
    "DiscreteLogError",
    "InputFormatError",
    "ProofError",
    "RecordError",
    "TieUnresolvedError",
]


class ClearcountError(Exception):
    """Base of every error clearcount raises on bad input or a failed check."""


class ConfigError(ClearcountError):
    """A rule set, option or profile is unknown or its value is out of range."""


class CountingError(ClearcountError):
    """The ballots cannot be counted under the chosen rules (e.g. more seats than allowed)."""


class TieUnresolvedError(CountingError):
    """A tie the rule set says must be decided by a person (RCTab's `stopCountingAndAsk`)."""


class InputFormatError(ClearcountError):
    """A ballot file is malformed: the message names the source, the line and what was expected."""

    def __init__(self, source: str, line: int | None, message: str) -> None:
        self.source = source
        self.line = line
        self.detail = message
        where = f"{source}, line {line}" if line is not None else source
        super().__init__(f"{where}: {message}")


class CryptoError(ClearcountError):
    """A cryptographic value or check failed (docs/spec §1-§4)."""


class DecodingError(CryptoError):
    """Bytes received from outside are not a canonical encoding of the expected value (spec §1.3).

    Covers wrong lengths, non-canonical or off-group point encodings, the identity where it is not
    allowed, and scalars not reduced modulo the group order.
    """


class ProofError(CryptoError):
    """A zero-knowledge proof does not verify against its statement and election (spec §4)."""


class DiscreteLogError(CryptoError):
    """A decrypted tally has no discrete log within the declared bound (spec §3.6)."""


class RecordError(ClearcountError):
    """An election record is unreadable, malformed or breaks its hash chain."""


class CanonicalFormError(RecordError):
    """Bytes that are not the one canonical encoding (spec §10.1) of a record object."""
