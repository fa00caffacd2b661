// The credential code (docs/service/credentials.md): round trip, Crockford's reading rules,
// and every single-character typo caught by the check bytes.
import assert from "node:assert/strict";
import { test } from "node:test";

import * as booth from "../dist/booth-node.mjs";

const secret = booth.scalarToBytes(123456789012345678901234567890n);
const code = booth.credentialCode(secret);

test("56 characters in 14 groups of 4, read back to the secret", () => {
  assert.match(code, /^([0-9A-HJKMNP-TV-Z]{4}-){13}[0-9A-HJKMNP-TV-Z]{4}$/);
  assert.equal(booth.parseCredentialCode(code), 123456789012345678901234567890n);
  assert.equal(booth.parseCredentialCode(` ${code.toLowerCase().replaceAll("-", " ")} `), 123456789012345678901234567890n);
});

test("O reads as 0 and I, L as 1", () => {
  const loose = code.replaceAll("0", "O").replaceAll("1", "l");
  assert.equal(booth.parseCredentialCode(loose), 123456789012345678901234567890n);
});

test("every single changed character is caught", () => {
  const compact = code.replaceAll("-", "");
  const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  let caught = 0;
  for (let i = 0; i < compact.length; i++) {
    const other = alphabet[(alphabet.indexOf(compact[i]) + 7) % 32];
    const typo = compact.slice(0, i) + other + compact.slice(i + 1);
    assert.throws(() => booth.parseCredentialCode(typo), (e) => e instanceof booth.CredentialCodeError);
    caught++;
  }
  assert.equal(caught, 56);
});

test("wrong length and unexpected characters are named", () => {
  assert.throws(() => booth.parseCredentialCode(code.slice(0, -1)), /expected 56 characters/);
  assert.throws(() => booth.parseCredentialCode("U" + code.slice(1)), /unexpected characters U/);
});

test("the tracking code of §90.9's Ballot event", () => {
  assert.equal(booth.trackingCode("a28daa66967ff66ee4d341ee947a07bfce2e07a9605870d56d7a77b107e373d1"), "MA6T-MSMP-FZV6-XS6K-87Q9-8YG7-QZ72-W1X9");
});
