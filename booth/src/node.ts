/** The booth's crypto as one ES module for the Node tests (booth/test) and the Python cross-checks. */

export * from "./ballot/casting.js";
export * from "./ballot/codes.js";
export * from "./ballot/credential.js";
export * from "./ballot/verify.js";
export * from "./crypto/bytes.js";
export * from "./crypto/elgamal.js";
export * from "./crypto/group.js";
export * from "./crypto/proofs.js";
export * from "./crypto/transcript.js";
export * from "./record/election.js";
export * from "./record/jcs.js";
