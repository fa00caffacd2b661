"""A whole fictional election, deterministic from a seed (spec §11; for tests and benchmarks).

`simulate_election(scenario, seed)` runs every phase with fictional members: setup and the key
ceremony, credentials, online ballots (with two re-votes and one Benaloh-challenged ballot),
a paper batch per contest whose voters' online credentials are cancelled (one of them had also
voted online), close, tally or mixing, threshold decryption (the scenario's absent trustees take
no part) and the Result. Every random choice comes from the seed: nonces from `seeded_scalars`
(a fresh stream per ballot, so `processes=2` gives the same record), choices from
`random.Random`. NEVER use seeded nonces for a real election (spec §1.7).

Scenarios (`SCENARIOS`, or `make_scenario(name, voters=..., candidates=...)`):
"industrial-action" (two yes/no questions, uk-industrial-action profile), "fptp-approval",
"weighted-delegates" (fptp, credential weights 1-5), "trigger" (a yes/no simple majority), and
"preferential" (irv and stv-scottish through the mixnet, trustees 2 of 3, one absent).
"""

from __future__ import annotations

import dataclasses
import hashlib
import random
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from multiprocessing import get_context

from clearcount.crypto.group import Scalar, seeded_scalars
from clearcount.protocol import board as bb
from clearcount.protocol.casting import make_ballot
from clearcount.protocol.ceremony import TrusteeSecret, run_ceremony
from clearcount.protocol.challenge import spoil
from clearcount.protocol.context import Election, read_election
from clearcount.protocol.credentials import (
    CredentialSecret,
    credentials_event,
    generate_credentials,
    sign_credentials,
)
from clearcount.protocol.declare import declare
from clearcount.protocol.decryption import (
    decryption_targets,
    partial_decryption,
    post_partial_decryption,
)
from clearcount.protocol.mixing import make_shuffle, shuffle_event
from clearcount.protocol.paper import TellerSecret, enter_paper_batch, sign_cancellation
from clearcount.protocol.roles import RoleSecret, simulated_roles
from clearcount.protocol.setup import (
    Manifest,
    contest_spec,
    draft_setup,
    roll_commitment,
    setup_event,
)
from clearcount.protocol.tally import tally_event
from clearcount.record.booth import sri
from clearcount.record.chain import Event, next_event
from clearcount.record.events import Ballot, ContestSpec, PaperBallot, election_fingerprint
from clearcount.record.roll import RollEntry, member_commitment

__all__ = ["SCENARIOS", "Scenario", "SimulationSecrets", "make_scenario", "simulate_election"]

SIMULATED_BUNDLES = {
    "booth.js": b"// the booth's page controller (simulated)\n",
    "booth-worker.js": b"// the booth's worker (simulated)\n",
}
SIMULATED_BOOTH = {name: sri(data) for name, data in SIMULATED_BUNDLES.items()}
"""A booth pinned in simulated Setups (spec §11.2 `booth`), from two stand-in bundles."""

Choices = dict[str, tuple[int, ...]]


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    title: str
    contests: tuple[ContestSpec, ...]
    voters: int
    trustees: tuple[str, ...] = ("Tess Alder", "Omar Birch", "Nia Cedar")
    threshold: int = 2
    absent: tuple[str, ...] = ()
    """Trustees who take no part in decryption (at most n − t)."""
    weighted: bool = False
    abstainers: int = 0
    """Eligible members who never vote (they have credentials; turnout is below 100%)."""


@dataclass(frozen=True, slots=True)
class SimulationSecrets:
    """Everything secret the simulation made, for tests that play a role or check the result."""

    trustees: tuple[TrusteeSecret, ...]
    credentials: tuple[CredentialSecret, ...]
    tellers: tuple[TellerSecret, TellerSecret]
    choices: tuple[Choices | None, ...]
    """Per member, the counted online choice (None: voted on paper, or not at all)."""
    paper: tuple[int, ...]
    """The members who voted on paper (their credentials are cancelled)."""
    roles: Mapping[str, RoleSecret]
    """Every role's long-term keys by name (officer, authority, tellers, trustees)."""


def make_scenario(
    name: str, *, voters: int = 12, candidates: int | None = None, abstainers: int = 0
) -> Scenario:
    """A scenario by name; `voters` members (>= 6) who vote and `abstainers` eligible members
    who do not; `candidates` resizes the main contest (and, for "preferential", leaves out the
    second, stv, contest: the benchmark's shape)."""
    scenario = _scenario(name, voters, candidates, abstainers)
    return dataclasses.replace(scenario, abstainers=abstainers)


def _scenario(name: str, voters: int, candidates: int | None, abstainers: int) -> Scenario:
    if voters < 6:
        raise ValueError(f"make_scenario voters: expected at least 6, got {voters}")
    names = (
        "Ada Reyes",
        "Ben Okafor",
        "Cleo Marsh",
        "Dev Patel",
        "Edie Walsh",
        "Finn Doyle",
        "Gia Russo",
        "Hugo Lund",
        "Iris Moss",
        "Jon Kerr",
    )
    pick = names[: candidates or 4]
    if candidates and candidates > len(names):
        pick = tuple(f"Candidate {i + 1}" for i in range(candidates))
    yes_no = ("Yes", "No")
    if name == "industrial-action":
        entitled = voters + abstainers
        options = {"profile": "uk-industrial-action", "opened": "2026-03-02", "entitled": entitled}
        contests: tuple[ContestSpec, ...] = (
            contest_spec(
                "strike",
                "Are you prepared to take part in strike action?",
                "yes-no",
                yes_no,
                options=options,
            ),
            contest_spec(
                "asos",
                "Are you prepared to take part in action short of a strike?",
                "yes-no",
                yes_no,
                options=options,
            ),
        )
        return Scenario(name, "Riverside Branch industrial action ballot", contests, voters)
    if name == "fptp-approval":
        contests = (
            contest_spec("chair", "Branch chair", "fptp", pick[:3]),
            contest_spec("committee", "Committee (approve any)", "approval", pick),
        )
        return Scenario(name, "Ashby Vale CLP officer elections", contests, voters)
    if name == "weighted-delegates":
        contests = (contest_spec("motion", "Composite motion 4", "fptp", pick[:3], weighted=True),)
        return Scenario(name, "Regional conference delegate vote", contests, voters, weighted=True)
    if name == "trigger":
        contests = (
            contest_spec(
                "reselect", "Reselect the sitting MP without an open selection?", "yes-no", yes_no
            ),
        )
        return Scenario(name, "Ashby Vale trigger ballot", contests, voters)
    if name == "preferential":
        main = contest_spec("leader", "Group leader", "irv", pick)
        if candidates is not None:
            return Scenario(name, "Group leader election", (main,), voters, absent=("Nia Cedar",))
        stv = contest_spec(
            "executive", "Executive (2 seats)", "stv-scottish", names[4:9], seats=2, max_ranks=4
        )
        return Scenario(
            name, "Leader and executive elections", (main, stv), voters, absent=("Nia Cedar",)
        )
    raise ValueError(f"make_scenario: unknown scenario {name!r}; expected one of {SCENARIOS}")


SCENARIOS = ("industrial-action", "fptp-approval", "weighted-delegates", "trigger", "preferential")


def _choose(spec: ContestSpec, rand: random.Random) -> tuple[int, ...]:
    k = len(spec.candidates)
    if spec.kind == "mixnet":
        return tuple(rand.sample(range(k), rand.randint(1, spec.max_ranks)))
    if spec.max_selections == 1:
        if spec.min_selections == 0 and rand.random() < 0.05:
            return ()
        weights = [k - i for i in range(k)]  # a gentle lean, so results are not all ties
        return (rand.choices(range(k), weights)[0],)
    size = rand.randint(max(spec.min_selections, 1), spec.max_selections)
    return tuple(sorted(rand.sample(range(k), size)))


def _choices(scenario: Scenario, rand: random.Random) -> Choices:
    return {spec.id: _choose(spec, rand) for spec in scenario.contests}


_WORKER: dict[str, Election] = {}


def _init_worker(events: tuple[Event, Event]) -> None:
    _WORKER["election"] = read_election(events)


def _ballot_task(task: tuple[bytes, int, Choices, Scalar]) -> Ballot:
    seed, weight, choices, secret = task
    credential = CredentialSecret.from_secret(secret, weight)
    return make_ballot(_WORKER["election"], choices, credential, seeded_scalars(seed))[0]


def _ballots(
    first: tuple[Event, Event], tasks: Sequence[tuple[bytes, int, Choices, Scalar]], processes: int
) -> Iterator[Ballot]:
    if processes <= 1:
        _init_worker(first)
        yield from map(_ballot_task, tasks)
        return
    with get_context("fork").Pool(processes, _init_worker, (first,)) as pool:
        yield from pool.imap(_ballot_task, tasks, chunksize=32)


class _Stopwatch:
    """Seconds per phase into `timings` (a benchmark's breakdown); does nothing without one."""

    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings = timings
        self.last = time.perf_counter()

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        if self.timings is not None:
            self.timings[phase] = self.timings.get(phase, 0.0) + now - self.last
        self.last = now


def simulate_election(
    scenario: Scenario | str,
    seed: bytes,
    *,
    processes: int = 1,
    board_checks: bool = True,
    timings: dict[str, float] | None = None,
) -> tuple[list[Event], SimulationSecrets]:
    """Run `scenario` end to end; `board_checks=False` skips re-verifying the honest ballots'
    proofs and the trustees' shares as they are appended (benchmark record generation).
    `timings`, when given, receives the seconds spent casting, tallying and decrypting."""
    clock = _Stopwatch(timings)
    if isinstance(scenario, str):
        scenario = make_scenario(scenario)
    rng = seeded_scalars(hashlib.sha256(b"clearcount/simulate/v1" + seed).digest())
    rand = random.Random(hashlib.sha256(b"choices" + seed).digest())
    n = scenario.voters
    eligible = n + scenario.abstainers
    weights = [1 + i % 5 for i in range(eligible)] if scenario.weighted else [1] * eligible
    roll = [
        RollEntry(
            member_commitment(hashlib.sha256(seed + i.to_bytes(8, "big")).digest(), f"M{i:07d}"),
            "eligible",
            weights[i],
        )
        for i in range(eligible)
    ]
    roll.append(RollEntry(member_commitment(bytes(32), "M-lapsed"), "ineligible"))
    roles, role_keys = simulated_roles(
        "Jo Hale", "Independent Scrutineer Ltd", ("Pat Quinn", "Sam Ortiz"), scenario.trustees, rng
    )
    tellers = (role_keys["Pat Quinn"].teller(), role_keys["Sam Ortiz"].teller())
    manifest = Manifest(
        f"sim-{scenario.name}",
        scenario.title,
        "Fictional Workers' Union",
        "2031-05-01T09:00:00Z",
        "2031-05-15T17:00:00Z",
        scenario.contests,
        booth=SIMULATED_BOOTH,
    )
    draft = draft_setup(manifest, roll_commitment(roll), roles, scenario.threshold)
    ceremony = run_ceremony(draft, role_keys, rng)
    chain = [setup_event(ceremony.setup)]
    authority = role_keys[roles.credential_authority.name].signing
    fingerprint = election_fingerprint(chain[0])
    credentials = generate_credentials(read_election(chain).setup, rng, weights)
    published = sign_credentials(
        fingerprint, [(c.public, c.weight) for c in credentials], authority, rng
    )
    chain.append(credentials_event(chain, published))
    board = bb.open_board(chain)
    election = board.election

    paper_voters = (3, 4)
    final: list[Choices | None] = [None] * n
    tasks: list[tuple[int, int, Choices]] = []
    for i in range(n):
        if i != 4:  # member 4 votes on paper only
            tasks.append((i, 0, _choices(scenario, rand)))
    for i in (0, 1):  # re-votes: the second ballot replaces the first
        tasks.append((i, 1, _choices(scenario, rand)))
    for i, _, choices in tasks:
        final[i] = choices
    jobs = [
        (
            seed + b"/ballot/" + i.to_bytes(8, "big") + bytes([attempt]),
            credentials[i].weight,
            choices,
            credentials[i].secret,
        )
        for i, attempt, choices in tasks
    ]
    clock.lap("setup")
    for ballot in _ballots((chain[0], chain[1]), jobs, processes):
        board, event = bb.cast(chain, board, ballot, check_proofs=board_checks)
        chain.append(event)
    clock.lap("casting")

    challenged, openings = make_ballot(election, _choices(scenario, rand), credentials[2], rng)
    board, event = bb.post_spoiled(chain, board, spoil(challenged, openings))
    chain.append(event)

    cancelled = sign_cancellation(
        fingerprint, [credentials[i].public for i in paper_voters], authority, rng
    )
    for position, spec in enumerate(scenario.contests):
        papers = []
        for i in paper_voters:
            final[i] = None
            marks = _choose(spec, rand)
            papers.append(PaperBallot(marks, credentials[i].weight if spec.weighted else 1))
        channel = "postal" if position % 2 else "meeting"
        batch = enter_paper_batch(
            election, channel, spec.id, papers, cancelled if position == 0 else None, tellers, rng
        )
        board, event = bb.post_paper_batch(chain, board, batch)
        chain.append(event)
    board, event = bb.close(chain, board)
    chain.append(event)
    clock.lap("paper and close")

    if any(spec.kind == "homomorphic" for spec in scenario.contests):
        chain.append(tally_event(chain, election))
    for spec in scenario.contests:
        if spec.kind == "mixnet":
            for trustee in scenario.trustees:
                signing = role_keys[trustee].signing
                shuffle = make_shuffle(chain, election, spec.id, trustee, signing, rng)
                chain.append(shuffle_event(chain, shuffle))
    clock.lap("tally and shuffles")
    targets = decryption_targets(chain, election)
    for secret in ceremony.secrets:
        if secret.name in scenario.absent:
            continue
        partial = partial_decryption(election, targets, secret, role_keys[secret.name].signing, rng)
        chain.append(
            post_partial_decryption(chain, election, partial)
            if board_checks
            else next_event(chain, "PartialDecryption", partial.to_body())
        )
    clock.lap("threshold decryption")
    chain.append(declare(chain, election, verify=False))
    clock.lap("result")
    return chain, SimulationSecrets(
        ceremony.secrets, credentials, tellers, tuple(final), paper_voters, role_keys
    )
