/**
 * The election as the booth needs it, read from the Setup event (spec §11.1-§11.2).
 *
 * The booth takes nothing on the server's word: the fingerprint (every proof's context) is the
 * Setup event's hash recomputed here (§10.2, §11.1), and the joint key and contests come from
 * the body that hash covers.
 */

import { DecodingError, fromHex, toHex } from "../crypto/bytes.js";
import { type Point, pointFromBytes, precomputed } from "../crypto/group.js";
import { proofFromBytes, verifySchnorr } from "../crypto/proofs.js";
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
  /** The credential authority's key (Setup.credential_authority.key): it signs the Credentials list. */
  readonly authorityKey: Point;
  /** Setup.roll.scopes' contest lists in a scoped election (§10.4.1); empty when unscoped. */
  readonly rollScopes: readonly (readonly string[])[];
  /**
   * The published credentials (hex) and each one's contests, from the signed Credentials event
   * (§11.3); null when the booth was given no list (before it is published).
   */
  readonly credentials: ReadonlyMap<string, readonly string[]> | null;
}

export const CREDENTIAL_LIST_PURPOSE = "credential-list";

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
  const authority = object(body.credential_authority, "setup_event.body.credential_authority");
  const roll = object(body.roll, "setup_event.body.roll");
  const rollScopes = Array.isArray(roll.scopes)
    ? roll.scopes.map((x, i) => {
        const contests = object(x, `setup_event.body.roll.scopes[${i}]`).contests;
        if (!Array.isArray(contests)) throw new DecodingError(`setup_event.body.roll.scopes[${i}].contests: expected a list`);
        return contests.map((c, j) => text(c, `setup_event.body.roll.scopes[${i}].contests[${j}]`));
      })
    : [];
  return {
    authorityKey: pointFromBytes(fromHex(authority.key, "credential_authority.key", 32), "credential_authority.key"),
    rollScopes,
    credentials: null,
    electionId: text(body.election_id, "setup_event.body.election_id"),
    title: typeof body.title === "string" ? body.title : "",
    fingerprint: canonicalDigest(event),
    key: precomputed(pointFromBytes(fromHex(body.joint_key, "joint_key", 32), "joint_key")),
    contests: body.contests.map((c, i) => contest(c, `setup_event.body.contests[${i}]`)),
  };
}

/**
 * The election with its published credentials: the Credentials event (the record's line 1) is
 * checked to follow Setup and to carry the authority's signature (purpose `credential-list`,
 * §11.3), so the server cannot move a credential into another scope (§10.4.1) unnoticed.
 */
export function withCredentials(election: Election, credentialsEvent: unknown): Election {
  const event = object(credentialsEvent, "credentials_event");
  if (event.type !== "Credentials" || event.seq !== 1 || event.prev !== toHex(election.fingerprint)) {
    throw new DecodingError("credentials_event: expected the Credentials event following this Setup (seq 1)");
  }
  const body = object(event.body, "credentials_event.body");
  const { signature, ...unsigned } = body;
  verifySchnorr(
    election.fingerprint,
    election.authorityKey,
    proofFromBytes(fromHex(signature, "credentials_event.body.signature"), "signature"),
    canonicalDigest(unsigned),
    CREDENTIAL_LIST_PURPOSE,
  );
  if (!Array.isArray(body.credentials)) throw new DecodingError("credentials_event.body.credentials: expected a list");
  const scopes = body.scopes;
  const scoped = election.rollScopes.length > 0;
  if (scoped !== Array.isArray(scopes) || (Array.isArray(scopes) && scopes.length !== body.credentials.length)) {
    throw new DecodingError("credentials_event.body.scopes: expected one scope per credential exactly when the roll is scoped");
  }
  const all = election.contests.map((c) => c.id);
  const credentials = new Map<string, readonly string[]>();
  body.credentials.forEach((c, i) => {
    const key = toHex(fromHex(c, `credentials_event.body.credentials[${i}]`, 32));
    if (!Array.isArray(scopes)) return void credentials.set(key, all);
    const x = integer(scopes[i], `credentials_event.body.scopes[${i}]`, 0, election.rollScopes.length - 1);
    credentials.set(key, election.rollScopes[x]!);
  });
  return { ...election, credentials };
}

/**
 * The contests, in Setup order, that a ballot under this public credential holds (§11.4,
 * make_ballot's `contests_for`); null for a credential the published list does not have.
 */
export function contestsFor(election: Election, binding: Uint8Array): readonly ContestSpec[] | null {
  if (election.credentials === null) return election.contests;
  const scope = election.credentials.get(toHex(binding));
  if (scope === undefined) return null;
  return election.contests.filter((c) => scope.includes(c.id));
}
