"""Wiring: a store (SQLite file or PostgreSQL), a clock, a mailer, and every service over them."""

from __future__ import annotations

import os
from dataclasses import dataclass

from clearcount.bootstrap.booth import served_booth
from clearcount.bootstrap.config import Config, sqlite_file
from clearcount.crypto.sealing import Sealer
from clearcount.crypto.server_key import data_directory, load_server_key
from clearcount.mail.queue import MailQueue
from clearcount.mail.smtp import SmtpMailer
from clearcount.service.audit import AuditService
from clearcount.service.elections.appeals import AppealService
from clearcount.service.elections.ballots import BallotService
from clearcount.service.elections.booth_cast import BoothCasting
from clearcount.service.elections.cast_together import CastTogether
from clearcount.service.elections.casting import CastingService
from clearcount.service.elections.closing import ClosingService
from clearcount.service.elections.paper import PaperService
from clearcount.service.elections.postal import PostalService
from clearcount.service.elections.public_board import PublicBoardService
from clearcount.service.elections.publication import PublicationService, Verify, run_verifier
from clearcount.service.elections.register import RegisterService
from clearcount.service.elections.reminders import ReminderService
from clearcount.service.elections.results import ResultsService
from clearcount.service.elections.role_cards import RoleService
from clearcount.service.elections.sign_in import SignInService
from clearcount.service.elections.tally import TallyService
from clearcount.service.elections.turnout import TurnoutService
from clearcount.service.membership.eligibility import EligibilityService
from clearcount.service.membership.members import MemberService
from clearcount.service.membership.organisations import OrganisationService
from clearcount.service.membership.roll_import import RollImporter
from clearcount.service.membership.roll_snapshot import RollService
from clearcount.service.officials.accounts import OfficialService
from clearcount.service.officials.records import TOTP_PURPOSE
from clearcount.service.ports import Clock, Mailer, SaltSource, SystemClock, system_salts
from clearcount.service.rate_limits import RateLimitService
from clearcount.service.roles.ceremony_relay import CeremonyRelay
from clearcount.service.trigger.ballots import TriggerService
from clearcount.storage.store import SqlStore

__all__ = ["Services", "build", "totp_sealer"]


@dataclass(frozen=True, slots=True)
class Services:
    """Every service of one deployment, sharing one store and one clock."""

    store: SqlStore
    clock: Clock
    mailer: Mailer | None
    organisations: OrganisationService
    members: MemberService
    importer: RollImporter
    eligibility: EligibilityService
    rolls: RollService
    audit: AuditService
    ballots: BallotService
    roles: RoleService
    casting: CastingService
    booth: BoothCasting
    """The booth's cast: sign-in code, rate limit, cast and code used up in one transaction."""
    paper: PaperService
    postal: PostalService
    register: RegisterService
    closing: ClosingService
    tally: TallyService
    results: ResultsService
    publication: PublicationService
    appeals: AppealService
    trigger: TriggerService
    sign_in: SignInService
    turnout: TurnoutService
    reminders: ReminderService
    officials: OfficialService
    ceremony: CeremonyRelay
    public: PublicBoardService
    rate_limits: RateLimitService
    booth_mail: Mailer | None = None
    """The booth's codes and receipts: the configured SMTP server's, queued (mail.queue)."""

    @property
    def booth_mail_queued(self) -> bool:
        """Whether the booth's `send` only queues (then it may be called before answering)."""
        return isinstance(self.booth_mail, MailQueue)

    def close(self) -> None:
        """Send the queued mail, then release the database connections."""
        if isinstance(self.booth_mail, MailQueue):
            self.booth_mail.close()
        self.store.close()


def totp_sealer(config: Config) -> Sealer:
    """The officials' TOTP secrets' sealer: the server key from the environment or the data
    directory's key file (`crypto.server_key`), loaded when first needed."""
    folder = data_directory(sqlite_file(config.database_url))
    return Sealer(TOTP_PURPOSE, lambda: load_server_key(folder, os.environ))


def build(
    config: Config,
    *,
    clock: Clock | None = None,
    salts: SaltSource = system_salts,
    migrate: bool = True,
    schema: str | None = None,
    verify: Verify | None = None,
    mailer: Mailer | None = None,
) -> Services:
    """Open the store (migrated to head unless `migrate` is False) and wire every service.

    `clock`, `salts` and `verify` are injectable for tests; `schema` is PostgreSQL's
    search_path (tests give each run its own); `mailer` replaces the configured SMTP one (the
    demo's outbox, say).
    """
    store = SqlStore.open(config.database_url, migrate=migrate, schema=schema)
    clock = clock or SystemClock()
    uow = store.unit_of_work
    verify = verify or run_verifier(config.verifier_workers)
    booth_mail = mailer
    if mailer is None and config.smtp is not None:
        mailer = SmtpMailer(config.smtp)
        booth_mail = MailQueue(mailer)  # its connections are per thread: one mailer serves both
    limits = RateLimitService(uow, clock, config.rate_limits)
    casting = CastingService(uow, clock)
    sign_in = SignInService(uow, clock, booth_mail)
    return Services(
        store=store,
        rate_limits=limits,
        booth_mail=booth_mail,
        clock=clock,
        mailer=mailer,
        organisations=OrganisationService(uow, clock),
        members=MemberService(uow, clock),
        importer=RollImporter(uow, clock),
        eligibility=EligibilityService(uow, clock),
        rolls=RollService(uow, clock, salts),
        audit=AuditService(uow, clock),
        ballots=BallotService(uow, clock, served_booth),
        roles=RoleService(uow, clock),
        casting=casting,
        booth=BoothCasting(casting, sign_in, limits, CastTogether(uow, clock)),
        paper=PaperService(uow, clock),
        postal=PostalService(uow, clock),
        register=RegisterService(uow, clock),
        closing=ClosingService(uow, clock),
        tally=TallyService(uow, clock),
        results=ResultsService(uow, clock),
        publication=PublicationService(uow, clock, verify),
        appeals=AppealService(uow, clock, verify),
        trigger=TriggerService(uow, clock),
        sign_in=sign_in,
        turnout=TurnoutService(uow, clock),
        reminders=ReminderService(uow, clock, config.reminders_every),
        officials=OfficialService(uow, clock, totp_sealer(config), limits),
        ceremony=CeremonyRelay(uow),
        public=PublicBoardService(uow, clock, verify),
    )
