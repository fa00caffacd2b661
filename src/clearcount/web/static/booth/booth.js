"use strict";
(() => {
  // src/ballot/codes.ts
  var CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  function crockford(bytes) {
    let out = "";
    let buffer = 0;
    let bits = 0;
    for (const b of bytes) {
      buffer = buffer << 8 | b;
      bits += 8;
      while (bits >= 5) {
        out += CROCKFORD[buffer >> bits - 5 & 31];
        bits -= 5;
      }
      buffer &= (1 << bits) - 1;
    }
    if (bits > 0) out += CROCKFORD[buffer << 5 - bits & 31];
    return out;
  }
  function groups(text2) {
    return (text2.match(/.{1,4}/g) ?? []).join("-");
  }
  function trackingCode(eventHashHex) {
    const bytes = new Uint8Array(20);
    for (let i = 0; i < 20; i++) bytes[i] = parseInt(eventHashHex.slice(2 * i, 2 * i + 2), 16);
    return groups(crockford(bytes));
  }

  // src/booth.ts
  var FALLBACK = {
    loading: "Loading the election…",
    setupFailed: "The election could not be loaded. Reload the page to try again, or vote another way.",
    fingerprintMismatch: "The election's public record does not match the fingerprint on this page. Do not vote here; tell the returning officer.",
    credentialOk: "Credential accepted. It stays on this device.",
    credentialMissing: "Enter your credential first (it is in your email or letter).",
    credentialLength: "A credential has 56 letters and digits (14 groups of 4). Check what you typed.",
    credentialCharacters: "The credential has a character that cannot be in it. Check what you typed.",
    credentialChecksum: "The credential does not check out: a character is mistyped. Compare it with your email or letter.",
    credentialValue: "This is not a valid credential. Compare it with your email or letter.",
    credentialUnlisted: "This credential is not on this election's list of voters. Check that the link or letter is for this election, or ask the returning officer.",
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
    workerMismatch: "This server's encryption program is not the one the election's record names. Do not vote here; tell the returning officer."
  };
  function text(key, values = {}) {
    const holder = document.getElementById("booth-texts");
    let t = holder?.dataset[key] ?? FALLBACK[key] ?? key;
    for (const [name, value] of Object.entries(values)) t = t.split(`{${name}}`).join(String(value));
    return t;
  }
  function byId(id) {
    return document.getElementById(id);
  }
  function status(message) {
    const el = byId("booth-status");
    if (el) el.textContent = message;
  }
  function showError(message) {
    const el = byId("booth-error");
    if (el) el.textContent = message;
  }
  function showSection(id) {
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
    const heading = section.querySelector("h2, legend, h1") ?? section;
    if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
    heading.focus();
    heading.scrollIntoView?.({ block: "start" });
  }
  var worker = null;
  var requests = 0;
  var replies = /* @__PURE__ */ new Map();
  var contests = [];
  var credentialOk = false;
  var ballot = null;
  function send(message) {
    worker?.postMessage(message);
  }
  function ask(op) {
    const request = ++requests;
    return new Promise((resolve) => {
      replies.set(request, resolve);
      send({ op, request });
    });
  }
  function onWorker(message) {
    switch (message.op) {
      case "ready":
        contests = message.contests;
        checkFingerprint(message.fingerprint);
        return;
      case "credential": {
        credentialOk = message.ok;
        const el = byId("credential-status");
        const input = byId("credential-code");
        const key = message.ok ? "credentialOk" : `credential${message.problem[0].toUpperCase()}${message.problem.slice(1)}`;
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
        if (message.kind === "answer") return;
        if (message.request !== void 0) replies.get(message.request)?.(message);
        showError(text(message.kind === "setup" ? "setupFailed" : "workerFailed"));
        return;
    }
  }
  function checkFingerprint(computed) {
    const el = byId("fingerprint");
    const shown = el?.dataset.fingerprint;
    if (shown !== void 0 && shown !== computed) {
      showError(text("fingerprintMismatch"));
      disableVoting();
      return;
    }
    if (el) el.textContent = (computed.slice(0, 32).match(/.{4}/g) ?? []).join(" ");
    status("");
  }
  function disableVoting() {
    for (const b of document.querySelectorAll("#ballot button, #review button, #signin button")) b.disabled = true;
    worker?.terminate();
    worker = null;
  }
  function allFieldsets() {
    return [...document.querySelectorAll("#ballot fieldset[data-contest]")];
  }
  function fieldsets() {
    return allFieldsets().filter((f) => !f.hidden);
  }
  function showScope(ids, scoped) {
    const shown = [];
    for (const fieldset of allFieldsets()) {
      const id = fieldset.dataset.contest ?? "";
      fieldset.hidden = !ids.includes(id);
      if (!fieldset.hidden) shown.push(fieldset.querySelector("legend")?.textContent?.trim() ?? id);
    }
    const el = byId("credential-status");
    if (scoped && el) el.textContent = `${text("credentialOk")} ${text("scopedTo", { contests: shown.join("; ") })}`;
  }
  function readAnswer(fieldset) {
    const min = Number(fieldset.dataset.min ?? "0");
    const max = Number(fieldset.dataset.max ?? "1");
    if (fieldset.dataset.kind === "mixnet") {
      const ranked = [];
      for (const select of fieldset.querySelectorAll("select")) {
        const index = Number(select.name.split(":").pop());
        if (select.value !== "") ranked.push([Number(select.value), index]);
      }
      const ranks = ranked.map(([rank]) => rank);
      if (new Set(ranks).size !== ranks.length) return { marks: [], problem: { key: "rankDuplicate", n: 0 } };
      ranked.sort((a, b) => a[0] - b[0]);
      return { marks: ranked.map(([, index]) => index), problem: null };
    }
    const marks = [...fieldset.querySelectorAll("input:checked")].map((i) => Number(i.value));
    if (marks.length > max) return { marks, problem: { key: "tooMany", n: max } };
    if (marks.length < min) return { marks, problem: { key: "tooFew", n: min } };
    return { marks, problem: null };
  }
  function problemElement(fieldset) {
    let el = fieldset.querySelector(".field-error");
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
  function sendAnswer(fieldset, showTooFew = false) {
    const { marks, problem } = readAnswer(fieldset);
    const shown = problem !== null && (showTooFew || problem.key !== "tooFew");
    const el = problemElement(fieldset);
    el.textContent = shown ? text(problem.key, { n: problem.n }) : "";
    if (problem?.key !== "rankDuplicate") send({ op: "answer", contest: fieldset.dataset.contest ?? "", marks });
    return problem === null;
  }
  function labelFor(fieldset, index) {
    const control = fieldset.querySelector(`[value="${index}"], select[name$=":${index}"]`);
    const label = control?.id ? fieldset.querySelector(`label[for="${control.id}"]`) : null;
    return label?.textContent?.trim() ?? contests.find((c) => c.id === fieldset.dataset.contest)?.candidates[index] ?? String(index + 1);
  }
  function renderChoices(target, choices) {
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
  async function review(event) {
    event.preventDefault();
    showError("");
    if (!credentialOk) {
      showError(text("credentialMissing"));
      byId("credential-code")?.focus();
      return;
    }
    let firstBad = null;
    for (const fieldset of fieldsets()) if (!sendAnswer(fieldset, true) && firstBad === null) firstBad = fieldset;
    if (firstBad !== null) {
      showError(text("fixErrors"));
      firstBad.querySelector("input, select")?.focus();
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
  async function post(path, body) {
    const form = byId("ballot");
    const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? "";
    const response = await fetch(`${form?.dataset.api ?? ""}/${path}`, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", "x-csrf-token": csrf },
      body: JSON.stringify(body)
    });
    let data = {};
    try {
      data = await response.json();
    } catch {
      data = {};
    }
    return { ok: response.ok, status: response.status, data };
  }
  function serverError(data) {
    return typeof data.error === "string" ? data.error : text("network");
  }
  async function audit() {
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
  async function requestCode(event) {
    event.preventDefault();
    showError("");
    const email = byId("signin-email")?.value.trim() ?? "";
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
  async function castBallot(event) {
    event.preventDefault();
    showError("");
    const email = byId("signin-email")?.value.trim() ?? "";
    const code = byId("signin-code")?.value.replace(/\s/g, "") ?? "";
    const member = byId("signin-member")?.value.trim() ?? "";
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
      const body = { email, code, ballot };
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
  function showReceipt(data) {
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
    if (!/^[0-9a-f]{64}$/.test(hash) || trackingCode(hash) !== code) showError(text("receiptMismatch"));
    ballot = null;
    worker?.terminate();
    worker = null;
    showSection("receipt");
  }
  function credentialFromFragment() {
    const fragment = new URLSearchParams(window.location.hash.slice(1));
    const code = fragment.get("c") ?? "";
    if (code) {
      window.history.replaceState(null, "", window.location.pathname + window.location.search);
    }
    return code;
  }
  async function workerMatchesRecord(url, setupEvent) {
    const body = setupEvent.body;
    const pinned = body?.booth?.["booth-worker.js"];
    if (typeof pinned !== "string" || !globalThis.crypto?.subtle) return true;
    const bytes = await (await fetch(url, { credentials: "same-origin" })).arrayBuffer();
    const digest = new Uint8Array(await globalThis.crypto.subtle.digest("SHA-384", bytes));
    let binary = "";
    for (const b of digest) binary += String.fromCharCode(b);
    return pinned === `sha384-${btoa(binary)}`;
  }
  async function start() {
    const form = byId("ballot");
    const script = document.querySelector('script[src$="/booth.js"]');
    if (!form || !form.dataset.api) return;
    const input = byId("credential-code");
    const code = credentialFromFragment();
    if (input && code) input.value = code;
    status(text("loading"));
    form.addEventListener("submit", (event) => void review(event));
    form.addEventListener("change", (event) => {
      const fieldset = event.target.closest("fieldset[data-contest]");
      if (fieldset && credentialOk) sendAnswer(fieldset);
    });
    let typing;
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
    let setupEvent;
    let credentialsEvent = null;
    try {
      const response = await fetch(`${form.dataset.api}/booth`, { credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      const data = await response.json();
      setupEvent = data.setup_event;
      credentialsEvent = data.credentials_event ?? null;
      if (!await workerMatchesRecord(workerUrl, setupEvent)) {
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
    worker.onmessage = (event) => onWorker(event.data);
    worker.onerror = () => showError(text("workerFailed"));
    send({ op: "init", setup: setupEvent, credentials: credentialsEvent });
    const typed = input?.value.trim() ?? "";
    if (typed) send({ op: "credential", code: typed });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => void start());
  else void start();
})();
