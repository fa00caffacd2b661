// For the Python cross-checks (tests/booth): reads {setup, secret, choices, seed} (hex secret and
// seed) as JSON on stdin and prints {ballot, spoiled, code}: the booth's make_ballot with
// seeded_scalars(seed) (spec §1.7, known answers only), its openings, and the credential code.
import * as booth from "../dist/booth-node.mjs";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const { setup, secret, choices, seed } = JSON.parse(input);
const election = booth.electionFromSetup(setup);
const s = booth.scalarFromBytes(booth.fromHex(secret, "secret", 32));
const credential = booth.credentialFromSecret(s);
const rng = booth.seededScalars(booth.fromHex(seed, "seed"));
const { ballot, contests } = booth.makeBallot(election, choices, credential, rng);
const spoiled = booth.spoiledBody(contests);
process.stdout.write(JSON.stringify({ ballot, spoiled, code: booth.credentialCode(booth.scalarToBytes(s)) }) + "\n");
