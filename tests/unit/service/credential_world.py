"""A small election for the credential authority's tests: a Setup event and its members.

The organisation and every person are fictional (the Northfold Transport Workers' Union).
"""

from __future__ import annotations

from clearcount.crypto.group import seeded_scalars
from clearcount.protocol.ceremony import run_ceremony
from clearcount.protocol.roles import RoleSecret, simulated_roles
from clearcount.protocol.setup import (
    Manifest,
    contest_spec,
    draft_setup,
    roll_commitment,
    setup_event,
)
from clearcount.record.chain import Event
from clearcount.record.roll import RollEntry, member_commitment
from clearcount.service.roles.delivery import Recipient, VotingInstructions

ORGANISATION = "Northfold Transport Workers' Union"
INSTRUCTIONS = VotingInstructions(
    "https://vote.northfold-twu.example/e/exec-2031",
    "the returning officer, ballots@northfold-twu.example",
)
LOW_COST = 14  # scrypt 2**14 in tests: the format and checks are the same, the derivation fast

RECIPIENTS = (
    Recipient("NT-1001", "Ada Byrne", "email", "ada.byrne@members.example"),
    Recipient("NT-1002", "Bram Okafor", "email", "bram.okafor@members.example", weight=3),
    Recipient(
        "NT-1003", "Cait Doherty", "postal", address=("4 Ropewalk Row", "Northfold", "NF2 7QP")
    ),
    Recipient("NT-1004", "Dev Mistry", "email", "refuse.dev@members.example"),
    Recipient(
        "NT-1005",
        "Zoë Lindqvist",
        "postal",
        "zoe@members.example",
        ("Flat 2, 19 Canal Street", "Northfold NF1 3AB"),
    ),
)


def setup_for(eligible: int, ineligible: int = 1) -> Event:
    """Event 0 of an election whose roll has `eligible` eligible members (weights as
    RECIPIENTS' for the first of them, 1 beyond)."""
    return setup_and_keys(eligible, ineligible)[0]


def setup_and_keys(eligible: int, ineligible: int = 1) -> tuple[Event, dict[str, RoleSecret]]:
    """`setup_for` and every role's keys (the authority's signs the credentials)."""
    rng = seeded_scalars(b"credential authority tests" + bytes([eligible]))
    manifest = Manifest(
        "ntwu-exec-2031",
        "Executive Committee election 2031",
        ORGANISATION,
        "2031-05-01T09:00:00Z",
        "2031-05-15T17:00:00Z",
        (contest_spec("chair", "Chair", "fptp", ("Ann", "Bob", "Cal")),),
    )
    roll = [
        RollEntry(
            member_commitment(bytes([i + 1]) * 32, f"NT-{1001 + i}"),
            "eligible",
            RECIPIENTS[i].weight if i < len(RECIPIENTS) else 1,
        )
        for i in range(eligible)
    ] + [
        RollEntry(member_commitment(bytes([200 + i]) * 32, f"X-{i}"), "ineligible")
        for i in range(ineligible)
    ]
    roles, keys = simulated_roles("Officer", AUTHORITY_NAME, (), ("T1", "T2", "T3"), rng)
    draft = draft_setup(manifest, roll_commitment(roll), roles, 2)
    return setup_event(run_ceremony(draft, keys, rng).setup), keys


AUTHORITY_NAME = "Harrow & Pell Scrutineers"
SETUP, ROLE_KEYS = setup_and_keys(len(RECIPIENTS))
AUTHORITY = ROLE_KEYS[AUTHORITY_NAME]
"""The credential authority's own long-term keys (its `role init`)."""
