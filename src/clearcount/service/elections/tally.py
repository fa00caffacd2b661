"""The count's cryptographic steps: tally, mixing and each trustee's decryption (spec §11.7-§11.9).

After close (`closing`), the ballot officer runs `TallyService.tally` (EncryptedTally of the
homomorphic contests, spec §11.7). For preferential contests every trustee in turn runs
`shuffle(election_id, trustee, signing)` in its own step (spec §11.8; at least t shuffles per
contest by distinct trustees), signing each Shuffle with its own long-term key (`signing`, from
its `role init` key file). Then EACH TRUSTEE RUNS ITS OWN STEP WITH ITS OWN KEY FILES:
`decrypt_with_key_file(election_id, path, passphrase, signing)` opens the share file the key
ceremony wrote for that trustee, computes its partial decryption with Chaum-Pedersen proofs,
signs it with `signing` and posts it; the board checks every proof and the signature first
(spec §11.9). A trustee on its own machine (the role API, `--server`) computes with
`shuffle_for` and `partial_for(record, key, signing)` (or `partial_from_key_file`) and hands the
results to `submit_shuffle` and `submit_partial`, which check them first. The service never
stores a trustee secret.

Errors name the trustee (TrusteeError): a key file for another election or another trustee, a
key share that does not match the trustee's verification key, a partial decryption whose proof
fails. A tally before close is an ElectionStateError.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from clearcount.core.errors import ClearcountError, CryptoError, ProofError
from clearcount.crypto.group import Scalar, ScalarSource
from clearcount.protocol.ceremony import TrusteeSecret
from clearcount.protocol.context import Election, read_election
from clearcount.protocol.decryption import (
    decryption_targets,
    partial_decryption,
    post_partial_decryption,
)
from clearcount.protocol.mixing import (
    last_shuffle_hash,
    make_shuffle,
    post_shuffle,
    shuffle_event,
    shuffles,
)
from clearcount.protocol.tally import tally_event
from clearcount.record.chain import Event
from clearcount.record.events import PartialDecryption, Setup, Shuffle
from clearcount.service.audit import Change, append_events
from clearcount.service.authorisation import Principal, authorise
from clearcount.service.elections.ports import ElectionUnitOfWork, ElectionUnitOfWorkFactory
from clearcount.service.elections.records import StoredElection
from clearcount.service.elections.state import full_chain, load_election, require_election
from clearcount.service.errors import (
    ConflictError,
    ElectionStateError,
    StaleInputError,
    TrusteeError,
    ValidationError,
)
from clearcount.service.ports import Clock
from clearcount.service.roles.keys import load_role_key

__all__ = ["TallyService", "TallyStatus", "partial_for", "partial_from_key_file", "shuffle_for"]


@dataclass(frozen=True, slots=True)
class TallyStatus:
    """Who has done what: the tally, each contest's shuffles, the trustees who decrypted."""

    election_id: str
    tallied: bool
    shuffles: Mapping[str, tuple[str, ...]]
    decrypted: tuple[str, ...]
    threshold: int
    trustees: tuple[str, ...]

    @property
    def ready_to_declare(self) -> bool:
        return len(self.decrypted) >= self.threshold


def _trustee_partial(
    chain: Sequence[Event],
    election: Election,
    key: TrusteeSecret,
    signing: Scalar,
    rng: ScalarSource,
) -> PartialDecryption:
    if key.name not in [t.name for t in election.setup.trustees]:
        raise TrusteeError(key.name, "expected a trustee of this election, got an unknown name")
    try:
        targets = decryption_targets(chain, election)
    except ClearcountError as error:
        raise ElectionStateError(f"decryption: {error}") from None
    try:
        return partial_decryption(election, targets, key, signing, rng)
    except (CryptoError, ProofError) as error:
        raise TrusteeError(key.name, f"wrong key: {error}") from None


def partial_for(
    record: Sequence[Event],
    key: TrusteeSecret,
    signing: Scalar,
    rng: ScalarSource = Scalar.random,
) -> PartialDecryption:
    """A trustee's partial decryption of `record`, computed and signed on its own machine."""
    return _trustee_partial(record, read_election(record[:2]), key, signing, rng)


def partial_from_key_file(
    record: Sequence[Event],
    election_id: str,
    path: Path,
    passphrase: str,
    signing: Scalar,
    rng: ScalarSource = Scalar.random,
) -> PartialDecryption:
    """A trustee's partial decryption of `record` with its share file, on its own machine:
    TrusteeError unless the file is this trustee's share of this election's key ceremony."""
    key = load_role_key(path, passphrase, role="trustee")
    if key.election_id != election_id:
        raise TrusteeError(
            key.name,
            f"key file {path} is another election's share file: it is for "
            f"{key.election_id!r}, not {election_id!r} (give the share file the key ceremony "
            f"of {election_id!r} gave you)",
        )
    setup = Setup.from_body(record[0].body, "event 0") if record else None
    if setup is None or setup.joint_key.to_bytes().hex() != key.joint_key:
        raise TrusteeError(
            key.name, f"key file {path} is for another key ceremony of this election"
        )
    if key.name not in [t.name for t in setup.trustee_keys] or (
        setup.trustee_key(key.name).index != key.index
    ):
        raise TrusteeError(key.name, f"key file {path}: not trustee {key.name!r}'s index")
    return partial_for(record, key.trustee(), signing, rng)


def shuffle_for(
    record: Sequence[Event],
    contest: str,
    trustee: str,
    signing: Scalar,
    rng: ScalarSource = Scalar.random,
) -> tuple[str | None, Shuffle] | None:
    """Trustee `trustee`'s signed shuffle of `contest`'s current mix in `record`, computed on
    its own machine, with the hash of the mix it shuffled (for `submit_shuffle`); None if this
    trustee has already shuffled the contest (spec §11.8)."""
    election = read_election(record[:2])
    if trustee not in [t.name for t in election.setup.trustees]:
        raise TrusteeError(trustee, "expected a trustee of this election, got an unknown name")
    if any(s.trustee == trustee for s in shuffles(record, contest)):
        return None
    try:
        shuffle = make_shuffle(record, election, contest, trustee, signing, rng)
    except ProofError as error:
        raise TrusteeError(trustee, f"wrong key: {error}") from None
    except ClearcountError as error:
        raise ElectionStateError(f"shuffle of {contest!r}: {error}") from None
    return last_shuffle_hash(record, contest), shuffle


def _mixing(
    uow: ElectionUnitOfWork, election_id: str, trustee: str
) -> tuple[StoredElection, list[Event], Election]:
    """The locked election, its record and context, for `trustee` to shuffle: a trustee of
    it, and closed."""
    stored = require_election(uow, election_id, lock=True)
    chain = full_chain(uow, election_id)
    election = load_election(uow, election_id)
    if trustee not in [t.name for t in election.setup.trustees]:
        raise TrusteeError(trustee, "expected a trustee of this election, got unknown")
    if "EndBallots" not in {e.kind for e in chain}:
        raise ElectionStateError(
            f"election {election_id!r}: expected it closed before mixing, got it open"
        )
    return stored, chain, election


class TallyService:
    def __init__(self, uow: ElectionUnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def _audit(
        self,
        uow: ElectionUnitOfWork,
        actor: str,
        election_id: str,
        action: str,
        org: str,
        what: str,
    ) -> None:
        append_events(
            uow,
            at=self._clock.now(),
            actor=actor,
            action=action,
            organisation_id=org,
            subject=f"election:{election_id}",
            changes=[Change("event", None, what)],
        )

    def tally(self, principal: Principal, election_id: str) -> Event | None:
        """EncryptedTally of the homomorphic contests (spec §11.7); None if there are none."""
        authorise(principal, "tally.tally")
        actor = principal.name
        with self._uow() as uow:
            stored = require_election(uow, election_id, lock=True)
            chain = full_chain(uow, election_id)
            election = load_election(uow, election_id)
            kinds = {e.kind for e in chain}
            if "EndBallots" not in kinds:
                raise ElectionStateError(
                    f"election {election_id!r}: expected it closed before the tally, got it open"
                )
            if "EncryptedTally" in kinds:
                raise ConflictError(f"election {election_id!r}: already tallied")
            if all(c.kind != "homomorphic" for c in election.setup.contests):
                return None
            try:
                event = tally_event(chain, election)
            except ClearcountError as error:
                raise ElectionStateError(f"election {election_id!r}: {error}") from None
            uow.board.append(election_id, event)
            self._audit(
                uow,
                actor,
                election_id,
                "election.tallied",
                stored.definition.organisation_id,
                event.hash,
            )
            uow.commit()
        return event

    def shuffle(
        self,
        election_id: str,
        trustee: str,
        signing: Scalar,
        *,
        rng: ScalarSource = Scalar.random,
    ) -> tuple[str, ...]:
        """Trustee `trustee` shuffles every preferential contest once and signs each Shuffle
        with `signing`, its own long-term key (spec §11.8)."""
        with self._uow() as uow:
            stored, chain, election = _mixing(uow, election_id, trustee)
            hashes = []
            for spec in election.setup.contests:
                if spec.kind != "mixnet":
                    continue
                try:
                    made = make_shuffle(chain, election, spec.id, trustee, signing, rng)
                    event = shuffle_event(chain, made)
                except ClearcountError as error:
                    raise TrusteeError(
                        trustee, f"shuffle of {spec.id!r} refused: {error}"
                    ) from None
                uow.board.append(election_id, event)
                chain.append(event)
                hashes.append(event.hash)
            if hashes:
                self._audit(
                    uow,
                    f"trustee {trustee}",
                    election_id,
                    "election.shuffled",
                    stored.definition.organisation_id,
                    ",".join(hashes),
                )
            uow.commit()
        return tuple(hashes)

    def submit_shuffle(
        self, election_id: str, input_hash: str | None, body: Mapping[str, object]
    ) -> str:
        """Post a Shuffle a trustee computed and signed on its own machine (`make_shuffle`),
        of the mix `input_hash` names (the contest's last Shuffle event, None for the counted
        ballots). StaleInputError if that is no longer the current mix (another trustee
        shuffled first: fetch and shuffle again), ConflictError for a second shuffle by the
        same trustee, TrusteeError if the proof or the signature does not check (§11.8)."""
        try:
            shuffle = Shuffle.from_body(body, "shuffle")
        except ClearcountError as error:
            name = body.get("trustee", "?")
            raise TrusteeError(str(name), f"malformed shuffle: {error}") from None
        name = shuffle.trustee
        with self._uow() as uow:
            stored, chain, election = _mixing(uow, election_id, name)
            mixnet = [c.id for c in election.setup.contests if c.kind == "mixnet"]
            if shuffle.contest not in mixnet:
                raise ValidationError(
                    "shuffle", "contest", f"a ranked (mixnet) contest: {mixnet}", shuffle.contest
                )
            if any(s.trustee == name for s in shuffles(chain, shuffle.contest)):
                raise ConflictError(
                    f"trustee {name!r} has already shuffled {shuffle.contest!r} of "
                    f"election {election_id!r}"
                )
            current = last_shuffle_hash(chain, shuffle.contest)
            if input_hash != current:
                raise StaleInputError(
                    f"shuffle of {shuffle.contest!r} by {name!r}: its input is not the current "
                    f"mix ({current or 'the counted ballots'}); fetch the record and shuffle again"
                )
            try:
                event = post_shuffle(chain, election, shuffle)
            except ProofError as error:
                raise TrusteeError(name, f"shuffle refused: {error}") from None
            except ClearcountError as error:
                raise ElectionStateError(f"election {election_id!r}: {error}") from None
            uow.board.append(election_id, event)
            self._audit(
                uow,
                f"trustee {name}",
                election_id,
                "election.shuffled",
                stored.definition.organisation_id,
                event.hash,
            )
            uow.commit()
        return event.hash

    def decrypt(
        self,
        election_id: str,
        key: TrusteeSecret,
        signing: Scalar,
        *,
        rng: ScalarSource = Scalar.random,
    ) -> str:
        """The trustee's own step: its partial decryption, signed with `signing` (its own
        long-term key), checked and posted (spec §11.9)."""
        with self._uow() as uow:
            require_election(uow, election_id, lock=True)
            chain = full_chain(uow, election_id)
            election = load_election(uow, election_id)
            partial = _trustee_partial(chain, election, key, signing, rng)
            return self._post(uow, election_id, chain, election, partial)

    def decrypt_with_key_file(
        self,
        election_id: str,
        path: Path,
        passphrase: str,
        signing: Scalar,
        *,
        rng: ScalarSource = Scalar.random,
    ) -> str:
        """Open the trustee's share file (written by the key ceremony), decrypt with it,
        signing with `signing` (its long-term key, opened by the trustee's own step), and post
        the partial decryption."""
        with self._uow() as uow:
            require_election(uow, election_id)  # a mistyped id says so, not "wrong key file"
        with self._uow() as uow:
            record = full_chain(uow, election_id)
        partial = partial_from_key_file(record, election_id, path, passphrase, signing, rng)
        return self.submit_partial(election_id, partial)

    def submit_partial(
        self, election_id: str, partial: PartialDecryption | Mapping[str, object]
    ) -> str:
        """Post a partial decryption computed elsewhere (`partial_for`); checked first."""
        if not isinstance(partial, PartialDecryption):
            body = partial
            try:
                partial = PartialDecryption.from_body(body, "partial decryption")
            except ClearcountError as error:
                name = body.get("trustee", "?")
                raise TrusteeError(str(name), f"malformed partial decryption: {error}") from None
        with self._uow() as uow:
            require_election(uow, election_id, lock=True)
            chain = full_chain(uow, election_id)
            election = load_election(uow, election_id)
            return self._post(uow, election_id, chain, election, partial)

    def _post(
        self,
        uow: ElectionUnitOfWork,
        election_id: str,
        chain: list[Event],
        election: Election,
        partial: PartialDecryption,
    ) -> str:
        name = partial.trustee
        if any(e.kind == "PartialDecryption" and e.body["trustee"] == name for e in chain):
            raise ConflictError(f"trustee {name!r} has already decrypted election {election_id!r}")
        try:
            event = post_partial_decryption(chain, election, partial)
        except ProofError as error:
            raise TrusteeError(name, f"partial decryption refused: {error}") from None
        except ClearcountError as error:
            if name not in [t.name for t in election.setup.trustees]:
                raise TrusteeError(name, "expected a trustee of this election") from None
            raise ElectionStateError(f"election {election_id!r}: {error}") from None
        uow.board.append(election_id, event)
        stored = require_election(uow, election_id)
        self._audit(
            uow,
            f"trustee {name}",
            election_id,
            "election.decrypted",
            stored.definition.organisation_id,
            event.hash,
        )
        uow.commit()
        return event.hash

    def status(self, election_id: str) -> TallyStatus:
        with self._uow() as uow:
            require_election(uow, election_id)
            election = load_election(uow, election_id)
            events = uow.board.events(
                election_id, ("EncryptedTally", "Shuffle", "PartialDecryption")
            )
        shuffles: dict[str, tuple[str, ...]] = {
            c.id: () for c in election.setup.contests if c.kind == "mixnet"
        }
        for e in events:
            if e.kind == "Shuffle":
                contest = str(e.body["contest"])
                shuffles[contest] = (*shuffles.get(contest, ()), str(e.body["trustee"]))
        return TallyStatus(
            election_id,
            any(e.kind == "EncryptedTally" for e in events),
            shuffles,
            tuple(str(e.body["trustee"]) for e in events if e.kind == "PartialDecryption"),
            election.setup.threshold,
            tuple(t.name for t in election.setup.trustees),
        )
