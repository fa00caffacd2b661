// Reads the known-answer vectors of docs/spec/90-vectors.md (the normative appendix) into
// { "§90.4.1": Map(name -> value), ... } so the tests check the booth against the spec's text.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = join(here, "..", "..");

export function specVectors() {
  const text = readFileSync(join(repoRoot, "docs", "spec", "90-vectors.md"), "utf8");
  const sections = {};
  let current = null;
  let inBlock = false;
  for (const line of text.split("\n")) {
    const heading = line.match(/^### (§90\.[0-9.]+) /);
    if (heading) {
      current = heading[1];
      sections[current] = new Map();
    } else if (line === "```vector") {
      inBlock = true;
    } else if (line === "```") {
      inBlock = false;
    } else if (inBlock && current) {
      const at = line.indexOf(" =");
      sections[current].set(line.slice(0, at), line.slice(at + 2).trimStart());
    }
  }
  return sections;
}
