/**
 * The ballot's zero-knowledge proofs (spec §4), strong Fiat-Shamir over the §2 transcript:
 * Schnorr (§4.2, the credential signature), the CDS disjunctive proof (§4.4) and its two uses,
 * zero-one (§4.4.1) and range (§4.5). Provers draw from an injected `rng` in the order §4.4
 * fixes, so known-answer vectors (§90) reproduce byte for byte; verifiers return nothing or throw
 * ProofError.
 */

import { concat, DecodingError } from "./bytes.js";
import { type Ciphertext, ciphertextToBytes, sumCiphertexts } from "./elgamal.js";
import {
  baseMul,
  G,
  mulPublic,
  mulSecret,
  type Point,
  type Scalar,
  type ScalarSource,
  scalarAdd,
  scalarFromBytes,
  scalarFromInt,
  scalarMul,
  scalarSub,
  scalarToBytes,
} from "./group.js";
import { enc, Transcript } from "./transcript.js";


export class ProofError extends Error {
  override name = "ProofError";
}

export const ZERO_ONE_TAG = "clearcount/v1/zero-one";
export const RANGE_TAG = "clearcount/v1/range";

/** (c, s) of a Schnorr proof, or per branch (c_j, s_j) of a disjunctive proof (§4.1.2). */
export interface ChallengeResponses {
  readonly challenges: readonly Scalar[];
  readonly responses: readonly Scalar[];
}

/** c_0 ‖ s_0 ‖ c_1 ‖ s_1 ‖ ... (§4.1.2, §4.4.3). */
export function proofToBytes(proof: ChallengeResponses): Uint8Array {
  const parts: Uint8Array[] = [];
  proof.challenges.forEach((c, j) => parts.push(scalarToBytes(c), scalarToBytes(proof.responses[j]!)));
  return concat(...parts);
}

/** A proof from its encoding: a non-zero multiple of 64 bytes of canonical scalars. */
export function proofFromBytes(bytes: Uint8Array, what = "proof"): ChallengeResponses {
  if (bytes.length === 0 || bytes.length % 64 !== 0) {
    throw new DecodingError(`${what}: expected a non-zero multiple of 64 bytes, got ${bytes.length} bytes`);
  }
  const challenges: Scalar[] = [];
  const responses: Scalar[] = [];
  for (let at = 0; at < bytes.length; at += 64) {
    challenges.push(scalarFromBytes(bytes.subarray(at, at + 32), `${what} challenge`));
    responses.push(scalarFromBytes(bytes.subarray(at + 32, at + 64), `${what} response`));
  }
  return { challenges, responses };
}

// §4.2 Schnorr --------------------------------------------------------------------------------

export function schnorrTag(purpose: string): string {
  if (!purpose || purpose.includes("/")) throw new Error(`Schnorr purpose: expected a name without '/', got ${purpose}`);
  return `clearcount/v1/schnorr/${purpose}`;
}

function schnorrChallenge(
  context: Uint8Array,
  purpose: string,
  publicKey: Point,
  message: Uint8Array,
  commitment: Point,
): Scalar {
  const t = new Transcript(schnorrTag(purpose), context);
  t.append("base", enc.point(G)).append("public", enc.point(publicKey)).append("message", enc.bytes(message));
  return t.append("commitment", enc.point(commitment)).challenge();
}

/** Proof of knowledge of x with X = x·G bound to `message` and `context` (§4.2). */
export function proveSchnorr(
  context: Uint8Array,
  secret: Scalar,
  message: Uint8Array,
  purpose: string,
  rng: ScalarSource,
): ChallengeResponses {
  const publicKey = baseMul(secret);
  const nonce = rng();
  const c = schnorrChallenge(context, purpose, publicKey, message, baseMul(nonce));
  return { challenges: [c], responses: [scalarAdd(nonce, scalarMul(c, secret))] };
}

export function verifySchnorr(
  context: Uint8Array,
  publicKey: Point,
  proof: ChallengeResponses,
  message: Uint8Array,
  purpose: string,
): void {
  const what = `Schnorr proof (${purpose})`;
  if (proof.challenges.length !== 1) throw new ProofError(`${what}: expected one challenge and one response`);
  if (publicKey.is0()) throw new ProofError(`${what}: the public key is the identity`);
  const [c] = proof.challenges as [Scalar];
  const [s] = proof.responses as [Scalar];
  const commitment = mulPublic(G, s).subtract(mulPublic(publicKey, c));
  if (schnorrChallenge(context, purpose, publicKey, message, commitment) !== c) {
    throw new ProofError(`${what}: the challenge does not match (forged, or made for another statement)`);
  }
}

// §4.4 disjunctive ----------------------------------------------------------------------------

/** β_j = data − M_j·G, stepping by −G between consecutive values (§4.4.2). */
function targets(ct: Ciphertext, values: readonly number[]): Point[] {
  const out: Point[] = [ct.data.subtract(mulPublic(G, scalarFromInt(values[0]!)))];
  for (let j = 1; j < values.length; j++) {
    const step = values[j]! - values[j - 1]!;
    out.push(out[j - 1]!.subtract(step === 1 ? G : mulPublic(G, scalarFromInt(step))));
  }
  return out;
}

/** Prove `ct` = Enc(values[index]; nonce); `t` already holds the statement (§4.4). */
export function proveOneOf(
  t: Transcript,
  key: Point,
  ct: Ciphertext,
  values: readonly number[],
  index: number,
  nonce: Scalar,
  rng: ScalarSource,
): ChallengeResponses {
  const betas = targets(ct, values);
  const challenges: Scalar[] = [];
  const responses: Scalar[] = [];
  const commitments: Uint8Array[] = [];
  let w = 0n;
  betas.forEach((beta, j) => {
    if (j === index) {
      w = rng();
      challenges.push(0n);
      responses.push(0n);
      commitments.push(enc.point(baseMul(w)), enc.point(mulSecret(key, w)));
      return;
    }
    const c = rng();
    const s = rng();
    challenges.push(c);
    responses.push(s);
    commitments.push(
      enc.point(mulPublic(G, s).subtract(mulPublic(ct.pad, c))),
      enc.point(mulPublic(key, s).subtract(mulPublic(beta, c))),
    );
  });
  const total = t.appendAll("commitments", commitments).challenge();
  let simulated = 0n;
  challenges.forEach((c, j) => {
    if (j !== index) simulated = scalarAdd(simulated, c);
  });
  challenges[index] = scalarSub(total, simulated);
  responses[index] = scalarAdd(w, scalarMul(challenges[index]!, nonce));
  return { challenges, responses };
}

export function verifyOneOf(
  what: string,
  t: Transcript,
  key: Point,
  ct: Ciphertext,
  values: readonly number[],
  proof: ChallengeResponses,
): void {
  if (proof.challenges.length !== values.length) {
    throw new ProofError(`${what}: expected ${values.length} branches, got ${proof.challenges.length}`);
  }
  if (new Set(proof.challenges).size !== proof.challenges.length) {
    throw new ProofError(`${what}: two branches share a challenge (a copied or replayed proof)`);
  }
  const commitments: Uint8Array[] = [];
  let total = 0n;
  targets(ct, values).forEach((beta, j) => {
    const c = proof.challenges[j]!;
    const s = proof.responses[j]!;
    commitments.push(
      enc.point(mulPublic(G, s).subtract(mulPublic(ct.pad, c))),
      enc.point(mulPublic(key, s).subtract(mulPublic(beta, c))),
    );
    total = scalarAdd(total, c);
  });
  if (t.appendAll("commitments", commitments).challenge() !== total) {
    throw new ProofError(`${what}: the challenges do not add up to the transcript's challenge`);
  }
}

// §4.4.1 zero-one -----------------------------------------------------------------------------

function zeroOneTranscript(context: Uint8Array, key: Point, ct: Ciphertext, binding: Uint8Array): Transcript {
  const t = new Transcript(ZERO_ONE_TAG, context);
  t.append("public_key", enc.point(key)).append("binding", enc.bytes(binding));
  t.append("pad", enc.point(ct.pad)).append("data", enc.point(ct.data));
  return t.appendAll("values", [enc.int(0), enc.int(1)]);
}

export function proveZeroOne(
  context: Uint8Array,
  key: Point,
  ct: Ciphertext,
  m: number,
  r: Scalar,
  binding: Uint8Array,
  rng: ScalarSource,
): ChallengeResponses {
  if (m !== 0 && m !== 1) throw new Error(`proveZeroOne: expected m in {0, 1}, got ${m}`);
  return proveOneOf(zeroOneTranscript(context, key, ct, binding), key, ct, [0, 1], m, r, rng);
}

export function verifyZeroOne(
  context: Uint8Array,
  key: Point,
  ct: Ciphertext,
  proof: ChallengeResponses,
  binding: Uint8Array,
): void {
  verifyOneOf("zero-one proof", zeroOneTranscript(context, key, ct, binding), key, ct, [0, 1], proof);
}

// §4.5 range ----------------------------------------------------------------------------------

function bounds(min: number, max: number): number[] {
  if (!(Number.isSafeInteger(min) && Number.isSafeInteger(max) && 0 <= min && min <= max)) {
    throw new ProofError(`range proof: expected 0 <= min <= max, got min=${min}, max=${max}`);
  }
  const out: number[] = [];
  for (let v = min; v <= max; v++) out.push(v);
  return out;
}

function rangeTranscript(
  context: Uint8Array,
  key: Point,
  cts: readonly Ciphertext[],
  min: number,
  max: number,
  binding: Uint8Array,
): Transcript {
  const t = new Transcript(RANGE_TAG, context);
  t.append("public_key", enc.point(key)).append("binding", enc.bytes(binding));
  t.appendAll("ciphertexts", cts.map((c) => enc.bytes(ciphertextToBytes(c))));
  return t.append("min", enc.int(min)).append("max", enc.int(max));
}

/** Σ cts = Enc(total; nonce) with min <= total <= max, nonce = Σ r_i (§4.5). */
export function proveRange(
  context: Uint8Array,
  key: Point,
  cts: readonly Ciphertext[],
  total: number,
  nonce: Scalar,
  min: number,
  max: number,
  binding: Uint8Array,
  rng: ScalarSource,
): ChallengeResponses {
  const values = bounds(min, max);
  if (total < min || total > max) throw new Error(`proveRange: expected ${min} <= total <= ${max}, got ${total}`);
  const t = rangeTranscript(context, key, cts, min, max, binding);
  return proveOneOf(t, key, sumCiphertexts(cts), values, total - min, nonce, rng);
}

export function verifyRange(
  context: Uint8Array,
  key: Point,
  cts: readonly Ciphertext[],
  min: number,
  max: number,
  proof: ChallengeResponses,
  binding: Uint8Array,
): void {
  const values = bounds(min, max);
  const t = rangeTranscript(context, key, cts, min, max, binding);
  verifyOneOf("range proof", t, key, sumCiphertexts(cts), values, proof);
}
