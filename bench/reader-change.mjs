// A change of one reader on every file: `nixsec host set-key host0` (a
// reinstalled host that reads all 1000 secrets), on stores from
// `node bench/rekey.mjs --setup-only [--backend sops-nix]`, interleaved:
//   node bench/reader-change.mjs --store NAME=DIR [--store NAME=DIR…] [--runs N]
// Each run moves host0 to the other of two keys, so every run rewrites every
// file: an age file anew (all its stanzas), a sops file's entry for host0
// only (the data key re-wrapped for that reader; the other entries kept).
// Prints the median wall time of the whole command per store.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const nixsec = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "bin/nixsec.js");
const stores = process.argv.flatMap((a, i) => (process.argv[i - 1] === "--store" ? [a.split("=")] : []));
const runsAt = process.argv.indexOf("--runs");
const RUNS = runsAt >= 0 ? Number(process.argv[runsAt + 1]) : 7;
if (stores.length === 0) {
  console.error("usage: node bench/reader-change.mjs --store NAME=DIR [--store NAME=DIR…] [--runs N]");
  process.exit(2);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const times = new Map(stores.map(([name]) => [name, []]));
const keys = new Map();
for (const [name, dir] of stores) {
  const k = path.join(dir, "keys", "host0-b");
  if (!existsSync(k)) execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "root@host0-b", "-f", k]);
  // The key host0 has now first: each run moves it to the other one.
  const pair = [path.join(dir, "keys", "host0.pub"), `${k}.pub`];
  const now = readFileSync(path.join(dir, "nixsec.yaml"), "utf8");
  keys.set(name, now.includes(readFileSync(pair[0], "utf8").trim().split(" ")[1]) ? pair : pair.reverse());
}
for (let i = 0; i < RUNS; i++) {
  for (const [name, dir] of i % 2 ? [...stores].reverse() : stores) {
    const env = { PATH: process.env.PATH, HOME: path.join(dir, "home"), LANG: "C.UTF-8", NO_COLOR: "1" };
    const t = performance.now();
    const r = spawnSync(process.execPath, [nixsec, "host", "set-key", "host0", "--key-file", keys.get(name)[(i + 1) % 2], "-i", path.join(dir, "keys/admin1.key"), "--dir", dir], { env, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${name}: ${r.stderr}`);
    if (!/re-encrypted 1000 files/.test(r.stderr)) throw new Error(`${name}: expected every file rewritten: ${r.stderr}`);
    times.get(name).push((performance.now() - t) / 1000);
  }
}
for (const [name, ts] of times) console.log(`| ${name} | ${RUNS} | ${median(ts).toFixed(2)} s (${Math.min(...ts).toFixed(2)}–${Math.max(...ts).toFixed(2)} s) |`);
