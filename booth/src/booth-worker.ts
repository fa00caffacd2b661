/**
 * The booth's Web Worker: encrypts and proves each contest as it is answered (spec §11.4), so a
 * ballot is castable moments after the last answer, and opens a ballot for a Benaloh audit (§11.5).
 *
 * Work is split into units (one value's ciphertext and proof, or one contest's sum proof) run one
 * per task, so a newer answer supersedes older work between units. Values are encrypted while
 * unanswered too (as "nothing chosen"), so a later answer re-encrypts only the values it changes.
 * An audited ballot's nonces are public: after an audit every value is encrypted afresh.
 */

import {
  type Credential,
  credentialFromSecret,
  encryptSlot,
  type EncryptedContest,
  marksFromPlaintexts,
  proveSum,
  signBallot,
  type Slot,
  spoiledBody,
} from "./ballot/casting.js";
import { CredentialCodeError, parseCredentialCode } from "./ballot/credential.js";
import { openSpoiled } from "./ballot/verify.js";
import { toHex } from "./crypto/bytes.js";
import { randomScalar } from "./crypto/group.js";
import type { ChallengeResponses } from "./crypto/proofs.js";
import type { FromWorker, ToWorker } from "./protocol.js";
import { type ContestSpec, contestsFor, type Election, electionFromSetup, withCredentials } from "./record/election.js";

interface ContestWork {
  spec: ContestSpec;
  /** What the slots should hold now. */
  values: number[];
  /** Whether `values` is a complete answer (within the choice limits): only then a sum proof. */
  valid: boolean;
  slots: (Slot | null)[];
  sumProof: ChallengeResponses | null;
  sumOver: readonly (Slot | null)[];
}

interface WorkerScope {
  postMessage(message: FromWorker): void;
  onmessage: ((event: { data: ToWorker }) => void) | null;
}

const scope = globalThis as unknown as WorkerScope;
let election: Election | null = null;
let credential: Credential | null = null;
let work: ContestWork[] = [];
let lastBallot: EncryptedContest[] | null = null;
const waiting: number[] = [];
let scheduled = false;

function post(message: FromWorker): void {
  scope.postMessage(message);
}

/** Values for the marks without the count limits (a contest is encrypted while being answered). */
function valuesFor(spec: ContestSpec, marks: number[]): { values: number[]; valid: boolean } {
  const k = spec.candidates.length;
  const distinct = new Set(marks).size === marks.length && marks.every((m) => Number.isInteger(m) && m >= 0 && m < k);
  if (!distinct) throw new Error(`contest ${spec.id}: expected distinct candidate indices in 0..${k - 1}`);
  if (spec.kind === "mixnet") {
    if (marks.length > spec.maxRanks) throw new Error(`contest ${spec.id}: at most ${spec.maxRanks} ranks`);
    const values = new Array<number>(spec.maxRanks).fill(0);
    marks.forEach((m, j) => (values[j] = m + 1));
    return { values, valid: true };
  }
  const chosen = new Set(marks);
  const valid = marks.length >= spec.minSelections && marks.length <= spec.maxSelections;
  return { values: spec.candidates.map((_, i) => (chosen.has(i) ? 1 : 0)), valid };
}

function pendingUnits(): number {
  let n = 0;
  for (const w of work) {
    w.slots.forEach((s, j) => {
      if (s === null || s.m !== w.values[j]) n++;
    });
    if (w.spec.kind === "homomorphic" && w.valid && !sumCurrent(w)) n++;
  }
  return n;
}

function sumCurrent(w: ContestWork): boolean {
  return w.sumProof !== null && w.sumOver.length === w.slots.length && w.sumOver.every((s, j) => s === w.slots[j]);
}

/** Run one unit of work; false when there is none left. */
function step(): boolean {
  if (election === null || credential === null) return false;
  for (const w of work) {
    const j = w.slots.findIndex((s, i) => s === null || s.m !== w.values[i]);
    if (j >= 0) {
      w.slots[j] = encryptSlot(election, w.spec, w.values[j]!, credential.binding, randomScalar);
      return true;
    }
  }
  for (const w of work) {
    if (w.spec.kind === "homomorphic" && w.valid && !sumCurrent(w)) {
      const slots = w.slots as Slot[];
      w.sumProof = proveSum(election, w.spec, slots, credential.binding, randomScalar);
      w.sumOver = [...slots];
      return true;
    }
  }
  return false;
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  setTimeout(run, 0);
}

function run(): void {
  scheduled = false;
  try {
    if (step()) {
      post({ op: "progress", pending: pendingUnits() });
      schedule();
      return;
    }
    answerWaiting();
  } catch (error) {
    post({ op: "error", kind: "internal", message: String(error) });
  }
}

function answerWaiting(): void {
  while (waiting.length) {
    const request = waiting.shift()!;
    const incomplete = work.filter((w) => !w.valid).map((w) => w.spec.id);
    if (incomplete.length || election === null || credential === null) {
      post({ op: "ballot", request, ok: false, incomplete });
      continue;
    }
    const contests: EncryptedContest[] = work.map((w) => ({
      spec: w.spec,
      slots: w.slots as Slot[],
      sumProof: w.spec.kind === "mixnet" ? null : w.sumProof,
    }));
    const ballot = signBallot(election, contests, credential, randomScalar);
    lastBallot = contests;
    const choices: Record<string, number[]> = {};
    for (const c of contests) choices[c.spec.id] = marksFromPlaintexts(c.spec, c.slots.map((s) => s.m));
    post({ op: "ballot", request, ok: true, ballot, choices });
  }
}

function freshWork(spec: ContestSpec): ContestWork {
  const { values, valid } = valuesFor(spec, []);
  return { spec, values, valid, slots: values.map(() => null), sumProof: null, sumOver: [] };
}

/** Forget every encryption (a new credential binds every proof anew; an audit made nonces public). */
function discardEncryptions(): void {
  lastBallot = null;
  for (const w of work) {
    w.slots = w.slots.map(() => null);
    w.sumProof = null;
    w.sumOver = [];
  }
}

function handle(message: ToWorker): void {
  switch (message.op) {
    case "init": {
      try {
        const setup = electionFromSetup(message.setup);
        election = message.credentials == null ? setup : withCredentials(setup, message.credentials);
      } catch (error) {
        post({ op: "error", kind: "setup", message: String(error) });
        return;
      }
      work = election.contests.map(freshWork);
      post({
        op: "ready",
        electionId: election.electionId,
        fingerprint: toHex(election.fingerprint),
        contests: election.contests.map((c) => ({
          id: c.id,
          kind: c.kind,
          candidates: [...c.candidates],
          minSelections: c.minSelections,
          maxSelections: c.maxSelections,
          maxRanks: c.maxRanks,
        })),
      });
      return;
    }
    case "credential": {
      let candidate: Credential;
      try {
        candidate = credentialFromSecret(parseCredentialCode(message.code));
      } catch (error) {
        const problem = error instanceof CredentialCodeError ? error.problem : "value";
        post({ op: "credential", ok: false, problem, message: String(error) });
        return;
      }
      const specs = election === null ? null : contestsFor(election, candidate.binding);
      if (election === null || specs === null) {
        credential = null;
        const message = "this credential is not on the election's published list";
        post({ op: "credential", ok: false, problem: "unlisted", message });
        return;
      }
      credential = candidate;
      // The ballot holds exactly the credential's contests (§10.4.1), answers kept where they apply.
      const kept = new Map(work.map((w) => [w.spec.id, w]));
      work = specs.map((spec) => kept.get(spec.id) ?? freshWork(spec));
      discardEncryptions();
      const contests = specs.map((c) => c.id);
      post({ op: "credential", ok: true, credential: toHex(candidate.binding), contests, scoped: specs.length !== election.contests.length });
      schedule();
      return;
    }
    case "answer": {
      const w = work.find((x) => x.spec.id === message.contest);
      if (w === undefined) {
        post({ op: "error", kind: "answer", message: `no contest ${message.contest}` });
        return;
      }
      try {
        Object.assign(w, valuesFor(w.spec, message.marks));
      } catch (error) {
        w.valid = false;
        post({ op: "error", kind: "answer", message: String(error) });
      }
      schedule();
      return;
    }
    case "ballot": {
      waiting.push(message.request);
      schedule();
      return;
    }
    case "audit": {
      if (lastBallot === null || election === null) {
        post({ op: "error", kind: "internal", message: "nothing to audit: no ballot was made", request: message.request });
        return;
      }
      const spoiled = spoiledBody(lastBallot);
      const choices = openSpoiled(election, spoiled);
      // The nonces are now public: every value is encrypted afresh before the next ballot.
      discardEncryptions();
      post({ op: "spoiled", request: message.request, spoiled, choices });
      schedule();
      return;
    }
  }
}

scope.onmessage = (event) => {
  try {
    handle(event.data);
  } catch (error) {
    post({ op: "error", kind: "internal", message: String(error) });
  }
};
