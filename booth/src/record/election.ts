/**
 * The election as the booth needs it, read from the Setup event (spec §11.1-§11.2).
 *
 * The booth takes nothing on the server's word: the fingerprint (every proof's context) is the
 * Setup event's hash recomputed here (§10.2, §11.1), and the joint key and contests come from
 * the body that hash covers.
 */

import { DecodingError, fromHex } from "../crypto/bytes.js";
import { type Point, pointFromBytes, precomputed } from "../crypto/group.js";
import { canonicalDigest } from "./jcs.js";

export interface ContestSpec {
  readonly id: string;
  readonly title: string;
  readonly kind: "homomorphic" | "mixnet";
  readonly candidates: readonly string[];
  readonly minSelections: number;
  readonly maxSelections: number;
  readonly maxRanks: number;
}

export interface Election {
  readonly electionId: string;
  readonly title: string;
  /** Setup's event hash, 32 raw bytes: the context of every proof (§11.1). */
  readonly fingerprint: Uint8Array;
  /** The trustees' joint key K, with window tables precomputed (it is used for every ciphertext). */
  readonly key: Point;
  readonly contests: readonly ContestSpec[];
}

function object(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new DecodingError(`${path}: expected an object`);
  }
  return value as Record<string, unknown>;
}

function text(value: unknown, path: string): string {
  if (typeof value !== "string" || !value) throw new DecodingError(`${path}: expected a non-empty string`);
  return value;
}

function integer(value: unknown, path: string, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new DecodingError(`${path}: expected an integer in [${min}, ${max}], got ${JSON.stringify(value)}`);
  }
  return value;
}

function contest(value: unknown, path: string): ContestSpec {
  const c = object(value, path);
  if (!Array.isArray(c.candidates) || c.candidates.length === 0) {
    throw new DecodingError(`${path}.candidates: expected a non-empty list`);
  }
  const candidates = c.candidates.map((n, i) => text(n, `${path}.candidates[${i}]`));
  const k = candidates.length;
  if (c.kind !== "homomorphic" && c.kind !== "mixnet") {
    throw new DecodingError(`${path}.kind: expected "homomorphic" or "mixnet", got ${JSON.stringify(c.kind)}`);
  }
  const maxSelections = integer(c.max_selections, `${path}.max_selections`, 0, k);
  return {
    id: text(c.id, `${path}.id`),
    title: typeof c.title === "string" ? c.title : "",
    kind: c.kind,
    candidates,
    minSelections: integer(c.min_selections, `${path}.min_selections`, 0, maxSelections),
    maxSelections,
    maxRanks: c.kind === "mixnet" ? integer(c.max_ranks, `${path}.max_ranks`, 1, k) : 0,
  };
}

/** The election from its Setup event (the record's line 0 as a JSON object). */
export function electionFromSetup(setupEvent: unknown): Election {
  const event = object(setupEvent, "setup_event");
  if (event.type !== "Setup" || event.seq !== 0) {
    throw new DecodingError(`setup_event: expected the Setup event (seq 0), got ${JSON.stringify(event.type)}`);
  }
  const body = object(event.body, "setup_event.body");
  if (!Array.isArray(body.contests) || body.contests.length === 0) {
    throw new DecodingError("setup_event.body.contests: expected a non-empty list");
  }
  return {
    electionId: text(body.election_id, "setup_event.body.election_id"),
    title: typeof body.title === "string" ? body.title : "",
    fingerprint: canonicalDigest(event),
    key: precomputed(pointFromBytes(fromHex(body.joint_key, "joint_key", 32), "joint_key")),
    contests: body.contests.map((c, i) => contest(c, `setup_event.body.contests[${i}]`)),
  };
}
