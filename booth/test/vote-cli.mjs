// For the Python cross-checks (tests/booth): reads {setup, code, answers, audit} as JSON on stdin,
// votes through the shipped worker bundle and prints what it produced as JSON.
import { vote } from "./worker-harness.mjs";

let input = "";
for await (const chunk of process.stdin) input += chunk;
process.stdout.write(JSON.stringify(await vote(JSON.parse(input))) + "\n");
