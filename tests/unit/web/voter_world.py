"""An open election served by the web app, for the booth's HTTP tests.

The union executive election of tests/unit/service/election_world.py (a first-past-the-post
contest and an AV ranking), opened on a real SQLite store; the app is wired over the same file
with a fixed clock and a mailer that keeps what it sends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from starlette.testclient import TestClient
from tests.unit.service.election_world import CHAIR, LEADER, Lifecycle
from tests.unit.service.trigger_world import CONTESTS as BRANCH_CONTESTS
from tests.unit.service.trigger_world import BranchLifecycle
from tests.unit.service.world import CountingSalts, FixedClock, World

from clearcount.bootstrap import Config, Services, build
from clearcount.bootstrap.booth import served_booth
from clearcount.service.elections.ballots import BallotService
from clearcount.service.ports import Mailer, MailMessage
from clearcount.storage.store import SqlStore
from clearcount.web.app import create_app

__all__ = ["KeptMail", "ServedElection", "serve_election"]


@dataclass
class KeptMail:
    """The Mailer port keeping each message (the browser tests use a real SMTP server)."""

    sent: list[MailMessage] = field(default_factory=list)

    def send(self, message: MailMessage) -> None:
        self.sent.append(message)

    def code_for(self, address: str) -> str:
        """The last sign-in code mailed to `address`."""
        for message in reversed(self.sent):
            found = re.search(r"^    (\d{6})$", message.body, re.MULTILINE)
            if message.to == address and found:
                return found.group(1)
        raise AssertionError(f"no sign-in code was mailed to {address}")


@dataclass
class ServedElection:
    life: Lifecycle
    clock: FixedClock
    services: Services
    mail: KeptMail

    def client(self) -> TestClient:
        return TestClient(create_app(Config(), services=self.services))


def serve_election(
    folder: Path, mailer: Mailer | None = None, *, pin_booth: bool = False, trigger: bool = False
) -> ServedElection:
    """Open the election in `folder`'s database and wire the web app's services over it; mail
    goes to `mailer` (default: kept in memory, `ServedElection.mail`); `pin_booth`: its Setup
    pins the booth this installation serves (spec §11.2), as a server defining an election does;
    `trigger`: the trigger ballot's election instead, a yes/no contest per branch, each voted
    in by its own branch's members only (tests/unit/service/trigger_world.py, spec §10.4.1)."""
    url = f"sqlite:///{folder / 'clearcount.db'}"
    store = SqlStore.open(url)
    clock = FixedClock()
    world = World(store, clock, CountingSalts())
    life = BranchLifecycle(world, folder) if trigger else Lifecycle(world, folder)
    if pin_booth:
        life.ballots = BallotService(store.unit_of_work, clock, served_booth)
    life.open(contests=BRANCH_CONTESTS if trigger else (CHAIR, LEADER))
    mail = KeptMail()
    services = build(
        Config(database_url=url, verifier_workers=1), clock=clock, mailer=mailer or mail
    )
    return ServedElection(life, clock, services, mail)
