"""Writes docs/spec/90-vectors.md: every input and intermediate value of the spec, from the code.

Run `python -m tools.spec_vectors` from the repository root after a deliberate, documented
protocol change (it rewrites the appendix); `--check` exits 1 if the committed file differs.
`tests/spec/test_spec_vectors.py` runs the check in CI, and rebuilds every transcript in the
appendix from docs/spec §2 alone, so the docs and the code cannot drift apart.

To add a vector: write a function that returns one or more `Block`s (see the existing ones; put
values with `Block.put`, record challenges with `captured()` and `Block.transcript`) and add it
to `SECTIONS`. Every random value must come from `seeded_scalars` (spec §1.7) so the output is
deterministic.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clearcount.core.canonical import canonical_json
from clearcount.core.errors import DecodingError
from clearcount.counting import fptp, irv, ties
from clearcount.counting.ballots import Ballot, Contest
from clearcount.crypto import dkg
from clearcount.crypto.dlog import DiscreteLog
from clearcount.crypto.elgamal import (
    Ciphertext,
    PublicKey,
    SecretKey,
    decrypt_to_point,
    encrypt,
    reencrypt,
    sum_ciphertexts,
)
from clearcount.crypto.group import (
    Point,
    Scalar,
    independent_generators,
    length_prefixed,
    seeded_scalars,
)
from clearcount.crypto.lagrange import lagrange_coefficients
from clearcount.crypto.proofs import (
    SchnorrProof,
    prove_decryption,
    prove_range,
    prove_schnorr,
    prove_zero_one,
    verify_schnorr,
)
from clearcount.crypto.proofs.batch_dleq import (
    COMPOSITE_DOMAIN,
    BatchStatement,
    composite_part,
    composite_weight,
    prove_batch,
)
from clearcount.crypto.shuffle import gen_shuffle, shuffle_generators
from clearcount.crypto.shuffle_proof import CHALLENGES_DOMAIN, gen_shuffle_proof
from clearcount.crypto.threshold import combine, partial_decrypt
from clearcount.crypto.transcript import PROTOCOL_DOMAIN, Transcript
from clearcount.protocol.setup import contest_spec as make_contest_spec
from clearcount.protocol.simulate import make_scenario, simulate_election
from clearcount.record import roll
from clearcount.record.chain import Event
from clearcount.record.events import election_fingerprint, tracking_code
from clearcount.record.setup_body import Setup
from clearcount.verifier.result_checks import counting_contest

OUTPUT = Path(__file__).parents[1] / "docs" / "spec" / "90-vectors.md"
CONTEXT = b"clearcount known-answer vectors v1: Riverside Branch ballot 2031"
BINDING = b"public credential of the fictional member A. Example"

# ---------------------------------------------------------------------------------------------
# Capturing what the code hashes


@dataclass(frozen=True)
class Captured:
    """One challenge the code took: the tag, the encoded records and the resulting scalar."""

    tag: str
    records: tuple[bytes, ...]
    challenge: Scalar


@contextmanager
def captured() -> Iterator[list[Captured]]:
    """Every `Transcript.challenge()` taken inside the block, in order (vectors only)."""
    seen: list[Captured] = []
    original = Transcript.challenge

    def challenge(self: Transcript) -> Scalar:
        value = original(self)
        seen.append(Captured(self.tag, self.records, value))
        return value

    Transcript.challenge = challenge  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        Transcript.challenge = original  # type: ignore[method-assign]


class Draws:
    """`seeded_scalars(seed)` that remembers each draw, so the appendix can list them."""

    def __init__(self, seed: bytes) -> None:
        self.seed = seed
        self._source = seeded_scalars(seed)
        self.drawn: list[Scalar] = []

    def __call__(self) -> Scalar:
        value = self._source()
        self.drawn.append(value)
        return value


def _parts(data: bytes) -> list[bytes]:
    """Split lp(x_1, ..., x_n) (§1.5) back into its parts."""
    parts = []
    while data:
        size = int.from_bytes(data[:8], "big")
        parts.append(data[8 : 8 + size])
        data = data[8 + size :]
    return parts


def _typed(encoded: bytes) -> str:
    tag, payload = _parts(encoded)
    if tag == b"I":
        return f"I:{int.from_bytes(payload, 'big', signed=True)}"
    return f"{tag.decode()}:{payload.hex()}"


def render_record(record: bytes) -> str:
    """`label form item item ...` with each item `type:hex` (`I:` decimal), §2.2 recovered."""
    parts = _parts(record)
    label, form = parts[0].decode(), parts[1].decode()
    values = parts[2:] if form == "1" else parts[3:]
    if form == "n":
        assert int.from_bytes(parts[2], "big") == len(values)
    return " ".join([label, form, *(_typed(v) for v in values)])


# ---------------------------------------------------------------------------------------------
# Blocks of the appendix


def _render(value: Any) -> str:
    if isinstance(value, bool):
        raise TypeError("vectors: no booleans")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bytes | bytearray):
        return bytes(value).hex()
    if isinstance(value, SecretKey):
        return value.scalar.to_bytes().hex()
    return str(value.to_bytes().hex())


@dataclass
class Block:
    """One vector: a heading, a sentence on what it shows, and `name = value` lines."""

    number: str
    title: str
    about: str
    lines: list[str] = field(default_factory=list)

    def put(self, name: str, value: Any) -> Block:
        assert " = " not in name, name
        self.lines.append(f"{name} = {_render(value)}".rstrip())
        return self

    def put_json(self, name: str, value: bytes) -> Block:
        """Canonical JSON (JCS, §10.1) as it is hashed: one line of UTF-8, not hex."""
        self.lines.append(f"{name} = {value.decode('utf-8')}")
        return self

    def puts(self, name: str, values: Sequence[Any], start: int = 0) -> Block:
        for i, value in enumerate(values, start):
            self.put(f"{name}[{i}]", value)
        return self

    def draws(self, draws: Draws) -> Block:
        self.put("seed", draws.seed)
        return self.puts("draw", draws.drawn)

    def transcript(self, name: str, seen: Captured, *, full: bool = False) -> Block:
        self.lines.append(f"{name}.tag = {seen.tag}")
        for i, record in enumerate(seen.records):
            self.lines.append(f"{name}.r[{i}] = {render_record(record)}")
        hashed = length_prefixed(PROTOCOL_DOMAIN, seen.tag.encode(), *seen.records)
        if full:
            self.put(f"{name}.hash_input", hashed)
        self.put(f"{name}.sha512", hashlib.sha512(hashed).digest())
        return self.put(f"{name}.challenge", seen.challenge)

    def markdown(self) -> str:
        body = "\n".join(self.lines)
        return f"### §{self.number} {self.title}\n\n{self.about}\n\n```vector\n{body}\n```\n"


# ---------------------------------------------------------------------------------------------
# The vectors, one function per subsection


def group_vectors() -> list[Block]:
    block = Block(
        "90.1",
        "Group, hashing and seeded scalars (§1.5-§1.7)",
        "`lp` of two parts, `Scalar.hash` (SHA-512, little-endian, mod L), `hash_to_group` and "
        "`independent_generators`, and the first three `seeded_scalars` draws of a seed.",
    )
    block.put("G", Point.generator()).put("2G", Point.base_mul(Scalar.from_int(2)))
    block.put("lp_input[0]", b"ab").put("lp_input[1]", b"c")
    block.put("lp", length_prefixed(b"ab", b"c"))
    block.put("hash_domain", b"clearcount/example").put("hash_part", b"Riverside")
    digest = hashlib.sha512(length_prefixed(b"clearcount/example", b"Riverside")).digest()
    block.put("hash_sha512", digest)
    block.put("hash_scalar", Scalar.hash(b"clearcount/example", b"Riverside"))
    block.put("hash_to_group", Point.hash_to_group(b"clearcount/example", b"Riverside"))
    block.put("generators_domain", b"clearcount/kat")
    block.puts("generator", independent_generators(b"clearcount/kat", 2))
    draws = Draws(b"clearcount/kat/seeded")
    for _ in range(3):
        draws()
    return [block.draws(draws)]


def transcript_vectors() -> list[Block]:
    block = Block(
        "90.2",
        "A transcript byte for byte (§2)",
        "Every value type once, a list, and the exact bytes hashed (`hash_input` = "
        'lp("clearcount/transcript/v1", tag, r_0, ..., r_k)).',
    )
    with captured() as seen:
        transcript = Transcript("clearcount/v1/example", CONTEXT)
        transcript.append("point", Point.generator()).append("scalar", Scalar.from_int(5))
        transcript.append("zero", 0).append("int", 128).append("text", "Riverside")
        transcript.append("bytes", b"\x00\xff").append_all("list", [1, b"", Point.generator()])
        transcript.challenge()
    block.put("context", CONTEXT)
    return [block.transcript("transcript", seen[0], full=True)]


def elgamal_vectors() -> list[Block]:
    draws = Draws(b"clearcount/kat/elgamal")
    secret = SecretKey(draws())
    key = secret.public_key()
    r, r2 = draws(), draws()
    ciphertext = encrypt(key, 3, r)
    again = reencrypt(key, ciphertext, r2)
    block = Block(
        "90.3",
        "Exponential ElGamal (§3)",
        "Draws: secret x, nonce r, re-encryption nonce r'. A ciphertext is pad ‖ data (§3.7).",
    )
    block.draws(draws).put("secret x", secret).put("public K", key).put("m", 3)
    block.put("m·G", Point.base_mul(Scalar.from_int(3)))
    block.put("pad", ciphertext.pad).put("data", ciphertext.data).put("ciphertext", ciphertext)
    block.put("reencrypted", again)
    block.put("decrypted data - x·pad", decrypt_to_point(secret, again))
    block.put("sum(ciphertext, reencrypted)", sum_ciphertexts([ciphertext, again]))
    return [block]


def _schnorr_block(number: str, purpose: str, message: bytes, title: str) -> Block:
    draws = Draws(f"clearcount/kat/schnorr/{purpose}".encode())
    secret = draws()
    with captured() as seen:
        proof = prove_schnorr(CONTEXT, secret, message=message, purpose=purpose, rng=draws)
    nonce = draws.drawn[1]
    block = Block(number, title, "Draws: secret x, nonce w.")
    block.put("context", CONTEXT).draws(draws)
    block.put("secret x", secret).put("public X", Point.base_mul(secret)).put("message", message)
    block.put("nonce w", nonce).put("commitment A", Point.base_mul(nonce))
    block.transcript("transcript", seen[0])
    block.put("challenge c", proof.challenge).put("response s", proof.response)
    return block.put("proof", proof)


def schnorr_vectors() -> list[Block]:
    return [
        _schnorr_block("90.4.1", "key-possession", b"", "Schnorr, purpose key-possession (§4.2)"),
        _schnorr_block(
            "90.4.2",
            "credential-signature",
            b"ballot of the fictional member A. Example",
            "Schnorr, purpose credential-signature (§4.2)",
        ),
    ]


def decryption_vectors() -> list[Block]:
    draws = Draws(b"clearcount/kat/decryption")
    secret = SecretKey(draws())
    ciphertext = encrypt(secret.public_key(), 3, draws())
    with captured() as seen:
        share, proof = prove_decryption(CONTEXT, secret, ciphertext, rng=draws)
    w = draws.drawn[2]
    block = Block(
        "90.5",
        "Chaum-Pedersen decryption proof (§4.3.2)",
        "Draws: secret x, encryption nonce r, proof nonce w. Statement (G, K, pad, D), "
        "bound_to [data].",
    )
    block.put("context", CONTEXT).draws(draws).put("secret x", secret)
    block.put("public K", secret.public_key()).put("m", 3).put("ciphertext", ciphertext)
    block.put("share D (x·pad)", share)
    block.put("commitment A (w·G)", Point.base_mul(w))
    block.put("commitment B (w·pad)", ciphertext.pad * w)
    block.transcript("transcript", seen[0])
    block.put("challenge c", proof.challenge).put("response s", proof.response)
    block.put("proof", proof).put("data - D", ciphertext.data - share)
    return [block]


def _branches(
    block: Block, key: PublicKey, ciphertext: Ciphertext, values: Sequence[int], proof: Any
) -> None:
    """β_j and the recomputed commitments A_j, B_j of every branch (§4.4)."""
    for j, value in enumerate(values):
        c, s = proof.challenges[j], proof.responses[j]
        beta = ciphertext.data - Point.base_mul(Scalar.from_int(value))
        block.put(f"branch[{j}].value", value).put(f"branch[{j}].beta", beta)
        block.put(f"branch[{j}].c", c).put(f"branch[{j}].s", s)
        block.put(f"branch[{j}].A", Point.base_mul(s) - ciphertext.pad * c)
        block.put(f"branch[{j}].B", key.point * s - beta * c)


def zero_one_vectors() -> list[Block]:
    blocks = []
    for m in (0, 1):
        draws = Draws(f"clearcount/kat/zero-one/{m}".encode())
        secret = SecretKey(draws())
        key = secret.public_key()
        nonce = draws()
        ciphertext = encrypt(key, m, nonce)
        with captured() as seen:
            proof = prove_zero_one(CONTEXT, key, ciphertext, m, nonce, binding=BINDING, rng=draws)
        block = Block(
            f"90.6.{m + 1}",
            f"Zero-one proof, m = {m} (§4.4.1)",
            "Draws: secret x, nonce r, then per branch j ascending: w if j is the true branch, "
            "else c_j then s_j. Each branch's A_j, B_j as the verifier recomputes them.",
        )
        block.put("context", CONTEXT).draws(draws).put("public K", key).put("m", m)
        block.put("binding", BINDING).put("ciphertext", ciphertext)
        _branches(block, key, ciphertext, (0, 1), proof)
        block.transcript("transcript", seen[0]).put("proof", proof)
        blocks.append(block)
    return blocks


def range_vectors() -> list[Block]:
    draws = Draws(b"clearcount/kat/range")
    secret = SecretKey(draws())
    key = secret.public_key()
    votes = (1, 0, 1)
    nonces = [draws() for _ in votes]
    ciphertexts = [encrypt(key, m, r) for m, r in zip(votes, nonces, strict=True)]
    total = sum_ciphertexts(ciphertexts)
    with captured() as seen:
        proof = prove_range(
            CONTEXT,
            key,
            ciphertexts,
            2,
            nonces[0] + nonces[1] + nonces[2],
            1,
            2,
            binding=BINDING,
            rng=draws,
        )
    block = Block(
        "90.7",
        "Range proof over three ciphertexts, [min, max] = [1, 2] (§4.5)",
        "Draws: secret x, nonces r_1..r_3, then the branches as in §90.6. The ciphertexts enter "
        "the transcript as one list of 64-byte `bytes` values (tag B), not as points; the "
        "branches run on their sum.",
    )
    block.put("context", CONTEXT).draws(draws).put("public K", key)
    block.puts("plaintext", votes).puts("ciphertext", ciphertexts)
    block.put("min", 1).put("max", 2).put("binding", BINDING).put("sum", total)
    _branches(block, key, total, (1, 2), proof)
    return [block.transcript("transcript", seen[0]).put("proof", proof)]


# ---------------------------------------------------------------------------------------------
# Record-level vectors: from a small simulated election


@dataclass(frozen=True)
class _Election:
    events: tuple[Event, ...]
    secrets: Any


def _election() -> _Election:
    record, secrets = simulate_election(
        make_scenario("trigger", voters=6), b"clearcount/kat/record"
    )
    return _Election(tuple(record), secrets)


_CACHE: dict[str, _Election] = {}


def election() -> _Election:
    if "trigger" not in _CACHE:
        _CACHE["trigger"] = _election()
    return _CACHE["trigger"]


def mixnet_election() -> _Election:
    if "preferential" not in _CACHE:
        scenario = make_scenario("preferential", voters=6)
        record, secrets = simulate_election(scenario, b"clearcount/kat/record")
        _CACHE["preferential"] = _Election(tuple(record), secrets)
    return _CACHE["preferential"]


def _first(kind: str) -> Event:
    return next(e for e in election().events if e.kind == kind)


def setup_vectors() -> list[Block]:
    setup_event = _first("Setup")
    setup = Setup.from_body(setup_event.body, "event 0")
    manifest = canonical_json(setup.manifest_body())
    block = Block(
        "90.8",
        "Setup: ceremony context and election fingerprint (§10.2, §11.1, §11.2.1)",
        "The Setup event of a small simulated election (scenario `trigger`, seed "
        "`clearcount/kat/record`), whose Ballot and PaperBatch events the next vectors use. "
        "`manifest_jcs` is the Setup body without `trustees` and `joint_key`, in JCS.",
    )
    block.put_json("manifest_jcs", manifest)
    block.put("ceremony_context", setup.ceremony_context())
    block.put_json("event_jcs", setup_event.encode())
    return [block.put("fingerprint", election_fingerprint(setup_event))]


def _signature_lines(
    block: Block, prefix: str, unsigned: dict[str, Any], key: Point, secret: Scalar, proof: Any,
    purpose: str, chosen: _Election | None = None,
) -> None:  # fmt: skip
    """Message (SHA-256 of the JCS of `unsigned`), nonce, commitment, transcript, proof."""
    fingerprint = election_fingerprint((chosen or election()).events[0])
    unsigned = {k: v for k, v in unsigned.items() if k not in ("signature", "signatures")}
    message = hashlib.sha256(canonical_json(unsigned)).digest()
    with captured() as seen:
        verify_schnorr(fingerprint, key, proof, message=message, purpose=purpose)
    block.put(f"{prefix}.secret", secret).put(f"{prefix}.public", key)
    block.put(f"{prefix}.message", message)
    block.put(f"{prefix}.nonce w (s − c·x)", proof.response - proof.challenge * secret)
    block.put(f"{prefix}.commitment A", Point.base_mul(proof.response) - key * proof.challenge)
    block.transcript(f"{prefix}.transcript", seen[0]).put(f"{prefix}.proof", proof)


def ballot_signature_vectors() -> list[Block]:
    from clearcount.record.events import Ballot

    event = _first("Ballot")
    ballot = Ballot.from_body(event.body, f"event {event.seq}")
    secret = next(c.secret for c in election().secrets.credentials if c.public == ballot.credential)
    block = Block(
        "90.9",
        "Ballot signature and tracking code (§11.4)",
        "The first Ballot of §90.8's election. The signed message is SHA-256 of the JCS of the "
        "body without `signature`; the context is the fingerprint. The tracking code is the "
        "first 20 bytes of the event hash in Crockford base32.",
    )
    block.put("fingerprint", election_fingerprint(_first("Setup")))
    unsigned = {k: v for k, v in event.body.items() if k != "signature"}
    block.put_json("unsigned_body_jcs", canonical_json(unsigned))
    _signature_lines(
        block,
        "signature",
        dict(event.body),
        ballot.credential,
        secret,
        ballot.signature,
        "credential-signature",
    )
    block.put_json("event_jcs", event.encode()).put("event_hash", bytes.fromhex(event.hash))
    return [block.put("tracking_code", tracking_code(event))]


def paper_signature_vectors() -> list[Block]:
    from clearcount.record.events import PaperBatch

    event = _first("PaperBatch")
    batch = PaperBatch.from_body(event.body, f"event {event.seq}")
    tellers = {t.name: t for t in election().secrets.tellers}
    block = Block(
        "90.10",
        "Paper batch signatures (§11.6)",
        "The first PaperBatch of §90.8's election, signed by both tellers (purpose "
        "`paper-batch`) over SHA-256 of the JCS of the body without `signatures`.",
    )
    unsigned = {k: v for k, v in event.body.items() if k != "signatures"}
    block.put_json("unsigned_body_jcs", canonical_json(unsigned))
    for i, (name, signature) in enumerate(zip(batch.tellers, batch.signatures, strict=True)):
        teller = tellers[name]
        _signature_lines(
            block,
            f"teller[{i}]",
            dict(event.body),
            teller.public,
            teller.secret,
            signature,
            "paper-batch",
        )
    return [block]


# ---------------------------------------------------------------------------------------------
# Threshold keys and the shuffle


def dkg_vectors() -> list[Block]:
    parameters = dkg.CeremonyParameters(threshold=2, trustees=3)
    draws = Draws(b"clearcount/kat/threshold")
    polynomials = [dkg.generate_polynomial(parameters, i, draws) for i in parameters.indices]
    with captured() as seen:
        announcements = [dkg.announce(CONTEXT, p, draws) for p in polynomials]
    shares = [s for p in polynomials for s in dkg.make_shares(parameters, p)]
    keys = [
        dkg.combine_shares(parameters, i, [s for s in shares if s.recipient == i])
        for i in parameters.indices
    ]
    joint = dkg.joint_key(CONTEXT, parameters, announcements)
    ciphertext = encrypt(joint.public_key, 7, draws())
    present = (1, 3)
    partials = [partial_decrypt(CONTEXT, keys[i - 1], ciphertext, draws) for i in present]
    block = Block(
        "90.11",
        "Key ceremony (2 of 3) and threshold decryption by trustees 1 and 3 (§5)",
        "Draws: coefficients a_{i,0..t-1} of trustees 1, 2, 3; the Schnorr nonces coefficient "
        "by coefficient, trustee by trustee; the encryption nonce; the Chaum-Pedersen nonces "
        "of trustees 1 then 3. Shares are P_i(ℓ) (`share[i→ℓ]`); the coefficient proofs use "
        "this block's context (in an election, the ceremony context of §11.2.1).",
    )
    block.put("context", CONTEXT).put("t", 2).put("n", 3).draws(draws)
    for p, a in zip(polynomials, announcements, strict=True):
        i = p.index
        block.puts(f"trustee[{i}].a", p.coefficients).puts(f"trustee[{i}].K", a.commitments)
        for j, proof in enumerate(a.proofs):
            message = length_prefixed(
                b"trustee", i.to_bytes(4, "big"), b"coefficient", j.to_bytes(4, "big")
            )
            block.put(f"trustee[{i}].proof[{j}].message", message)
            block.transcript(f"trustee[{i}].proof[{j}].transcript", seen[(i - 1) * 2 + j])
            block.put(f"trustee[{i}].proof[{j}]", proof)
    for s in shares:
        block.put(f"share[{s.sender}→{s.recipient}]", s.value)
    for key in keys:
        block.put(f"key_share z[{key.index}]", key.share)
    block.put("joint_key K", joint.public_key)
    block.puts("verification_key", joint.verification_keys, start=1)
    block.put("m", 7).put("ciphertext", ciphertext)
    weights = lagrange_coefficients(list(present))
    for partial in partials:
        block.put(f"partial[{partial.trustee}]", partial)
        block.put(f"partial[{partial.trustee}].share M", partial.share)
    for index in present:
        block.put(f"lagrange w[{index}] over {{1, 3}}", weights[index])
    point = combine(CONTEXT, joint, ciphertext, partials)
    block.put("combined m·G", point).put("m (bounded discrete log)", DiscreteLog(10).solve(point))
    return [block]


def shuffle_vectors() -> list[Block]:
    draws = Draws(b"clearcount/kat/shuffle")
    secret = SecretKey(draws())
    key = secret.public_key()
    rankings = [(1, 2), (2, 0), (2, 1)]
    ballots = [tuple(encrypt(key, m, draws()) for m in ranking) for ranking in rankings]
    shuffled, witness = gen_shuffle(key, ballots, draws)
    with captured() as seen:
        proof = gen_shuffle_proof(CONTEXT, key, ballots, shuffled, witness, draws)
    h, hs = shuffle_generators(CONTEXT, len(ballots))
    seed = seen[0].challenge.to_bytes()
    block = Block(
        "90.12",
        "Shuffle of N = 3 ballots of width k = 2 and its proof (§6)",
        "Draws: secret x; encryption nonces ballot by ballot, rank by rank; the N GenPermutation "
        "scalars; re-encryption nonces output by output, rank by rank; then §6.3's draws "
        "(r_1..r_N, r̂_1..r̂_N, ω_1, ω_2, ω_3, ω_{4,1..k}, ω̂_1..ω̂_N, ω'_1..ω'_N). `h` is "
        "generator 0 and h_1..h_N generators 1..N of "
        'independent_generators(lp("clearcount/v1/shuffle/generators", context), N + 1). The '
        "seed of the u_j is the first transcript's challenge, its 32 bytes as a raw part "
        "(`statement`); `proof_transcript` continues the same transcript.",
    )
    block.put("context", CONTEXT).draws(draws).put("public K", key)
    for i, ranking in enumerate(rankings):
        block.puts(f"plaintext[{i}]", ranking).puts(f"input[{i}]", ballots[i])
    block.puts("permutation ψ", witness.permutation.images)
    for i, ballot in enumerate(shuffled):
        block.puts(f"reencryption_nonce[{i}]", witness.randomness[i])
        block.puts(f"output[{i}]", ballot)
    block.put("h", h).puts("h_i", hs, start=1)
    block.transcript("statement", seen[0])
    for j in range(len(ballots)):
        u = Scalar.hash(CHALLENGES_DOMAIN, seed, j.to_bytes(8, "big"))
        block.put(f"u[{j}]", u)
    block.transcript("proof_transcript", seen[1])
    block.puts("c", proof.commitments, 1).puts("c_hat", proof.chain, 1)
    block.put("t1", proof.t1).put("t2", proof.t2).put("t3", proof.t3)
    block.puts("t4", proof.t4, 1).puts("t_hat", proof.t_hat, 1)
    block.put("s1", proof.s1).put("s2", proof.s2).put("s3", proof.s3)
    block.puts("s4", proof.s4, 1).puts("s_hat", proof.s_hat, 1).puts("s_prime", proof.s_prime, 1)
    return [block.put("proof", proof)]


def roll_vectors() -> list[Block]:
    members = [
        (hashlib.sha256(b"salt of A. Example").digest(), "M-0001", "eligible", 1),
        (hashlib.sha256(b"salt of B. Example").digest(), "M-0002", "ineligible", 1),
        (hashlib.sha256(b"salt of C. Example").digest(), "M-0003", "eligible", 3),
    ]
    entries = [
        roll.RollEntry(roll.member_commitment(salt, mid), status, weight)
        for salt, mid, status, weight in members
    ]
    block = Block(
        "90.13",
        "Roll commitment and an inclusion proof (§10.4)",
        "Three fictional members (salt, member id, status, weight: the third a delegate with a "
        "card vote of 3); leaf = SHA-256(0x00 ‖ JCS(entry)).",
    )
    for i, ((salt, member, status, weight), entry) in enumerate(zip(members, entries, strict=True)):
        block.put(f"member[{i}].salt", salt).put(f"member[{i}].id", member)
        block.put(f"member[{i}].status", status).put(f"member[{i}].weight", weight)
        block.put(f"member[{i}].commitment", bytes.fromhex(entry.commitment))
        jcs = canonical_json({"commitment": entry.commitment, "status": status, "weight": weight})
        block.put_json(f"member[{i}].leaf_jcs", jcs)
        block.put(f"member[{i}].leaf", roll.leaf_hash(entry))
    block.put("root", bytes.fromhex(roll.merkle_root(entries)))
    proof = roll.inclusion_proof(entries, 2)
    block.put("proof[member 2].index", proof.index).put("proof[member 2].size", proof.size)
    return [block.puts("proof[member 2].path", [bytes.fromhex(p) for p in proof.path])]


def role_card_vectors() -> list[Block]:
    from clearcount.protocol.roles import CARD_CONTEXT, RoleSecret

    draws = Draws(b"clearcount/kat/role-card")
    secret = RoleSecret.generate("trustee", "Tess Alder", draws)
    with captured() as seen:
        card = secret.card(draws)
    proof = card.proof
    block = Block(
        "90.14",
        "A trustee's role card and its proof of possession (§11.2.2)",
        "Draws: the encryption key's secret, the signing key's secret x, the nonce w. The "
        "Schnorr proof (purpose `role-card`) signs the card without `proof` in JCS, as it is "
        "(not its hash), under the fixed context `clearcount/v1/role-card`.",
    )
    block.draws(draws).put("context", CARD_CONTEXT).put("secret x", secret.signing)
    block.put("signing key", card.key).put("encryption key", card.encryption_key)
    block.put_json("message_jcs", card.statement())
    block.put("nonce w", draws.drawn[2]).put("commitment A", Point.base_mul(draws.drawn[2]))
    block.transcript("transcript", seen[0]).put("proof", proof)
    return [block.put_json("card_jcs", canonical_json(card.to_json()))]


def trigger_vectors() -> list[Block]:
    from clearcount.record import trigger_signed as ts

    draws = Draws(b"clearcount/kat/trigger")
    officer, affiliate = draws(), draws()
    draft = ts.BodiesList(
        "riverside-trigger-2031",
        "Trigger ballot, Riverside (fictional)",
        "Riverside Labour Party (fictional)",
        "labour-2021",
        "R. Officer",
        Point.base_mul(officer),
        "riverside-trigger-2031",
        "ab" * 32,
        (ts.ListedBranch("Riverside North", "rv-north"), ts.ListedBranch("Riverside South",
                                                                         "rv-south")),
        (ts.ListedAffiliate("Riverside Rail Union", Point.base_mul(affiliate)),),
        "2031-05-01T09:00:00+00:00",
        {"body_tie": "casting-vote"},
    )  # fmt: skip
    with captured() as seen:
        bodies = ts.sign_bodies(draft, officer, draws)
        vote = ts.sign_affiliate_vote(bodies, "Riverside Rail Union", "A. Officer", "yes",
                                      affiliate, draws)  # fmt: skip
        absent = ts.sign_abstention(bodies, "Riverside South", "no member voted", officer, draws)
        casting = ts.sign_casting_vote(bodies, "Riverside North", (4, 4), "B. Chair", "no",
                                       officer, draws)  # fmt: skip
    block = Block(
        "90.15",
        "Trigger ballot: the signed bodies list, an affiliate's signed vote, the returning "
        "officer's abstention and casting vote, a scoped roll leaf (§10.4.1, §12.9)",
        "Draws: the returning officer's key, the affiliate's key, then the four signatures' "
        "nonces (list, vote, abstention, casting vote). Each message is signed as its JCS "
        "without `signature` (not a hash), with the context `clearcount/v1/trigger-ballot`; "
        "the vote and the officer's entries name the SHA-256 (hex) of the signed list's JCS. "
        "The roll leaf is an eligible member of the Riverside North branch, who may vote in its "
        "contest only: the leaf JCS has `contests`, and its hash is SHA-256(0x00 || JCS).",
    )
    block.draws(draws).put("context", ts.CONTEXT)
    block.put("officer secret", officer).put("officer key", Point.base_mul(officer))
    block.put("affiliate secret", affiliate).put("affiliate key", Point.base_mul(affiliate))
    block.put_json("bodies.message_jcs", bodies.statement())
    block.transcript("bodies.transcript", seen[0]).put("bodies.signature", bodies.signature)
    block.put_json("bodies_jcs", canonical_json(bodies.to_json()))
    block.put("bodies_hash", bytes.fromhex(bodies.hash))
    block.put_json("vote.message_jcs", vote.statement())
    block.transcript("vote.transcript", seen[2]).put("vote.signature", vote.signature)
    block.put_json("abstention.message_jcs", absent.statement())
    block.transcript("abstention.transcript", seen[4])
    block.put("abstention.signature", absent.signature)
    block.put_json("casting.message_jcs", casting.statement())
    block.transcript("casting.transcript", seen[6]).put("casting.signature", casting.signature)
    leaf = roll.RollEntry(
        roll.member_commitment(bytes(32), "RV-0001"), "eligible", contests=("rv-north",)
    )
    leaf_jcs = {"commitment": leaf.commitment, "contests": ["rv-north"], "status": "eligible",
                "weight": 1}  # fmt: skip
    block.put_json("scoped_leaf_jcs", canonical_json(leaf_jcs))
    block.put("scoped_leaf_hash", roll.leaf_hash(leaf))
    return [block]


def _proof(hex_text: object) -> SchnorrProof:
    return SchnorrProof.from_bytes(bytes.fromhex(str(hex_text)))


def _act(block: Block, prefix: str, election: _Election, event: Event, signer: str, purpose: str,
         unsigned: dict[str, Any] | None = None, field: str = "signature") -> None:  # fmt: skip
    """One role's signature on `event` (spec §11.3 table): the signed JCS and every step."""
    role = election.secrets.roles[signer]
    body = dict(event.body)
    signed = unsigned if unsigned is not None else {k: v for k, v in body.items() if k != field}
    block.put(f"{prefix}.signer", signer)
    block.put_json(f"{prefix}.unsigned_jcs", canonical_json(signed))
    _signature_lines(block, prefix, signed, role.key, role.signing, _proof(body[field]), purpose,
                     election)  # fmt: skip


def signed_acts_vectors() -> list[Block]:
    chosen = election()
    setup = Setup.from_body(_first("Setup").body, "event 0")
    authority = setup.credential_authority.name
    block = Block(
        "90.16",
        "Signed acts: the credential list, a cancellation, a partial decryption (§11.3, §11.6, "
        "§11.9)",
        "From §90.8's election. Each is a Schnorr signature by the role's Setup key, context the "
        "fingerprint, message the SHA-256 of the JCS shown (`unsigned_jcs`): the body without "
        'its `signature`, or for a cancellation `{"cancelled_credentials": [...]}`.',
    )
    block.put("fingerprint", election_fingerprint(_first("Setup")))
    _act(block, "credentials", chosen, _first("Credentials"), authority, "credential-list")
    batch = next(
        e for e in chosen.events if e.kind == "PaperBatch" and e.body["cancelled_credentials"]
    )
    cancelled = {"cancelled_credentials": batch.body["cancelled_credentials"]}
    _act(block, "cancellation", chosen, batch, authority, "credential-cancellation", cancelled,
         "authority_signature")  # fmt: skip
    partial = _first("PartialDecryption")
    _act(block, "partial_decryption", chosen, partial, str(partial.body["trustee"]),
         "partial-decryption")  # fmt: skip
    return [block]


def shuffle_signature_vectors() -> list[Block]:
    mixnet = mixnet_election()
    event = next(e for e in mixnet.events if e.kind == "Shuffle")
    block = Block(
        "90.17",
        "A trustee's signature on its Shuffle (§11.8)",
        "The first Shuffle of a small simulated preferential election (scenario `preferential`, "
        "6 voters, seed `clearcount/kat/record`), signed by its trustee (purpose `shuffle`) over "
        "SHA-256 of the JCS of the body without `signature`, context the fingerprint.",
    )
    block.put("fingerprint", election_fingerprint(mixnet.events[0]))
    _act(block, "shuffle", mixnet, event, str(event.body["trustee"]), "shuffle")
    return [block]


def share_encryption_vectors() -> list[Block]:
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
    from cryptography.hazmat.primitives.hashes import SHA512
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    from clearcount.crypto import share_encryption as se

    draws = Draws(b"clearcount/kat/share-encryption")
    recipient_secret = draws()
    recipient_key = Point.base_mul(recipient_secret)
    share = dkg.KeyShare(2, 3, draws())
    with captured() as seen:
        sealed = se.encrypt_share(CONTEXT, share, recipient_key, draws)
        opening = se.open_share(CONTEXT, sealed, recipient_secret, draws)
    r = draws.drawn[2]
    shared = recipient_key * r
    where = (share.sender.to_bytes(4, "big"), share.recipient.to_bytes(4, "big"))
    info = length_prefixed(se.SHARE_DOMAIN, *where, sealed.ephemeral.to_bytes(),
                           recipient_key.to_bytes())  # fmt: skip
    key = HKDF(algorithm=SHA512(), length=32, salt=CONTEXT, info=info).derive(shared.to_bytes())
    associated = length_prefixed(se.SHARE_DOMAIN, CONTEXT, *where)
    assert ChaCha20Poly1305(key).decrypt(bytes(12), sealed.ciphertext, associated) == (
        share.value.to_bytes()
    )
    block = Block(
        "90.18",
        "A key-ceremony share encrypted to its recipient, and its public opening (§5.2.5)",
        "Trustee 2's share for trustee 3. Draws: the recipient's encryption secret e, the share "
        "P_2(3), the ephemeral r, the opening proof's nonce. Key = HKDF-SHA512 (RFC 5869; salt "
        "the context, info `info`, 32 bytes) of S = r·E = e·R; ChaCha20-Poly1305 (RFC 8439) "
        "with 12 zero bytes as nonce and `associated` as associated data.",
    )
    block.put("context", CONTEXT).draws(draws)
    block.put("recipient secret e", recipient_secret).put("recipient key E", recipient_key)
    block.put("sender", share.sender).put("recipient", share.recipient)
    block.put("share", share.value).put("ephemeral r", r).put("ephemeral R", sealed.ephemeral)
    block.put("shared S", shared).put("hkdf info", info).put("aead key", key)
    block.put("associated", associated).put("nonce", bytes(12))
    block.put("ciphertext", sealed.ciphertext)
    block.put("opening S", opening.shared)
    block.transcript("opening.transcript", seen[-1]).put("opening.proof", opening.proof)
    return [block]


def ceremony_message_vectors() -> list[Block]:
    chosen = election()
    ceremony: Any = _first("Setup").body["ceremony"]
    block = Block(
        "90.19",
        "Key-ceremony messages: trustee 1's round 1 and round 2, signed (§11.2.3)",
        "From §90.8's Setup (`ceremony`). Each message is signed by its trustee's Setup signing "
        "key (purposes `ceremony-round1`, `ceremony-round2`), with the message's own `context` "
        "(the ceremony context of §90.8) as context and its JCS without `signature`, as it is, "
        "as the message.",
    )
    for round_name, purpose in (("round1", "ceremony-round1"), ("round2", "ceremony-round2")):
        message = dict(ceremony[round_name][0])
        role = chosen.secrets.roles[str(message["name"])]
        unsigned = canonical_json({k: v for k, v in message.items() if k != "signature"})
        proof = _proof(message["signature"])
        with captured() as seen:
            verify_schnorr(bytes.fromhex(str(message["context"])), role.key, proof,
                           message=unsigned, purpose=purpose)  # fmt: skip
        block.put(f"{round_name}.signer", str(message["name"])).put(
            f"{round_name}.public", role.key
        )
        block.put(f"{round_name}.secret", role.signing).put_json(
            f"{round_name}.message_jcs", unsigned
        )
        block.transcript(f"{round_name}.transcript", seen[0]).put(f"{round_name}.signature", proof)
    return [block]


def lot_vectors() -> list[Block]:
    """The seeded lot of docs/counting.md "Draws by lot", on an IRV contest tied at round 1."""
    names = ("Ash Fenwick", "Bea Marlow", "Cy Dunmore")
    papers = (Ballot(((0,), (1,)), 4), Ballot(((1,), (), (2,)), 4), Ballot(((2,),), 1))
    papers += (Ballot(((2,),), 3),)  # merged with the paper before: one ranking of weight 4
    contest = Contest(names, papers, seats=1)
    block = Block(
        "90.20",
        "A tie decided by the seeded lot: contest seed and draw order (docs/counting.md)",
        "An IRV contest (candidate i is index i) whose three candidates tie at round 1 with no "
        "earlier round to look at, so the default `history_then_lot` draws by lot with the "
        "contest seed. `seed_part[i]` are the ASCII texts hashed after the domain and the "
        "candidates (seats, then each distinct ranking with its merged weight, sorted); "
        "`key[name]` = SHA-256(len‖seed ‖ len‖stage ‖ len‖purpose ‖ len‖name).",
    )
    block.puts("candidate", list(names)).put("seats", contest.seats)
    merged: dict[tuple[tuple[int, ...], ...], int] = {}
    for paper in papers:
        merged[paper.ranks] = merged.get(paper.ranks, 0) + paper.weight
    parts = [str(contest.seats)] + [repr((r, merged[r])) for r in sorted(merged)]
    tie = _lot(block, contest, parts, irv.count(contest), key_inputs=True)
    return [block.put("eliminated", tie.chosen[0])]


def _lot(block: Block, contest: Contest, parts: list[str], result: Any, *, key_inputs: bool) -> Any:
    """The seed parts, contest seed, each tied name's key and the draw of `result`'s first tie."""
    block.puts("seed_part", parts)
    hashed = b"clearcount contest seed v1" + b"".join(
        n.encode() + b"\x00" for n in contest.candidates
    )
    hashed += "".join(parts).encode()
    block.put("seed_hash_input", hashed)
    seed = ties.contest_seed(contest)
    assert seed == hashlib.sha256(hashed).hexdigest()[:32]
    block.put("contest_seed", seed)
    tie = result.tie_breaks[0]
    assert tie.seed == seed
    assert tie.method == "seeded draw"
    block.put("stage", tie.stage).put("purpose", tie.purpose)
    for name in sorted(tie.tied):
        key = b"".join(
            len(part.encode()).to_bytes(8, "big") + part.encode()
            for part in (seed, str(tie.stage), tie.purpose, name)
        )
        if key_inputs:
            block.put(f"key_input[{name}]", key)
        block.put(f"key[{name}]", hashlib.sha256(key).digest())
    order = ties.draw_order(tie.tied, seed, tie.stage, tie.purpose)
    block.puts("drawn", list(order))
    assert tie.chosen == order[:1]
    return tie


def record_lot_vectors() -> list[Block]:
    """A plurality tie in an election record: the papers rebuilt from the tallies (spec §11.9)
    give the contest seed, so a recount of a homomorphic contest repeats the lot."""
    names = ("Ada Reyes", "Ben Okafor", "Cleo Marsh")
    spec = make_contest_spec("chair", "Chair", "fptp", names)
    tallies, total = (4, 4, 1), 11
    contest = counting_contest(spec, tallies, total)
    block = Block(
        "90.24",
        "A tie by lot in a recounted homomorphic contest: rebuilt papers and contest seed (§11.9)",
        "An fptp contest of an election record whose decrypted tallies are 4, 4, 1 with 11 "
        "counted papers (`total`, the contest's counted weight). The recount rebuilds one paper "
        "per candidate i with a non-zero tally t (ranking `((i,),)`, weight t) and, as "
        "`max_selections` is 1, one blank paper `()` of weight total − Σ tallies; the contest "
        "seed is computed from those papers as in §90.20, and the lot (purpose `election`, "
        "stage 1) elects the first drawn.",
    )
    block.puts("candidate", list(names)).put("seats", contest.seats)
    block.puts("tally", list(tallies)).put("total", total)
    papers = sorted(contest.ballots, key=lambda p: p.ranks)
    parts = [str(contest.seats)] + [repr((p.ranks, p.weight)) for p in papers]
    result = fptp.count(contest)
    _lot(block, contest, parts, result, key_inputs=False)
    return [block.put("elected", result.elected[0])]


def rfc9496_vectors() -> list[Block]:
    """RFC 9496 Appendix A, checked through the `Point` API (spec §1.3, §1.8)."""
    path = Path(__file__).parents[1] / "tests" / "vectors" / "ristretto255_rfc9496.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    block = Block(
        "90.21",
        "ristretto255 decoding: RFC 9496 Appendix A (§1.3, §1.8)",
        "A.1 `multiple[i]` = the encoding of i·G (i = 0 is the identity, refused where §1.4 "
        "says so); A.2 `invalid[k][j]`: encodings every decoder must refuse, in the classes "
        "`invalid_class[k]`; A.3 "
        "`derive[i].input` (64 bytes) -> `derive[i].output` (the one-way map of §1.5), and four "
        "inputs that all map to `convergent.output`.",
    )
    for i, text in enumerate(data["multiples_of_generator"]["encodings"]):
        encoded = bytes.fromhex(text)
        if i:
            assert Point.base_mul(Scalar.from_int(i)).to_bytes() == encoded
        block.put(f"multiple[{i}]", encoded)
    for k, (group, encodings) in enumerate(data["invalid_encodings"]["groups"].items()):
        block.put(f"invalid_class[{k}]", group)
        for j, text in enumerate(encodings):
            try:
                Point.from_bytes(bytes.fromhex(text), allow_identity=True)
            except DecodingError:
                pass
            else:  # a decoder that accepts one is broken
                raise AssertionError(f"RFC 9496 A.2 {group} {j} decoded")
            block.put(f"invalid[{k}][{j}]", bytes.fromhex(text))
    derivation = data["element_derivation"]
    for i, pair in enumerate(derivation["pairs"]):
        point = Point.from_uniform_bytes(bytes.fromhex(pair["input"]))
        assert point.to_bytes().hex() == pair["output"]
        block.put(f"derive[{i}].input", bytes.fromhex(pair["input"]))
        block.put(f"derive[{i}].output", bytes.fromhex(pair["output"]))
    for i, text in enumerate(derivation["convergent_inputs"]):
        point = Point.from_uniform_bytes(bytes.fromhex(text))
        assert point.to_bytes().hex() == derivation["convergent_output"]
        block.put(f"convergent.input[{i}]", bytes.fromhex(text))
    return [block.put("convergent.output", bytes.fromhex(derivation["convergent_output"]))]


def postal_vectors() -> list[Block]:
    from clearcount.protocol.postal import numbers_commitment
    from clearcount.protocol.simulate_postal import simulate_postal

    sim = simulate_postal("separate", b"clearcount/kat/record")
    chosen = _Election(tuple(sim.chain), sim)
    events = {e.kind: e for e in reversed(sim.chain)}
    authority = str(events["PaperIssue"].body["scrutineer"])
    block = Block(
        "90.22",
        "Postal papers: the numbers commitment, the scrutineer's and the tellers' signatures "
        "(§11.12)",
        "A simulated postal-only ballot at two workplaces (`protocol.simulate_postal`, scenario "
        "`separate`, seed `clearcount/kat/record`). `papers_jcs` is the scrutineer's list of "
        "numbers and roll commitments whose SHA-256 is the PaperIssue's `numbers_commitment`; "
        "then the PaperIssue (purpose `paper-issue`), the PaperReplacement (`paper-replacement`) "
        "and the first teller's signature on the PaperReturns (`paper-returns`), each over "
        "SHA-256 of the JCS of the body without its signature(s), context the fingerprint; "
        "last, that teller's own signed entry of returned paper 2 as sent to the ballot server "
        "(`paper-entry`, §11.12.2; seed `clearcount/kat/paper-entry`).",
    )
    listed = {"papers": [{"number": p.number, "commitment": p.commitment} for p in sim.papers]}
    block.put_json("papers_jcs", canonical_json(listed))
    block.put("numbers_commitment", bytes.fromhex(numbers_commitment(sim.papers)))
    block.put("fingerprint", election_fingerprint(sim.chain[0]))
    _act(block, "issue", chosen, events["PaperIssue"], authority, "paper-issue")
    _act(block, "replacement", chosen, events["PaperReplacement"], authority, "paper-replacement")
    returns = events["PaperReturns"]
    teller = str(returns.body["tellers"][0])  # type: ignore[index]
    unsigned = {k: v for k, v in returns.body.items() if k != "signatures"}
    role = sim.roles[teller]
    block.put("returns.signer", teller)
    block.put_json("returns.unsigned_jcs", canonical_json(unsigned))
    _signature_lines(block, "returns", unsigned, role.key, role.signing,
                     _proof(returns.body["signatures"][0]), "paper-returns", chosen)  # type: ignore[index]  # fmt: skip
    _entry_lines(block, sim.chain, teller, role.key, role.signing, chosen)
    return [block]


def _entry_lines(
    block: Block, chain: Sequence[Event], teller: str, key: Point, secret: Scalar,
    chosen: _Election,
) -> None:  # fmt: skip
    """The teller's own signed entry of one returned paper, as sent to the ballot server."""
    from clearcount.protocol.context import read_election
    from clearcount.protocol.paper import TellerSecret
    from clearcount.protocol.postal import ReturnedPaper
    from clearcount.protocol.postal_entry import sign_entry

    paper = ReturnedPaper(2, {"strike": (0,), "asos": (0,)}, "2031-05-14T10:00:00Z")
    entry = sign_entry(read_election(chain[:2]), TellerSecret(teller, secret), 0, (paper,),
                       rng=seeded_scalars(b"clearcount/kat/paper-entry"))  # fmt: skip
    block.put("entry.signer", teller)
    block.put_json("entry.unsigned_jcs", canonical_json(entry.unsigned_body()))
    _signature_lines(block, "entry", entry.unsigned_body(), key, secret, entry.signature,
                     "paper-entry", chosen)  # fmt: skip


def batch_decryption_vectors() -> list[Block]:
    draws = Draws(b"clearcount/kat/batch-decryption")
    secret = SecretKey(draws())
    key = secret.public_key()
    ciphertexts = tuple(encrypt(key, m, draws()) for m in (2, 0, 1))
    shares = tuple(c.pad * secret.scalar for c in ciphertexts)
    statement = BatchStatement(1, "leader", key.point, ciphertexts, shares)
    with captured() as seen:
        proof = prove_batch(CONTEXT, secret.scalar, statement, draws)
    seed = seen[0].challenge.to_bytes()
    base, public = composite_part(seed, [c.pad for c in ciphertexts], shares)
    w = draws.drawn[-1]
    block = Block(
        "90.23",
        "Batched Chaum-Pedersen proof of three decryption shares (§4.3.3)",
        "Draws: secret z, encryption nonces r_0..r_2 (m = 2, 0, 1), proof nonce w. Trustee 1, "
        "batch `leader`. The seed is the challenge of the seed transcript; d_i = "
        "Scalar.hash(COMPOSITE_DOMAIN, seed, i as 8 bytes); the proof is the DLEQ proof "
        "(G, K, M, Z) of purpose decryption-batch, bound_to [seed].",
    )
    block.put("context", CONTEXT).draws(draws).put("secret z", secret).put("key K", key)
    block.puts("ciphertext", ciphertexts).puts("share D", shares)
    block.transcript("seed.transcript", seen[0]).put("batch_seed", seed)
    block.put("composite_domain", COMPOSITE_DOMAIN)
    block.puts("d", [composite_weight(seed, i) for i in range(len(ciphertexts))])
    block.put("composite M", base).put("composite Z", public)
    block.put("commitment A (w·G)", Point.base_mul(w)).put("commitment B (w·M)", base * w)
    block.transcript("proof.transcript", seen[1])
    block.put("proof", proof)
    return [block]


SECTIONS: list[Callable[[], list[Block]]] = [
    group_vectors,
    transcript_vectors,
    elgamal_vectors,
    schnorr_vectors,
    decryption_vectors,
    zero_one_vectors,
    range_vectors,
    setup_vectors,
    ballot_signature_vectors,
    paper_signature_vectors,
    dkg_vectors,
    shuffle_vectors,
    roll_vectors,
    role_card_vectors,
    trigger_vectors,
    signed_acts_vectors,
    shuffle_signature_vectors,
    share_encryption_vectors,
    ceremony_message_vectors,
    lot_vectors,
    rfc9496_vectors,
    postal_vectors,
    batch_decryption_vectors,
    record_lot_vectors,
]

HEADER = """\
# §90 Appendix: test vectors

Generated by `tools/spec_vectors.py` from the code; do not edit by hand. After a deliberate,
documented change run `python -m tools.spec_vectors` from the repository root and commit the
result; `tests/spec/test_spec_vectors.py` fails whenever this file and the code disagree, and
rebuilds every transcript below from §1.5 and §2 alone (a hashlib-only implementation).

How to read a block:

- one `name = value` per line; `name[i]` is element i of a list;
- byte strings, points, scalars (32 bytes little-endian, §1.3), ciphertexts (pad ‖ data, §3.7) and
  proofs (their §4.1.2, §5.3, §6.6 encodings) are lowercase hex; integers are decimal; text is a
  JSON string (e.g. a tracking code);
- `seed` and `draw[i]`: every random scalar, in the order drawn from `seeded_scalars(seed)`
  (§1.7); the block's sentence says what each draw is;
- `X.tag`, `X.r[i]`: a transcript (§2): its tag and its records r_0, r_1, ... in order, each
  written `label form value ...` with form `1` (`append`) or `n` (`append_all`, the count being
  the number of values) and each value `type:payload` with the §2.2 type letter (`P` point, `S`
  scalar, `B` bytes, `T` UTF-8 text, all hex; `I` an integer in decimal). `X.sha512` is SHA-512
  of the hashed bytes (`X.hash_input`, given in full in §90.2) and `X.challenge` the scalar;
- names ending in `_jcs` hold canonical JSON (§10.1) verbatim: exactly the bytes hashed, as one
  line of UTF-8;
- an empty byte string is an empty value (`message =`).

"""


def render() -> str:
    blocks = [block for section in SECTIONS for block in section()]
    contents = "".join(f"- §{block.number} {block.title}\n" for block in blocks)
    return HEADER + "Contents:\n\n" + contents + "\n" + "\n".join(b.markdown() for b in blocks)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the file differs")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if OUTPUT.read_text(encoding="utf-8") != text:
            print(f"{OUTPUT} differs from the code: run python -m tools.spec_vectors")
            return 1
        return 0
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
