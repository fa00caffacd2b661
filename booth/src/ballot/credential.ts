/**
 * The credential code (docs/service/credentials.md, service/roles/delivery.py).
 *
 * Credential code: the 32-byte secret s followed by the first 3 bytes of
 * SHA-256(lp("clearcount/v1/credential-code", s)), 56 characters in 14 groups of 4. Case,
 * spaces and hyphens are ignored; O reads as 0 and I, L as 1. The check bytes catch a mistyped
 * character before the device signs anything with a wrong key.
 */

import { sha256 } from "@noble/hashes/sha2.js";

import { equalBytes, lengthPrefixed, utf8 } from "../crypto/bytes.js";
import { L, type Scalar, scalarFromBytes } from "../crypto/group.js";
import { CROCKFORD, crockford, groups } from "./codes.js";

const CODE_DOMAIN = utf8("clearcount/v1/credential-code");
const CODE_CHARS = 56;

/** Why a typed code was refused; the page words each reason in the voter's language. */
export type CodeProblem = "length" | "characters" | "checksum" | "value";

export class CredentialCodeError extends Error {
  override name = "CredentialCodeError";
  constructor(
    readonly problem: CodeProblem,
    message: string,
  ) {
    super(message);
  }
}

function checkBytes(secret: Uint8Array): Uint8Array {
  return sha256(lengthPrefixed(CODE_DOMAIN, secret)).subarray(0, 3);
}

/** s as the voter reads and types it (service.delivery.credential_code). */
export function credentialCode(secret: Uint8Array): string {
  const data = new Uint8Array(35);
  data.set(secret);
  data.set(checkBytes(secret), 32);
  return groups(crockford(data));
}

/** The secret of a credential code; CredentialCodeError saying what is wrong (delivery.parse_credential_code). */
export function parseCredentialCode(text: string): Scalar {
  const compact = text.replace(/[\s-]/g, "").toUpperCase();
  if (compact.length !== CODE_CHARS) {
    throw new CredentialCodeError("length", `credential code: expected ${CODE_CHARS} characters (14 groups of 4), got ${compact.length}`);
  }
  const normal = compact.replace(/O/g, "0").replace(/[IL]/g, "1");
  const bad = [...new Set(normal)].filter((c) => !CROCKFORD.includes(c)).sort();
  if (bad.length) throw new CredentialCodeError("characters", `credential code: unexpected characters ${bad.join("")}`);
  const data = new Uint8Array(35);
  let buffer = 0;
  let bits = 0;
  let at = 0;
  for (const c of normal) {
    buffer = (buffer << 5) | CROCKFORD.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      data[at++] = (buffer >> (bits - 8)) & 0xff;
      bits -= 8;
      buffer &= (1 << bits) - 1;
    }
  }
  const secret = data.subarray(0, 32);
  if (!equalBytes(checkBytes(secret), data.subarray(32))) {
    throw new CredentialCodeError("checksum", "credential code: the check characters do not match; a character is mistyped");
  }
  try {
    const s = scalarFromBytes(secret, "credential code");
    if (s === 0n || s >= L) throw new Error("zero");
    return s;
  } catch {
    throw new CredentialCodeError("value", "credential code: not a credential (the value is out of range)");
  }
}
