"""A small election up to the open board, shared by the protocol tests."""

from __future__ import annotations

from dataclasses import dataclass

from clearcount.crypto.group import seeded_scalars
from clearcount.protocol.board import Board, open_board
from clearcount.protocol.ceremony import CeremonyOutcome, run_ceremony
from clearcount.protocol.credentials import (
    CredentialSecret,
    credentials_event,
    generate_credentials,
    sign_credentials,
)
from clearcount.protocol.paper import TellerSecret
from clearcount.protocol.roles import RoleSecret, simulated_roles
from clearcount.protocol.setup import (
    Manifest,
    contest_spec,
    draft_setup,
    roll_commitment,
    setup_event,
)
from clearcount.record.chain import Event
from clearcount.record.events import ContestSpec, election_fingerprint
from clearcount.record.roll import RollEntry, member_commitment

RNG = seeded_scalars(b"protocol tests")


@dataclass
class Opened:
    chain: list[Event]
    board: Board
    ceremony: CeremonyOutcome
    credentials: tuple[CredentialSecret, ...]
    tellers: tuple[TellerSecret, TellerSecret]
    keys: dict[str, RoleSecret]
    """Every role's long-term keys by name (officer, authority, tellers, trustees)."""


def open_election(
    voters: int = 4,
    *,
    mixnet: bool = False,
    contests: tuple[ContestSpec, ...] | None = None,
    scopes: tuple[tuple[str, ...], ...] | None = None,
) -> Opened:
    """An open board; `contests` replaces the one default contest (fptp, or irv if `mixnet`);
    `scopes[i]`, when given, is voter i's contests (a scoped election, spec §10.4.1)."""
    rng = seeded_scalars(b"open_election" + bytes([voters, mixnet]))
    if contests is None:
        contests = (
            (contest_spec("leader", "Leader", "irv", ("Ann", "Bob", "Cal")),)
            if mixnet
            else (contest_spec("chair", "Chair", "fptp", ("Ann", "Bob", "Cal")),)
        )
    manifest = Manifest(
        "t-1",
        "Test ballot",
        "Test Union",
        "2031-05-01T09:00:00Z",
        "2031-05-02T09:00:00Z",
        contests,
    )
    roll = [
        RollEntry(
            member_commitment(bytes([i]) * 32, f"M{i}"),
            "eligible",
            contests=None if scopes is None else scopes[i],
        )
        for i in range(voters)
    ]
    roles, keys = simulated_roles("Officer", "Scrutineer", ("Pat", "Sam"), ("T1", "T2", "T3"), rng)
    tellers = (keys["Pat"].teller(), keys["Sam"].teller())
    committed = roll_commitment(roll)
    index = {scope.contests: i for i, scope in enumerate(committed.scopes)}
    draft = draft_setup(manifest, committed, roles, 2)
    ceremony = run_ceremony(draft, keys, rng)
    chain = [setup_event(ceremony.setup)]
    from clearcount.protocol.context import read_election

    secrets = generate_credentials(read_election(chain).setup, rng)
    published = sign_credentials(
        election_fingerprint(chain[0]),
        [(c.public, c.weight) for c in secrets],
        keys["Scrutineer"].signing,
        rng,
        None if scopes is None else [index[scope] for scope in scopes],
    )
    chain.append(credentials_event(chain, published))
    return Opened(chain, open_board(chain), ceremony, secrets, tellers, keys)
