/**
 * Byte strings: hex, UTF-8, concatenation and the length prefix of spec §1.5.
 *
 * lp(x_1, ..., x_n) = len(x_1) ‖ x_1 ‖ ... ‖ len(x_n) ‖ x_n, each length 8 bytes big-endian,
 * so ("ab", "c") and ("a", "bc") never hash the same bytes.
 */

export class DecodingError extends Error {
  override name = "DecodingError";
}

const HEX = /^(?:[0-9a-f]{2})*$/;

/** Lowercase hex (spec §10.1). */
export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

/** Bytes from lowercase hex; `size` fixes the length. DecodingError names `what`. */
export function fromHex(text: unknown, what: string, size?: number): Uint8Array {
  if (typeof text !== "string" || !HEX.test(text)) {
    throw new DecodingError(`${what}: expected lowercase hexadecimal, got ${JSON.stringify(text)}`);
  }
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  if (size !== undefined && out.length !== size) {
    throw new DecodingError(`${what}: expected ${size} bytes, got ${out.length} bytes`);
  }
  return out;
}

const encoder = new TextEncoder();

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** An unsigned integer as `width` bytes big-endian. */
export function uintBE(value: number | bigint, width: number): Uint8Array {
  let n = BigInt(value);
  const out = new Uint8Array(width);
  for (let i = width - 1; i >= 0; i--) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

/** lp(parts...) of spec §1.5. */
export function lengthPrefixed(...parts: Uint8Array[]): Uint8Array {
  const pieces: Uint8Array[] = [];
  for (const p of parts) pieces.push(uintBE(p.length, 8), p);
  return concat(...pieces);
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
