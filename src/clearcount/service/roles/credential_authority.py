"""The credential authority (the independent scrutineer): credentials, their delivery, re-sending.

spec §11.3: the authority draws one secret scalar s per eligible member, sends s to that member
and publishes only S = s·G. This module is the authority's side of it, run in the scrutineer's
own process (`clearcount credentials ...`), never inside the ballot service:

- `election_facts(setup_event)` reads and checks the Setup (spec §11.2) and keeps what the
  messages state; `recipients_from_json` / `recipients_from_snapshot` give the eligible members
  and how each is reached;
- `issue_credentials` draws the credentials through `protocol.credentials.generate_credentials`
  (the one place that makes them) and keeps member -> (s, S) in `KeyMaterial`, which only the
  authority's encrypted key file (`service.roles.credential_keyfile`) ever stores;
- `KeyMaterial.credentials(authority_key)` is the public Credentials body for the record (spec
  §11.3): sorted public credentials and weights, nothing that links them to members, signed
  with the authority's own key; `KeyMaterial.cancellation(members, authority_key)` the signed
  list of the credentials of members who voted on paper (spec §11.6);
- `delivery_plan`, `send_credentials`, `letters` and `resend` deliver them; re-sending sends the
  same s again (a new s would be a credential the record does not list).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from clearcount.crypto.group import Scalar, ScalarSource
from clearcount.protocol.context import read_election
from clearcount.protocol.credentials import (
    CredentialSecret,
    generate_credentials,
    sign_credentials,
)
from clearcount.protocol.paper import Cancellation, sign_cancellation
from clearcount.record import codec
from clearcount.record.chain import Event
from clearcount.record.events import Credentials, Setup
from clearcount.service.errors import ConflictError, NotFoundError, ValidationError
from clearcount.service.ports import Mailer
from clearcount.service.roles.delivery import (
    DeliveryError,
    ElectionFacts,
    Letter,
    MailServerError,
    Recipient,
    VotingInstructions,
    compose_email,
    compose_letter,
)

if TYPE_CHECKING:
    from clearcount.service.membership.members import Member
    from clearcount.service.membership.roll_snapshot import RollSnapshot

__all__ = [
    "ROLL_FORMAT",
    "DeliveryOutcome",
    "DeliveryPlan",
    "DeliveryReport",
    "IssuedCredential",
    "KeyMaterial",
    "delivery_plan",
    "election_facts",
    "issue_credentials",
    "letters",
    "recipients_from_json",
    "recipients_from_snapshot",
    "resend",
    "send_credentials",
]

ROLL_FORMAT = "clearcount-credential-roll/1"
"""The `format` of the eligible members' input file (docs/service/credentials.md)."""


@dataclass(frozen=True, slots=True)
class IssuedCredential:
    """One member's credential: who, how they are reached, s and S = s·G (spec §11.3)."""

    recipient: Recipient
    secret: CredentialSecret

    def __repr__(self) -> str:
        return f"IssuedCredential({self.recipient.member_id!r}, {self.secret!r})"


@dataclass(frozen=True, slots=True)
class KeyMaterial:
    """Everything the authority keeps: the election's facts and each member's credential.

    Only `service.roles.credential_keyfile` writes it, encrypted; it never goes to the service.
    """

    election: ElectionFacts
    issued: tuple[IssuedCredential, ...]

    def __post_init__(self) -> None:
        ids = [i.recipient.member_id for i in self.issued]
        if len(set(ids)) != len(ids):
            duplicates = sorted({m for m in ids if ids.count(m) > 1})
            raise ValidationError("key material", "members", "distinct member ids", duplicates)
        if len(ids) != self.election.eligible:
            raise ValidationError(
                "key material",
                "members",
                f"{self.election.eligible} credentials (Setup.roll.eligible)",
                len(ids),
            )

    def credentials(self, authority: Scalar, rng: ScalarSource = Scalar.random) -> Credentials:
        """The public Credentials body (spec §11.3): S sorted by encoding, with weights, signed
        with `authority`, the authority's own signing key (from its `role init` key file)."""
        scoped = sorted({i.recipient.contests for i in self.issued if i.recipient.contests})
        return sign_credentials(
            bytes.fromhex(self.election.fingerprint),
            [(i.secret.public, i.secret.weight) for i in self.issued],
            authority,
            rng,
            [scoped.index(i.recipient.contests) for i in self.issued if i.recipient.contests]
            if scoped
            else None,
        )

    def cancellation(
        self, members: Sequence[str], authority: Scalar, rng: ScalarSource = Scalar.random
    ) -> Cancellation:
        """The signed list of the credentials of `members`, who voted on paper (spec §11.6):
        sorted, so it does not say which credential is whose."""
        publics = [self.find(m).secret.public for m in members]
        return sign_cancellation(bytes.fromhex(self.election.fingerprint), publics, authority, rng)

    def find(self, member_id: str) -> IssuedCredential:
        for issued in self.issued:
            if issued.recipient.member_id == member_id:
                return issued
        raise NotFoundError(
            f"member {member_id!r} has no credential for election {self.election.election_id!r}"
        )

    def __repr__(self) -> str:
        return f"KeyMaterial({self.election.election_id!r}, {len(self.issued)} credentials)"


def _facts(setup: Setup, setup_event: Event) -> ElectionFacts:
    return ElectionFacts(
        election_id=setup.election_id,
        title=setup.title or setup.election_id,
        organisation=setup.organisation,
        opens=setup.opens,
        closes=setup.closes,
        authority=setup.credential_authority.name,
        fingerprint=setup_event.hash,
        roll_root=setup.roll.root,
        eligible=setup.roll.eligible,
    )


def election_facts(setup_event: Event) -> ElectionFacts:
    """Check event 0 (Setup, trustees' proofs, joint key) and keep what the messages state."""
    return _facts(read_election([setup_event]).setup, setup_event)


def issue_credentials(
    setup_event: Event,
    recipients: Sequence[Recipient],
    rng: ScalarSource = Scalar.random,
) -> KeyMaterial:
    """One credential per eligible member (spec §11.3), in the order of `recipients`.

    The number of recipients must be the Setup's `roll.eligible`: the published list has
    exactly one credential per eligible member, so the board cannot add voters.
    """
    setup = read_election([setup_event]).setup
    if len(recipients) != setup.roll.eligible:
        raise ValidationError(
            "credential roll",
            "members",
            f"{setup.roll.eligible} eligible members (Setup.roll.eligible)",
            f"{len(recipients)} members",
        )
    given = sorted(Counter(r.contests for r in recipients if r.contests).items())
    wanted = sorted((scope.contests, scope.eligible) for scope in setup.roll.scopes)
    if given != wanted:
        raise ValidationError(
            "credential roll",
            "contests",
            f"the roll's members per contest {[(list(c), n) for c, n in wanted]} "
            "(Setup.roll.scopes, spec §10.4.1)",
            f"{[(list(c), n) for c, n in given]}",
        )
    secrets = generate_credentials(setup, rng, [r.weight for r in recipients])
    return KeyMaterial(
        _facts(setup, setup_event),
        tuple(IssuedCredential(r, s) for r, s in zip(recipients, secrets, strict=True)),
    )


def _lines(value: object, path: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.replace(",", "\n").splitlines() if part)
    return tuple(codec.text(v, f"{path}[{i}]") for i, v in enumerate(codec.array(value, path)))


def recipients_from_json(document: object, election: ElectionFacts) -> tuple[Recipient, ...]:
    """The eligible members of a credential roll file (format `ROLL_FORMAT`).

    `roll_root`, when given, must be the Setup's roll root: the file belongs to that roll.
    """
    path = "credential roll"
    if not isinstance(document, dict):
        raise ValidationError(path, "document", "a JSON object", type(document).__name__)
    if document.get("format") != ROLL_FORMAT:
        raise ValidationError(path, "format", repr(ROLL_FORMAT), document.get("format"))
    root = document.get("roll_root")
    if root is not None and root != election.roll_root:
        raise ValidationError(path, "roll_root", f"the Setup's {election.roll_root}", root)
    recipients = []
    for i, item in enumerate(codec.array(document.get("members"), f"{path}.members")):
        where = f"{path}.members[{i}]"
        if not isinstance(item, dict):
            raise ValidationError(where, "member", "a JSON object", type(item).__name__)
        unknown = sorted(set(item) - {"member_id", "name", "channel", "email", "address",
                                       "postcode", "weight", "contests"})  # fmt: skip
        if unknown:
            raise ValidationError(where, "fields", "only the documented fields", unknown)
        address = _lines(item.get("address", []), f"{where}.address")
        postcode = item.get("postcode", "")
        if postcode:
            address = (*address, codec.text(postcode, f"{where}.postcode"))
        email = item.get("email", "")
        recipients.append(
            Recipient(
                member_id=codec.text(item.get("member_id"), f"{where}.member_id"),
                name=codec.text(item.get("name"), f"{where}.name"),
                channel=codec.text(
                    item.get("channel", "email" if email else "postal"), f"{where}.channel"
                ),
                email=codec.text(email, f"{where}.email", empty=True),
                address=address,
                weight=codec.integer(item.get("weight", 1), f"{where}.weight", minimum=1),
                contests=None
                if item.get("contests") is None
                else tuple(
                    codec.text(c, f"{where}.contests[{j}]")
                    for j, c in enumerate(codec.array(item["contests"], f"{where}.contests"))
                ),
            )
        )
    return tuple(recipients)


def recipients_from_snapshot(
    snapshot: RollSnapshot,
    members: Mapping[str, Member],
    channel: Callable[[Member], str] = lambda m: "email" if m.email else "postal",
) -> tuple[Recipient, ...]:
    """The eligible members of a frozen roll, reached by email when they have an address."""
    recipients = []
    for entry in snapshot.entries:
        if not entry.decision.eligible:
            continue
        member = members.get(entry.member_id)
        if member is None:
            raise NotFoundError(f"eligible member {entry.member_id!r} has no member record")
        address = tuple(p.strip() for p in member.address.replace(",", "\n").splitlines())
        recipients.append(
            Recipient(
                member.member_id,
                f"{member.given_name} {member.family_name}",
                channel(member),
                member.email,
                tuple(p for p in (*address, member.postcode) if p),
                contests=entry.decision.contests,
            )
        )
    return tuple(recipients)


@dataclass(frozen=True, slots=True)
class DeliveryPlan:
    """Who gets an email and who a letter; destinations only, never a secret."""

    emails: tuple[Recipient, ...]
    letters: tuple[Recipient, ...]


def delivery_plan(material: KeyMaterial) -> DeliveryPlan:
    people = [i.recipient for i in material.issued]
    return DeliveryPlan(
        tuple(r for r in people if r.channel == "email"),
        tuple(r for r in people if r.channel == "postal"),
    )


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    member_id: str
    destination: str
    error: str | None = None
    """Why the delivery failed (names no secret); None when it was accepted."""

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    outcomes: tuple[DeliveryOutcome, ...]
    skipped: tuple[str, ...] = ()
    """Members already sent their credential by an earlier run (resend them explicitly)."""

    @property
    def sent(self) -> tuple[DeliveryOutcome, ...]:
        return tuple(o for o in self.outcomes if o.ok)

    @property
    def failed(self) -> tuple[DeliveryOutcome, ...]:
        return tuple(o for o in self.outcomes if not o.ok)


def _selected(material: KeyMaterial, member_ids: Iterable[str] | None) -> list[IssuedCredential]:
    if member_ids is None:
        return [i for i in material.issued if i.recipient.channel == "email"]
    return [material.find(m) for m in member_ids]


def send_credentials(
    material: KeyMaterial,
    mailer: Mailer,
    instructions: VotingInstructions,
    *,
    member_ids: Iterable[str] | None = None,
    progress: Callable[[DeliveryOutcome], None] | None = None,
    already_sent: Collection[str] = frozenset(),
) -> DeliveryReport:
    """Email each email-channel member (or only `member_ids`) their credential, except those in
    `already_sent` (a re-run sends only what was not sent; `resend` sends one member again).

    A refused message is recorded with its reason and the rest still go out. If the server
    itself stops answering (MailServerError), the rest are recorded as not sent, with that
    reason. The caller reports the failures by member and may send them again later: the same
    credentials.
    """
    every = _selected(material, member_ids)
    chosen = [i for i in every if i.recipient.member_id not in already_sent]
    skipped = tuple(i.recipient.member_id for i in every if i.recipient.member_id in already_sent)
    for issued in chosen:
        if not issued.recipient.email:
            raise ConflictError(f"member {issued.recipient.member_id} has no email address on file")
    outcomes: list[DeliveryOutcome] = []
    stopped: str | None = None
    for issued in chosen:
        recipient = issued.recipient
        if stopped is not None:
            outcome = DeliveryOutcome(recipient.member_id, recipient.destination, stopped)
        else:
            message = compose_email(material.election, recipient, issued.secret.secret,
                                    instructions)  # fmt: skip
            try:
                mailer.send(message)
                outcome = DeliveryOutcome(recipient.member_id, recipient.destination)
            except DeliveryError as error:
                outcome = DeliveryOutcome(recipient.member_id, recipient.destination, error.reason)
            except MailServerError as error:
                outcome = DeliveryOutcome(recipient.member_id, recipient.destination, str(error))
                stopped = f"not sent: the mail server stopped answering ({error})"
        outcomes.append(outcome)
        if progress is not None:
            progress(outcome)
    return DeliveryReport(tuple(outcomes), skipped)


def letters(
    material: KeyMaterial,
    instructions: VotingInstructions,
    date: str,
    *,
    member_ids: Iterable[str] | None = None,
) -> tuple[Letter, ...]:
    """The letters of the postal members (or of `member_ids`, whatever their channel)."""
    chosen = (
        [i for i in material.issued if i.recipient.channel == "postal"]
        if member_ids is None
        else [material.find(m) for m in member_ids]
    )
    return tuple(
        compose_letter(material.election, i.recipient, i.secret.secret, instructions, date)
        for i in chosen
    )


def resend(
    material: KeyMaterial, member_id: str, mailer: Mailer, instructions: VotingInstructions
) -> DeliveryOutcome:
    """Email a member's credential again: the same s, so the published S still holds.

    Raises DeliveryError if the server refuses it; a postal member gets a letter instead
    (`letters(..., member_ids=[member_id])`).
    """
    issued = material.find(member_id)
    if issued.recipient.channel != "email":
        raise ConflictError(
            f"member {member_id} receives their credential by post; print a letter instead"
        )
    message = compose_email(material.election, issued.recipient, issued.secret.secret, instructions)
    try:
        mailer.send(message)
    except DeliveryError as error:
        raise error.for_member(member_id) from None
    return DeliveryOutcome(member_id, issued.recipient.destination)
