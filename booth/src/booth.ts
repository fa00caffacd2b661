/**
 * The booth page's controller (WEB_CONTRACT.md "The booth"; docs/web/booth.md).
 *
 * The server renders the whole page (ballot form, review, audit, sign-in and receipt sections, and
 * every text, so all of it is translated); this script reads the credential from the link's
 * fragment, starts the worker that encrypts each answer as it is given, and moves the voter
 * through review, the optional audit, sign-in and cast. Focus moves to each section's heading,
 * status goes to an aria-live region, ranking is by selects (no drag-and-drop).
 */

import { trackingCode } from "./ballot/codes.js";
import type { BallotBody } from "./ballot/casting.js";
import type { ContestInfo, FromWorker, ToWorker } from "./protocol.js";

// ---- texts: from the server-rendered #booth-texts (data-*), English only as a fallback ----

const FALLBACK: Record<string, string> = {
  loading: "Loading the election…",
  setupFailed: "The election could not be loaded. Reload the page to try again, or vote another way.",
  fingerprintMismatch:
    "The election's public record does not match the fingerprint on this page. Do not vote here; tell the returning officer.",
  credentialOk: "Credential accepted. It stays on this device.",
  credentialMissing: "Enter your credential first (it is in your email or letter).",
  credentialLength: "A credential has 56 letters and digits (14 groups of 4). Check what you typed.",
  credentialCharacters: "The credential has a character that cannot be in it. Check what you typed.",
  credentialChecksum: "The credential does not check out: a character is mistyped. Compare it with your email or letter.",
  credentialValue: "This is not a valid credential. Compare it with your email or letter.",
  credentialUnlisted:
    "This credential is not on this election's list of voters. Check that the link or letter is for this election, or ask the returning officer.",
  scopedTo: "You vote in: {contests}. The other questions are for other members.",
  encrypting: "Encrypting your ballot on this device…",
  encrypted: "Your ballot is encrypted and ready.",
  tooMany: "You have chosen too many: choose at most {n}.",
  tooFew: "Choose at least {n}.",
  rankDuplicate: "Each number can be given to one candidate only.",
  fixErrors: "Some answers need changing before you can continue. They are marked.",
  noChoice: "No choice (left blank)",
  auditing: "Opening and publishing the audited ballot…",
  auditFailed: "The audited ballot could not be published. It is void all the same: vote again.",
  codeSending: "Asking for a sign-in code…",
  codeSent: "If this address belongs to a member who can vote in this election, a 6-digit code is on its way. It works for 10 minutes.",
  emailMissing: "Enter your email address.",
  codeMissing: "Enter the 6-digit code from the email.",
  casting: "Casting your vote…",
  castAt: "Cast at {time}.",
  revote: "It replaces your earlier online ballot.",
  receiptMismatch: "The server's receipt does not match its own record entry. Write down the tracking code and tell the returning officer.",
  network: "The server could not be reached. Check your connection and try again.",
  workerFailed: "Your device could not encrypt the ballot. Try another browser, or vote another way.",
  workerMismatch:
    "This server's encryption program is not the one the election's record names. Do not vote here; tell the returning officer.",
};

function text(key: string, values: Record<string, string | number> = {}): string {
  const holder = document.getElementById("booth-texts");
  let t = holder?.dataset[key] ?? FALLBACK[key] ?? key;
  for (const [name, value] of Object.entries(values)) t = t.split(`{${name}}`).join(String(value));
  return t;
}

// ---- small DOM helpers ----

function byId<T extends HTMLElement = HTMLElement>(id: string): T | null {
  return document.getElementById(id) as T | null;
}

/** The live regions are in the page from load, empty and never hidden: a region that is
 * unhidden (or added) together with its text may not be announced by a screen reader. */
function status(message: string): void {
  const el = byId("booth-status");
  if (el) el.textContent = message;
}

function showError(message: string): void {
  const el = byId("booth-error");
  if (el) el.textContent = message;
}

/** Show one of the page's steps and move focus to its heading (screen readers announce it). */
function showSection(id: string): void {
  for (const other of ["review", "audit", "signin", "receipt"]) {
    const el = byId(other);
    if (el) el.hidden = other !== id;
  }
  const form = byId("ballot");
  const credential = byId("credential");
  const onForm = id === "ballot";
  if (form) form.hidden = !onForm;
  if (credential) credential.hidden = !onForm;
  const section = byId(id);
  if (!section) return;
  section.hidden = false;
  const heading = section.querySelector<HTMLElement>("h2, legend, h1") ?? section;
  if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
  heading.focus();
  heading.scrollIntoView?.({ block: "start" });
}

// ---- the worker ----

let worker: Worker | null = null;
let requests = 0;
const replies = new Map<number, (message: FromWorker) => void>();
let contests: ContestInfo[] = [];
let credentialOk = false;
let ballot: BallotBody | null = null;

function send(message: ToWorker): void {
  worker?.postMessage(message);
}

function ask(op: "ballot" | "audit"): Promise<FromWorker> {
  const request = ++requests;
  return new Promise((resolve) => {
    replies.set(request, resolve);
    send({ op, request });
  });
}

function onWorker(message: FromWorker): void {
  switch (message.op) {
    case "ready":
      contests = message.contests;
      checkFingerprint(message.fingerprint);
      return;
    case "credential": {
      credentialOk = message.ok;
      const el = byId("credential-status");
      const input = byId<HTMLInputElement>("credential-code");
      const key = message.ok ? "credentialOk" : `credential${message.problem[0]!.toUpperCase()}${message.problem.slice(1)}`;
      if (el) el.textContent = text(key);
      input?.setAttribute("aria-invalid", message.ok ? "false" : "true");
      if (message.ok) {
        showScope(message.contests, message.scoped);
        for (const fieldset of fieldsets()) sendAnswer(fieldset);
      }
      return;
    }
    case "progress":
      return;
    case "ballot":
    case "spoiled": {
      const resolve = replies.get(message.request);
      replies.delete(message.request);
      resolve?.(message);
      return;
    }
    case "error":
      if (message.kind === "answer") return; // the page shows its own per-question message
      if (message.request !== undefined) replies.get(message.request)?.(message);
      showError(text(message.kind === "setup" ? "setupFailed" : "workerFailed"));
      return;
  }
}

function checkFingerprint(computed: string): void {
  const el = byId("fingerprint");
  const shown = el?.dataset.fingerprint;
  if (shown !== undefined && shown !== computed) {
    showError(text("fingerprintMismatch"));
    disableVoting();
    return;
  }
  if (el) el.textContent = (computed.slice(0, 32).match(/.{4}/g) ?? []).join(" ");
  status("");
}

function disableVoting(): void {
  for (const b of document.querySelectorAll<HTMLButtonElement>("#ballot button, #review button, #signin button")) b.disabled = true;
  worker?.terminate();
  worker = null;
}

// ---- the ballot form ----

function allFieldsets(): HTMLFieldSetElement[] {
  return [...document.querySelectorAll<HTMLFieldSetElement>("#ballot fieldset[data-contest]")];
}

/** The questions this credential answers (hidden ones are other members' contests, §10.4.1). */
function fieldsets(): HTMLFieldSetElement[] {
  return allFieldsets().filter((f) => !f.hidden);
}

/** Show only the credential's contests; in a scoped election say which they are. */
function showScope(ids: readonly string[], scoped: boolean): void {
  const shown: string[] = [];
  for (const fieldset of allFieldsets()) {
    const id = fieldset.dataset.contest ?? "";
    fieldset.hidden = !ids.includes(id);
    if (!fieldset.hidden) shown.push(fieldset.querySelector("legend")?.textContent?.trim() ?? id);
  }
  const el = byId("credential-status");
  if (scoped && el) el.textContent = `${text("credentialOk")} ${text("scopedTo", { contests: shown.join("; ") })}`;
}

interface Problem {
  key: "rankDuplicate" | "tooMany" | "tooFew";
  n: number;
}

/** The marks (homomorphic) or ranking (mixnet) the fieldset says, and what is wrong with it. */
function readAnswer(fieldset: HTMLFieldSetElement): { marks: number[]; problem: Problem | null } {
  const min = Number(fieldset.dataset.min ?? "0");
  const max = Number(fieldset.dataset.max ?? "1");
  if (fieldset.dataset.kind === "mixnet") {
    const ranked: [number, number][] = [];
    for (const select of fieldset.querySelectorAll<HTMLSelectElement>("select")) {
      const index = Number(select.name.split(":").pop());
      if (select.value !== "") ranked.push([Number(select.value), index]);
    }
    const ranks = ranked.map(([rank]) => rank);
    if (new Set(ranks).size !== ranks.length) return { marks: [], problem: { key: "rankDuplicate", n: 0 } };
    // Gaps (1, 2, 4) keep their order: the ballot records the ranking, not the numbers.
    ranked.sort((a, b) => a[0] - b[0]);
    return { marks: ranked.map(([, index]) => index), problem: null };
  }
  const marks = [...fieldset.querySelectorAll<HTMLInputElement>("input:checked")].map((i) => Number(i.value));
  if (marks.length > max) return { marks, problem: { key: "tooMany", n: max } };
  if (marks.length < min) return { marks, problem: { key: "tooFew", n: min } };
  return { marks, problem: null };
}

/** The fieldset's live region for its problem (the page renders one, empty, per fieldset). */
function problemElement(fieldset: HTMLFieldSetElement): HTMLElement {
  let el = fieldset.querySelector<HTMLElement>(".field-error");
  if (!el) {
    el = document.createElement("p");
    el.className = "field-error";
    el.id = `error-${fieldset.dataset.contest}`;
    el.setAttribute("aria-live", "polite");
    fieldset.querySelector("legend")?.after(el);
    const described = fieldset.getAttribute("aria-describedby");
    fieldset.setAttribute("aria-describedby", described ? `${described} ${el.id}` : el.id);
  }
  return el;
}

/** Send the fieldset's answer to the worker; show what is wrong ("too few" only when asked). */
function sendAnswer(fieldset: HTMLFieldSetElement, showTooFew = false): boolean {
  const { marks, problem } = readAnswer(fieldset);
  const shown = problem !== null && (showTooFew || problem.key !== "tooFew");
  const el = problemElement(fieldset);
  el.textContent = shown ? text(problem.key, { n: problem.n }) : "";
  if (problem?.key !== "rankDuplicate") send({ op: "answer", contest: fieldset.dataset.contest ?? "", marks });
  return problem === null;
}

function labelFor(fieldset: HTMLFieldSetElement, index: number): string {
  const control = fieldset.querySelector<HTMLElement>(`[value="${index}"], select[name$=":${index}"]`);
  const label = control?.id ? fieldset.querySelector(`label[for="${control.id}"]`) : null;
  return label?.textContent?.trim() ?? contests.find((c) => c.id === fieldset.dataset.contest)?.candidates[index] ?? String(index + 1);
}

/** A definition list of each question and its choices, for review and for the audit. */
function renderChoices(target: HTMLElement | null, choices: Record<string, number[]>): void {
  if (!target) return;
  target.replaceChildren();
  const list = document.createElement("dl");
  for (const fieldset of fieldsets()) {
    const id = fieldset.dataset.contest ?? "";
    const term = document.createElement("dt");
    term.textContent = fieldset.querySelector("legend")?.textContent?.trim() ?? id;
    const detail = document.createElement("dd");
    const marks = choices[id] ?? [];
    if (marks.length === 0) detail.textContent = text("noChoice");
    else if (fieldset.dataset.kind === "mixnet") {
      const ol = document.createElement("ol");
      for (const m of marks) {
        const li = document.createElement("li");
        li.textContent = labelFor(fieldset, m);
        ol.append(li);
      }
      detail.append(ol);
    } else detail.textContent = marks.map((m) => labelFor(fieldset, m)).join(", ");
    list.append(term, detail);
  }
  target.append(list);
}

// ---- the steps ----

async function review(event: Event): Promise<void> {
  event.preventDefault();
  showError("");
  if (!credentialOk) {
    showError(text("credentialMissing"));
    byId("credential-code")?.focus();
    return;
  }
  let firstBad: HTMLFieldSetElement | null = null;
  for (const fieldset of fieldsets()) if (!sendAnswer(fieldset, true) && firstBad === null) firstBad = fieldset;
  if (firstBad !== null) {
    showError(text("fixErrors"));
    firstBad.querySelector<HTMLElement>("input, select")?.focus();
    return;
  }
  status(text("encrypting"));
  const reply = await ask("ballot");
  if (reply.op !== "ballot" || !reply.ok) {
    status("");
    showError(text("fixErrors"));
    return;
  }
  ballot = reply.ballot;
  status(text("encrypted"));
  renderChoices(byId("review-choices"), reply.choices);
  showSection("review");
}

async function post(path: string, body: unknown): Promise<{ ok: boolean; status: number; data: Record<string, unknown> }> {
  const form = byId("ballot");
  const csrf = document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? "";
  const response = await fetch(`${form?.dataset.api ?? ""}/${path}`, {
    method: "POST",
    credentials: "same-origin",
    headers: { "content-type": "application/json", "x-csrf-token": csrf },
    body: JSON.stringify(body),
  });
  let data: Record<string, unknown> = {};
  try {
    data = (await response.json()) as Record<string, unknown>;
  } catch {
    data = {};
  }
  return { ok: response.ok, status: response.status, data };
}

/** The server's refusal: one sentence in the page's language (the `lang` cookie or the
 * browser's Accept-Language go with the request; `web.errors.sentence`). */
function serverError(data: Record<string, unknown>): string {
  return typeof data.error === "string" ? data.error : text("network");
}

async function audit(): Promise<void> {
  showError("");
  status(text("auditing"));
  const reply = await ask("audit");
  ballot = null;
  if (reply.op !== "spoiled") {
    status("");
    showError(text("workerFailed"));
    return;
  }
  renderChoices(byId("audit-choices"), reply.choices);
  try {
    const answer = await post("challenge", { spoiled: reply.spoiled });
    if (!answer.ok) showError(`${text("auditFailed")} ${serverError(answer.data)}`);
  } catch {
    showError(text("auditFailed"));
  }
  status("");
  showSection("audit");
}

async function requestCode(event: Event): Promise<void> {
  event.preventDefault();
  showError("");
  const email = byId<HTMLInputElement>("signin-email")?.value.trim() ?? "";
  if (!email) {
    showError(text("emailMissing"));
    byId("signin-email")?.focus();
    return;
  }
  status(text("codeSending"));
  try {
    const answer = await post("code", { email });
    if (!answer.ok) {
      status("");
      showError(serverError(answer.data));
      return;
    }
    status(text("codeSent"));
    byId("signin-code")?.focus();
  } catch {
    status("");
    showError(text("network"));
  }
}

async function castBallot(event: Event): Promise<void> {
  event.preventDefault();
  showError("");
  const email = byId<HTMLInputElement>("signin-email")?.value.trim() ?? "";
  const code = byId<HTMLInputElement>("signin-code")?.value.replace(/\s/g, "") ?? "";
  const member = byId<HTMLInputElement>("signin-member")?.value.trim() ?? "";
  if (!email) {
    showError(text("emailMissing"));
    byId("signin-email")?.focus();
    return;
  }
  if (!code) {
    showError(text("codeMissing"));
    byId("signin-code")?.focus();
    return;
  }
  if (ballot === null) return;
  status(text("casting"));
  try {
    const body: Record<string, unknown> = { email, code, ballot };
    if (member) body.member_id = member;
    const answer = await post("cast", body);
    status("");
    if (!answer.ok) {
      showError(serverError(answer.data));
      if (answer.data.kind === "member_id_needed") {
        const field = byId("signin-member-field");
        if (field) field.hidden = false;
        byId("signin-member")?.focus();
      }
      return;
    }
    showReceipt(answer.data);
  } catch {
    status("");
    showError(text("network"));
  }
}

function showReceipt(data: Record<string, unknown>): void {
  const code = String(data.tracking_code ?? "");
  const hash = String(data.event_hash ?? "");
  const el = byId("tracking-code");
  if (el) el.textContent = code;
  const details = byId("receipt-details");
  if (details) {
    const time = typeof data.cast_at_text === "string" ? data.cast_at_text : String(data.cast_at ?? "");
    const parts = [text("castAt", { time })];
    if (data.revote === true) parts.push(text("revote"));
    details.textContent = parts.join(" ");
  }
  // The tracking code is the event hash's first 160 bits (spec §11.4): check the server's sums.
  if (!/^[0-9a-f]{64}$/.test(hash) || trackingCode(hash) !== code) showError(text("receiptMismatch"));
  ballot = null;
  worker?.terminate();
  worker = null;
  showSection("receipt");
}

// ---- start ----

function credentialFromFragment(): string {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const code = fragment.get("c") ?? "";
  if (code) {
    // Out of the address bar and the history, so it is not shared or bookmarked by accident.
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
  }
  return code;
}

/**
 * The worker script cannot carry an `integrity` attribute, so the page compares its bytes with the
 * SRI value the election's Setup pins (`setup_event.body.booth`, spec §11.2) before starting it.
 * It catches a server serving another worker than the record names (a stale or altered install),
 * not one that serves different bytes to two requests. Needs SubtleCrypto (https or loopback).
 */
async function workerMatchesRecord(url: string, setupEvent: unknown): Promise<boolean> {
  const body = (setupEvent as { body?: { booth?: Record<string, unknown> } }).body;
  const pinned = body?.booth?.["booth-worker.js"];
  if (typeof pinned !== "string" || !globalThis.crypto?.subtle) return true;
  const bytes = await (await fetch(url, { credentials: "same-origin" })).arrayBuffer();
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest("SHA-384", bytes));
  let binary = "";
  for (const b of digest) binary += String.fromCharCode(b);
  return pinned === `sha384-${btoa(binary)}`;
}

async function start(): Promise<void> {
  const form = byId<HTMLFormElement>("ballot");
  const script = document.querySelector<HTMLScriptElement>('script[src$="/booth.js"]');
  if (!form || !form.dataset.api) return;
  const input = byId<HTMLInputElement>("credential-code");
  const code = credentialFromFragment();
  if (input && code) input.value = code;
  status(text("loading"));

  form.addEventListener("submit", (event) => void review(event));
  form.addEventListener("change", (event) => {
    const fieldset = (event.target as HTMLElement).closest<HTMLFieldSetElement>("fieldset[data-contest]");
    if (fieldset && credentialOk) sendAnswer(fieldset);
  });
  let typing: ReturnType<typeof setTimeout> | undefined;
  input?.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => send({ op: "credential", code: input.value }), 300);
  });
  byId("continue-button")?.addEventListener("click", () => showSection("signin"));
  byId("change-button")?.addEventListener("click", () => showSection("ballot"));
  byId("audit-button")?.addEventListener("click", () => void audit());
  byId("vote-again-button")?.addEventListener("click", () => showSection("ballot"));
  byId("code-form")?.addEventListener("submit", (event) => void requestCode(event));
  byId("cast-form")?.addEventListener("submit", (event) => void castBallot(event));

  const workerUrl = script ? new URL("booth-worker.js", script.src).href : "/static/booth/booth-worker.js";
  let setupEvent: unknown;
  let credentialsEvent: unknown = null;
  try {
    const response = await fetch(`${form.dataset.api}/booth`, { credentials: "same-origin" });
    if (!response.ok) throw new Error(String(response.status));
    const data = (await response.json()) as { setup_event: unknown; credentials_event?: unknown };
    setupEvent = data.setup_event;
    credentialsEvent = data.credentials_event ?? null;
    if (!(await workerMatchesRecord(workerUrl, setupEvent))) {
      status("");
      showError(text("workerMismatch"));
      disableVoting();
      return;
    }
  } catch {
    status("");
    showError(text("setupFailed"));
    return;
  }
  worker = new Worker(workerUrl);
  worker.onmessage = (event: MessageEvent<FromWorker>) => onWorker(event.data);
  worker.onerror = () => showError(text("workerFailed"));
  send({ op: "init", setup: setupEvent, credentials: credentialsEvent });
  const typed = input?.value.trim() ?? "";
  if (typed) send({ op: "credential", code: typed });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => void start());
else void start();
