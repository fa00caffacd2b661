"""A teller's own entry of returned voting papers, signed on its own machine (spec §11.12.2).

An entry is not on the record: the ballot server keeps each teller's entries until the two
agree (`service.elections.postal`). Sent through the role API, it is authenticated by the
teller's signature alone: a Schnorr signature (purpose `paper-entry`, context the election
fingerprint) by the teller's key in `Setup.tellers` over SHA-256 of the JCS of the body without
`signature`. `after` is how many entries (every revision of every number) the teller had on file
when it signed, so an entry sent again, or one signed before another of the same teller's, is
refused; `correction` says it replaces the teller's earlier entry of these numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self

from clearcount.core.errors import RecordError
from clearcount.crypto.group import Scalar, ScalarSource
from clearcount.crypto.proofs.schnorr import SchnorrProof
from clearcount.protocol.acts import UNSIGNED, check_act, sign_act
from clearcount.protocol.context import Election
from clearcount.protocol.paper import TellerSecret
from clearcount.protocol.postal import ReturnedPaper
from clearcount.record import codec
from clearcount.record.signing import ENTRY_PURPOSE, signed_digest

__all__ = ["ReturnsEntry", "sign_entry", "verify_entry"]


@dataclass(frozen=True, slots=True)
class ReturnsEntry:
    """One teller's signed entry of returned papers (§11.12.2)."""

    teller: str
    after: int
    correction: bool
    papers: tuple[ReturnedPaper, ...]
    signature: SchnorrProof

    def unsigned_body(self) -> dict[str, object]:
        return {
            "teller": self.teller,
            "after": self.after,
            "correction": self.correction,
            "papers": [
                {
                    "number": p.number,
                    "answers": None
                    if p.answers is None
                    else {c: list(marks) for c, marks in p.answers.items()},
                    "received": p.received,
                }
                for p in self.papers
            ],
        }

    def signed_digest(self) -> bytes:
        return signed_digest(self.unsigned_body())

    def to_body(self) -> dict[str, object]:
        return {**self.unsigned_body(), "signature": codec.hexify(self.signature)}

    @classmethod
    def from_body(cls, body: object, where: str) -> Self:
        path = f"{where}: ReturnsEntry"
        f = codec.fields(body, path, ("teller", "after", "correction", "papers", "signature"))
        papers = []
        for i, item in enumerate(codec.array(f["papers"], f"{path}.papers", least=1)):
            at = f"{path}.papers[{i}]"
            g = codec.fields(item, at, ("number", "answers", "received"))
            answers = g["answers"]
            if answers is not None:
                if not isinstance(answers, dict):
                    raise RecordError(f"{at}.answers: expected an object or null")
                answers = {
                    codec.text(c, f"{at}.answers"): tuple(
                        codec.integer(m, f"{at}.answers.{c}[{j}]")
                        for j, m in enumerate(codec.array(marks, f"{at}.answers.{c}"))
                    )
                    for c, marks in answers.items()
                }
            number = codec.integer(g["number"], f"{at}.number", minimum=1)
            papers.append(ReturnedPaper(number, answers, codec.iso_time(g["received"], at)))
        return cls(
            codec.text(f["teller"], f"{path}.teller"),
            codec.integer(f["after"], f"{path}.after"),
            codec.boolean(f["correction"], f"{path}.correction"),
            tuple(papers),
            codec.decoded(f["signature"], f"{path}.signature", SchnorrProof.from_bytes, 64),
        )


def sign_entry(
    election: Election,
    teller: TellerSecret,
    after: int,
    papers: tuple[ReturnedPaper, ...],
    *,
    correction: bool = False,
    rng: ScalarSource = Scalar.random,
) -> ReturnsEntry:
    """The teller signs its entry on its own machine with its own key (§11.12.2)."""
    draft = ReturnsEntry(teller.name, after, correction, papers, UNSIGNED)
    digest = draft.signed_digest()
    signature = sign_act(election.fingerprint, teller.secret, ENTRY_PURPOSE, digest, rng)
    return ReturnsEntry(teller.name, after, correction, papers, signature)


def verify_entry(election: Election, entry: ReturnsEntry) -> None:
    """ProofError unless the entry is signed by the teller it names (key in the Setup)."""
    check_act(
        election.fingerprint,
        election.setup.teller(entry.teller).key,
        entry.signature,
        ENTRY_PURPOSE,
        entry.signed_digest(),
        f"ReturnsEntry of teller {entry.teller!r}",
    )
