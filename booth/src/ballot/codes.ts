/**
 * Crockford base32 (RFC 4648 base32 with the alphabet 0-9A-Z without I, L, O, U) and the tracking
 * code (spec §11.4). No crypto library here: the page script imports this alone.
 */

export const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** RFC 4648 base32 (no padding needed: whole 5-byte groups) in the Crockford alphabet. */
export function crockford(bytes: Uint8Array): string {
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const b of bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += CROCKFORD[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += CROCKFORD[(buffer << (5 - bits)) & 31];
  return out;
}

/** Groups of 4 characters joined by "-". */
export function groups(text: string): string {
  return (text.match(/.{1,4}/g) ?? []).join("-");
}

/** The first 160 bits of an event hash in Crockford base32, 8 groups of 4 (spec §11.4). */
export function trackingCode(eventHashHex: string): string {
  const bytes = new Uint8Array(20);
  for (let i = 0; i < 20; i++) bytes[i] = parseInt(eventHashHex.slice(2 * i, 2 * i + 2), 16);
  return groups(crockford(bytes));
}
