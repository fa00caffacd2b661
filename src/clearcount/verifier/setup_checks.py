"""Checks of the Setup and the credentials: manifest, trustees, joint key, roll (spec §12.2).

Every role's public key (officer, credential authority, tellers, trustees' signing and
encryption keys, spec §11.2.2) must be distinct. The trustees' coefficient proofs are bound to
the ceremony context (a hash of the manifest, spec §11.2), the joint key is recomputed from the
Feldman commitments (spec §5.2.4), and the number of public credentials must equal the roll's
eligible count (spec §11.3).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from datetime import datetime

from clearcount.core.errors import ClearcountError, RecordError
from clearcount.counting.registry import METHODS
from clearcount.crypto.dkg import CeremonyParameters, verify_announcement
from clearcount.record.chain import Event
from clearcount.record.events import Setup
from clearcount.record.scopes import check_credential_scopes
from clearcount.verifier import facts
from clearcount.verifier.view import Collector, RecordView, UnavailableError

__all__ = ["CHECKS"]


def check_setup(view: RecordView, out: Collector) -> None:
    """V-SETUP-1 (spec §11.2): the Setup decodes and its parts are consistent."""
    try:
        setup = facts.setup(view)
    except UnavailableError as error:
        out.fail(error.reason, view.event(0) if view.count else None)
        return
    first = view.event(0)
    for contest in setup.contests:
        if contest.method not in METHODS:
            out.fail(
                f"contest {contest.id!r}: method {contest.method!r} is not a counting "
                "rule set of this verifier",
                first,
            )
    if datetime.fromisoformat(setup.opens) >= datetime.fromisoformat(setup.closes):
        out.fail(f"opens {setup.opens} is not before closes {setup.closes}", first)
    if setup.threshold > len(setup.trustees):
        out.fail(f"threshold {setup.threshold} exceeds {len(setup.trustees)} trustees", first)
    _check_role_keys(setup, first, out)
    out.detail = (
        f"{len(setup.contests)} contests, {setup.threshold} of {len(setup.trustees)} "
        f"trustees, {len(setup.tellers)} tellers, "
        f"{len(setup.trustee_keys) + len(setup.tellers) + 2} role keys, "
        f"{len(setup.booth)} booth files pinned"
    )


def _check_role_keys(setup: Setup, first: Event, out: Collector) -> None:
    """Every role's key is its own (spec §11.2.2): no two listed keys are equal."""
    keys = [("officer", setup.officer.name, setup.officer.key)]
    keys.append(
        ("credential authority", setup.credential_authority.name, setup.credential_authority.key)
    )
    keys += [("teller", t.name, t.key) for t in setup.tellers]
    for t in setup.trustee_keys:
        keys += [("trustee", t.name, t.key), ("trustee encryption", t.name, t.encryption_key)]
    seen: dict[bytes, str] = {}
    for role, name, key in keys:
        who = f"{role} key of {name!r}"
        if key.to_bytes() in seen:
            out.fail(
                f"{who} is the same as the {seen[key.to_bytes()]}; every role makes its own", first
            )
        seen.setdefault(key.to_bytes(), who)


def check_trustee_proofs(view: RecordView, out: Collector) -> None:
    """V-TRUSTEE-1 (spec §5.2.1): each coefficient's Schnorr proof, in the ceremony context."""
    setup = facts.setup(view)
    context = setup.ceremony_context()
    parameters = CeremonyParameters(setup.threshold, len(setup.trustees))
    for trustee, announcement in zip(setup.trustees, facts.announcements(view), strict=True):
        try:
            verify_announcement(context, parameters, announcement)
        except ClearcountError as error:
            out.fail(f"trustee {trustee.name!r}: {error}", view.event(0))
    out.detail = f"{len(setup.trustees)} trustees x {setup.threshold} coefficients"


def check_joint_key(view: RecordView, out: Collector) -> None:
    """V-TRUSTEE-2 (spec §5.2.4): joint_key = Σ_i K_{i,0}."""
    setup = facts.setup(view)
    recomputed = facts.joint(view).public_key.point
    if recomputed != setup.joint_key:
        out.fail(
            f"joint_key {setup.joint_key.to_bytes().hex()[:16]}… is not the sum of the "
            f"constant-term commitments {recomputed.to_bytes().hex()[:16]}…",
            view.event(0),
        )


def check_credential_count(view: RecordView, out: Collector) -> None:
    """V-CRED-0 (spec §11.3): one public credential per eligible member, weighted as the roll
    commits (§10.4): no more, no fewer, no weight moved."""
    setup = facts.setup(view)
    published = facts.credentials(view)
    event = next(view.of_kind("Credentials"), None)
    if len(published.credentials) != setup.roll.eligible:
        out.fail(
            f"{len(published.credentials)} public credentials, but the roll commitment "
            f"counts {setup.roll.eligible} eligible members",
            event,
        )
    histogram = tuple(sorted(Counter(published.weights).items()))
    if histogram != setup.roll.weights:
        out.fail(
            f"credential weights (weight, credentials) {[list(p) for p in histogram]}, but the "
            f"committed roll has (weight, members) {[list(p) for p in setup.roll.weights]}",
            event,
        )
    if not any(c.weighted for c in setup.contests) and set(published.weights) - {1}:
        out.fail("credential weights other than 1, but no contest is weighted", event)
    try:
        check_credential_scopes(setup.roll, published)
    except RecordError as error:
        out.fail(str(error), event)
    out.detail = f"{len(published.credentials)} credentials, roll of {setup.roll.size}"


CHECKS: Mapping[str, Callable[[RecordView, Collector], None]] = {
    "V-SETUP-1": check_setup,
    "V-TRUSTEE-1": check_trustee_proofs,
    "V-TRUSTEE-2": check_joint_key,
    "V-CRED-0": check_credential_count,
}
