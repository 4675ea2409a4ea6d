// Two builds of nixsec compared on one store, in interleaved pairs (which goes
// first alternates), for a change that must not slow rekeys down:
//   node bench/ab-rekey.mjs --before DIR --store DIR [--pairs N] [--full N] [--identity FILE]
// DIR for --before is a checkout of the other build with bin/nixsec.js built
// (e.g. `git archive main | tar -x -C /tmp/before`, node_modules linked,
// `npm run build`); this checkout is "after". --store is a store made by
// `node bench/rekey.mjs --setup-only [--backend sops-nix]` (copied out of
// bench/.work, which the next run of that script removes). Measures the
// no-op `nixsec rekey` (N pairs) and `nixsec rekey --all` (--full pairs,
// with the admin key): wall time, and user+sys CPU of the process from
// /usr/bin/time. Prints each pair and the median of the per-pair ratios
// after/before. Both builds leave the store as they found it (a rekey keeps
// every value and value id), so every run starts alike.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const after = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const before = arg("--before");
const store = arg("--store");
if (!before || !store) {
  console.error("usage: node bench/ab-rekey.mjs --before DIR --store DIR [--pairs N] [--full N] [--identity FILE]");
  process.exit(2);
}
const PAIRS = Number(arg("--pairs", "21"));
const FULL = Number(arg("--full", "7"));
const identity = arg("--identity", path.join(store, "keys/admin1.key"));
// A minimal environment, as in bench/rekey.mjs (no NODE_EXTRA_CA_CERTS read at start-up).
const env = { PATH: process.env.PATH, HOME: path.join(store, "home"), LANG: "C.UTF-8", NO_COLOR: "1" };

// Wall time from this process's clock (sub-millisecond); CPU from /usr/bin/time (10 ms steps).
function measure(build, args) {
  const t = performance.now();
  const r = spawnSync("/usr/bin/time", ["-f", "%U %S", process.execPath, path.join(build, "bin/nixsec.js"), ...args, "--dir", store], { env, encoding: "utf8" });
  const wall = (performance.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`${build}: nixsec ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  const [user, sys] = r.stderr.trim().split("\n").at(-1).split(" ").map(Number);
  return { wall, cpu: user + sys };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function pairs(label, args, n) {
  const rows = [];
  for (let i = 0; i < n; i++) {
    const first = i % 2 ? "after" : "before";
    const runs = {};
    for (const which of first === "before" ? ["before", "after"] : ["after", "before"]) runs[which] = measure(which === "before" ? before : after, args);
    rows.push(runs);
    console.error(`${label} ${i + 1}/${n}: before ${runs.before.wall.toFixed(2)} s (cpu ${runs.before.cpu.toFixed(2)}), after ${runs.after.wall.toFixed(2)} s (cpu ${runs.after.cpu.toFixed(2)})`);
  }
  const ratio = (k) => median(rows.map((r) => r.after[k] / r.before[k]));
  const med = (w, k) => median(rows.map((r) => r[w][k]));
  console.log(`| ${label} | ${n} | ${med("before", "wall").toFixed(3)} s / ${med("before", "cpu").toFixed(2)} s | ${med("after", "wall").toFixed(3)} s / ${med("after", "cpu").toFixed(2)} s | **${ratio("wall").toFixed(2)}** / **${ratio("cpu").toFixed(2)}** |`);
}

console.log("| run | pairs | before: wall / CPU (medians) | after: wall / CPU (medians) | after/before, median of per-pair ratios: wall / CPU |");
console.log("|---|---|---|---|---|");
pairs("no-op `nixsec rekey`", ["rekey"], PAIRS);
if (FULL > 0) pairs("`nixsec rekey --all`", ["rekey", "--all", "-i", identity], FULL);
