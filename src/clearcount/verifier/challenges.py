"""V-CHALLENGE-1 in bounded memory: prefixes first, then the full challenges of any match (§12.3).

The ballot scan keeps, of every challenge on a Ballot (each branch challenge of each proof and
the signature's), its first PREFIX bytes, and of every ballot its seq and how many challenges it
has: 8 bytes a challenge and 12 a ballot, 116 bytes a voter of a two-question yes/no ballot (13
challenges). Equal challenges have equal prefixes, so comparing prefixes finds every repeat.
Different challenges may share a prefix too (by chance about n²/2**65 for n challenges, one in
200,000 at 13 million; on purpose at about 2**32 hashes each), so a prefix match is never
reported as it is:
the ballots holding a prefix that occurs more than once are read again and their full challenges
compared (`repeats`). The verdict and the findings are those of comparing full challenges.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

__all__ = ["PREFIX", "PREFIXES_PER_SLICE", "ChallengeColumn", "prefix_of", "repeats"]

PREFIX = 8
"""Bytes of each challenge kept by the scan (one unsigned 64-bit integer)."""

PREFIXES_PER_SLICE = 1_000_000
"""Prefixes looked up together by `ChallengeColumn.matched` (a set of them: about 60 MB)."""


def prefix_of(challenge: bytes) -> bytes:
    """What the scan keeps of `challenge` (PREFIX bytes)."""
    return challenge[:PREFIX]


@dataclass(slots=True)
class ChallengeColumn:
    """Every challenge's prefix in record order, and each ballot's seq and number of them."""

    prefixes: bytearray = field(default_factory=bytearray)
    seqs: array[int] = field(default_factory=lambda: array("q"))
    """The seq of each Ballot event that has challenges, in record order."""
    counts: array[int] = field(default_factory=lambda: array("I"))
    """How many challenges each of those ballots has."""

    def add(self, seq: int, challenges: Sequence[bytes]) -> None:
        if challenges:
            self.seqs.append(seq)
            self.counts.append(len(challenges))
            for challenge in challenges:
                self.prefixes += prefix_of(challenge)

    def extend(self, other: ChallengeColumn) -> None:
        self.prefixes += other.prefixes
        self.seqs.extend(other.seqs)
        self.counts.extend(other.counts)

    def __len__(self) -> int:
        return len(self.prefixes) // PREFIX

    def matched(self) -> set[int]:
        """The seqs of the ballots holding a prefix that occurs more than once.

        The prefixes are compared a slice at a time (by their first byte), so the lookup set
        holds about PREFIXES_PER_SLICE of them at most, however many ballots there are.
        """
        values = memoryview(self.prefixes).cast("Q")
        slices = max(1, min(256, len(values) // PREFIXES_PER_SLICE + 1))
        repeated: set[int] = set()
        for part in range(slices):
            seen: set[int] = set()
            for value in values:
                if slices > 1 and (value & 0xFF) % slices != part:
                    continue
                if value in seen:
                    repeated.add(value)
                else:
                    seen.add(value)
        if not repeated:
            return set()
        matched: set[int] = set()
        start = 0
        for seq, count in zip(self.seqs, self.counts, strict=True):
            if any(value in repeated for value in values[start : start + count]):
                matched.add(seq)
            start += count
        return matched


def repeats(ballots: Iterable[tuple[int, Sequence[bytes]]]) -> Iterator[tuple[int, bytes, int]]:
    """(seq, challenge, seq of its first use) of every full challenge of `ballots` (seq and
    challenges, in record order) that an earlier one repeats, in record order."""
    seen: dict[bytes, int] = {}
    for seq, challenges in ballots:
        for challenge in challenges:
            if challenge in seen:
                yield seq, challenge, seen[challenge]
            else:
                seen[challenge] = seq
