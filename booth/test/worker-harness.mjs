// Runs the SHIPPED worker bundle (src/clearcount/web/static/booth/booth-worker.js, the bytes the
// server serves) in a Node worker thread, with the Web Worker globals it uses (postMessage,
// onmessage, crypto.getRandomValues, setTimeout), so tests drive exactly what a browser runs.
import { Worker } from "node:worker_threads";
import { join } from "node:path";

import { repoRoot } from "./spec-vectors.mjs";

export const workerBundle = join(repoRoot, "src", "clearcount", "web", "static", "booth", "booth-worker.js");

const shim = `
const { parentPort, workerData } = require("node:worker_threads");
const { readFileSync } = require("node:fs");
const vm = require("node:vm");
globalThis.postMessage = (message) => parentPort.postMessage(message);
parentPort.on("message", (data) => globalThis.onmessage({ data }));
vm.runInThisContext(readFileSync(workerData.bundle, "utf8"), { filename: "booth-worker.js" });
`;

export function startWorker(bundle = workerBundle) {
  const worker = new Worker(shim, { eval: true, workerData: { bundle } });
  const inbox = [];
  const waiters = [];
  worker.on("message", (message) => {
    const i = waiters.findIndex((w) => w.match(message));
    if (i >= 0) waiters.splice(i, 1)[0].resolve(message);
    else inbox.push(message);
  });
  worker.on("error", (error) => {
    for (const w of waiters.splice(0)) w.reject(error);
  });
  return {
    send: (message) => worker.postMessage(message),
    /** The next message with this op, or one of these ops (and, when given, this request number). */
    next(op, request) {
      const ops = Array.isArray(op) ? op : [op];
      const match = (m) => ops.includes(m.op) && (request === undefined || m.request === request);
      const i = inbox.findIndex(match);
      if (i >= 0) return Promise.resolve(inbox.splice(i, 1)[0]);
      return new Promise((resolve, reject) => waiters.push({ match, resolve, reject }));
    },
    errors: () => inbox.filter((m) => m.op === "error"),
    stop: () => worker.terminate(),
  };
}

/**
 * One voter's session: load the election (Setup, and the Credentials event when given), the credential, the answers, a ballot; with `audit`,
 * open that ballot (Benaloh) and make a fresh one. Returns what the page would get.
 */
export async function vote({ setup, credentials = null, code, answers, audit = false }) {
  const w = startWorker();
  try {
    w.send({ op: "init", setup, credentials });
    const ready = await w.next(["ready", "error"]);
    if (ready.op === "error") return { ready };
    w.send({ op: "credential", code });
    const credential = await w.next("credential");
    if (!credential.ok) return { ready, credential };
    for (const [contest, marks] of Object.entries(answers)) w.send({ op: "answer", contest, marks });
    w.send({ op: "ballot", request: 1 });
    const first = await w.next("ballot", 1);
    const out = { ready, credential, ballot: first };
    if (audit && first.ok) {
      w.send({ op: "audit", request: 2 });
      out.spoiled = await w.next("spoiled", 2);
      w.send({ op: "ballot", request: 3 });
      out.after = await w.next("ballot", 3);
    }
    out.errors = w.errors();
    return out;
  } finally {
    await w.stop();
  }
}
