/**
 * The group ristretto255 (spec §1) through @noble/curves: points, scalars mod L, hashing.
 *
 * Scalars are bigints in [0, L); points are noble's RistrettoPoint. Everything from outside is
 * decoded here and checked as spec §1.3 says: canonical scalars (< L, never reduced silently),
 * canonical point encodings (RFC 9496 §4.3.1, noble's `fromBytes`), the identity refused
 * unless the caller allows it (§1.4).
 */

import { ristretto255, ristretto255_hasher } from "@noble/curves/ed25519.js";
import { sha512 } from "@noble/hashes/sha2.js";

import { DecodingError, lengthPrefixed, toHex, uintBE, utf8 } from "./bytes.js";

export const RistrettoPoint = ristretto255.Point;
export type Point = InstanceType<typeof RistrettoPoint>;
export type Scalar = bigint;
/** Draws one scalar: the CSPRNG in a real booth, `seededScalars` in known-answer tests (§1.7). */
export type ScalarSource = () => Scalar;

const Fn = RistrettoPoint.Fn;
/** The group order L (spec §1.1). */
export const L: bigint = Fn.ORDER;
export const G: Point = RistrettoPoint.BASE;
export const IDENTITY: Point = RistrettoPoint.ZERO;

export function scalarAdd(a: Scalar, b: Scalar): Scalar {
  return Fn.add(a, b);
}

export function scalarSub(a: Scalar, b: Scalar): Scalar {
  return Fn.sub(a, b);
}

export function scalarMul(a: Scalar, b: Scalar): Scalar {
  return Fn.mul(a, b);
}

export function scalarFromInt(n: number): Scalar {
  return Fn.create(BigInt(n));
}

/** 32 bytes little-endian (spec §1.3). */
export function scalarToBytes(s: Scalar): Uint8Array {
  return Fn.toBytes(s);
}

function littleEndian(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

/** A canonical scalar: exactly 32 bytes, value < L; never reduced (spec §1.3). */
export function scalarFromBytes(bytes: Uint8Array, what = "scalar"): Scalar {
  if (bytes.length !== 32) {
    throw new DecodingError(`${what}: expected 32 bytes, got ${bytes.length} bytes`);
  }
  const n = littleEndian(bytes);
  if (n >= L) throw new DecodingError(`${what}: expected a canonical scalar (< L), got ${toHex(bytes)}`);
  return n;
}

/** Scalar.hash(domain, parts...) = SHA-512(lp(domain, parts...)) mod L, read little-endian (§1.5). */
export function hashToScalar(domain: Uint8Array, ...parts: Uint8Array[]): Scalar {
  return Fn.create(littleEndian(sha512(lengthPrefixed(domain, ...parts))));
}

/** RFC 9496 §4.3.4 element derivation (FROM_UNIFORM_BYTES) of 64 bytes, noble's `deriveToCurve`. */
export function hashToGroupFromUniform(bytes: Uint8Array): Point {
  const derive = ristretto255_hasher.deriveToCurve;
  if (derive === undefined) throw new Error("@noble/curves: ristretto255 element derivation missing");
  return derive(bytes);
}

/** Point.hash_to_group: FROM_UNIFORM_BYTES(SHA-512(lp(domain, parts...))) (spec §1.6). */
export function hashToGroup(domain: Uint8Array, ...parts: Uint8Array[]): Point {
  return hashToGroupFromUniform(sha512(lengthPrefixed(domain, ...parts)));
}

/** independent_generators(domain, n) of spec §1.6. */
export function independentGenerators(domain: Uint8Array, n: number): Point[] {
  const out: Point[] = [];
  for (let i = 0; i < n; i++) out.push(hashToGroup(domain, utf8("independent-generator"), uintBE(i, 8)));
  return out;
}

/**
 * A uniformly random non-zero scalar, drawn as libsodium's crypto_core_ristretto255_scalar_random
 * (the Python side's Scalar.random, spec §1.7): 32 bytes from crypto.getRandomValues with the top
 * three bits cleared, retried until 0 < s < L (rejection sampling, no bias).
 */
export function randomScalar(): Scalar {
  const buf = new Uint8Array(32);
  for (;;) {
    globalThis.crypto.getRandomValues(buf);
    buf[31]! &= 0x1f;
    const n = littleEndian(buf);
    if (n !== 0n && n < L) {
      buf.fill(0);
      return n;
    }
  }
}

/** seeded_scalars(seed) of spec §1.7: for known-answer vectors only, never for a real ballot. */
export function seededScalars(seed: Uint8Array): ScalarSource {
  let i = 0;
  const domain = utf8("clearcount/seeded-scalars/v1");
  return () => hashToScalar(domain, seed, uintBE(i++, 8));
}

/** A canonical ristretto255 element (RFC 9496 §4.3.1); the identity only if allowed (§1.3-§1.4). */
export function pointFromBytes(bytes: Uint8Array, what = "point", allowIdentity = false): Point {
  if (bytes.length !== 32) {
    throw new DecodingError(`${what}: expected 32 bytes, got ${bytes.length} bytes`);
  }
  let p: Point;
  try {
    p = RistrettoPoint.fromBytes(bytes);
  } catch {
    throw new DecodingError(`${what}: expected a canonical ristretto255 encoding, got ${toHex(bytes)}`);
  }
  if (!allowIdentity && p.is0()) throw new DecodingError(`${what}: expected a point other than the identity`);
  return p;
}

export function pointToBytes(p: Point): Uint8Array {
  return p.toBytes();
}

/** s·G for a secret s (constant-time ladder over noble's precomputed base tables). */
export function baseMul(s: Scalar): Point {
  return s === 0n ? IDENTITY : G.multiply(s);
}

/** s·P for a secret s (constant time). */
export function mulSecret(p: Point, s: Scalar): Point {
  return s === 0n ? IDENTITY : p.multiply(s);
}

/** s·P for a public s (challenges, simulated responses, values): variable time is fine. */
export function mulPublic(p: Point, s: Scalar): Point {
  return p.multiplyUnsafe(s);
}

/** Precompute window tables for a base used many times (the joint key), as noble allows. */
export function precomputed(p: Point): Point {
  return p.precompute(8, false);
}
