// Throughput of the Nix lexer and parser (src/nix) on a directory of .nix files.
//
//   node bench/nix-parse.mjs [DIR] [--runs N]
//
// DIR defaults to the shared torture set plus test/nix/fixtures, which is far
// too small for stable numbers: point it at a real corpus (bench/README.md says
// which one the recorded numbers used). src/nix is bundled with esbuild's API
// into bench/.work/ first, so the benchmark runs the same code the CLI ships.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const runsAt = args.indexOf("--runs");
const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 7;
const dirs = args.length > 0 ? args : [path.resolve(root, "../shared/nix-syntax-torture"), path.join(root, "test/nix/fixtures")];

const outfile = path.join(root, "bench/.work/nix.mjs");
await build({ entryPoints: [path.join(root, "src/nix/index.ts")], outfile, bundle: true, platform: "node", target: "node20", format: "esm", logLevel: "warning" });
const importStart = performance.now();
const { parse, tokenize, walk, NixParseError } = await import(outfile);
const importMs = performance.now() - importStart;

function* nixFiles(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* nixFiles(p);
    else if (e.isFile() && e.name.endsWith(".nix")) yield p;
  }
}
const files = dirs.flatMap((d) => [...nixFiles(d)]);
const sources = files.map((f) => fs.readFileSync(f, "utf8"));
const megabytes = files.reduce((n, f) => n + fs.statSync(f).size, 0) / 1e6;

let parseErrors = 0;
const coldStart = performance.now();
try { parse(sources[0] ?? ""); } catch { /* counted below */ }
const firstFileMs = performance.now() - coldStart;
const tasks = {
  "tokenize (public Token objects)": (s) => tokenize(s),
  "parse (lex + parse)": (s) => {
    try { parse(s); } catch (e) { if (!(e instanceof NixParseError)) throw e; }
  },
  "parse + walk every node": (s) => {
    try { let n = 0; walk(parse(s), () => { n++; }); } catch (e) { if (!(e instanceof NixParseError)) throw e; }
  },
};
const firstPassStart = performance.now();
for (const s of sources) try { parse(s); } catch { parseErrors++; }
const firstPassS = (performance.now() - firstPassStart) / 1000;

const seconds = (fn) => {
  const t = process.hrtime.bigint();
  for (const s of sources) fn(s);
  return Number(process.hrtime.bigint() - t) / 1e9;
};
console.log(`date: ${new Date().toISOString()}`);
console.log(`machine: ${os.cpus()[0]?.model ?? "?"}, ${os.cpus().length} cores, ${os.platform()} ${os.release()}, node ${process.version}`);
console.log(`corpus: ${dirs.join(", ")}: ${files.length} files, ${megabytes.toFixed(2)} MB, ${parseErrors} rejected`);
console.log(`cold: import ${importMs.toFixed(1)} ms, first file ${firstFileMs.toFixed(1)} ms, first pass over the corpus ${(megabytes / firstPassS).toFixed(1)} MB/s`);
for (const [name, fn] of Object.entries(tasks)) {
  const times = Array.from({ length: runs }, () => seconds(fn)).sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(`${name}: median ${median.toFixed(3)} s = ${(megabytes / median).toFixed(1)} MB/s (best ${(megabytes / times[0]).toFixed(1)}, ${runs} runs)`);
}
