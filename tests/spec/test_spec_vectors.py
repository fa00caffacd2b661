"""The appendix docs/spec/90-vectors.md is the code's output, and §1-§2, §10-§11 reproduce it.

The first test regenerates the appendix and fails if the committed file differs (run
`python -m tools.spec_vectors` after a deliberate change). The others rebuild values of the
appendix from the spec's text alone (hashlib and `spec_reference`, no clearcount code), as an
outside implementer would: every transcript's challenge, the hashes of §1.5, the signed messages,
the tracking code and the roll commitment.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable

import pytest
import rbcl
import spec_reference as spec
from spec_markdown import SPEC, code, section, tables, vector_blocks
from tools.spec_vectors import render

BLOCKS = vector_blocks()


def test_the_appendix_is_what_the_code_computes() -> None:
    committed = (SPEC / "90-vectors.md").read_text(encoding="utf-8")
    assert committed == render(), "docs/spec/90-vectors.md is stale: python -m tools.spec_vectors"


def test_every_section_of_the_issue_has_a_vector() -> None:
    titles = (SPEC / "90-vectors.md").read_text(encoding="utf-8")
    needed = ["Schnorr", "Chaum-Pedersen", "Zero-one", "Range", "Ballot signature"]
    needed += ["Paper batch", "Key ceremony", "Shuffle", "Roll commitment", "tracking code"]
    for title in needed:
        assert title in titles


def _typed(item: str) -> spec.Typed:
    kind, _, payload = item.partition(":")
    names = {"P": "Point", "S": "Scalar", "B": "bytes", "T": "str", "I": "int"}
    if kind == "I":
        return spec.Typed("int", spec.encode_int(int(payload)))
    return spec.Typed(names[kind], bytes.fromhex(payload))


def _records(values: dict[str, str], name: str) -> list[bytes]:
    records = []
    i = 0
    while f"{name}.r[{i}]" in values:
        label, form, *items = values[f"{name}.r[{i}]"].split(" ")
        if form == "1":
            (item,) = items
            records.append(spec.record(label, _typed(item)))
        else:
            records.append(spec.record_all(label, [_typed(x) for x in items]))
        i += 1
    return records


TRANSCRIPTS = [
    (number, key.removesuffix(".tag"))
    for number, values in BLOCKS.items()
    for key in values
    if key.endswith(".tag")
]


def test_transcripts_are_found() -> None:
    assert len(TRANSCRIPTS) >= 15


@pytest.mark.parametrize(("number", "name"), TRANSCRIPTS)
def test_transcript_rebuilds_from_the_spec(number: str, name: str) -> None:
    values = BLOCKS[number]
    records = _records(values, name)
    assert records[:3] == spec.header(bytes.fromhex(values[f"{name}.r[0]"].split(":")[1]))
    tag = values[f"{name}.tag"]
    hashed = spec.lp(b"clearcount/transcript/v1", tag.encode(), *records)
    if f"{name}.hash_input" in values:
        assert hashed.hex() == values[f"{name}.hash_input"]
    assert hashlib.sha512(hashed).hexdigest() == values[f"{name}.sha512"]
    assert spec.challenge(tag, records).hex() == values[f"{name}.challenge"]


def test_lp_and_scalar_hash_of_section_1_5() -> None:
    values = BLOCKS["90.1"]
    parts = [bytes.fromhex(values["lp_input[0]"]), bytes.fromhex(values["lp_input[1]"])]
    assert spec.lp(*parts).hex() == values["lp"]
    domain, part = bytes.fromhex(values["hash_domain"]), bytes.fromhex(values["hash_part"])
    assert hashlib.sha512(spec.lp(domain, part)).hexdigest() == values["hash_sha512"]
    assert spec.scalar_hash(domain, part).hex() == values["hash_scalar"]


def test_seeded_scalars_of_section_1_7() -> None:
    values = BLOCKS["90.1"]
    seed = bytes.fromhex(values["seed"])
    for i in range(3):
        draw = spec.scalar_hash(b"clearcount/seeded-scalars/v1", seed, i.to_bytes(8, "big"))
        assert draw.hex() == values[f"draw[{i}]"]


def _unsigned_digest(values: dict[str, str]) -> str:
    return hashlib.sha256(values["unsigned_body_jcs"].encode("utf-8")).hexdigest()


def test_signed_messages_of_sections_11_4_and_11_6() -> None:
    assert BLOCKS["90.9"]["signature.message"] == _unsigned_digest(BLOCKS["90.9"])
    for i in (0, 1):
        assert BLOCKS["90.10"][f"teller[{i}].message"] == _unsigned_digest(BLOCKS["90.10"])


def test_postal_papers_of_section_11_12() -> None:
    values = BLOCKS["90.22"]
    listed = values["papers_jcs"].encode()
    assert hashlib.sha256(listed).hexdigest() == values["numbers_commitment"]
    issue = json.loads(values["issue.unsigned_jcs"])
    assert issue["numbers_commitment"] == values["numbers_commitment"]
    assert issue["papers"] == len(json.loads(listed)["papers"])
    entry = json.loads(values["entry.unsigned_jcs"])
    assert set(entry) == {"teller", "after", "correction", "papers"}  # §11.12.2, less signature
    for prefix in ("issue", "replacement", "returns", "entry"):
        digest = hashlib.sha256(values[f"{prefix}.unsigned_jcs"].encode()).hexdigest()
        assert values[f"{prefix}.message"] == digest


def test_fingerprint_and_ceremony_context_of_section_11() -> None:
    values = BLOCKS["90.8"]
    assert hashlib.sha256(values["event_jcs"].encode()).hexdigest() == values["fingerprint"]
    manifest = values["manifest_jcs"].encode()
    context = hashlib.sha256(spec.lp(b"clearcount/v1/ceremony", manifest)).hexdigest()
    assert context == values["ceremony_context"]


def test_tracking_code_of_section_11_4() -> None:
    values = BLOCKS["90.9"]
    digest = hashlib.sha256(values["event_jcs"].encode()).digest()
    assert digest.hex() == values["event_hash"]
    rfc4648, crockford = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    code = base64.b32encode(digest[:20]).decode().translate(str.maketrans(rfc4648, crockford))
    assert "-".join(code[i : i + 4] for i in range(0, 32, 4)) == json.loads(values["tracking_code"])


def _merkle(leaves: list[bytes]) -> bytes:
    """RFC 9162 §2.1.1, as §10.4 states it."""
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + _merkle(leaves[:k]) + _merkle(leaves[k:])).digest()


def test_roll_commitment_of_section_10_4() -> None:
    values = BLOCKS["90.13"]
    leaves = []
    for i in range(3):
        salt = bytes.fromhex(values[f"member[{i}].salt"])
        member = json.loads(values[f"member[{i}].id"]).encode()
        commitment = hashlib.sha256(spec.lp(b"clearcount/roll-member/v1", salt, member)).hexdigest()
        assert commitment == values[f"member[{i}].commitment"]
        status = json.loads(values[f"member[{i}].status"])
        weight = json.loads(values[f"member[{i}].weight"])
        entry = {"commitment": commitment, "status": status, "weight": weight}
        leaf_json = json.dumps(entry, separators=(",", ":"))
        assert leaf_json == values[f"member[{i}].leaf_jcs"]
        leaves.append(hashlib.sha256(b"\x00" + leaf_json.encode()).digest())
        assert leaves[-1].hex() == values[f"member[{i}].leaf"]
    assert _merkle(leaves).hex() == values["root"]


def test_role_card_signs_its_jcs_as_it_is() -> None:
    values = BLOCKS["90.14"]
    message = values["message_jcs"].encode()
    assert values["transcript.r[5]"] == f"message 1 B:{message.hex()}"
    card = json.loads(values["card_jcs"])
    del card["proof"]
    assert json.dumps(card, separators=(",", ":"), sort_keys=True).encode() == message


def _documented_tags() -> set[str]:
    """§2.4's table, each `<purpose>` row expanded with the purposes its middle cell names."""
    tags = set()
    for row in tables(section("02-transcript.md", "§2.4"))[0]:
        tag = code(row["tag"])
        if "<purpose>" in tag:
            for purpose in re.findall(r"`([^`]+)`", row["proof"]):
                tags.add(tag.replace("<purpose>", purpose))
        else:
            tags.add(tag)
    return tags


def test_every_tag_in_the_vectors_is_in_the_table_of_section_2_4() -> None:
    used = {values[f"{name}.tag"] for number, name in TRANSCRIPTS for values in [BLOCKS[number]]}
    assert used - {"clearcount/v1/example"} <= _documented_tags()
    assert "clearcount/v1/schnorr/paper-batch" in _documented_tags()


def _hash_to_group(domain: bytes, *parts: bytes) -> str:
    """§1.6: RFC 9496 element derivation (libsodium's from_hash) of SHA-512(lp(domain, parts))."""
    uniform = hashlib.sha512(spec.lp(domain, *parts)).digest()
    return bytes(rbcl.crypto_core_ristretto255_from_hash(uniform)).hex()


def _generator(domain: bytes, i: int) -> str:
    return _hash_to_group(domain, b"independent-generator", i.to_bytes(8, "big"))


def test_hash_to_group_and_generators_of_section_1_6() -> None:
    values = BLOCKS["90.1"]
    domain, part = bytes.fromhex(values["hash_domain"]), bytes.fromhex(values["hash_part"])
    assert _hash_to_group(domain, part) == values["hash_to_group"]
    domain = bytes.fromhex(values["generators_domain"])
    assert [_generator(domain, i) for i in (0, 1)] == [
        values["generator[0]"],
        values["generator[1]"],
    ]


def test_shuffle_generators_of_section_6_1() -> None:
    """h is generator 0 and h_i generator i of lp("clearcount/v1/shuffle/generators", context)."""
    values = BLOCKS["90.12"]
    domain = spec.lp(b"clearcount/v1/shuffle/generators", bytes.fromhex(values["context"]))
    assert _generator(domain, 0) == values["h"]
    for i in (1, 2, 3):
        assert _generator(domain, i) == values[f"h_i[{i}]"]


def test_shuffle_challenges_of_section_6_4() -> None:
    """u_j = Scalar.hash("clearcount/v1/shuffle/challenges", seed as 32 raw bytes, j)."""
    values = BLOCKS["90.12"]
    seed = bytes.fromhex(values["statement.challenge"])
    for j in range(3):
        u = spec.scalar_hash(b"clearcount/v1/shuffle/challenges", seed, j.to_bytes(8, "big"))
        assert u.hex() == values[f"u[{j}]"]
    proof_records = [k for k in values if k.startswith("proof_transcript.r[")]
    statement_records = [k for k in values if k.startswith("statement.r[")]
    assert [values[k] for k in proof_records[: len(statement_records)]] == [
        values[k] for k in statement_records
    ]


def test_trigger_vote_names_the_hash_of_the_signed_list() -> None:
    values = BLOCKS["90.15"]
    digest = hashlib.sha256(values["bodies_jcs"].encode()).hexdigest()
    assert digest == values["bodies_hash"]
    assert json.loads(values["vote.message_jcs"])["bodies"] == digest
    for name in ("bodies", "vote"):
        message = values[f"{name}.message_jcs"].encode().hex()
        assert values[f"{name}.transcript.r[5]"] == f"message 1 B:{message}"


def test_every_signed_act_signs_the_sha256_of_its_jcs() -> None:
    """§11.3's table: each role's act signs SHA-256(JCS(the object shown)), raw 32 bytes."""
    found = 0
    for values in BLOCKS.values():
        for key, text in values.items():
            if key.endswith(".unsigned_jcs"):
                prefix = key.removesuffix(".unsigned_jcs")
                digest = hashlib.sha256(text.encode()).hexdigest()
                assert values[f"{prefix}.message"] == digest
                assert values[f"{prefix}.transcript.r[5]"] == f"message 1 B:{digest}"
                found += 1
    assert found >= 4


def test_ceremony_messages_sign_their_jcs_under_the_ceremony_context() -> None:
    values = BLOCKS["90.19"]
    context = BLOCKS["90.8"]["ceremony_context"]
    for name in ("round1", "round2"):
        message = values[f"{name}.message_jcs"]
        assert json.loads(message)["context"] == context
        assert values[f"{name}.transcript.r[0]"] == f"context 1 B:{context}"
        assert values[f"{name}.transcript.r[5]"] == f"message 1 B:{message.encode().hex()}"


def _lot_key(values: dict[str, str], names: list[str], parts: list[str]) -> Callable[[str], bytes]:
    """Check the block's contest seed from its parts; return the draw key of a tied name."""
    hashed = b"clearcount contest seed v1" + b"".join(n.encode() + b"\x00" for n in names)
    hashed += "".join(parts).encode("ascii")
    assert hashed.hex() == values["seed_hash_input"]
    seed = hashlib.sha256(hashed).hexdigest()[:32]
    assert json.dumps(seed) == values["contest_seed"]
    stage, purpose = values["stage"], json.loads(values["purpose"])

    def key(name: str) -> bytes:
        data = [p.encode() for p in (seed, stage, purpose, name)]
        return hashlib.sha256(b"".join(len(d).to_bytes(8, "big") + d for d in data)).digest()

    return key


def test_the_seeded_lot_is_rebuilt_from_the_counting_docs() -> None:
    """§90.20: contest seed and draw order from docs/counting.md "Draws by lot", hashlib only."""
    values = BLOCKS["90.20"]
    names = [json.loads(values[f"candidate[{i}]"]) for i in range(3)]
    parts = [json.loads(v) for k, v in values.items() if k.startswith("seed_part[")]
    key = _lot_key(values, names, parts)
    drawn = [json.loads(values[f"drawn[{i}]"]) for i in range(3)]
    assert sorted(names, key=key) == drawn
    assert json.loads(values["eliminated"]) == drawn[0]


_Ranking = tuple[tuple[int, ...], ...]


def _python_tuple(items: list[str]) -> str:
    """repr of a tuple from its items' texts, as docs/counting.md spells it out."""
    return f"({items[0]},)" if len(items) == 1 else f"({', '.join(items)})"


def test_record_lot_of_section_90_24_from_the_tallies_alone() -> None:
    """§90.24: an outsider rebuilds a homomorphic contest's papers from its tallies (spec §11.9),
    writes each as docs/counting.md's tuple text, and repeats the contest seed and the lot."""
    values = BLOCKS["90.24"]
    names = [json.loads(values[f"candidate[{i}]"]) for i in range(3)]
    tallies = [int(values[f"tally[{i}]"]) for i in range(3)]
    total = int(values["total"])
    papers: dict[_Ranking, int] = {((i,),): t for i, t in enumerate(tallies) if t}
    papers[()] = total - sum(tallies)  # max_selections 1: the rest are blank papers
    parts = [values["seats"]]
    for ranking in sorted(papers):
        ranks = "()"
        if ranking:
            ranks = _python_tuple([_python_tuple([str(c) for c in rank]) for rank in ranking])
        parts.append(_python_tuple([ranks, str(papers[ranking])]))
    assert parts == [json.loads(v) for k, v in values.items() if k.startswith("seed_part[")]
    key = _lot_key(values, names, parts)
    tied = [n for n, t in zip(names, tallies, strict=True) if t == max(tallies)]
    for name in tied:
        assert key(name).hex() == values[f"key[{name}]"]
    drawn = [json.loads(values[f"drawn[{i}]"]) for i in range(len(tied))]
    assert sorted(tied, key=key) == drawn
    assert json.loads(values["elected"]) == drawn[0]


def test_the_rfc9496_appendix_is_complete() -> None:
    """§90.21 holds all of RFC 9496 Appendix A: 16 multiples, 29 invalid encodings in 5 classes."""
    values = BLOCKS["90.21"]
    assert sum(1 for k in values if k.startswith("multiple[")) == 16
    assert sum(1 for k in values if k.startswith("invalid[")) == 29
    assert sum(1 for k in values if k.startswith("invalid_class[")) == 5
    assert values["multiple[1]"] == BLOCKS["90.1"]["G"]
    assert values["multiple[0]"] == "00" * 32


def test_batched_decryption_coefficients_of_section_4_3_3() -> None:
    """The d_i of the batched proof from the seed alone, as §4.3.3 states them."""
    values = BLOCKS["90.23"]
    seed = bytes.fromhex(values["batch_seed"])
    assert values["seed.transcript.challenge"] == values["batch_seed"]
    assert values["proof.transcript.r[7]"] == f"bound_to n B:{seed.hex()}"
    domain = bytes.fromhex(values["composite_domain"])
    assert domain == b"clearcount/v1/dleq-batch/composite"
    for i in range(3):
        d = spec.scalar_hash(domain, seed, i.to_bytes(8, "big"))
        assert d.hex() == values[f"d[{i}]"]
