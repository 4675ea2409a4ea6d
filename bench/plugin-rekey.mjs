// Benchmark: a rekey whose admin decrypts through an age plugin, as an admin
// with a hardware key does: nixsec (one plugin session per run) beside an
// agenix-style loop (Go age once per file, so the plugin starts once per
// file, and a real hardware key would ask once per file).
//   node bench/plugin-rekey.mjs [--secrets N] [--pairs N]
// (needs ssh-keygen, bash; fetches Go age 1.3 with scripts/fetch-go-age.mjs)
//
// The admin key is age-plugin-tagtest's tag recipient (Go age 1.3's test
// plugin, a stand-in for a YubiKey: same protocol, no touch), its identity
// the plugin's stub; each secret is also read by 3 ssh-ed25519 hosts. A
// wrapper on PATH counts the plugin's starts. The two are run in interleaved
// pairs; the report gives medians and the median of the per-pair ratios.
// Prints a Markdown section for bench/README.md.
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { fetchGoAge } from "../scripts/fetch-go-age.mjs";
import { bundleLib, fleetManifest, root, sshHostKeys } from "./lib/fleet.mjs";

const work = path.join(root, "bench/.work/plugin-rekey");
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const SECRETS = arg("--secrets", 1000);
const PAIRS = arg("--pairs", 3);
const HOSTS = 3;
const TAGTEST = "age1tag1qwe0kafsjrar4txm6heqnhpfuggzr0gvznz7fvygxrlq90u5mq2pysxtw6h";

const goBin = fetchGoAge();
const goAge = path.join(goBin, "age");
rmSync(work, { recursive: true, force: true });
mkdirSync(path.join(work, "keys"), { recursive: true });
mkdirSync(path.join(work, "bin"), { recursive: true });
const w = (...p) => path.join(work, ...p);

// The plugin behind a counting wrapper, first on PATH.
const starts = w("starts.log");
writeFileSync(w("bin", "age-plugin-tagtest"), `#!/bin/sh\necho x >> "${starts}"\nexec "${path.join(goBin, "age-plugin-tagtest")}" "$@"\n`);
chmodSync(w("bin", "age-plugin-tagtest"), 0o755);
const env = { PATH: `${w("bin")}:${process.env.PATH}`, HOME: w("home"), LANG: "C.UTF-8", NO_COLOR: "1" };
const countStarts = () => readFileSync(starts, "utf8").split("\n").filter(Boolean).length;

// The library, bundled as the CLI bundles it, to write the store quickly.
await build({ entryPoints: [path.join(root, "node_modules/age-encryption/dist/index.js")], outfile: w("typage.mjs"), bundle: true, platform: "node", format: "esm", logLevel: "warning" });
const lib = await bundleLib(work, ['export * from "src/crypto/index.ts";']);
const nixsec = path.join(root, "bin/nixsec.js");

const hostKeys = sshHostKeys(w("keys"), HOSTS);
const stub = w("keys", "tagtest-identity.txt");
writeFileSync(stub, `#    Recipient: ${TAGTEST}\nAGE-PLUGIN-TAGTEST-1CXM4UC\n`);

const names = Array.from({ length: SECRETS }, (_, i) => `svc${String(i).padStart(4, "0")}/token`);
const yaml = fleetManifest({ admins: { alice: TAGTEST }, hostKeys, names });
writeFileSync(w("nixsec.yaml"), yaml);
const recipients = [TAGTEST, ...hostKeys].map((k) => lib.parseRecipient(k));
for (const n of names) {
  mkdirSync(path.dirname(w("secrets", `${n}.age`)), { recursive: true });
  writeFileSync(w("secrets", `${n}.age`), await lib.encryptBytes(randomBytes(24), recipients));
}
writeFileSync(w("secrets", "files.txt"), names.map((n) => `${n}.age`).join("\n") + "\n");

// agenix -r reduced to its age calls (no nix-instantiate per file, so this
// loop is faster than agenix itself): decrypt with the plugin, re-encrypt.
const recipientArgs = [TAGTEST, ...hostKeys].map((k) => `-r '${k}'`).join(" ");
writeFileSync(w("loop.sh"), `#!/usr/bin/env bash
set -euo pipefail
cd "${w("secrets")}"
while read -r f; do
  "${goAge}" -d -j tagtest "$f" | "${goAge}" -e ${recipientArgs} -o "$f.new"
  mv "$f.new" "$f"
done < files.txt
`);

function timed(cmd, args) {
  const t = performance.now();
  const r = spawnSync(cmd, args, { env, encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return { s: (performance.now() - t) / 1000, err: r.stderr };
}
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

// In process, the two parts a plugin admin adds to a rekey: one identity-v1
// session for every file, and the native p256tag wrap per file.
lib.setPluginContext({ env, ui: lib.silentPluginUi });
const files = names.map((n) => readFileSync(w("secrets", `${n}.age`)));
const sessionMs = [];
const tagMs = [];
const tag = [lib.parseRecipient(TAGTEST)];
for (let i = 0; i < 3; i++) {
  let t = performance.now();
  await lib.preloadFileKeys(files, await lib.parseIdentityFile(readFileSync(stub), stub));
  sessionMs.push(performance.now() - t);
  t = performance.now();
  for (let k = 0; k < SECRETS; k++) await lib.encryptBytes(new Uint8Array(24), tag);
  tagMs.push(performance.now() - t);
}

// typage's own p256tag (pure JS), which nixsec replaced by a native one: per wrap.
const { Encrypter } = await import(w("typage.mjs"));
const enc = new Encrypter();
enc.addRecipient(TAGTEST);
const typageTag = enc.recipients[0];
const typageMs = [];
for (let i = 0; i < 3; i++) {
  const t = performance.now();
  for (let k = 0; k < 50; k++) typageTag.wrapFileKey(new Uint8Array(16));
  typageMs.push((performance.now() - t) / 50);
}

const load0 = os.loadavg()[0];
const ours = [];
const loop = [];
const ratios = [];
const startsOurs = [];
const startsLoop = [];
for (let p = 0; p < PAIRS; p++) {
  writeFileSync(starts, "");
  const a = timed("node", [nixsec, "rekey", "--all", "-i", stub, "--dir", work]);
  if (!a.err.includes(`re-encrypted ${SECRETS} files`)) throw new Error(`nixsec rekey: ${a.err}`);
  startsOurs.push(countStarts());
  writeFileSync(starts, "");
  const b = timed("bash", [w("loop.sh")]);
  startsLoop.push(countStarts());
  ours.push(a.s);
  loop.push(b.s);
  ratios.push(b.s / a.s);
  console.error(`pair ${p + 1}: nixsec ${a.s.toFixed(2)} s (${startsOurs.at(-1)} plugin start), loop ${b.s.toFixed(2)} s (${startsLoop.at(-1)} plugin starts)`);
}
const load1 = os.loadavg()[0];
const range = (xs) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)} s`;
const cpu = os.cpus()[0]?.model ?? "unknown CPU";
console.log(`## Rekey through a plugin (\`node bench/plugin-rekey.mjs\`)

${SECRETS} secrets, each readable by an admin whose key is age-plugin-tagtest's
tag recipient (Go age 1.3.2's test plugin standing in for a hardware key) and
by ${HOSTS} ssh-ed25519 hosts; the admin decrypts through the plugin. ${os.cpus().length} × ${cpu},
Node ${process.version}, Go age ${execFileSync(goAge, ["--version"]).toString().trim()}. ${PAIRS} interleaved pairs,
load average ${load0.toFixed(1)} before, ${load1.toFixed(1)} after.

| run | median (range) | plugin starts per run |
|---|---|---|
| \`nixsec rekey --all\` | **${median(ours).toFixed(2)} s** (${range(ours)}) | **${median(startsOurs)}** |
| agenix-style loop (Go age \`-d -j tagtest\` then \`-e\`, per file) | ${median(loop).toFixed(2)} s (${range(loop)}) | ${median(startsLoop)} |
| loop / nixsec, median of the per-pair ratios | **${median(ratios).toFixed(1)}×** | |

In process, median of 3: one identity-v1 session unwrapping all ${SECRETS} file
keys, ${median(sessionMs).toFixed(0)} ms; ${SECRETS} encryptions to the tag recipient (native p256tag), ${median(tagMs).toFixed(0)} ms;
typage's pure-JS p256tag (which nixsec's replaces), ${median(typageMs).toFixed(1)} ms per wrap.
`);
