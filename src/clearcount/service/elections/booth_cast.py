"""The booth's cast in one transaction: sign-in code, rate limit, ballot, code used up (issue 12).

`BoothCasting.cast(election_id, email, code, member_id, ballot, address)` is what `POST
/api/elections/{id}/cast` does. It was three transactions and a fourth for the rate limit
(count the request; check the code; cast; mark the code used), each with its own connection
check, BEGIN and COMMIT: on PostgreSQL most of a cast's server CPU went to those round trips
(bench/RESULTS.md). Now `CastingService.cast` runs with an `Admission` that, inside the cast's
own transaction:

1. checks the code (`SignInService.admit`, which writes nothing), before the election's lock;
2. counts the request against the address's `cast` limit once the lock is held (all casts of
   one election queue on that lock anyway, so one address's casts do not queue twice);
3. marks the code used just before the new ballot is committed, so the code is used up if and
   only if the ballot is stored.

Every guarantee stays: the receipt only after the durable commit; a refused ballot leaves the
code usable (its transaction rolls back). A refusal that must be written is written apart, as
before: a wrong code rolls back and `SignInService.authenticate` counts the try and words the
refusal in its own transaction (and should it sign the voter in after all - another member
sharing the address had a different code - the cast goes the old way, in the transactions of
before); an address over its limit rolls back and `RateLimitService.hit` counts the request
and refuses it; a re-send commits its count alone. A code already used signs in only to
answer a byte-identical re-send of the stored ballot (`resent`, spec §11.4: the answer to the
first cast was lost); a new ballot with a used code is refused as before. CommitUncertainError
passes through: the voter sends the same ballot again and gets its receipt if it was stored.

Casts that arrive while another is being written are written together (`together`:
service.elections.cast_together, by group commit): the same steps for each, one lock and one
commit for all. A cast the batch would refuse, or that needs more than the common path, is
cast alone afterwards, by the transaction described above.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NoReturn, Protocol, cast

from clearcount.record.events import Ballot
from clearcount.service.authorisation import Principal
from clearcount.service.elections.cast_together import CastTogether, TogetherCast
from clearcount.service.elections.casting import (
    Admission,
    CastingService,
    CastReceipt,
    parse_ballot,
    verified_ahead,
)
from clearcount.service.elections.group_commit import GroupCommit
from clearcount.service.elections.ports import ElectionUnitOfWork
from clearcount.service.elections.records import StoredElection
from clearcount.service.elections.sign_in import SignInService, SignInUnitOfWork
from clearcount.service.errors import (
    BallotRefusedError,
    CommitUncertainError,
    ServiceError,
    StorageUnavailableError,
)
from clearcount.service.rate_limits import RateLimitedError, RateLimitService, RateLimitWork

__all__ = ["BoothCast", "BoothCasting", "BoothUnitOfWork"]

_log = logging.getLogger("clearcount.casting")


class BoothUnitOfWork(SignInUnitOfWork, RateLimitWork, Protocol):
    """The one store's unit of work: every repository of the election, sign-in and limits."""


@dataclass(frozen=True, slots=True)
class BoothCast:
    """A cast's receipt, the member it signed in and the election's title (for the mail)."""

    receipt: CastReceipt
    voter: Principal
    title: str


class _NotAdmittedError(Exception):
    """The code did not sign anyone in: roll back, then `authenticate` says why."""


class _OverLimitError(Exception):
    """The address is over its cast limit: roll back, then `RateLimitService.hit` refuses
    (in a batch, `refusal` is raised: the request was counted in the batch's commit)."""

    def __init__(self, refusal: RateLimitedError) -> None:
        super().__init__(str(refusal))
        self.refusal = refusal


class _CodeAdmission:
    """An `Admission` (service.elections.casting) by one-time code, counted against a limit."""

    def __init__(self, booth: BoothCasting, election_id: str, email: str, code: str,
                 member_id: str | None, address: str) -> None:  # fmt: skip
        self._booth = booth
        self._election_id = election_id
        self.email = email
        self._code = code
        self._member_id = member_id
        self.address = address
        self.voter: Principal | None = None
        self.title = ""

    def admit(self, uow: ElectionUnitOfWork) -> tuple[Principal, bool]:
        work = cast(BoothUnitOfWork, uow)  # the store's one unit of work has every repository
        admitted = self._booth.sign_in.admit(
            work, self._election_id, self.email, self._code, self._member_id
        )
        if admitted is None:
            raise _NotAdmittedError
        self.voter = admitted[0]
        return admitted

    def locked(self, uow: ElectionUnitOfWork, stored: StoredElection) -> None:
        work = cast(BoothUnitOfWork, uow)
        refusal = self._booth.rate_limits.count_in(work, "cast", self.address)
        if refusal is not None:
            raise _OverLimitError(refusal)
        self.title = stored.definition.title

    def refuse_used(self) -> NoReturn:
        raise _NotAdmittedError

    def stored(self, uow: ElectionUnitOfWork) -> None:
        assert self.voter is not None
        self._booth.sign_in.use_up(cast(BoothUnitOfWork, uow), self._election_id, self.voter.name)


class BoothCasting:
    """Sign in by one-time code and cast, in one transaction (see the module's docstring)."""

    def __init__(
        self,
        casting: CastingService,
        sign_in: SignInService,
        rate_limits: RateLimitService,
        together: CastTogether | None = None,
    ) -> None:
        self.casting = casting
        self.sign_in = sign_in
        self.rate_limits = rate_limits
        write = None if together is None else functools.partial(together.write, count=self._count)
        self.group = None if write is None else GroupCommit(write)
        """Casts waiting at once written together (service.elections.cast_together); None:
        each alone."""

    def _count(
        self, uow: ElectionUnitOfWork, stored: StoredElection, admissions: Sequence[Admission]
    ) -> list[Exception | None]:
        """A batch's casts counted against the cast limit, one statement per address:
        `_CodeAdmission.locked` for all of them, refused where over."""
        codes = [cast(_CodeAdmission, a) for a in admissions]  # the booth's own, in its batches
        for code in codes:
            code.title = stored.definition.title
        refusals = self.rate_limits.count_many(cast(BoothUnitOfWork, uow), "cast",
                                               [c.address for c in codes])  # fmt: skip
        return [None if r is None else _OverLimitError(r) for r in refusals]

    def _together(
        self, admission: _CodeAdmission, election_id: str, ballot: Ballot
    ) -> CastReceipt | None:
        """The receipt if the cast went in with a batch; None: cast it alone."""
        if self.group is None:
            return None
        checked = verified_ahead(election_id, ballot)
        together = TogetherCast(admission, ballot, checked, admission.email)
        try:
            outcome = self.group.submit(election_id, together)
        except (StorageUnavailableError, CommitUncertainError):
            raise  # the database failed: the voter is told, and casts again
        except Exception:  # a fault of the batch itself: nothing was written, cast alone
            _log.exception("casts written together failed; casting alone instead")
            return None
        if isinstance(outcome, _OverLimitError):
            raise outcome.refusal  # counted in the batch
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def cast(
        self,
        election_id: str,
        email: str,
        code: str,
        member_id: str | None,
        ballot: Ballot | Mapping[str, object],
        address: str,
    ) -> BoothCast:
        """The receipt once the ballot is durably stored and the code used up with it; the
        errors of `SignInService.authenticate`, `RateLimitService.hit` and
        `CastingService.cast` otherwise."""
        admission = _CodeAdmission(self, election_id, email, code, member_id, address)
        try:
            try:
                ballot = parse_ballot(ballot)
            except BallotRefusedError:
                # as before: the sign-in is refused before the ballot is looked at
                self.sign_in.authenticate(election_id, email, code, member_id)
                raise
            receipt = self._together(admission, election_id, ballot) or self.casting.cast(
                admission, election_id, ballot
            )
        except _OverLimitError:
            self.rate_limits.hit("cast", address)  # counts it, and raises
            raise RateLimitedError("cast", 1) from None  # the window ended meanwhile
        except _NotAdmittedError:
            # signed in as before instead: `authenticate` counts each wrong try (another
            # member's code under a shared address, say) and words the refusal; a voter it
            # signs in after all casts in the transactions of before
            self.rate_limits.hit("cast", address)
            voter = self.sign_in.authenticate(election_id, email, code, member_id)
            receipt = self.casting.cast(voter, election_id, ballot)
            title = self.sign_in.spend(voter, election_id)
            return BoothCast(receipt, voter, title)
        except (StorageUnavailableError, CommitUncertainError):
            raise  # the database fails: nothing more to write to it now
        except ServiceError:
            self.rate_limits.hit("cast", address)  # a refused cast counts, as before
            raise
        assert admission.voter is not None
        return BoothCast(receipt, admission.voter, admission.title)
