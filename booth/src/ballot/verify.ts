/**
 * Checking a Ballot body and a Spoiled body as `protocol.casting.verify_ballot` and
 * `protocol.challenge.verify_spoiled` do (spec §11.4-§11.5): the booth's own cross-check of the
 * Python known-answer vectors, and of an opening before it is shown to the voter.
 */

import { fromHex } from "../crypto/bytes.js";
import { type Ciphertext, ciphertextFromBytes, ciphertextsEqual, encrypt } from "../crypto/elgamal.js";
import { pointFromBytes, scalarFromBytes } from "../crypto/group.js";
import { ProofError, proofFromBytes, verifyRange, verifySchnorr, verifyZeroOne } from "../crypto/proofs.js";
import type { Election } from "../record/election.js";
import { canonicalDigest } from "../record/jcs.js";
import { type BallotBody, BallotError, contestPlaintexts, marksFromPlaintexts, SIGNATURE_PURPOSE, type SpoiledBody } from "./casting.js";

function width(election: Election, index: number): number {
  const spec = election.contests[index]!;
  return spec.kind === "mixnet" ? spec.maxRanks : spec.candidates.length;
}

/** ProofError or BallotError naming the contest and field unless every proof and the signature verify. */
export function verifyBallot(election: Election, ballot: BallotBody): void {
  const credential = pointFromBytes(fromHex(ballot.credential, "Ballot.credential", 32), "Ballot.credential");
  const binding = credential.toBytes();
  const ids = ballot.contests.map((c) => c.id);
  const expected = election.contests.map((c) => c.id);
  if (ids.join("\u0000") !== expected.join("\u0000")) {
    throw new BallotError(`Ballot.contests: expected contests ${expected.join(", ")} in order, got ${ids.join(", ")}`);
  }
  election.contests.forEach((spec, i) => {
    const contest = ballot.contests[i]!;
    const path = `Ballot contest ${spec.id}`;
    if (contest.ciphertexts.length !== width(election, i) || contest.proofs.length !== contest.ciphertexts.length) {
      throw new BallotError(`${path}: expected ${width(election, i)} ciphertexts and proofs`);
    }
    const cts: Ciphertext[] = contest.ciphertexts.map((h, j) => ciphertextFromBytes(fromHex(h, `${path}.ciphertexts[${j}]`, 64)));
    cts.forEach((ct, j) => {
      const proof = proofFromBytes(fromHex(contest.proofs[j], `${path}.proofs[${j}]`), `${path}.proofs[${j}]`);
      if (spec.kind === "mixnet") verifyRange(election.fingerprint, election.key, [ct], 0, spec.candidates.length, proof, binding);
      else verifyZeroOne(election.fingerprint, election.key, ct, proof, binding);
    });
    if (spec.kind === "mixnet") {
      if (contest.sum_proof !== null) throw new ProofError(`${path}.sum_proof: expected null for a mixnet contest`);
      return;
    }
    if (contest.sum_proof === null) throw new ProofError(`${path}.sum_proof: expected a range proof, got null`);
    const sum = proofFromBytes(fromHex(contest.sum_proof, `${path}.sum_proof`), `${path}.sum_proof`);
    verifyRange(election.fingerprint, election.key, cts, spec.minSelections, spec.maxSelections, sum, binding);
  });
  const { signature, ...unsigned } = ballot;
  const proof = proofFromBytes(fromHex(signature, "Ballot.signature", 64), "Ballot.signature");
  verifySchnorr(election.fingerprint, credential, proof, canonicalDigest(unsigned), SIGNATURE_PURPOSE);
}

/** Re-encrypt every opened value with its nonce (§11.5); the choices per contest if all match. */
export function openSpoiled(election: Election, spoiled: SpoiledBody): Record<string, number[]> {
  const choices: Record<string, number[]> = {};
  for (const contest of spoiled.contests) {
    const index = election.contests.findIndex((c) => c.id === contest.id);
    const spec = election.contests[index];
    if (spec === undefined) throw new BallotError(`Spoiled contest ${contest.id}: not a contest of this election`);
    const n = width(election, index);
    if (contest.ciphertexts.length !== n || contest.plaintexts.length !== n || contest.nonces.length !== n) {
      throw new BallotError(`Spoiled contest ${contest.id}: expected ${n} ciphertexts, plaintexts and nonces`);
    }
    const marks = marksFromPlaintexts(spec, contest.plaintexts);
    if (spec.kind === "homomorphic") {
      if (contest.plaintexts.some((m) => m !== 0 && m !== 1)) throw new BallotError(`Spoiled contest ${contest.id}: plaintexts must be 0 or 1`);
      contestPlaintexts(spec, marks);
    } else if (contest.plaintexts.some((v) => !Number.isInteger(v) || v < 0 || v > spec.candidates.length)) {
      throw new BallotError(`Spoiled contest ${contest.id}: ranks must be in 0..${spec.candidates.length}`);
    }
    contest.ciphertexts.forEach((h, j) => {
      const r = scalarFromBytes(fromHex(contest.nonces[j], `Spoiled ${contest.id}.nonces[${j}]`, 32));
      const ct = ciphertextFromBytes(fromHex(h, `Spoiled ${contest.id}.ciphertexts[${j}]`, 64));
      if (!ciphertextsEqual(encrypt(election.key, contest.plaintexts[j]!, r), ct)) {
        throw new ProofError(`Spoiled contest ${contest.id}.ciphertexts[${j}]: not Enc(${contest.plaintexts[j]}; nonce)`);
      }
    });
    choices[contest.id] = marks;
  }
  return choices;
}
