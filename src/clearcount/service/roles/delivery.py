"""What the credential authority sends each voter: the email and the printed letter (spec §11.3).

The authority sends each eligible member their secret credential s (spec §11.3) by one of two
channels: an email through the configured SMTP server (`Mailer` in `service.ports`), or a
printable letter for postal voters (rendered by `clearcount.mail.letters`). This module composes
both from the same facts, so they say the same thing, and defines the **credential code**: how s
is written for a person (docs/service/credentials.md §"The credential code").

The credential code is the 32-byte encoding of s followed by the first 3 bytes of
SHA-256(lp("clearcount/v1/credential-code", s)), in Crockford base32 (no I, L, O, U): 56
characters in 14 groups of 4. The check bytes catch a mistyped character before the voter's
device signs anything with a wrong key.

Nothing here logs or prints: the secret goes only into the voter's own message or letter.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from clearcount.core.errors import DecodingError
from clearcount.crypto.group import Scalar, length_prefixed
from clearcount.service.errors import ServiceError, ValidationError
from clearcount.service.ports import MailMessage

__all__ = [
    "CHANNELS",
    "CODE_DOMAIN",
    "DeliveryError",
    "ElectionFacts",
    "Letter",
    "MailServerError",
    "Recipient",
    "VotingInstructions",
    "compose_email",
    "compose_letter",
    "credential_code",
    "parse_credential_code",
    "short_fingerprint",
]

CHANNELS = ("email", "postal")
"""How a member receives their credential: by email, or by a printed letter in the post."""

CODE_DOMAIN = b"clearcount/v1/credential-code"
_CHECK_BYTES = 3
_CODE_CHARS = 56
_TO_CROCKFORD = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
)
_FROM_CROCKFORD = str.maketrans(
    "0123456789ABCDEFGHJKMNPQRSTVWXYZOIL", "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABB"
)
_EMAIL = re.compile(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+")


class DeliveryError(ServiceError):
    """A message could not be delivered; names the destination, the reason and, once the
    authority knows it, the member (never the message body, which holds the secret)."""

    def __init__(self, destination: str, reason: str, member_id: str = "") -> None:
        self.destination = destination
        self.reason = reason
        self.member_id = member_id
        who = f"member {member_id}: " if member_id else ""
        super().__init__(f"{who}cannot deliver the credential to {destination}: {reason}")

    def for_member(self, member_id: str) -> DeliveryError:
        """The same failure, naming the member whose credential it was."""
        return DeliveryError(self.destination, self.reason, member_id)


class MailServerError(ServiceError):
    """The mail server cannot be reached or refuses the session: nothing more can be sent now."""


@dataclass(frozen=True, slots=True)
class Recipient:
    """An eligible member as the authority knows them: who, how to reach them, their weight.

    `channel` is "email" (then `email` is required) or "postal" (then `address` is required:
    the lines of the postal address, postcode last). `weight` is the member's weight on the
    public credential list (spec §11.3; 1 unless a delegate carries a card vote).
    """

    member_id: str
    name: str
    channel: str
    email: str = ""
    address: tuple[str, ...] = ()
    weight: int = 1
    contests: tuple[str, ...] | None = None
    """The contests the member may vote in, in a scoped election (its roll entry's, spec
    §10.4.1; a trigger ballot's own branch); None: every contest."""

    def __post_init__(self) -> None:
        if not self.member_id.strip() or len(self.member_id) > 64:
            raise ValidationError("recipient", "member_id", "1-64 characters", self.member_id)
        where = f"recipient {self.member_id}"
        if not self.name.strip() or len(self.name) > 200:
            raise ValidationError(where, "name", "1-200 characters", self.name)
        if self.channel not in CHANNELS:
            raise ValidationError(where, "channel", f"one of {CHANNELS}", self.channel)
        if self.email and not _EMAIL.fullmatch(self.email):
            raise ValidationError(where, "email", "an address like name@example.org", self.email)
        if self.channel == "email" and not self.email:
            raise ValidationError(where, "email", "an address for the email channel", "")
        if self.channel == "postal" and not any(line.strip() for line in self.address):
            raise ValidationError(where, "address", "postal address lines", list(self.address))
        if isinstance(self.weight, bool) or not isinstance(self.weight, int) or self.weight < 1:
            raise ValidationError(where, "weight", "an integer >= 1", self.weight)

    @property
    def destination(self) -> str:
        """Where the credential goes, for the scrutineer's reports (never the secret)."""
        if self.channel == "email":
            return f"<{self.email}>"
        return "post: " + ", ".join(line for line in self.address if line.strip())

    def to_json(self) -> dict[str, object]:
        return {
            "member_id": self.member_id,
            "name": self.name,
            "channel": self.channel,
            "email": self.email,
            "address": list(self.address),
            "weight": self.weight,
            **({} if self.contests is None else {"contests": list(self.contests)}),
        }


@dataclass(frozen=True, slots=True)
class ElectionFacts:
    """The public facts of the election that every message states (from Setup, spec §11.2)."""

    election_id: str
    title: str
    organisation: str
    opens: str
    closes: str
    authority: str
    fingerprint: str
    """The election fingerprint (spec §11.1), lowercase hex."""
    roll_root: str
    eligible: int

    def to_json(self) -> dict[str, object]:
        return {
            "election_id": self.election_id,
            "title": self.title,
            "organisation": self.organisation,
            "opens": self.opens,
            "closes": self.closes,
            "authority": self.authority,
            "fingerprint": self.fingerprint,
            "roll_root": self.roll_root,
            "eligible": self.eligible,
        }


@dataclass(frozen=True, slots=True)
class VotingInstructions:
    """What the voter is told besides the credential: where to vote and whom to ask.

    `vote_url` is the address where `clearcount serve` answers (e.g. https://vote.example.org);
    the booth of election E is at {vote_url}/e/E/vote (`booth_url`). An address that already
    ends in /e/E or /e/E/vote (the per-election address given before the server existed) is
    taken as the booth's own.
    """

    vote_url: str
    help_contact: str

    def __post_init__(self) -> None:
        if not self.vote_url.startswith(("https://", "http://")):
            raise ValidationError("instructions", "vote_url", "an http(s) address", self.vote_url)
        if not self.help_contact.strip():
            raise ValidationError("instructions", "help_contact", "whom to ask", self.help_contact)

    def booth_url(self, election_id: str) -> str:
        """The booth page of `election_id` on this server."""
        base = self.vote_url.rstrip("/")
        page = f"/e/{quote(election_id, safe='')}"
        if base.endswith(page + "/vote"):
            return base
        if base.endswith(page):
            return base + "/vote"
        return f"{base}{page}/vote"

    def credential_link(self, election_id: str, code: str) -> str:
        """The booth's address with the credential code after `#`: browsers never send the
        fragment to the server, so the credential stays on the voter's device."""
        return f"{self.booth_url(election_id)}#c={code}"


@dataclass(frozen=True, slots=True)
class Letter:
    """A postal voter's letter, ready to print on one A4 page (`clearcount.mail.letters`)."""

    member_id: str
    address: tuple[str, ...]
    sender: str
    date: str
    heading: str
    salutation: str
    before: tuple[str, ...]
    """Paragraphs before the credential code."""
    code: str
    after: tuple[str, ...]
    """Paragraphs after the credential code (instructions, fingerprint, help)."""

    def __repr__(self) -> str:
        return f"Letter(member_id={self.member_id!r}, <credential hidden>)"


def _check(secret: bytes) -> bytes:
    return hashlib.sha256(length_prefixed(CODE_DOMAIN, secret)).digest()[:_CHECK_BYTES]


def credential_code(secret: Scalar) -> str:
    """s as the voter reads and types it: 14 groups of 4 Crockford base32 characters."""
    data = secret.to_bytes() + _check(secret.to_bytes())
    code = base64.b32encode(data).decode("ascii").translate(_TO_CROCKFORD)
    return "-".join(code[i : i + 4] for i in range(0, _CODE_CHARS, 4))


def parse_credential_code(text: str) -> Scalar:
    """The secret s of a credential code; DecodingError naming what is wrong.

    Case, spaces and hyphens are ignored; O reads as 0 and I, L as 1 (Crockford's rules).
    """
    compact = re.sub(r"[\s-]", "", text).upper()
    if len(compact) != _CODE_CHARS:
        raise DecodingError(
            f"credential code: expected {_CODE_CHARS} characters (14 groups of 4), "
            f"got {len(compact)}"
        )
    bad = sorted({c for c in compact if c not in "0123456789ABCDEFGHJKMNPQRSTVWXYZOIL"})
    if bad:
        raise DecodingError(f"credential code: unexpected characters {''.join(bad)!r}")
    data = base64.b32decode(compact.translate(_FROM_CROCKFORD))
    secret, check = data[:32], data[32:]
    if _check(secret) != check:
        raise DecodingError(
            "credential code: the check characters do not match; a character is mistyped"
        )
    return Scalar.from_bytes(secret)


def short_fingerprint(fingerprint: str) -> str:
    """The first 128 bits of the fingerprint in groups of 4 hex digits, for people to compare."""
    return " ".join(fingerprint[i : i + 4] for i in range(0, 32, 4))


def _when(instant: str) -> str:
    """ "2031-05-01T09:00:00Z" as "1 May 2031, 09:00 UTC" (times in the record are UTC)."""
    try:
        at = datetime.fromisoformat(instant.replace("Z", "+00:00"))
    except ValueError:
        return instant
    return f"{at.day} {at:%B %Y, %H:%M} UTC"


def _paragraphs(
    election: ElectionFacts, recipient: Recipient, instructions: VotingInstructions
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    before = [
        f'You are entitled to vote in "{election.title}", held by {election.organisation}. '
        f"Voting opens on {_when(election.opens)} and closes on {_when(election.closes)}.",
        "Below is your personal voting credential. Keep it secret: anyone who has it can vote "
        "in your name. Nobody from the organisation or the ballot service will ever ask you "
        "for it.",
    ]
    if recipient.weight > 1:
        before.append(f"Your credential carries {recipient.weight} votes (your card vote).")
    after = [
        f"To vote: go to {instructions.booth_url(election.election_id)}, enter your credential "
        "when asked, and make your choices. Your ballot is encrypted on your own device before "
        "it is sent.",
        "After voting you get a tracking code: write it down and check that it appears on the "
        "public ballot board. You may vote again before the close; only your last ballot "
        "counts.",
        f"Election fingerprint: {short_fingerprint(election.fingerprint)}. The voting page "
        "shows the same fingerprint: check that they match.",
        f"This credential was made by the independent scrutineer ({election.authority}), not by "
        "the ballot service, which never sees it. If you lose it, ask for it again: you will "
        "receive the same credential.",
        f"Your membership number: {recipient.member_id}. Questions: {instructions.help_contact}.",
    ]
    return tuple(before), tuple(after)


def compose_email(
    election: ElectionFacts,
    recipient: Recipient,
    secret: Scalar,
    instructions: VotingInstructions,
) -> MailMessage:
    """The credential email: the subject never holds the credential, the body does (once)."""
    if not recipient.email:
        raise ValidationError(
            f"recipient {recipient.member_id}", "email", "an email address", recipient.email
        )
    before, after = _paragraphs(election, recipient, instructions)
    lines = [f"Dear {recipient.name},", ""]
    for paragraph in before:
        lines += [paragraph, ""]
    booth = instructions.booth_url(election.election_id)
    link = instructions.credential_link(election.election_id, credential_code(secret))
    lines += [
        'Your voting credential is in this link, after "#c=". Open the link to vote: your '
        "browser keeps that part on your device and never sends it to the server.",
        "",
        f"    {link}",
        "",
        f"If the link does not open, go to {booth} and type the credential: the 14 groups of 4 "
        'characters after "#c=".',
        "",
    ]
    for paragraph in after:
        lines += [paragraph, ""]
    lines += [f"{election.authority}, independent scrutineer"]
    return MailMessage(
        to=recipient.email,
        subject=f"Your voting credential: {election.title}",
        body="\n".join(lines) + "\n",
    )


def compose_letter(
    election: ElectionFacts,
    recipient: Recipient,
    secret: Scalar,
    instructions: VotingInstructions,
    date: str,
) -> Letter:
    """The postal voter's letter; `date` is the date printed on it (e.g. "3 April 2031")."""
    before, after = _paragraphs(election, recipient, instructions)
    return Letter(
        member_id=recipient.member_id,
        address=(recipient.name, *(line for line in recipient.address if line.strip())),
        sender=f"{election.authority}, independent scrutineer - {election.organisation}",
        date=date,
        heading=f"Your voting credential: {election.title}",
        salutation=f"Dear {recipient.name},",
        before=before,
        code=credential_code(secret),
        after=after,
    )
