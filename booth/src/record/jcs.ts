/**
 * RFC 8785 canonical JSON (spec §10.1) and the event hash (spec §10.2).
 *
 * JCS serialises strings and numbers exactly as ECMAScript's JSON.stringify does, so this is
 * JSON.stringify with object keys sorted by UTF-16 code units (JavaScript's default string
 * order) and no whitespace. The record allows integers only (within ±(2^53 − 1)); anything else
 * is refused rather than guessed.
 */

import { sha256 } from "@noble/hashes/sha2.js";

import { DecodingError, toHex, utf8 } from "../crypto/bytes.js";

/** With the u flag, \p{Cs} matches only a surrogate that is not half of a pair. */
const LONE_SURROGATE = /\p{Cs}/u;

export function canonicalJson(value: unknown, path = "$"): string {
  if (value === null || typeof value === "boolean") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new DecodingError(`${path}: expected an integer within ±(2^53 − 1), got ${value}`);
    return JSON.stringify(value);
  }
  if (typeof value === "string") {
    if (LONE_SURROGATE.test(value)) throw new DecodingError(`${path}: a string with a lone surrogate`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v, i) => canonicalJson(v, `${path}[${i}]`)).join(",")}]`;
  if (typeof value === "object") {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k], `${path}.${k}`)}`).join(",")}}`;
  }
  throw new DecodingError(`${path}: expected JSON, got ${typeof value}`);
}

/** SHA-256 of the canonical bytes (spec §10.2); raw 32 bytes. */
export function canonicalDigest(value: unknown): Uint8Array {
  return sha256(utf8(canonicalJson(value)));
}

/** An event's hash as lowercase hex (spec §10.2). */
export function eventHash(event: unknown): string {
  return toHex(canonicalDigest(event));
}
