"""Checks of the ballot box: credentials, signatures, proofs, challenges, spoiled, close (§12.3).

The heavy part (every ballot's signature and proofs) is the `scan` fact, computed once in a
process pool by `ballot_scan`; these checks report its findings under their own ids.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterator, Mapping

from clearcount.crypto.elgamal import PublicKey, encrypt
from clearcount.record.chain import GENESIS
from clearcount.record.events import EndBallots, Spoiled
from clearcount.verifier import facts
from clearcount.verifier.ballot_scan import (
    CHUNK,
    BallotJob,
    ScanContext,
    ScanResult,
    ballot_challenges,
    scan_ballots,
)
from clearcount.verifier.challenges import repeats
from clearcount.verifier.view import Collector, RecordView

__all__ = ["CHECKS", "scan"]


def scan(view: RecordView) -> ScanResult:
    """Every Ballot event decoded and checked, the counted ones summed (spec §11.4, §11.7)."""

    def compute() -> ScanResult:
        small = len(view.ballot_seqs) < 2 * CHUNK
        return scan_ballots(
            _context(view), _jobs(view), view.runner, inline=small, progress=view.progress
        )

    return view.derive("the ballot scan", compute)


def _context(view: RecordView) -> ScanContext:
    setup = facts.setup(view)
    return ScanContext(view.fingerprint, setup.joint_key.to_bytes(), setup.contests)


def _jobs(view: RecordView, only: Container[int] | None = None) -> Iterator[list[BallotJob]]:
    """The Ballot events read again, CHUNK at a time, with their weight if counted and the
    contests their credential votes in; `only`: just the ballots of these seqs."""
    weights = facts.weights(view)
    scopes = facts.scopes(view)
    ballots = facts.ballots(view)
    for lines in view.ballot_lines(CHUNK):
        chunk = []
        for seq, line in lines:
            _, credential, counted = next(ballots)
            if only is not None and seq not in only:
                continue
            weight = weights.get(credential, 0) if isinstance(credential, bytes) else 0
            scope = scopes.get(credential) if isinstance(credential, bytes) else None
            chunk.append(BallotJob(seq, line, weight if counted else 0, scope))
        yield chunk


def _report(check_id: str) -> Callable[[RecordView, Collector], None]:
    """A check that reports the scan's findings filed under `check_id`."""

    def check(view: RecordView, out: Collector) -> None:
        result = scan(view)
        for found_id, seq, message in result.findings:
            if found_id == check_id:
                out.fail_at(message, seq, "Ballot")
        out.detail = f"{result.checked} ballots"

    check.__doc__ = f"{check_id}: the ballot scan's findings (spec §12.3)."
    return check


def check_credentials_used(view: RecordView, out: Collector) -> None:
    """V-CRED-1 (spec §11.4): every ballot is cast under a published credential."""
    published = facts.weights(view)
    total = 0
    for seq, credential in view.ballot_credentials():
        total += 1
        if not isinstance(credential, bytes) or credential not in published:
            text = credential.hex() if isinstance(credential, bytes) else str(credential)
            out.fail_at(f"credential {text[:16]}… is not published", seq, "Ballot")
    out.detail = f"{total} ballots, {len(published)} credentials"


def check_challenges(view: RecordView, out: Collector) -> None:
    """V-CHALLENGE-1 (spec §4.1.4): no challenge twice across every ballot proof and signature.

    The scan kept each challenge's prefix; the ballots holding a prefix that occurs more than
    once are read again and only a repeat of a full challenge is reported (`challenges`)."""
    column = scan(view).challenges
    matched = column.matched()
    for seq, challenge, first in repeats(_full_challenges(view, matched) if matched else ()):
        out.fail_at(
            f"challenge {challenge.hex()[:16]}… already used in event {first} "
            "(a replayed or copied proof)",
            seq,
            "Ballot",
        )
    out.detail = f"{len(column)} challenges" + (
        f"; {len(matched)} ballots with a repeated prefix read again" if matched else ""
    )


def _full_challenges(view: RecordView, seqs: Container[int]) -> Iterator[tuple[int, list[bytes]]]:
    """(seq, every full challenge) of the Ballot events of `seqs`, read again, in record order."""
    context = _context(view)
    for chunk in _jobs(view, seqs):
        for job in chunk:
            yield job.seq, ballot_challenges(context, job)


def check_spoiled(view: RecordView, out: Collector) -> None:
    """V-SPOIL-1 (spec §11.5): Enc(m; r) recomputed equals each spoiled ciphertext."""
    setup = facts.setup(view)
    joint = PublicKey(setup.joint_key)
    spoiled = facts.bodies(view, "Spoiled")
    opened = {
        c.to_bytes().hex()
        for _, body in spoiled
        for contest in body.contests
        for c in contest.ciphertexts
    }
    cast = _cast_ciphertexts(view, opened) if opened else {}
    seen: dict[bytes, int] = {}
    for event, body in spoiled:
        assert isinstance(body, Spoiled)
        ids = [c.id for c in body.contests]
        specs = [c for c in setup.contests if c.id in ids]
        if ids != [c.id for c in (specs if setup.roll.scopes else setup.contests)]:
            out.fail("contests do not match the Setup contests (or a scope's, §10.4.1)", event)
            continue
        for spec, contest in zip(specs, body.contests, strict=True):
            allowed = len(spec.candidates) if spec.kind == "mixnet" else 1
            if any(not 0 <= m <= allowed for m in contest.plaintexts):
                out.fail(
                    f"contest {spec.id!r}: plaintexts {contest.plaintexts} outside [0, {allowed}]",
                    event,
                )
            for index, (c, m, r) in enumerate(
                zip(contest.ciphertexts, contest.plaintexts, contest.nonces, strict=True)
            ):
                if encrypt(joint, m, r) != c:
                    out.fail(f"contest {spec.id!r} ciphertext {index}: not Enc({m}; nonce)", event)
                encoded = c.to_bytes()
                if encoded in seen:
                    out.fail(f"ciphertext {index} repeats event {seen[encoded]}", event)
                seen.setdefault(encoded, event.seq)
                if encoded.hex() in cast:
                    out.fail(
                        f"contest {spec.id!r} ciphertext {index} was also cast in event "
                        f"{cast[encoded.hex()]}: a spoiled ballot must never count",
                        event,
                    )
    out.detail = f"{len(spoiled)} spoiled ballots"


def _cast_ciphertexts(view: RecordView, opened: set[str]) -> dict[str, int]:
    """Hex of each cast ciphertext that is in `opened` -> the first Ballot event casting it,
    read from the raw bodies (a pass over the ballots; only the spoiled ones are kept)."""
    cast: dict[str, int] = {}
    for event in view.of_kind("Ballot"):
        contests = event.body.get("contests")
        for contest in contests if isinstance(contests, list) else ():
            ciphertexts = contest.get("ciphertexts") if isinstance(contest, dict) else None
            for text in ciphertexts if isinstance(ciphertexts, list) else ():
                if isinstance(text, str) and text in opened:
                    cast.setdefault(text, event.seq)
    return cast


def check_end(view: RecordView, out: Collector) -> None:
    """V-END-1 (spec §11.6): EndBallots states the number of Ballot events and the last hash."""
    ends = facts.bodies(view, "EndBallots")
    if not ends:
        out.not_applicable("no readable EndBallots event")
        return
    ballots = view.ballot_seqs
    if ballots:
        view.hashes[max(ballots)]  # an impossible seq ends the check (V-CHAIN-1 says why)
    last = view.hashes[ballots[-1]] if ballots else GENESIS
    for event, body in ends:
        assert isinstance(body, EndBallots)
        if body.ballots != len(ballots):
            out.fail(
                f"ballots {body.ballots}, but the record has {len(ballots)} Ballot events "
                "(a ballot was removed or added)",
                event,
            )
        if body.last_ballot != last:
            out.fail(
                f"last_ballot {body.last_ballot[:16]}… is not the last Ballot's hash {last[:16]}…",
                event,
            )
        late = [seq for seq in ballots if seq > event.seq]
        if late:
            out.fail(f"Ballot events after EndBallots: {late[:10]}", event)
    out.detail = f"{len(ballots)} ballots"


CHECKS: Mapping[str, Callable[[RecordView, Collector], None]] = {
    "V-CRED-1": check_credentials_used,
    "V-BALLOT-SHAPE": _report("V-BALLOT-SHAPE"),
    "V-BALLOT-SIG": _report("V-BALLOT-SIG"),
    "V-BALLOT-PROOF": _report("V-BALLOT-PROOF"),
    "V-CHALLENGE-1": check_challenges,
    "V-SPOIL-1": check_spoiled,
    "V-END-1": check_end,
}
