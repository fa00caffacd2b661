/**
 * Exponential ElGamal over ristretto255 (spec §3): Enc_K(m; r) = (r·G, m·G + r·K).
 */

import { concat, DecodingError } from "./bytes.js";
import { baseMul, IDENTITY, mulSecret, type Point, pointFromBytes, pointToBytes, type Scalar, scalarFromInt } from "./group.js";

export interface Ciphertext {
  readonly pad: Point;
  readonly data: Point;
}

const multiples = new Map<number, Point>();

/** m·G for a small vote value, cached (m = 0 is the identity). */
export function smallMultiple(m: number): Point {
  let p = multiples.get(m);
  if (p === undefined) {
    p = m === 0 ? IDENTITY : baseMul(scalarFromInt(m));
    multiples.set(m, p);
  }
  return p;
}

/** Enc_K(m; r): 1 fixed-base and 1 variable-base multiplication (§3.2, casting.encrypt_small). */
export function encrypt(key: Point, m: number, r: Scalar): Ciphertext {
  const masked = mulSecret(key, r);
  return { pad: baseMul(r), data: m === 0 ? masked : masked.add(smallMultiple(m)) };
}

/** Component-wise sum (§3.4); the empty sum is (identity, identity). */
export function sumCiphertexts(cts: readonly Ciphertext[]): Ciphertext {
  let pad = IDENTITY;
  let data = IDENTITY;
  for (const c of cts) {
    pad = pad.add(c.pad);
    data = data.add(c.data);
  }
  return { pad, data };
}

/** pad ‖ data, 64 bytes (§3.7). */
export function ciphertextToBytes(c: Ciphertext): Uint8Array {
  return concat(pointToBytes(c.pad), pointToBytes(c.data));
}

/** 64 bytes, two canonical points, the identity refused in either half unless allowed (§3.7). */
export function ciphertextFromBytes(bytes: Uint8Array, what = "ciphertext", allowIdentity = false): Ciphertext {
  if (bytes.length !== 64) throw new DecodingError(`${what}: expected 64 bytes, got ${bytes.length} bytes`);
  return {
    pad: pointFromBytes(bytes.subarray(0, 32), `${what} pad`, allowIdentity),
    data: pointFromBytes(bytes.subarray(32), `${what} data`, allowIdentity),
  };
}

export function ciphertextsEqual(a: Ciphertext, b: Ciphertext): boolean {
  return a.pad.equals(b.pad) && a.data.equals(b.data);
}
