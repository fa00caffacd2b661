/**
 * Casting (spec §11.4): what `clearcount.protocol.casting.make_ballot` builds, in the same
 * order and the same JSON as a Ballot event body (`record.events.Ballot.to_body`), plus the
 * Benaloh openings as a Spoiled body (§11.5, `protocol.challenge.spoil`).
 *
 * Homomorphic contest: m_i in {0, 1} per candidate, a zero-one proof each and a range proof that
 * Σ m_i is in [min, max]. Mixnet contest: `max_ranks` values v_j in [0, k] (the 1-based candidate
 * ranked j-th, 0 for none), each with a range proof over that one ciphertext. Every proof is bound
 * to the public credential; the credential signs SHA-256(JCS(body without signature)).
 */

import { toHex } from "../crypto/bytes.js";
import { type Ciphertext, ciphertextToBytes, encrypt } from "../crypto/elgamal.js";
import { baseMul, type Point, type Scalar, type ScalarSource, scalarAdd, scalarToBytes, pointToBytes } from "../crypto/group.js";
import { type ChallengeResponses, proofToBytes, proveRange, proveSchnorr, proveZeroOne } from "../crypto/proofs.js";
import { type ContestSpec, contestsFor, type Election } from "../record/election.js";
import { canonicalDigest } from "../record/jcs.js";

export const SIGNATURE_PURPOSE = "credential-signature";

export class BallotError extends Error {
  override name = "BallotError";
}

/** The values a device encrypts for `marks` (0-based candidate indices), checked (§11.4). */
export function contestPlaintexts(spec: ContestSpec, marks: readonly number[]): number[] {
  const k = spec.candidates.length;
  if (new Set(marks).size !== marks.length || marks.some((m) => !Number.isInteger(m) || m < 0 || m >= k)) {
    throw new BallotError(`contest ${spec.id}: expected distinct indices in 0..${k - 1}, got [${marks.join(", ")}]`);
  }
  if (spec.kind === "mixnet") {
    if (marks.length > spec.maxRanks) {
      throw new BallotError(`contest ${spec.id}: expected at most ${spec.maxRanks} ranks, got ${marks.length}`);
    }
    return [...marks.map((m) => m + 1), ...new Array<number>(spec.maxRanks - marks.length).fill(0)];
  }
  if (marks.length < spec.minSelections || marks.length > spec.maxSelections) {
    throw new BallotError(
      `contest ${spec.id}: expected ${spec.minSelections} to ${spec.maxSelections} marks, got ${marks.length}`,
    );
  }
  const chosen = new Set(marks);
  return spec.candidates.map((_, i) => (chosen.has(i) ? 1 : 0));
}

/** The choices an opening reveals: marked indices (homomorphic) or the ranking in order (mixnet). */
export function marksFromPlaintexts(spec: ContestSpec, plaintexts: readonly number[]): number[] {
  if (spec.kind === "mixnet") return plaintexts.filter((v) => v > 0).map((v) => v - 1);
  const out: number[] = [];
  plaintexts.forEach((m, i) => {
    if (m === 1) out.push(i);
  });
  return out;
}

/** One encrypted value with its secret nonce and its own proof (zero-one or range in [0, k]). */
export interface Slot {
  readonly m: number;
  readonly r: Scalar;
  readonly ct: Ciphertext;
  readonly proof: ChallengeResponses;
}

/** A contest ready for the ballot: its slots, and the sum proof (null for mixnet contests). */
export interface EncryptedContest {
  readonly spec: ContestSpec;
  readonly slots: readonly Slot[];
  readonly sumProof: ChallengeResponses | null;
}

/** The device's view of the voter: the secret s and S = s·G, the `binding` of every proof. */
export interface Credential {
  readonly secret: Scalar;
  readonly publicKey: Point;
  readonly binding: Uint8Array;
}

export function credentialFromSecret(secret: Scalar): Credential {
  const publicKey = baseMul(secret);
  return { secret, publicKey, binding: pointToBytes(publicKey) };
}

/** Proves one already-encrypted value of a contest (§11.4): zero-one, or range [0, k] for ranks. */
export function proveSlot(
  election: Election,
  spec: ContestSpec,
  ct: Ciphertext,
  m: number,
  r: Scalar,
  binding: Uint8Array,
  rng: ScalarSource,
): ChallengeResponses {
  if (spec.kind === "mixnet") {
    return proveRange(election.fingerprint, election.key, [ct], m, r, 0, spec.candidates.length, binding, rng);
  }
  return proveZeroOne(election.fingerprint, election.key, ct, m, r, binding, rng);
}

/** Fresh nonce, ciphertext and proof for one value. */
export function encryptSlot(
  election: Election,
  spec: ContestSpec,
  m: number,
  binding: Uint8Array,
  rng: ScalarSource,
): Slot {
  const r = rng();
  const ct = encrypt(election.key, m, r);
  return { m, r, ct, proof: proveSlot(election, spec, ct, m, r, binding, rng) };
}

/** The range proof Σ m_i in [min, max] over a homomorphic contest's slots (§4.5). */
export function proveSum(
  election: Election,
  spec: ContestSpec,
  slots: readonly Slot[],
  binding: Uint8Array,
  rng: ScalarSource,
): ChallengeResponses {
  let total = 0;
  let nonce = 0n;
  for (const s of slots) {
    total += s.m;
    nonce = scalarAdd(nonce, s.r);
  }
  const cts = slots.map((s) => s.ct);
  return proveRange(election.fingerprint, election.key, cts, total, nonce, spec.minSelections, spec.maxSelections, binding, rng);
}

/** A whole contest, drawing from `rng` in make_ballot's order: all nonces, each proof, the sum. */
export function encryptContest(
  election: Election,
  spec: ContestSpec,
  values: readonly number[],
  binding: Uint8Array,
  rng: ScalarSource,
): EncryptedContest {
  const nonces = values.map(() => rng());
  const cts = values.map((m, i) => encrypt(election.key, m, nonces[i]!));
  const slots = values.map((m, i) => ({
    m,
    r: nonces[i]!,
    ct: cts[i]!,
    proof: proveSlot(election, spec, cts[i]!, m, nonces[i]!, binding, rng),
  }));
  const sumProof = spec.kind === "mixnet" ? null : proveSum(election, spec, slots, binding, rng);
  return { spec, slots, sumProof };
}

export interface BallotContestBody {
  id: string;
  ciphertexts: string[];
  proofs: string[];
  sum_proof: string | null;
}

export interface BallotBody {
  credential: string;
  contests: BallotContestBody[];
  signature: string;
}

export interface SpoiledBody {
  contests: { id: string; ciphertexts: string[]; plaintexts: number[]; nonces: string[] }[];
}

function contestBody(c: EncryptedContest): BallotContestBody {
  return {
    id: c.spec.id,
    ciphertexts: c.slots.map((s) => toHex(ciphertextToBytes(s.ct))),
    proofs: c.slots.map((s) => toHex(proofToBytes(s.proof))),
    sum_proof: c.sumProof === null ? null : toHex(proofToBytes(c.sumProof)),
  };
}

/** The contests a ballot under `credential` holds (§10.4.1); BallotError if it is not on the list. */
export function credentialContests(election: Election, credential: Credential): readonly ContestSpec[] {
  const contests = contestsFor(election, credential.binding);
  if (contests === null) throw new BallotError("ballot: this credential is not on the election's published list");
  return contests;
}

/** Sign the contests with the credential (Schnorr, `credential-signature`, §11.4); the Ballot body. */
export function signBallot(
  election: Election,
  contests: readonly EncryptedContest[],
  credential: Credential,
  rng: ScalarSource,
): BallotBody {
  const ids = contests.map((c) => c.spec.id).join("\u0000");
  if (ids !== credentialContests(election, credential).map((c) => c.id).join("\u0000")) {
    throw new BallotError("ballot: expected the credential's contests (every contest unless scoped, §10.4.1), in Setup order");
  }
  const unsigned = { credential: toHex(credential.binding), contests: contests.map(contestBody) };
  const signature = proveSchnorr(election.fingerprint, credential.secret, canonicalDigest(unsigned), SIGNATURE_PURPOSE, rng);
  return { ...unsigned, signature: toHex(proofToBytes(signature)) };
}

/** The Spoiled body that opens these contests (§11.5, protocol.challenge.spoil). */
export function spoiledBody(contests: readonly EncryptedContest[]): SpoiledBody {
  return {
    contests: contests.map((c) => ({
      id: c.spec.id,
      ciphertexts: c.slots.map((s) => toHex(ciphertextToBytes(s.ct))),
      plaintexts: c.slots.map((s) => s.m),
      nonces: c.slots.map((s) => toHex(scalarToBytes(s.r))),
    })),
  };
}

/**
 * make_ballot (protocol/casting.py): `choices` maps contest id to 0-based marks or a ranking;
 * returns the signed Ballot body and the contests with their openings. Given the same seeded
 * rng as the Python side, the result is byte for byte the same.
 */
export function makeBallot(
  election: Election,
  choices: Readonly<Record<string, readonly number[]>>,
  credential: Credential,
  rng: ScalarSource,
): { ballot: BallotBody; contests: EncryptedContest[] } {
  const others = Object.keys(choices).filter((id) => !credentialContests(election, credential).some((c) => c.id === id));
  if (others.length) {
    throw new BallotError(`ballot: this credential does not vote in contest(s) ${others.join(", ")} (spec §10.4.1)`);
  }
  const contests = credentialContests(election, credential).map((spec) =>
    encryptContest(election, spec, contestPlaintexts(spec, choices[spec.id] ?? []), credential.binding, rng),
  );
  return { ballot: signBallot(election, contests, credential, rng), contests };
}
