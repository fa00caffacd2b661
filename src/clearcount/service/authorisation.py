"""Who may do what: one policy table for every service operation (issue 8; shared/DESIGN.md).

Every operation is named "<part>.<method>" and allowed to a set of roles. A caller presents an
authenticated `Principal` (a name and a role, built by the CLI from its flags and the role key
file it opened, or by the web layer from a login); `authorise` checks it against `POLICY` in this
one place and raises `NotAuthorisedError` naming the role(s) the operation needs. As Helios does
with its permission decorators, the check lives in one table, not in each operation; the table
is printed in docs/service/authorisation.md and a test keeps the two in step and tries every role
against every operation.

Authentication itself (that the principal really is who it says) is the entry point's job: the
CLI trusts the operator's shell and the passphrase of a role key file, the web server its login.
The signatures on the record (spec §11) are what an outsider checks; this table is what the
service refuses before anything is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from clearcount.service.errors import NotAuthorisedError, ValidationError

__all__ = ["KEY_AUTHENTICATED", "POLICY", "PUBLIC", "Principal", "Role", "authorise"]


class Role(StrEnum):
    """The roles of shared/DESIGN.md's table, plus the appeal panel."""

    OFFICER = "officer"
    CREDENTIAL_AUTHORITY = "credential_authority"
    TRUSTEE = "trustee"
    TELLER = "teller"
    AFFILIATE_OFFICER = "affiliate_officer"
    VOTER = "voter"
    OBSERVER = "observer"
    APPEAL_PANEL = "appeal_panel"


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller: `name` (a member id for a voter) acting in `role`."""

    name: str
    role: Role

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValidationError("principal", "name", "the caller's name", self.name)
        if not isinstance(self.role, Role):
            raise ValidationError(
                "principal", "role", f"one of {[r.value for r in Role]}", self.role
            )


PUBLIC = frozenset(Role)
"""Reading what the record or a public statistic already shows."""

_O, _CA, _TR, _TE = Role.OFFICER, Role.CREDENTIAL_AUTHORITY, Role.TRUSTEE, Role.TELLER
_AF, _V, _OB, _AP = Role.AFFILIATE_OFFICER, Role.VOTER, Role.OBSERVER, Role.APPEAL_PANEL

POLICY: Mapping[str, frozenset[Role]] = {
    # organisations and members (membership secretary = officer)
    "organisations.create": frozenset({_O}),
    "organisations.add_unit": frozenset({_O}),
    "organisations.get": PUBLIC,
    "members.get": frozenset({_O}),
    "members.list_members": frozenset({_O, _CA}),
    "members.add": frozenset({_O}),
    "members.update": frozenset({_O}),
    "members.suspend": frozenset({_O}),
    "members.lift_suspension": frozenset({_O}),
    "importer.preview": frozenset({_O}),
    "importer.import_csv": frozenset({_O}),
    "importer.settings": frozenset({_O}),
    "importer.save_settings": frozenset({_O}),
    # eligibility and rolls
    "eligibility.set_rules": frozenset({_O}),
    "eligibility.rules": PUBLIC,
    "eligibility.preview": frozenset({_O}),
    "rolls.freeze": frozenset({_O}),
    "rolls.snapshot": frozenset({_O, _CA}),
    "rolls.receipt": frozenset({_O, _V}),
    "rolls.recheck": PUBLIC,
    "rolls.versions": frozenset({_O, _AP}),
    "audit.history": frozenset({_O, _AP}),
    "audit.verify": PUBLIC,
    "audit.record_access": frozenset({_O, _AP}),
    # elections
    "roles.register": frozenset({_O}),
    "roles.cards": PUBLIC,
    "ballots.define": frozenset({_O}),
    "ballots.edit": frozenset({_O}),
    "ballots.definition": frozenset({_O}),
    "ballots.ceremony_start": frozenset({_O}),
    "ballots.ceremony_finish": frozenset({_O}),
    "ballots.publish_credentials": frozenset({_O, _CA}),
    "ballots.status": PUBLIC,
    "ballots.elections": PUBLIC,
    "ballots.setup_event": PUBLIC,
    "ballots.credentials_event": PUBLIC,
    "ballots.record": PUBLIC,
    "casting.cast": frozenset({_V}),
    "casting.challenge": frozenset({_V}),
    "casting.lookup": PUBLIC,
    "rate_limits.hit": PUBLIC,
    "sign_in.require_election": PUBLIC,
    "sign_in.request_code": PUBLIC,
    "sign_in.authenticate": PUBLIC,
    "sign_in.confirm_cast": frozenset({_V}),
    "sign_in.spend": frozenset({_V}),
    "sign_in.mail_receipt": PUBLIC,
    "sign_in.admit": PUBLIC,
    "sign_in.use_up": PUBLIC,
    "rate_limits.count_in": PUBLIC,
    "rate_limits.count_many": PUBLIC,
    "booth.cast": PUBLIC,
    "paper.enter": frozenset({_TE}),
    "paper.submit": frozenset({_TE}),
    "postal.record_issue": frozenset({_CA}),
    "postal.record_replacement": frozenset({_CA}),
    "postal.enter": frozenset({_TE}),
    "postal.reconcile": frozenset({_O, _CA, _TE, _AP}),
    "postal.count": frozenset({_TE}),
    "postal.entries": PUBLIC,
    "postal.submit_entry": frozenset({_TE}),
    "postal.submit_replacement": frozenset({_CA}),
    "postal.agreed": PUBLIC,
    "postal.drafts": PUBLIC,
    "postal.submit_count": frozenset({_TE}),
    "register.statistics": PUBLIC,
    "turnout.turnout": frozenset({_O, _AP}),
    "turnout.not_voted": frozenset({_O}),
    "reminders.remind": frozenset({_O}),
    "register.marks": frozenset({_O, _CA, _AP}),
    "register.member_marks": frozenset({_O, _V}),
    "closing.close": frozenset({_O}),
    "tally.tally": frozenset({_O}),
    "tally.shuffle": frozenset({_TR}),
    "tally.decrypt": frozenset({_TR}),
    "tally.decrypt_with_key_file": frozenset({_TR}),
    "tally.submit_partial": frozenset({_TR}),
    "tally.submit_shuffle": frozenset({_TR}),
    "tally.status": PUBLIC,
    "results.declare": frozenset({_O}),
    "results.declaration": PUBLIC,
    "publication.publish": frozenset({_O}),
    "publication.publications": PUBLIC,
    # the public pages: what the board and the published record already show
    "public.elections": PUBLIC,
    "public.election": PUBLIC,
    "public.board": PUBLIC,
    "public.published_record": PUBLIC,
    "public.verification": PUBLIC,
    "appeals.lodge": frozenset({_V, _OB}),
    "appeals.get": frozenset({_O, _AP}),
    "appeals.appeals": frozenset({_O, _AP}),
    "appeals.decide": frozenset({_AP}),
    "appeals.evidence_bundle": frozenset({_O, _AP}),
    # officials' accounts (the sign-in steps authenticate, so anyone may call them)
    "officials.add": frozenset({_O}),
    "officials.officials": frozenset({_O}),
    "officials.sign_in": PUBLIC,
    "officials.confirm_code": PUBLIC,
    "officials.session": PUBLIC,
    "officials.sign_out": PUBLIC,
    # the key ceremony's messages on the server (the role API): public, and a trustee's
    # message is authenticated by its own signature
    "ceremony.transport": frozenset({_O}),
    "ceremony.message": PUBLIC,
    "ceremony.submit": frozenset({_TR}),
    # trigger ballots
    "trigger.create": frozenset({_O}),
    "trigger.add_branch": frozenset({_O}),
    "trigger.draft_bodies": frozenset({_O}),
    "trigger.fix_bodies": frozenset({_O}),
    "trigger.bodies": PUBLIC,
    "trigger.record_affiliate_vote": frozenset({_O, _AF}),
    "trigger.record_abstention": frozenset({_O}),
    "trigger.record_casting_vote": frozenset({_O}),
    "trigger.declare": frozenset({_O}),
    "trigger.status": PUBLIC,
    "trigger.tallies": PUBLIC,
}
"""Operation -> the roles allowed to call it (docs/service/authorisation.md)."""


KEY_AUTHENTICATED = frozenset(
    {
        "ceremony.submit",
        "paper.enter",
        "paper.submit",
        "postal.record_issue",
        "postal.record_replacement",
        "postal.submit_replacement",
        "postal.submit_entry",
        "postal.count",
        "postal.submit_count",
        "tally.shuffle",
        "tally.decrypt",
        "tally.decrypt_with_key_file",
        "tally.submit_partial",
        "tally.submit_shuffle",
    }
)
"""Acts done with the role's own key (two tellers' key files, a trustee's key file or its signed
partial decryption, the scrutineer's signed paper issue or replacement): the key is the
credential, so these take no separate principal."""


def authorise(principal: Principal, operation: str) -> None:
    """Return if `principal`'s role may call `operation`; NotAuthorisedError otherwise."""
    allowed = POLICY.get(operation)
    if allowed is None:
        raise NotAuthorisedError(
            f"operation {operation!r}: not in the authorisation policy, so nobody may call it"
        )
    if principal.role not in allowed:
        needed = " or ".join(sorted(r.value for r in allowed))
        raise NotAuthorisedError(
            f"operation {operation!r}: expected a caller with the role {needed}, got "
            f"{principal.name!r} acting as {principal.role.value}; act with that role's own "
            "key file or login"
        )
