"""The roll commitment: a Merkle tree of salted member commitments (spec §10.4).

The record must prove who was on the roll, and with what eligibility status, without holding any
personal data. Each member is committed as SHA-256 over a domain tag, a 32-byte secret salt and the
member's roll id; the leaf adds the eligibility status and the member's weight (a delegate's card
vote; 1 for everyone else), so the credential authority's weights can be checked against it, and,
in an election whose contests are each for one unit's members (a trigger ballot's branches), the
contests the member may vote in (`contests`, only then: §10.4.1). The
tree is RFC 9162 §2.1's Merkle Tree Hash (0x00 leaf prefix, 0x01 node prefix, split at the
largest power of two below n), so a member given their salt and an inclusion proof (RFC 9162
§2.1.3) can check they are counted, and how.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass

from clearcount.core.canonical import canonical_json
from clearcount.core.errors import RecordError

__all__ = [
    "InclusionProof",
    "RollEntry",
    "inclusion_proof",
    "leaf_hash",
    "member_commitment",
    "merkle_root",
    "scope_histograms",
    "verify_inclusion",
    "weight_histogram",
]

STATUSES = ("eligible", "ineligible")
_MEMBER_TAG = b"clearcount/roll-member/v1"


def member_commitment(salt: bytes, member_id: str) -> str:
    """Hex SHA-256(len‖tag ‖ len‖salt ‖ len‖id): hides the id while the salt stays secret."""
    if len(salt) != 32:
        raise RecordError(f"roll salt must be 32 bytes, got {len(salt)}")
    digest = hashlib.sha256()
    for part in (_MEMBER_TAG, salt, member_id.encode("utf-8")):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class RollEntry:
    """One member as the record sees them: a commitment, an eligibility status and a weight."""

    commitment: str
    status: str
    weight: int = 1
    contests: tuple[str, ...] | None = None
    """The contests this member may vote in, in a scoped election (spec §10.4.1); None when
    every eligible member votes in every contest (the leaf then has no `contests`)."""

    def __post_init__(self) -> None:
        if self.contests is not None and (
            self.status != "eligible"
            or not self.contests
            or list(self.contests) != sorted(set(self.contests))
        ):
            raise RecordError(
                "roll entry contests: expected distinct contest ids in ascending order, and only "
                f"for an eligible member; got {self.contests!r} for {self.status!r}"
            )
        if isinstance(self.weight, bool) or not isinstance(self.weight, int) or self.weight < 1:
            raise RecordError(f"roll entry weight must be an integer >= 1, got {self.weight!r}")
        if self.status not in STATUSES:
            raise RecordError(f"roll entry status must be one of {STATUSES}, got {self.status!r}")
        if len(self.commitment) != 64 or self.commitment.strip("0123456789abcdef"):
            raise RecordError(
                f"roll commitment must be 64 lowercase hex digits: {self.commitment!r}"
            )


def leaf_hash(entry: RollEntry) -> bytes:
    leaf: dict[str, object] = {
        "commitment": entry.commitment,
        "status": entry.status,
        "weight": entry.weight,
    }
    if entry.contests is not None:
        leaf["contests"] = list(entry.contests)
    return hashlib.sha256(b"\x00" + canonical_json(leaf)).digest()


def weight_histogram(entries: Sequence[RollEntry]) -> tuple[tuple[int, int], ...]:
    """(weight, number of eligible members with it), ascending by weight (spec §10.4)."""
    counts: dict[int, int] = {}
    for entry in entries:
        if entry.status == "eligible":
            counts[entry.weight] = counts.get(entry.weight, 0) + 1
    return tuple(sorted(counts.items()))


def scope_histograms(
    entries: Sequence[RollEntry],
) -> tuple[tuple[tuple[str, ...], tuple[tuple[int, int], ...]], ...]:
    """Per scope (the contests an eligible member may vote in, §10.4.1): its weight histogram,
    scopes in ascending order; empty when no entry is scoped."""
    scoped: dict[tuple[str, ...], list[RollEntry]] = {}
    for entry in entries:
        if entry.status == "eligible" and entry.contests is not None:
            scoped.setdefault(entry.contests, []).append(entry)
    if scoped and any(e.status == "eligible" and e.contests is None for e in entries):
        raise RecordError(
            "roll: expected every eligible member scoped to contests or none, got a mix"
        )
    return tuple((scope, weight_histogram(scoped[scope])) for scope in sorted(scoped))


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly less than n (n >= 2)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def _root(leaves: Sequence[bytes]) -> bytes:
    if len(leaves) == 1:
        return leaves[0]
    k = _split(len(leaves))
    return _node(_root(leaves[:k]), _root(leaves[k:]))


def merkle_root(entries: Sequence[RollEntry]) -> str:
    """MTH over the entries in roll order; the empty roll hashes to SHA-256 of nothing."""
    if not entries:
        return hashlib.sha256(b"").hexdigest()
    return _root([leaf_hash(e) for e in entries]).hex()


@dataclass(frozen=True, slots=True)
class InclusionProof:
    """RFC 9162 §2.1.3.1 audit path for the leaf at `index` in a tree of `size` leaves."""

    index: int
    size: int
    path: tuple[str, ...]


def inclusion_proof(entries: Sequence[RollEntry], index: int) -> InclusionProof:
    if not 0 <= index < len(entries):
        raise RecordError(f"no roll entry {index}: the roll has {len(entries)} entries")
    leaves = [leaf_hash(e) for e in entries]
    path: list[bytes] = []

    def walk(lo: int, hi: int, m: int) -> None:
        if hi - lo == 1:
            return
        k = _split(hi - lo)
        if m < k:
            walk(lo, lo + k, m)
            path.append(_root(leaves[lo + k : hi]))
        else:
            walk(lo + k, hi, m - k)
            path.append(_root(leaves[lo : lo + k]))

    walk(0, len(leaves), index)
    return InclusionProof(index, len(leaves), tuple(p.hex() for p in path))


def verify_inclusion(entry: RollEntry, proof: InclusionProof, root: str) -> None:
    """RFC 9162 §2.1.3.2: raise RecordError unless `entry` is leaf `proof.index` under `root`."""
    if not 0 <= proof.index < proof.size:
        raise RecordError(f"inclusion proof index {proof.index} outside a tree of {proof.size}")
    fn, sn = proof.index, proof.size - 1
    r = leaf_hash(entry)
    for text in proof.path:
        try:
            p = bytes.fromhex(text)
        except ValueError:
            raise RecordError(f"inclusion proof element {text!r} is not hex") from None
        if len(p) != 32:
            raise RecordError("inclusion proof element is not 32 bytes")
        if sn == 0:
            raise RecordError("inclusion proof is longer than the tree is deep")
        if fn % 2 == 1 or fn == sn:
            r = _node(p, r)
            if fn % 2 == 0:
                while fn % 2 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = _node(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0 or not hmac.compare_digest(r.hex(), root):
        raise RecordError("the member is not in the committed roll with this status")
