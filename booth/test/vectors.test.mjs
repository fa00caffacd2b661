// The booth's crypto against the spec's known-answer vectors (docs/spec/90-vectors.md, §90):
// every value is recomputed by the booth's code from the block's seed and inputs alone.
import assert from "node:assert/strict";
import { test } from "node:test";

import * as booth from "../dist/booth-node.mjs";
import { specVectors } from "./spec-vectors.mjs";

const V = specVectors();
const { fromHex, toHex, utf8 } = booth;
const hex = (v, name) => fromHex(v.get(name), name);
const scalarHex = (s) => toHex(booth.scalarToBytes(s));
const pointHex = (p) => toHex(booth.pointToBytes(p));
const point = (v, name) => booth.pointFromBytes(hex(v, name), name);

function draws(v) {
  const rng = booth.seededScalars(hex(v, "seed"));
  const out = [];
  for (let i = 0; v.has(`draw[${i}]`); i++) {
    const s = rng();
    assert.equal(scalarHex(s), v.get(`draw[${i}]`), `draw[${i}]`);
    out.push(s);
  }
  return out;
}

/** A source that replays the block's draws in order and fails if a prover draws one more. */
function replay(values) {
  let i = 0;
  return () => {
    assert.ok(i < values.length, "the prover drew more scalars than the vector lists");
    return values[i++];
  };
}

test("§90.1 group: G, 2G, lp, Scalar.hash, hash_to_group, generators, seeded draws", () => {
  const v = V["§90.1"];
  assert.equal(pointHex(booth.G), v.get("G"));
  assert.equal(pointHex(booth.G.add(booth.G)), v.get("2G"));
  assert.equal(toHex(booth.lengthPrefixed(hex(v, "lp_input[0]"), hex(v, "lp_input[1]"))), v.get("lp"));
  assert.equal(scalarHex(booth.hashToScalar(hex(v, "hash_domain"), hex(v, "hash_part"))), v.get("hash_scalar"));
  assert.equal(pointHex(booth.hashToGroup(hex(v, "hash_domain"), hex(v, "hash_part"))), v.get("hash_to_group"));
  const gens = booth.independentGenerators(hex(v, "generators_domain"), 2);
  assert.equal(pointHex(gens[0]), v.get("generator[0]"));
  assert.equal(pointHex(gens[1]), v.get("generator[1]"));
  draws(v);
});

test("§90.2 transcript: every record and the hashed bytes", () => {
  const v = V["§90.2"];
  const t = new booth.Transcript(v.get("transcript.tag"), hex(v, "context"));
  t.append("point", booth.enc.point(booth.G));
  t.append("scalar", booth.enc.scalar(5n));
  t.append("zero", booth.enc.int(0));
  t.append("int", booth.enc.int(128));
  t.append("text", booth.enc.text("Riverside"));
  t.append("bytes", booth.enc.bytes(fromHex("00ff", "bytes")));
  t.appendAll("list", [booth.enc.int(1), booth.enc.bytes(new Uint8Array()), booth.enc.point(booth.G)]);
  assert.equal(toHex(t.hashInput()), v.get("transcript.hash_input"));
  assert.equal(scalarHex(t.challenge()), v.get("transcript.challenge"));
});

test("§2.2 integer encoding table", () => {
  const table = { 0: "00", 1: "01", 127: "7f", 128: "0080", 255: "00ff", 256: "0100", 65535: "00ffff", "-1": "ff", "-128": "ff80", "-129": "ff7f" };
  for (const [n, want] of Object.entries(table)) assert.equal(toHex(booth.twosComplement(BigInt(n))), want, `n = ${n}`);
});

test("§90.3 ElGamal: key, encryption, sum", () => {
  const v = V["§90.3"];
  const [x, r] = draws(v);
  const K = booth.baseMul(x);
  assert.equal(pointHex(K), v.get("public K"));
  const ct = booth.encrypt(K, Number(v.get("m")), r);
  assert.equal(toHex(booth.ciphertextToBytes(ct)), v.get("ciphertext"));
  const re = booth.ciphertextFromBytes(hex(v, "reencrypted"));
  assert.equal(toHex(booth.ciphertextToBytes(booth.sumCiphertexts([ct, re]))), v.get("sum(ciphertext, reencrypted)"));
});

for (const [section, purpose] of [["§90.4.1", "key-possession"], ["§90.4.2", "credential-signature"]]) {
  test(`${section} Schnorr ${purpose}: reproduced from the seed and verified`, () => {
    const v = V[section];
    const [x, w] = draws(v);
    const context = hex(v, "context");
    const message = fromHex(v.get("message"), "message");
    const proof = booth.proveSchnorr(context, x, message, purpose, replay([w]));
    assert.equal(toHex(booth.proofToBytes(proof)), v.get("proof"));
    booth.verifySchnorr(context, point(v, "public X"), proof, message, purpose);
    assert.throws(() => booth.verifySchnorr(context, point(v, "public X"), proof, utf8("another"), purpose), booth.ProofError);
    const other = purpose === "key-possession" ? "credential-signature" : "key-possession";
    assert.throws(() => booth.verifySchnorr(context, point(v, "public X"), proof, message, other), booth.ProofError);
  });
}

for (const section of ["§90.6.1", "§90.6.2"]) {
  test(`${section} zero-one proof: reproduced from the seed and verified`, () => {
    const v = V[section];
    const [x, r, ...rest] = draws(v);
    const K = booth.baseMul(x);
    assert.equal(pointHex(K), v.get("public K"));
    const m = Number(v.get("m"));
    const context = hex(v, "context");
    const binding = hex(v, "binding");
    const ct = booth.encrypt(K, m, r);
    assert.equal(toHex(booth.ciphertextToBytes(ct)), v.get("ciphertext"));
    const proof = booth.proveZeroOne(context, K, ct, m, r, binding, replay(rest));
    assert.equal(toHex(booth.proofToBytes(proof)), v.get("proof"));
    booth.verifyZeroOne(context, K, ct, proof, binding);
    assert.throws(() => booth.verifyZeroOne(context, K, ct, proof, utf8("another voter")), booth.ProofError);
  });
}

test("§90.7 range proof over three ciphertexts: reproduced and verified", () => {
  const v = V["§90.7"];
  const [x, r1, r2, r3, ...rest] = draws(v);
  const K = booth.baseMul(x);
  const context = hex(v, "context");
  const binding = hex(v, "binding");
  const ms = [0, 1, 2].map((i) => Number(v.get(`plaintext[${i}]`)));
  const rs = [r1, r2, r3];
  const cts = ms.map((m, i) => booth.encrypt(K, m, rs[i]));
  cts.forEach((c, i) => assert.equal(toHex(booth.ciphertextToBytes(c)), v.get(`ciphertext[${i}]`)));
  const nonce = rs.reduce((a, b) => booth.scalarAdd(a, b), 0n);
  const min = Number(v.get("min"));
  const max = Number(v.get("max"));
  const total = ms.reduce((a, b) => a + b, 0);
  const proof = booth.proveRange(context, K, cts, total, nonce, min, max, binding, replay(rest));
  assert.equal(toHex(booth.proofToBytes(proof)), v.get("proof"));
  booth.verifyRange(context, K, cts, min, max, proof, binding);
  assert.throws(() => booth.verifyRange(context, K, cts, 0, max, proof, binding), booth.ProofError);
  assert.throws(() => booth.verifyRange(context, K, [cts[1], cts[0], cts[2]], min, max, proof, binding), booth.ProofError);
});

test("§90.8 the election fingerprint is the Setup event's hash", () => {
  const v = V["§90.8"];
  const event = JSON.parse(v.get("event_jcs"));
  assert.equal(booth.canonicalJson(event), v.get("event_jcs"));
  const election = booth.electionFromSetup(event);
  assert.equal(toHex(election.fingerprint), v.get("fingerprint"));
});

test("§90.9 a Python-made ballot verifies in the booth; its signature and tracking code", () => {
  const setup = JSON.parse(V["§90.8"].get("event_jcs"));
  const election = booth.electionFromSetup(setup);
  const v = V["§90.9"];
  const event = JSON.parse(v.get("event_jcs"));
  assert.equal(booth.canonicalJson(event), v.get("event_jcs"));
  const unsigned = JSON.parse(v.get("unsigned_body_jcs"));
  assert.equal(toHex(booth.canonicalDigest(unsigned)), v.get("signature.message"));
  booth.verifyBallot(election, event.body);
  assert.equal(booth.eventHash(event), v.get("event_hash"));
  assert.equal(booth.trackingCode(v.get("event_hash")), JSON.parse(v.get("tracking_code")));
  // The signature, re-made with the vector's nonce, is the same bytes.
  const secret = booth.scalarFromBytes(hex(v, "signature.secret"));
  const w = booth.scalarFromBytes(hex(v, "signature.nonce w (s − c·x)"));
  const proof = booth.proveSchnorr(election.fingerprint, secret, hex(v, "signature.message"), "credential-signature", replay([w]));
  assert.equal(toHex(booth.proofToBytes(proof)), v.get("signature.proof"));
  // One changed byte anywhere is refused.
  const tampered = structuredClone(event.body);
  const p = tampered.contests[0].proofs[0];
  tampered.contests[0].proofs[0] = (p[0] === "0" ? "1" : "0") + p.slice(1);
  assert.throws(() => booth.verifyBallot(election, tampered));
  const resigned = structuredClone(event.body);
  resigned.signature = v.get("signature.proof").slice(0, 64) + "00".repeat(32);
  assert.throws(() => booth.verifyBallot(election, resigned), booth.ProofError);
});

test("§90.21 RFC 9496 Appendix A: multiples, invalid encodings, element derivation", () => {
  const v = V["§90.21"];
  let p = booth.IDENTITY;
  for (let i = 0; v.has(`multiple[${i}]`); i++) {
    assert.equal(pointHex(p), v.get(`multiple[${i}]`));
    if (i > 0) assert.ok(booth.pointFromBytes(hex(v, `multiple[${i}]`)).equals(p));
    p = p.add(booth.G);
  }
  assert.throws(() => booth.pointFromBytes(hex(v, "multiple[0]")), booth.DecodingError);
  assert.ok(booth.pointFromBytes(hex(v, "multiple[0]"), "identity", true).is0());
  let invalid = 0;
  for (let k = 0; v.has(`invalid[${k}][0]`); k++) {
    for (let j = 0; v.has(`invalid[${k}][${j}]`); j++, invalid++) {
      assert.throws(() => booth.pointFromBytes(hex(v, `invalid[${k}][${j}]`)), booth.DecodingError, `invalid[${k}][${j}]`);
    }
  }
  assert.equal(invalid, 29);
  for (let i = 0; v.has(`derive[${i}].input`); i++) {
    // RFC 9496 §4.3.4 applied to the 64-byte input, through the library's published map.
    const out = booth.hashToGroupFromUniform(hex(v, `derive[${i}].input`));
    assert.equal(pointHex(out), v.get(`derive[${i}].output`));
  }
  for (let i = 0; v.has(`convergent.input[${i}]`); i++) {
    assert.equal(pointHex(booth.hashToGroupFromUniform(hex(v, `convergent.input[${i}]`))), v.get("convergent.output"));
  }
});

test("scalars are canonical: L and 2^256 - 1 are refused, never reduced (§1.3)", () => {
  const L = booth.L;
  const le = (n) => {
    const out = new Uint8Array(32);
    for (let i = 0; i < 32; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
    return out;
  };
  assert.throws(() => booth.scalarFromBytes(le(L)), booth.DecodingError);
  assert.throws(() => booth.scalarFromBytes(le((1n << 256n) - 1n)), booth.DecodingError);
  assert.equal(booth.scalarFromBytes(le(L - 1n)), L - 1n);
  for (let i = 0; i < 200; i++) {
    const s = booth.randomScalar();
    assert.ok(s > 0n && s < L);
  }
});
