/**
 * Strong Fiat-Shamir transcripts (spec §2): domain tag, election context, group, the full
 * statement and every commitment, each record typed and length-prefixed (§2.2), so no two
 * different transcripts hash the same bytes. There is no way to hash commitments alone.
 */

import { lengthPrefixed, uintBE, utf8 } from "./bytes.js";
import { G, hashToScalar, type Point, type Scalar, pointToBytes, scalarToBytes } from "./group.js";

const PROTOCOL_DOMAIN = utf8("clearcount/transcript/v1");
const GROUP_NAME = utf8("ristretto255");
const ONE = utf8("1");
const MANY = utf8("n");

/** One typed value of the §2.2 table, already encoded. */
export type Encoded = Uint8Array;

export const enc = {
  point: (p: Point): Encoded => lengthPrefixed(utf8("P"), pointToBytes(p)),
  scalar: (s: Scalar): Encoded => lengthPrefixed(utf8("S"), scalarToBytes(s)),
  bytes: (b: Uint8Array): Encoded => lengthPrefixed(utf8("B"), b),
  text: (t: string): Encoded => lengthPrefixed(utf8("T"), utf8(t)),
  int: (n: number | bigint): Encoded => lengthPrefixed(utf8("I"), twosComplement(BigInt(n))),
};

/** n in two's complement big-endian, floor(bits(|n|) / 8) + 1 bytes (spec §2.2). */
export function twosComplement(n: bigint): Uint8Array {
  const magnitude = n < 0n ? -n : n;
  const bits = magnitude === 0n ? 0 : magnitude.toString(2).length;
  const width = Math.floor(bits / 8) + 1;
  const value = n < 0n ? (1n << BigInt(8 * width)) + n : n;
  return uintBE(value, width);
}

export class Transcript {
  private readonly records: Uint8Array[] = [];

  constructor(
    readonly tag: string,
    context: Uint8Array,
  ) {
    if (!tag) throw new Error("Transcript: expected a non-empty domain tag");
    this.append("context", enc.bytes(context));
    this.append("group", enc.bytes(GROUP_NAME));
    this.append("generator", enc.point(G));
  }

  /** lp(label, "1", enc(value)) (spec §2.2). */
  append(label: string, value: Encoded): this {
    this.records.push(lengthPrefixed(utf8(label), ONE, value));
    return this;
  }

  /** lp(label, "n", count, enc(v_1), ..., enc(v_k)): the count is of values, not bytes. */
  appendAll(label: string, values: Encoded[]): this {
    this.records.push(lengthPrefixed(utf8(label), MANY, uintBE(values.length, 8), ...values));
    return this;
  }

  /** The records so far, header first (for the §90 vectors). */
  recordBytes(): Uint8Array[] {
    return [...this.records];
  }

  /** Everything hashed: lp("clearcount/transcript/v1", tag, r_0, ..., r_k) (spec §2.3). */
  hashInput(): Uint8Array {
    return lengthPrefixed(PROTOCOL_DOMAIN, utf8(this.tag), ...this.records);
  }

  /** c = Scalar.hash("clearcount/transcript/v1", tag, r_0, ..., r_k); does not consume (§2.3). */
  challenge(): Scalar {
    return hashToScalar(PROTOCOL_DOMAIN, utf8(this.tag), ...this.records);
  }
}
