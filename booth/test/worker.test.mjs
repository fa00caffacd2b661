// The shipped worker bundle, driven as the page drives it, on the §90.8 election.
import assert from "node:assert/strict";
import { test } from "node:test";

import * as booth from "../dist/booth-node.mjs";
import { specVectors } from "./spec-vectors.mjs";
import { startWorker, vote } from "./worker-harness.mjs";

const setup = JSON.parse(specVectors()["§90.8"].get("event_jcs"));
const election = booth.electionFromSetup(setup);
const secret = booth.scalarFromBytes(booth.fromHex("9b3985dc3d02bf07cc551b39da79a1fb28b4b47706d2c9d8434b0d3dc0cab101", "s"));
const code = booth.credentialCode(booth.scalarToBytes(secret));

test("a ballot from the worker verifies, and an audit opens exactly it", async () => {
  const out = await vote({ setup, code, answers: { reselect: [1] }, audit: true });
  assert.equal(out.ready.fingerprint, booth.toHex(election.fingerprint));
  assert.deepEqual(out.errors, []);
  assert.ok(out.ballot.ok);
  assert.deepEqual(out.ballot.choices, { reselect: [1] });
  booth.verifyBallot(election, out.ballot.ballot);
  assert.equal(out.ballot.ballot.credential, out.credential.credential);
  const spoiled = out.spoiled.spoiled;
  assert.deepEqual(spoiled.contests[0].ciphertexts, out.ballot.ballot.contests[0].ciphertexts);
  assert.deepEqual(booth.openSpoiled(election, spoiled), { reselect: [1] });
  assert.deepEqual(out.spoiled.choices, { reselect: [1] });
  // After the audit every value is encrypted afresh: nothing of the opened ballot is reused.
  booth.verifyBallot(election, out.after.ballot);
  for (const c of out.after.ballot.contests[0].ciphertexts) assert.ok(!spoiled.contests[0].ciphertexts.includes(c));
});

test("an answer that changes re-encrypts; an incomplete contest is reported, not signed", async () => {
  const w = startWorker();
  try {
    w.send({ op: "init", setup });
    await w.next("ready");
    w.send({ op: "credential", code });
    await w.next("credential");
    w.send({ op: "answer", contest: "reselect", marks: [0, 1] });
    w.send({ op: "ballot", request: 1 });
    assert.deepEqual(await w.next("ballot", 1), { op: "ballot", request: 1, ok: false, incomplete: ["reselect"] });
    w.send({ op: "answer", contest: "reselect", marks: [0] });
    w.send({ op: "ballot", request: 2 });
    const first = await w.next("ballot", 2);
    assert.deepEqual(first.choices, { reselect: [0] });
    w.send({ op: "answer", contest: "reselect", marks: [1] });
    w.send({ op: "ballot", request: 3 });
    const second = await w.next("ballot", 3);
    assert.deepEqual(second.choices, { reselect: [1] });
    booth.verifyBallot(election, second.ballot);
    assert.notDeepEqual(first.ballot.contests[0].ciphertexts, second.ballot.contests[0].ciphertexts);
  } finally {
    await w.stop();
  }
});

test("a mistyped credential code is refused before anything is signed", async () => {
  const w = startWorker();
  try {
    w.send({ op: "init", setup });
    await w.next("ready");
    const typo = (code[0] === "A" ? "B" : "A") + code.slice(1);
    w.send({ op: "credential", code: typo });
    const reply = await w.next("credential");
    assert.equal(reply.ok, false);
    assert.equal(reply.problem, "checksum");
    w.send({ op: "credential", code: code.slice(0, 20) });
    assert.equal((await w.next("credential")).problem, "length");
  } finally {
    await w.stop();
  }
});

test("a Setup event changed by one byte gives another fingerprint", async () => {
  const changed = structuredClone(setup);
  changed.body.title += ".";
  assert.notEqual(booth.toHex(booth.electionFromSetup(changed).fingerprint), booth.toHex(election.fingerprint));
});
