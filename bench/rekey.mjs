// Benchmark: `nixsec rekey` on 1000 secrets × 20 ssh-ed25519 hosts + 2 admins.
//   node bench/rekey.mjs [--secrets N] [--loop-files N] [--backend sops-nix] [--setup-only]
// With --backend sops-nix the store is sops files (the hosts on sops-nix,
// their keys converted to age), and the agenix-style loop is left out.
// (needs age, age-keygen, ssh-keygen, nix-instantiate, jq)
//
// 1. full rekey: `nixsec rekey --all` as a whole CLI process, with the default
//    thread count and with --jobs 1;
// 2. the agenix-style loop on the same files, as agenix -r does it: per file,
//    `nix-instantiate --eval` of the rules file for its keys, `age -d`,
//    `age -e` to those keys (a bash loop, like agenix's own script);
// 3. the native X25519 floor: only the X25519 operations a full rekey needs
//    (per file and recipient: a fresh scalar's share X25519(e, 9) and one DH
//    with the recipient; per file: one DH to decrypt and one to check), in one
//    thread, measured in this run on libsodium (the path nixsec takes when the
//    optional sodium-native loads) and on node:crypto (OpenSSL derives the
//    share when the scalar is imported); the lower of the two is the floor;
// 4. the no-op rekey: in-process planning (manifest already loaded; and with
//    the manifest load), and the whole `nixsec rekey` CLI process.
// Prints a Markdown section for bench/README.md.
import { execFileSync, spawnSync } from "node:child_process";
import { createPrivateKey, createPublicKey, diffieHellman, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { bundleLib, fleetManifest, root, sshHostKeys } from "./lib/fleet.mjs";

const work = path.join(root, "bench/.work/rekey");
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const SECRETS = arg("--secrets", 1000);
const LOOP_FILES = arg("--loop-files", SECRETS);
const SOPS = process.argv.includes("--backend") && process.argv[process.argv.indexOf("--backend") + 1] === "sops-nix";
const HOSTS = 20;

rmSync(work, { recursive: true, force: true });
mkdirSync(path.join(work, "keys"), { recursive: true });
const w = (...p) => path.join(work, ...p);

// The library, bundled as the CLI bundles it.
const lib = await bundleLib(work, [
  'export * from "src/crypto/index.ts";',
  'export { loadManifest } from "src/manifest/index.ts";',
  'export { storeOf, readersOf } from "src/store/store.ts";',
  'export { ageFormat } from "src/store/format-age.ts";',
  'export { writeValues } from "src/store/values.ts";',
  'export { desiredReaders, renderLock, sha256Hex } from "src/store/lock.ts";',
  'export { scanStore, planScan } from "src/store/rekey.ts";',
]);
const nixsec = path.join(root, "bin/nixsec.js");

// Keys: 20 ssh-ed25519 hosts, 2 age admins.
const hostKeys = sshHostKeys(w("keys"), HOSTS);
for (const a of ["admin1", "admin2"]) execFileSync("age-keygen", ["-o", w("keys", `${a}.key`)], { stdio: "ignore" });
const adminKeys = ["admin1", "admin2"].map((a) => execFileSync("age-keygen", ["-y", w("keys", `${a}.key`)], { encoding: "utf8" }).trim());

// The store: manifest, files, lock; and the same readers as an agenix rules file.
const names = Array.from({ length: SECRETS }, (_, i) => `svc${String(i).padStart(4, "0")}/token`);
const yaml = fleetManifest({ admins: { admin1: adminKeys[0], admin2: adminKeys[1] }, hostKeys, names, backend: SOPS ? "sops-nix" : undefined });
writeFileSync(w("nixsec.yaml"), yaml);
let rules = `let\n  admin1 = "${adminKeys[0]}";\n  admin2 = "${adminKeys[1]}";\n`;
hostKeys.forEach((k, i) => (rules += `  host${i} = "${k}";\n`));
rules += `  hosts = [ ${hostKeys.map((_, i) => `host${i}`).join(" ")} ];\nin {\n`;
for (const n of names) rules += `  "${n}.age".publicKeys = [ admin1 admin2 ] ++ hosts;\n`;
mkdirSync(w("secrets"), { recursive: true });
writeFileSync(w("secrets", "secrets.nix"), rules + "}\n");

const store = lib.storeOf(await lib.loadManifest(w("nixsec.yaml")));
const t0 = performance.now();
if (SOPS) {
  // Through the store (every file checked as it is written): the sops files nixsec writes.
  await lib.writeValues(store, names.map((n) => ({ secret: n, value: randomBytes(24) })), [], new Date());
} else {
  const recipients = lib.readersOf(store, names[0], lib.ageFormat).map((r) => lib.parseRecipient(r.key));
  const entries = [];
  for (const n of names) {
    const ct = await lib.encryptBytes(randomBytes(24), recipients);
    mkdirSync(path.dirname(w("secrets", `${n}.age`)), { recursive: true });
    writeFileSync(w("secrets", `${n}.age`), ct);
    entries.push({ secret: n, sha256: lib.sha256Hex(ct), ...lib.desiredReaders(store, n, lib.ageFormat) });
  }
  writeFileSync(w("secrets", "nixsec.lock"), lib.renderLock(entries));
}
console.error(`set-up: ${SECRETS} files in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function wall(cmd, args, opts = {}) {
  const t = performance.now();
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 28, ...opts });
  const s = (performance.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return { s, out: r.stdout, err: r.stderr };
}
// A minimal environment, as a shell or a hook has it. Not process.env: a
// NODE_EXTRA_CA_CERTS there (this machine sets one) makes Node read a CA
// bundle at every start, ~50 ms that are neither nixsec's nor the loop's.
const cliEnv = { PATH: process.env.PATH, HOME: w("home"), LANG: "C.UTF-8", NO_COLOR: "1" };
const cli = (...a) => wall("node", [nixsec, ...a, "--dir", work], { env: cliEnv });
const adminArgs = ["-i", w("keys", "admin1.key")];
function assertNoop() {
  const plan = JSON.parse(cli("rekey", "--dry-run", "--json").out);
  if (plan.rekey.length || plan.lockOnly.length) throw new Error("a rekey left work behind");
}

if (process.argv.includes("--setup-only")) {
  console.log(work); // a fresh store to experiment with; removed by the next run
  process.exit(0);
}

// 4. no-op first (the store is fresh).
const noopPlan = [];
const noopWithLoad = [];
for (let i = 0; i < 7; i++) {
  const a = performance.now();
  const s = lib.storeOf(await lib.loadManifest(w("nixsec.yaml")));
  const b = performance.now();
  const plan = lib.planScan(await lib.scanStore(s));
  const c = performance.now();
  if (plan.rekey.length) throw new Error("no-op plan is not empty");
  noopPlan.push(c - b);
  noopWithLoad.push(c - a);
}
const noopCli = median(Array.from({ length: 7 }, () => cli("rekey").s));
const startup = median(Array.from({ length: 7 }, () => wall("node", [nixsec, "--version"], { env: cliEnv }).s));
const bareNode = median(Array.from({ length: 7 }, () => wall("node", ["-e", "0"], { env: cliEnv }).s));

// 1. full rekeys through the CLI, alternating, RUNS of each (medians: the
// machine may be shared, and single runs here swing by ±15%).
const RUNS = 5;
const loadStart = os.loadavg()[0];
const runsDefault = [];
const runsOne = [];
let threads = "1";
for (let i = 0; i < RUNS; i++) {
  const d = cli("rekey", "--all", ...adminArgs);
  threads = /\((\d+) threads\)/.exec(d.err)?.[1] ?? "1";
  runsDefault.push(d.s);
  assertNoop();
  runsOne.push(cli("rekey", "--all", "--jobs", "1", ...adminArgs).s);
  assertNoop();
}
const fullDefault = { s: median(runsDefault) };
const fullOne = { s: median(runsOne) };

// 3. the X25519 floor, on each native path: libsodium (what nixsec uses when
// sodium-native loads) and node:crypto's OpenSSL; the lower one is the floor.
const b64 = (x) => Buffer.from(x).toString("base64url");
const UNUSED_X = b64(Buffer.alloc(32));
const peerPoints = Array.from({ length: HOSTS + 2 }, () => randomBytes(32));
const peers = peerPoints.map((p) => createPublicKey({ key: { kty: "OKP", crv: "X25519", x: b64(p) }, format: "jwk" }));
const adminScalar = createPrivateKey({ key: { kty: "OKP", crv: "X25519", d: b64(randomBytes(32)), x: UNUSED_X }, format: "jwk" });
function floorOpenssl() {
  const f0 = performance.now();
  for (let f = 0; f < SECRETS; f++) {
    for (const p of peers) {
      const e = createPrivateKey({ key: { kty: "OKP", crv: "X25519", d: b64(randomBytes(32)), x: UNUSED_X }, format: "jwk" });
      e.export({ format: "jwk" }); // the share, X25519(e, 9), derived on import
      diffieHellman({ privateKey: e, publicKey: p });
    }
    for (let k = 0; k < 2; k++) {
      const share = createPublicKey({ key: { kty: "OKP", crv: "X25519", x: b64(randomBytes(32)) }, format: "jwk" });
      diffieHellman({ privateKey: adminScalar, publicKey: share });
    }
  }
  return (performance.now() - f0) / 1000;
}
let sodium = null;
try {
  sodium = createRequire(import.meta.url)("sodium-native");
} catch { /* optional: the floor is OpenSSL's */ }
function floorSodium() {
  const e = Buffer.alloc(32), share = Buffer.alloc(32), out = Buffer.alloc(32), admin = randomBytes(32);
  const f0 = performance.now();
  for (let f = 0; f < SECRETS; f++) {
    for (const p of peerPoints) {
      sodium.randombytes_buf(e);
      sodium.crypto_scalarmult_base(share, e);
      sodium.crypto_scalarmult(out, e, p);
    }
    for (let k = 0; k < 2; k++) sodium.crypto_scalarmult(out, admin, peerPoints[k]);
  }
  return (performance.now() - f0) / 1000;
}
const floorOssl = median([floorOpenssl(), floorOpenssl(), floorOpenssl()]);
const floorSod = sodium ? median([floorSodium(), floorSodium(), floorSodium()]) : Infinity;
const floor = Math.min(floorOssl, floorSod);

// 2. the agenix-style loop (a copy of the files, so both runs start alike);
// not for sops files (agenix does not read them).
let loopFull = null;
if (!SOPS) {
  const loopNames = names.slice(0, LOOP_FILES);
  writeFileSync(w("loop.sh"), `#!/usr/bin/env bash
  # agenix -r, reduced to its per-file work (pkgs/agenix.sh: edit with EDITOR=:)
  set -euo pipefail
  cd "${work}/secrets"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  while read -r f; do
    keys=$(nix-instantiate --json --eval --strict -E "(let rules = import ./secrets.nix; in rules.\\"$f\\".publicKeys)" | jq -r '.[]')
    age -d -i "${w("keys", "admin1.key")}" -o "$tmp/plain" "$f"
    args=()
    while IFS= read -r k; do args+=(-r "$k"); done <<< "$keys"
    age -e "\${args[@]}" -o "$tmp/new" "$tmp/plain"
    mv "$tmp/new" "$f"
    rm -f "$tmp/plain"
  done
  `, { mode: 0o755 });
  const loop = wall("bash", [w("loop.sh")], { input: loopNames.map((n) => `${n}.age`).join("\n") + "\n" });
  loopFull = (loop.s * SECRETS) / loopNames.length;
  // The loop's files still decrypt for a host (sanity).
  execFileSync("age", ["-d", "-i", w("keys", "host7"), w("secrets", `${loopNames[0]}.age`)]);
}

const cpu = os.cpus()[0]?.model ?? "?";
const ageVersion = execFileSync("age", ["--version"], { encoding: "utf8" }).trim();
const fmt = (s) => (s < 1 ? `${(s * 1000).toFixed(0)} ms` : `${s.toFixed(2)} s`);
const out = [];
out.push(`## Rekey (\`node bench/rekey.mjs\`)`, "");
out.push(`Run ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${cpu}, Node ${process.version}, Go age ${ageVersion}; load average ${loadStart.toFixed(2)} at the start of the rekeys, ${os.loadavg()[0].toFixed(2)} at the end (the machine was shared).`, "");
out.push(SOPS
  ? `${SECRETS} sops files (binary format), each readable by 2 age admins and the same ${HOSTS} sops-nix hosts (their ssh-ed25519 keys converted to age): ${HOSTS + 2} age entries of the data key per file.`
  : `${SECRETS} secrets, each readable by 2 age admins and the same ${HOSTS} ssh-ed25519 hosts (${HOSTS + 2} stanzas per file).`, "");
out.push("| run | wall time | per file | vs agenix-style loop |", "|---|---|---|---|");
if (loopFull !== null) out.push(`| agenix-style loop${LOOP_FILES < SECRETS ? ` (${LOOP_FILES} files, scaled ×${(SECRETS / LOOP_FILES).toFixed(1)})` : ""} | ${fmt(loopFull)} | ${(loopFull * 1000 / SECRETS).toFixed(1)} ms | 1× |`);
const range = (xs) => `${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}`;
const vsLoop = (x) => (loopFull === null ? "" : `${(loopFull / x).toFixed(1)}× faster`);
out.push(`| \`nixsec rekey --all\` (${threads} encryption threads), median of ${RUNS} (${range(runsDefault)}) | ${fmt(fullDefault.s)} | ${(fullDefault.s * 1000 / SECRETS).toFixed(2)} ms | ${vsLoop(fullDefault.s)} |`);
out.push(`| \`nixsec rekey --all --jobs 1\`, median of ${RUNS} (${range(runsOne)}) | ${fmt(fullOne.s)} | ${(fullOne.s * 1000 / SECRETS).toFixed(2)} ms | ${vsLoop(fullOne.s)} |`);
const ops = `${SECRETS * (HOSTS + 2)} fixed-base and ${SECRETS * (HOSTS + 2) + SECRETS * 2} variable-base multiplications`;
if (sodium) out.push(`| native X25519 floor on libsodium, one thread, median of 3 (${ops}) | ${fmt(floorSod)} | ${(floorSod * 1000 / SECRETS).toFixed(2)} ms | |`);
out.push(`| native X25519 floor on node:crypto (OpenSSL), one thread, median of 3 (the same; fixed-base by key import) | ${fmt(floorOssl)} | ${(floorOssl * 1000 / SECRETS).toFixed(2)} ms | |`);
out.push("");
out.push(`Full rekey against the lower floor (${floor === floorSod ? "libsodium" : "OpenSSL"}): ${(fullDefault.s / floor).toFixed(2)}× (default threads), ${(fullOne.s / floor).toFixed(2)}× (one thread). Both CLI runs include process start-up, the manifest load, decrypting every file with the admin key, checking every new file decrypts, and atomic writes with fsync.`, "");
out.push("No-op rekey (nothing to do, nothing written):", "");
out.push("| measure | median of 7 |", "|---|---|");
out.push(`| in-process planning: read lock, read and hash ${SECRETS} files, parse headers, plan | ${fmt(median(noopPlan) / 1000)} |`);
out.push(`| in-process, including loading nixsec.yaml (${(Buffer.byteLength(yaml) / 1024).toFixed(0)} KiB) | ${fmt(median(noopWithLoad) / 1000)} |`);
out.push(`| whole \`nixsec rekey\` process | ${fmt(noopCli)} |`);
out.push(`| \`nixsec --version\` process (start-up alone) | ${fmt(startup)} |`);
out.push(`| \`node -e 0\` (bare Node start-up) | ${fmt(bareNode)} |`);
console.log(out.join("\n"));
rmSync(work, { recursive: true, force: true });
