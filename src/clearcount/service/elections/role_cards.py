"""Roles' keys: made on each role's machine, registered by the officer as public cards (§11.2.2).

`init_role` runs on the role's own machine (`clearcount role init`): it makes the long-term keys
into a sealed key file (`service.roles.keys`) and writes the public card. The officer registers
the cards for an election (`RoleService.register`): only public values are stored, each card's
proof of possession is checked, and its role and name must be those of the election's
definition (the trustees, the two tellers, the credential authority; one returning officer).
The key ceremony then takes every role's key from the registered cards (`setup_roles`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from clearcount.core.errors import RecordError
from clearcount.core.json_text import load_json
from clearcount.crypto.group import Scalar, ScalarSource
from clearcount.protocol.roles import ELECTION_ROLES, ROLES, RoleCard, RoleSecret
from clearcount.protocol.setup import SetupRoles
from clearcount.service.audit import Change, append_events, format_instant
from clearcount.service.authorisation import Principal, authorise
from clearcount.service.elections.ports import ElectionUnitOfWork, ElectionUnitOfWorkFactory
from clearcount.service.elections.records import BallotDefinition, RegisteredCard
from clearcount.service.elections.state import require_election
from clearcount.service.errors import ConflictError, ElectionStateError, ValidationError
from clearcount.service.ports import Clock
from clearcount.service.roles.keys import DEFAULT_LOG2_N, save_long_term_key

__all__ = ["RoleService", "init_role", "read_card", "setup_roles", "write_card"]


def init_role(
    role: str,
    name: str,
    key_path: Path,
    passphrase: str,
    *,
    log2_n: int = DEFAULT_LOG2_N,
    rng: ScalarSource = Scalar.random,
) -> RoleCard:
    """Make `role`'s keys into a new sealed key file at `key_path`; return the public card."""
    if role not in ROLES:
        raise ValidationError("role init", "role", f"one of {ROLES}", role)
    if name != name.strip() or not name:
        raise ValidationError("role init", "name", "a name without outer spaces", name)
    secret = RoleSecret.generate(role, name, rng)
    key_path.parent.mkdir(parents=True, exist_ok=True)
    save_long_term_key(key_path, secret, passphrase, log2_n=log2_n)
    return secret.card(rng)


def write_card(path: Path, card: RoleCard) -> None:
    """The public card as JSON (readable by anyone; never overwrites a file)."""
    if path.exists():
        raise ConflictError(f"{path}: a file is already there; refusing to overwrite it")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(card.to_json(), indent=1) + "\n", encoding="utf-8")


def read_card(path: Path) -> RoleCard:
    """A card file, parsed and its proof checked; ValidationError naming what is wrong."""
    try:
        document = load_json(path.read_bytes())
    except OSError as error:
        raise ValidationError(str(path), "card", "a readable role card", error.strerror) from None
    except ValueError:
        raise ValidationError(str(path), "card", "a JSON role card", "not JSON") from None
    try:
        return RoleCard.from_json(document, str(path))
    except RecordError as error:
        raise ValidationError(str(path), "card", "a valid role card", str(error)) from None


def _expected(definition: BallotDefinition, role: str) -> tuple[str, ...] | None:
    """The names the election expects for `role` (None: any one name, the officer)."""
    return {
        "trustee": definition.trustees,
        "teller": definition.tellers,
        "authority": (definition.credential_authority,),
    }.get(role)


def setup_roles(uow: ElectionUnitOfWork, definition: BallotDefinition) -> SetupRoles:
    """Every role's keys from the registered cards; ElectionStateError naming the missing ones."""
    cards = {
        (r.card.role, r.card.name): r.card for r in uow.role_cards.list(definition.election_id)
    }
    officers = [card for (role, _), card in cards.items() if role == "officer"]
    wanted = [("trustee", n) for n in definition.trustees]
    wanted += [("teller", n) for n in definition.tellers]
    wanted += [("authority", definition.credential_authority)]
    missing = [f"{role} {name!r}" for role, name in wanted if (role, name) not in cards]
    missing += [] if officers else ["the returning officer"]
    if missing:
        raise ElectionStateError(
            f"election {definition.election_id!r}: expected every role's card, missing "
            f"{', '.join(missing)} (each runs `clearcount role init` and the officer "
            "registers the card with `clearcount election register-card`)"
        )
    return SetupRoles(
        officers[0].entry(),
        cards["authority", definition.credential_authority].entry(),
        tuple(cards["teller", n].entry() for n in definition.tellers),
        tuple(cards["trustee", n].trustee(i) for i, n in enumerate(definition.trustees, start=1)),
    )


class RoleService:
    """The officer registers the roles' public cards for an election (spec §11.2.2)."""

    def __init__(self, uow: ElectionUnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def register(
        self, principal: Principal, election_id: str, card: RoleCard | Mapping[str, object]
    ) -> RegisteredCard:
        """Store `card` (checked) for `election_id`, before the key ceremony."""
        authorise(principal, "roles.register")
        actor = principal.name
        if not isinstance(card, RoleCard):
            try:
                card = RoleCard.from_json(card)
            except RecordError as error:
                raise ValidationError(
                    "role card", "card", "a valid role card", str(error)
                ) from None
        try:
            card.verify()
        except RecordError as error:
            raise ValidationError("role card", "card", "a valid role card", str(error)) from None
        at = self._clock.now()
        with self._uow() as uow:
            stored = require_election(uow, election_id, lock=True)
            d = stored.definition
            if uow.board.counts(election_id):
                raise ConflictError(
                    f"election {election_id!r}: the key ceremony has run; its roles are fixed"
                )
            _check_fits(d, card, uow.role_cards.list(election_id))
            registered = RegisteredCard(election_id, card, actor, format_instant(at))
            uow.role_cards.add(registered)
            append_events(
                uow,
                at=at,
                actor=actor,
                action="election.card_registered",
                organisation_id=d.organisation_id,
                subject=f"election:{election_id}",
                changes=[Change(f"{card.role}:{card.name}", None, card.to_json()["key"])],
            )
            uow.commit()
        return registered

    def cards(self, election_id: str) -> Sequence[RegisteredCard]:
        with self._uow() as uow:
            require_election(uow, election_id)
            return tuple(uow.role_cards.list(election_id))


def _check_fits(
    definition: BallotDefinition, card: RoleCard, registered: Sequence[RegisteredCard]
) -> None:
    """The card's role and name are the election's, and neither it nor its keys are taken."""
    election_id = definition.election_id
    if card.role not in ELECTION_ROLES:
        raise ValidationError(
            "role card", "role", f"one of {ELECTION_ROLES} for an election", card.role
        )
    names = _expected(definition, card.role)
    if names is not None and card.name not in names:
        raise ValidationError(
            "role card",
            "name",
            f"one of the election's {card.role}s {list(names)}",
            f"{card.name!r} (check the name given to `role init`)",
        )
    for other in (r.card for r in registered):
        if (other.role, other.name) == (card.role, card.name) or (
            card.role == other.role == "officer"
        ):
            raise ConflictError(
                f"election {election_id!r}: a card of {other.role} {other.name!r} is "
                "already registered"
            )
        mine = {card.key, card.encryption_key} - {None}
        if mine & ({other.key, other.encryption_key} - {None}):
            raise ConflictError(
                f"election {election_id!r}: card of {card.role} {card.name!r} reuses a key of "
                f"{other.role} {other.name!r}; every role makes its own keys"
            )
