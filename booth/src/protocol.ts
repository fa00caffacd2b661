/**
 * The messages between the page (booth.ts) and the worker (booth-worker.ts). Every message has an
 * `op`; replies to a request carry its `request` number. The credential's secret stays in the
 * worker: the page only ever sees the public credential.
 */

import type { BallotBody, SpoiledBody } from "./ballot/casting.js";
import type { CodeProblem } from "./ballot/credential.js";

export interface ContestInfo {
  id: string;
  kind: "homomorphic" | "mixnet";
  candidates: string[];
  minSelections: number;
  maxSelections: number;
  maxRanks: number;
}

export type ToWorker =
  /** The Setup event exactly as on the record's line 0, and the Credentials event (line 1) if published. */
  | { op: "init"; setup: unknown; credentials?: unknown }
  /** A typed or linked credential code. */
  | { op: "credential"; code: string }
  /** The current marks (homomorphic: chosen 0-based indices) or ranking (mixnet: indices in order). */
  | { op: "answer"; contest: string; marks: number[] }
  /** Finish every pending encryption and sign: a castable ballot. */
  | { op: "ballot"; request: number }
  /** Open the last ballot (Benaloh): its Spoiled body; every value is then encrypted afresh. */
  | { op: "audit"; request: number };

export type FromWorker =
  | { op: "ready"; electionId: string; fingerprint: string; contests: ContestInfo[] }
  /** `contests`: the ids this credential votes in; `scoped` when that is not every contest (§10.4.1). */
  | { op: "credential"; ok: true; credential: string; contests: string[]; scoped: boolean }
  /** "unlisted": a well-formed code whose credential is not on the published list. */
  | { op: "credential"; ok: false; problem: CodeProblem | "unlisted"; message: string }
  | { op: "progress"; pending: number }
  | { op: "ballot"; request: number; ok: true; ballot: BallotBody; choices: Record<string, number[]> }
  | { op: "ballot"; request: number; ok: false; incomplete: string[] }
  | { op: "spoiled"; request: number; spoiled: SpoiledBody; choices: Record<string, number[]> }
  | { op: "error"; kind: "setup" | "answer" | "credential" | "internal"; message: string; request?: number };
