"""The catalogue of checks: id, spec section, title, what each recomputes (spec §12).

The ids are stable (a panel's report cites them, the tamper harness expects them); the order is
the order the runner runs and reports them. `docs/verifier.md` and `docs/spec/12-verifier.md`
list the same table; `tests/unit/verifier/test_registry.py` keeps them in step.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CATALOGUE", "CheckSpec", "spec"]


@dataclass(frozen=True, slots=True)
class CheckSpec:
    """One check as documented: `section` is the spec section whose rule it enforces."""

    id: str
    section: str
    title: str
    recomputes: str
    essential: bool = False
    """If it cannot run (skipped), the record is not verified."""


def _spec(
    id_: str, section: str, title: str, recomputes: str, essential: bool = False
) -> CheckSpec:
    return CheckSpec(id_, section, title, recomputes, essential)


CATALOGUE: tuple[CheckSpec, ...] = (
    _spec(
        "V-READ-1",
        "§10.1, §10.3",
        "record readable",
        "the file is a folder, zip or record.jsonl within the size limits; every line is one "
        "canonical RFC 8785 event with a valid envelope",
        True,
    ),
    _spec(
        "V-CHAIN-1",
        "§10.2",
        "hash chain",
        "each event's seq is its position and its prev is the SHA-256 of the canonical bytes "
        "of the event before (64 zeros for event 0)",
        True,
    ),
    _spec(
        "V-SEQ-1",
        "§11",
        "phase order",
        "Setup is event 0 and unique; then one Credentials; Ballot and Spoiled before the one "
        "EndBallots; PaperBatch after Credentials and before counting; EncryptedTally and "
        "Shuffle, then PartialDecryption, then one Result last (Audit anywhere after Setup); "
        "PaperIssue (at most one) and PaperReplacement after Credentials and before EndBallots, "
        "PaperReturns (at most one) after EndBallots and before counting; a complete record has "
        "Credentials, EndBallots and Result",
        True,
    ),
    _spec(
        "V-SCHEMA-1",
        "§11",
        "event bodies well-formed",
        "every body decodes as its type's schema (record.events): fields, types, hex lengths, "
        "canonical points and scalars",
        True,
    ),
    _spec(
        "V-SETUP-1",
        "§11.2",
        "Setup well-formed",
        "contest methods exist in counting.registry and match their kind; candidates distinct; "
        "0 <= min <= max <= candidates; 1 <= t <= trustees; trustee and teller names distinct; "
        "roll counts eligible <= size; every role's key (officer, credential authority, "
        "tellers, trustees' signing and encryption keys) distinct",
        True,
    ),
    _spec(
        "V-TRUSTEE-1",
        "§5.2.1",
        "trustees' coefficient proofs",
        "each trustee publishes t Feldman commitments, each with a Schnorr proof bound to the "
        "trustee, the coefficient and the ceremony context (§11.2.1, not the fingerprint)",
    ),
    _spec(
        "V-TRUSTEE-2",
        "§5.2.4",
        "joint key",
        "joint_key equals the sum of the trustees' constant-term commitments",
    ),
    _spec(
        "V-CEREMONY-1",
        "§11.2.3",
        "ceremony transcript well-formed",
        "one round-1 and one round-2 message per trustee of Setup.trustee_keys, in order, with "
        "its name and the ceremony context; t commitments and one encrypted share per trustee "
        "1..n in each round-1 message; Setup.trustees' commitments and proofs are the signed ones",
        True,
    ),
    _spec(
        "V-CEREMONY-2",
        "§11.2.3",
        "ceremony messages signed",
        "every round-1 and round-2 message's Schnorr signature (purposes ceremony-round1, "
        "ceremony-round2) verifies under its trustee's key in Setup.trustee_keys",
        True,
    ),
    _spec(
        "V-CEREMONY-3",
        "§11.2.3",
        "every share acknowledged",
        "each trustee's round-2 message acknowledges the SHA-256 of every round-1 message as "
        "recorded, and no complaint remains (a complaint's opening is checked and the trustee "
        "at fault named)",
        True,
    ),
    _spec(
        "V-CRED-0",
        "§11.3",
        "credentials vs roll",
        "the public credentials are distinct and sorted, their number equals the roll "
        "commitment's eligible count, their weights are the roll's committed weights (as many "
        "credentials of each weight as eligible members of that weight), and 1 unless a "
        "contest is weighted; in a scoped election each credential names a scope of the roll, "
        "each scope with its committed weights (§10.4.1)",
    ),
    _spec(
        "V-CRED-SIG",
        "§11.3",
        "credentials signed by the authority",
        "the Credentials' Schnorr signature (purpose credential-list) over SHA-256 of the "
        "canonical body without signature verifies under Setup.credential_authority.key",
    ),
    _spec(
        "V-ENTITLED-1",
        "§10.4, §11.9",
        "entitled electorate from the roll",
        "a contest option entitled (the turnout base of a yes-no contest) equals the committed "
        "roll's eligible count (eligible weight if weighted); the recount always takes it from "
        "the roll",
    ),
    _spec(
        "V-CRED-1",
        "§11.4",
        "ballot under a published credential",
        "every Ballot's credential is in the Credentials list",
    ),
    _spec(
        "V-BALLOT-SHAPE",
        "§11.4",
        "ballot matches the contests",
        "every Ballot has each Setup contest once, in order (in a scoped election exactly its "
        "credential's scope's contests, §10.4.1), with one ciphertext per candidate "
        "(homomorphic) or per rank (mixnet), one proof each, and a sum proof where required",
    ),
    _spec(
        "V-BALLOT-SIG",
        "§11.4",
        "ballot signature",
        "the Schnorr credential signature over SHA-256 of the canonical body without "
        "signature verifies under the ballot's credential, with the fingerprint as context",
    ),
    _spec(
        "V-BALLOT-PROOF",
        "§4.4-§4.5, §11.4",
        "ballot proofs",
        "every 0/1 (homomorphic) or [0, k] (mixnet) proof and every [min, max] sum proof "
        "verifies with context = the Setup fingerprint and binding = the credential",
    ),
    _spec(
        "V-CHALLENGE-1",
        "§4.1.4",
        "no re-used challenges",
        "no challenge appears twice across all ballot proofs and signatures on the board",
    ),
    _spec(
        "V-SPOIL-1",
        "§11.5",
        "spoiled ballots open correctly",
        "each Spoiled ciphertext equals Enc(plaintext; nonce) recomputed under the joint key, "
        "and the plaintexts are allowed values",
    ),
    _spec(
        "V-END-1",
        "§11.6",
        "EndBallots counts",
        "EndBallots.ballots equals the number of Ballot events and last_ballot is the hash of "
        "the last one",
    ),
    _spec(
        "V-PAPER-1",
        "§11.6",
        "paper batches",
        "each PaperBatch names a known contest, a channel ranked before online, two distinct "
        "Setup tellers whose Schnorr signatures (purpose paper-batch) over the body without "
        "signatures verify, well-formed papers (weight 1 unless weighted), and cancelled "
        "credentials that are published, distinct and sorted (in a scoped election, each "
        "entitled to the batch's contest, §10.4.1)",
    ),
    _spec(
        "V-CANCEL-1",
        "§11.6",
        "cancellations signed by the authority",
        "every PaperBatch that cancels credentials carries the credential authority's Schnorr "
        "signature (purpose credential-cancellation) over SHA-256 of "
        "JCS({cancelled_credentials}); no credential is cancelled twice",
    ),
    _spec(
        "V-PAPER-2",
        "§11.6",
        "paper within the cancelled credentials",
        "per contest, the total weight of its papers is at most the total weight of the "
        "credentials cancelled with a valid authority signature (their number if the contest "
        "is unweighted; in a scoped election only those entitled to the contest); in a hybrid "
        "ballot with online first, no postal batch cancels a credential that cast a Ballot (no "
        "member counted twice)",
    ),
    _spec(
        "V-POSTAL-1",
        "§11.12.1",
        "voting papers issued",
        "with Setup.postal, exactly one PaperIssue signed by the credential authority as "
        "scrutineer (purpose paper-issue), one paper per eligible member, numbered "
        "consecutively per workplace of Setup.postal in order, one question per contest; each "
        "PaperReplacement signed (purpose paper-replacement), voiding a live paper and taking "
        "the next number; no online Ballot in a postal-only ballot",
    ),
    _spec(
        "V-POSTAL-2",
        "§11.12.2",
        "paper returns",
        "one PaperReturns signed by two Setup tellers (purpose paper-returns); every listed "
        "number issued and listed once, voided exactly when replaced; the postal PaperBatches "
        "follow it and hold, per contest and workplace, exactly the counted papers not "
        "superseded",
    ),
    _spec(
        "V-SELECT-1",
        "§11.4, §11.6",
        "counted ballots",
        "the counted set is recomputed: the last Ballot per credential, none whose credential "
        "a PaperBatch cancelled (channel precedence)",
    ),
    _spec(
        "V-TALLY-1",
        "§11.7",
        "encrypted tally",
        "each EncryptedTally ciphertext equals the recomputed sum of the counted ballots' "
        "ciphertexts plus the trivial encryption of the paper count",
    ),
    _spec(
        "V-SHUFFLE-1",
        "§6.5, §11.8",
        "shuffles",
        "per mixnet contest, at least t Shuffles by distinct trustees; the first input is the "
        "counted ballots then the paper rankings as trivial encryptions, each later input the "
        "previous output; every shuffle proof verifies",
    ),
    _spec(
        "V-SHUFFLE-SIG",
        "§11.8",
        "shuffles signed by their trustees",
        "each Shuffle's Schnorr signature (purpose shuffle) over SHA-256 of the canonical body "
        "without signature verifies under the named trustee's key in Setup.trustee_keys",
    ),
    _spec(
        "V-DECRYPT-1",
        "§4.3.3, §5.3, §11.9",
        "partial decryptions",
        "each trustee's ONE batched Chaum-Pedersen proof per contest (RFC 9497 §2.2.1: "
        "coefficients hashed from the whole statement, composites M = Σ d_i·pad_i and "
        "Z = Σ d_i·share_i, one DLEQ proof) verifies against the trustee's verification key "
        "recomputed from the Feldman commitments, over every tally ciphertext or every "
        "component of the last shuffle's output in order; a single wrong, swapped, missing or "
        "replayed share fails that trustee's batch",
    ),
    _spec(
        "V-DECRYPT-SIG",
        "§11.9",
        "partial decryptions signed by their trustees",
        "each PartialDecryption's Schnorr signature (purpose partial-decryption) over SHA-256 of "
        "the canonical body without signature verifies under the named trustee's key in "
        "Setup.trustee_keys",
    ),
    _spec(
        "V-DECRYPT-2",
        "§5.4, §11.9",
        "enough trustees",
        "at least t distinct known trustees decrypted every contest",
    ),
    _spec(
        "V-DECRYPT-3",
        "§3.6, §5.4",
        "combined plaintexts",
        "Lagrange-combine t shares, take the bounded discrete log; every value is within its "
        "bound (tallies <= counted ballots + paper; ranks in [0, k])",
    ),
    _spec(
        "V-RESULT-1",
        "§11.9",
        "declared tallies",
        "the Result's tallies (homomorphic) or rankings (mixnet) equal the decrypted values",
    ),
    _spec(
        "V-RESULT-2",
        "§11.9, §11.9.2",
        "declared count",
        "recount the decrypted ballots with counting.registry.count under the contest's method "
        "and options: the numbers and decisions (§11.9.2: elected list, every stage's tallies, "
        "elected and excluded, the outcome's booleans, integers, exact numbers and candidate "
        "names) equal the declared result's; wording is not compared",
    ),
    _spec(
        "V-WORKPLACE-1",
        "§11.12.3",
        "workplace results",
        "in a ballot with workplaces (aggregation separate or aggregate) each Result contest "
        "lists every workplace of "
        "Setup.postal in order; its entitled, papers and tallies are those of its postal "
        "batches, and its count's numbers and decisions equal a recount with entitled = the "
        "workplace's electorate",
    ),
)


def spec(check_id: str) -> CheckSpec:
    for item in CATALOGUE:
        if item.id == check_id:
            return item
    raise KeyError(f"no verifier check {check_id!r}")
