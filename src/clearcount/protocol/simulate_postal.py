"""A fictional postal or hybrid industrial action ballot, deterministic from a seed (§11.12).

For tests and the verifier's checks (never for a real election: seeded nonces, spec §1.7).

- `separate` / `aggregate`: a postal-only ballot at two workplaces (Northfold Depot, 6 members;
  Eastgate Yard, 4): paper 1 is spoilt in the post and replaced by paper 11 (paper 1 comes back
  anyway, voided), paper 5 comes back spoilt, paper 10 comes back late; Northfold's 4 valid
  papers meet the 50% turnout, Eastgate's 1 does not, the aggregate's 5 of 10 does.
- `hybrid-online-first` / `hybrid-postal-first`: 6 members, one ballot; members 0-2 vote online,
  members 1, 3 and 4 return their papers: member 1's paper is superseded by the online ballot
  (online first) or cancels it (postal first).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date

from clearcount.crypto.group import seeded_scalars
from clearcount.protocol import board as bb
from clearcount.protocol.casting import make_ballot
from clearcount.protocol.ceremony import run_ceremony
from clearcount.protocol.context import read_election
from clearcount.protocol.credentials import (
    CredentialSecret,
    credentials_event,
    generate_credentials,
    sign_credentials,
)
from clearcount.protocol.declare import declare
from clearcount.protocol.decryption import decryption_targets, partial_decryption
from clearcount.protocol.paper import sign_cancellation
from clearcount.protocol.postal import (
    IssuedPaper,
    ReturnedPaper,
    number_papers,
    paper_workplaces,
    post_postal_event,
    postal_batches,
    reconcile,
    sign_paper_issue,
    sign_replacement,
    sign_returns,
)
from clearcount.protocol.postal_statement import statutory_statement
from clearcount.protocol.roles import RoleSecret, simulated_roles
from clearcount.protocol.setup import (
    Manifest,
    contest_spec,
    draft_setup,
    roll_commitment,
    setup_event,
)
from clearcount.protocol.tally import tally_event
from clearcount.record.chain import Event, next_event
from clearcount.record.events import PostalRules, Workplace
from clearcount.record.postal_body import PaperContent, PaperQuestion
from clearcount.record.roll import RollEntry, member_commitment

__all__ = ["POSTAL_SCENARIOS", "PostalSimulation", "simulate_postal"]

POSTAL_SCENARIOS = ("separate", "aggregate", "hybrid-online-first", "hybrid-postal-first")


@dataclass(frozen=True, slots=True)
class PostalSimulation:
    chain: list[Event]
    papers: tuple[IssuedPaper, ...]
    credentials: tuple[CredentialSecret, ...]
    roles: dict[str, RoleSecret]
    returns: tuple[tuple[ReturnedPaper, ...], tuple[ReturnedPaper, ...]]


def _content() -> PaperContent:
    return PaperContent(
        "2031-04-24",
        "Independent Scrutineer Ltd, Freepost NTWU BALLOT, Northfold NF1 1AA",
        "2031-05-15T17:00:00Z",
        (
            PaperQuestion("strike", "Are you prepared to take part in strike action?"),
            PaperQuestion("asos", "Are you prepared to take part in action short of a strike?"),
        ),
        "the General Secretary, Dana Whitlow",
        statutory_statement(date(2031, 5, 1)),
    )


def simulate_postal(scenario: str, seed: bytes = b"postal") -> PostalSimulation:
    """Run `scenario` (one of POSTAL_SCENARIOS) to its Result (see the module docstring)."""
    if scenario not in POSTAL_SCENARIOS:
        raise ValueError(f"simulate_postal scenario: expected one of {POSTAL_SCENARIOS}")
    rng = seeded_scalars(hashlib.sha256(b"clearcount/simulate-postal/v1" + seed).digest())
    hybrid = scenario.startswith("hybrid")
    size = 6 if hybrid else 10
    roll = [
        RollEntry(
            member_commitment(hashlib.sha256(seed + bytes([i])).digest(), f"NTW-{i:03d}"),
            "eligible",
        )
        for i in range(size)
    ]
    options = {"profile": "uk-industrial-action", "opened": "2031-05-01"}
    contests = tuple(
        contest_spec(cid, title, "yes-no", ("Yes", "No"), options=options)
        for cid, title in (("strike", "Strike?"), ("asos", "Action short of a strike?"))
    )
    if hybrid:
        rules = PostalRules("hybrid")
        order = ("online", "postal") if scenario.endswith("online-first") else ("postal", "online")
    else:
        workplaces = (Workplace("Northfold Depot", 6), Workplace("Eastgate Yard", 4))
        rules = PostalRules("postal", scenario, workplaces)
        order = ("postal", "online")
    manifest = Manifest(
        f"sim-postal-{scenario}",
        "Northfold depots: industrial action ballot",
        "Fictional Workers' Union",
        "2031-05-01T09:00:00Z",
        "2031-05-15T17:00:00Z",
        contests,
        order,
        postal=rules,
    )
    roles, keys = simulated_roles(
        "Jo Hale", "Independent Scrutineer Ltd", ("Pat Quinn", "Sam Ortiz"), ("T1", "T2"), rng
    )
    ceremony = run_ceremony(draft_setup(manifest, roll_commitment(roll), roles, 2), keys, rng)
    chain = [setup_event(ceremony.setup)]
    election = read_election(chain)
    authority = keys["Independent Scrutineer Ltd"].signing
    tellers = (keys["Pat Quinn"].teller(), keys["Sam Ortiz"].teller())
    credentials = generate_credentials(election.setup, rng, [1] * size)
    published = sign_credentials(
        election.fingerprint, [(c.public, 1) for c in credentials], authority, rng
    )
    chain.append(credentials_event(chain, published))
    election = read_election(chain)
    groups: list[tuple[str | None, list[str]]] = (
        [(None, [e.commitment for e in roll])]
        if hybrid
        else [("Northfold Depot", [e.commitment for e in roll[:6]]),
              ("Eastgate Yard", [e.commitment for e in roll[6:]])]
    )  # fmt: skip
    papers = number_papers(groups)
    issue = sign_paper_issue(election, _content(), papers, authority, rng)
    chain.append(post_postal_event(chain, election, issue))
    replacements = []
    if not hybrid:
        replacement = sign_replacement(election, 1, 11, "spoilt", authority, rng)
        replacements.append(replacement)
        chain.append(post_postal_event(chain, election, replacement))
    board = bb.open_board(chain)
    if hybrid:
        for i in range(3):
            ballot, _ = make_ballot(election, {"strike": (0,), "asos": (1,)}, credentials[i], rng)
            board, event = bb.cast(chain, board, ballot)
            chain.append(event)
    board, event = bb.close(chain, board)
    chain.append(event)
    on_time, late = "2031-05-14T10:00:00Z", "2031-05-16T10:00:00Z"
    yes = {"strike": (0,), "asos": (0,)}
    entered: list[ReturnedPaper] = []
    if hybrid:
        entered = [ReturnedPaper(n, yes, on_time) for n in (2, 4, 5)]
    else:
        entered = [
            ReturnedPaper(1, yes, on_time),
            ReturnedPaper(11, yes, on_time),
            ReturnedPaper(2, {"strike": (0,), "asos": (1,)}, on_time),
            ReturnedPaper(3, yes, on_time),
            ReturnedPaper(4, {"strike": (1,), "asos": ()}, on_time),
            ReturnedPaper(5, None, on_time),
            ReturnedPaper(7, yes, on_time),
            ReturnedPaper(10, yes, late),
        ]
    second = tuple(reversed(entered))
    reconciled = reconcile(issue, replacements, (("Pat Quinn", entered), ("Sam Ortiz", second)))
    members = {p.number: p.number - 1 for p in papers}
    members.update({11: 0})
    superseded = []
    if scenario == "hybrid-online-first":
        superseded = [n for n in reconciled.counted if members[n] < 3]
    voters = [members[n] for n in reconciled.counted if n not in superseded]
    cancellation = sign_cancellation(
        election.fingerprint, [credentials[i].public for i in voters], authority, rng
    )
    returns = sign_returns(election, reconciled, superseded, tellers, rng)
    chain.append(post_postal_event(chain, election, returns))
    numbered = paper_workplaces(issue, replacements)
    for batch in postal_batches(
        election, reconciled, superseded, numbered, cancellation, tellers, rng
    ):
        board, event = bb.post_paper_batch(chain, board, batch)
        chain.append(event)
    chain.append(tally_event(chain, election))
    targets = decryption_targets(chain, election)
    for secret in ceremony.secrets:
        partial = partial_decryption(election, targets, secret, keys[secret.name].signing, rng)
        chain.append(next_event(chain, "PartialDecryption", partial.to_body()))
    chain.append(declare(chain, election))
    return PostalSimulation(chain, papers, tuple(credentials), dict(keys), (tuple(entered), second))
