// Builds the booth's bundles byte for byte reproducibly (issue 9, docs/web/booth.md):
//   ../src/clearcount/web/static/booth/{booth.js, booth-worker.js, manifest.json}
// and, for the Node tests only (not committed), dist/booth-node.mjs.
// Fixed esbuild options, no timestamps, no absolute paths, no source maps; the manifest's keys
// are sorted and each value is the bundle's SRI hash (sha384, base64).
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const staticDir = join(here, "..", "src", "clearcount", "web", "static", "booth");

const common = {
  absWorkingDir: here,
  bundle: true,
  write: false,
  charset: "utf8",
  legalComments: "inline",
  minify: false,
  sourcemap: false,
  treeShaking: true,
  logLevel: "warning",
};

async function bundle(entry, options) {
  const result = await build({ ...common, entryPoints: [entry], ...options });
  return result.outputFiles[0].contents;
}

const browser = { format: "iife", platform: "browser", target: ["es2020"] };
const outputs = {
  "booth.js": await bundle("src/booth.ts", browser),
  "booth-worker.js": await bundle("src/booth-worker.ts", browser),
};

const only = process.argv.includes("--node-only");
if (!only) {
  mkdirSync(staticDir, { recursive: true });
  const manifest = {};
  for (const name of Object.keys(outputs).sort()) {
    writeFileSync(join(staticDir, name), outputs[name]);
    manifest[name] = "sha384-" + createHash("sha384").update(outputs[name]).digest("base64");
  }
  writeFileSync(join(staticDir, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
}

const node = await bundle("src/node.ts", { format: "esm", platform: "node", target: ["node20"] });
mkdirSync(join(here, "dist"), { recursive: true });
writeFileSync(join(here, "dist", "booth-node.mjs"), node);
