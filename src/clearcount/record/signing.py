"""What each role's signature on the record covers, and the purpose that tells them apart (§11).

Every act of a role is a Schnorr signature (spec §4.2) by the role's long-term key listed in the
Setup, with the election fingerprint as context and `message` = SHA-256 of the canonical JSON
(RFC 8785) of the signed object. The purpose goes into the challenge's domain tag, so a signature
made for one kind of act never verifies as another:

- `credential-list`: the credential authority; the Credentials body without `signature` (§11.3);
- `credential-cancellation`: the credential authority; `{"cancelled_credentials": [...]}` of a
  PaperBatch (§11.6);
- `paper-batch`: each of the two tellers; the PaperBatch body without `signatures` (§11.6);
- `paper-issue`: the credential authority as scrutineer; the PaperIssue body without
  `signature` (§11.12.1);
- `paper-replacement`: the scrutineer; the PaperReplacement body without `signature`;
- `paper-returns`: each of the two tellers; the PaperReturns body without `signatures`
  (§11.12.2);
- `paper-entry`: one teller; its own entry of returned papers sent to the ballot server (not on
  the record: `protocol.postal_entry`, §11.12.2), the entry without `signature`;
- `shuffle`: the shuffling trustee; the Shuffle body without `signature` (§11.8);
- `partial-decryption`: the decrypting trustee; the PartialDecryption body without `signature`
  (§11.9).
"""

from __future__ import annotations

from collections.abc import Mapping

from clearcount.core.canonical import canonical_sha256

__all__ = [
    "CANCELLATION_PURPOSE",
    "CREDENTIALS_PURPOSE",
    "DECRYPTION_PURPOSE",
    "ENTRY_PURPOSE",
    "PAPER_ISSUE_PURPOSE",
    "REPLACEMENT_PURPOSE",
    "RETURNS_PURPOSE",
    "SHUFFLE_PURPOSE",
    "TELLER_PURPOSE",
    "signed_digest",
]

CREDENTIALS_PURPOSE = "credential-list"
CANCELLATION_PURPOSE = "credential-cancellation"
TELLER_PURPOSE = "paper-batch"
SHUFFLE_PURPOSE = "shuffle"
DECRYPTION_PURPOSE = "partial-decryption"
PAPER_ISSUE_PURPOSE = "paper-issue"
REPLACEMENT_PURPOSE = "paper-replacement"
RETURNS_PURPOSE = "paper-returns"
ENTRY_PURPOSE = "paper-entry"


def signed_digest(body: Mapping[str, object]) -> bytes:
    """SHA-256 of the canonical bytes of `body` without "signature(s)" (spec §11.4, §11.6)."""
    unsigned = {k: v for k, v in body.items() if k not in ("signature", "signatures")}
    return canonical_sha256(unsigned)
