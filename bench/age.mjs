// Benchmark: nixsec's age layer side by side with the Go `age` binary.
//   node bench/age.mjs            (needs age, ssh-keygen, /usr/bin/time)
// 1. a 100-byte secret encrypted to 1, 10 and 50 ssh-ed25519 recipients, and
//    decrypted with the identity whose stanza is last: in-process ops/s, the
//    nixsec binary per invocation, and `age` per invocation;
// 2. a 100 MiB file encrypted and decrypted by both binaries: wall time and
//    peak RSS (GNU time %M).
// Prints a Markdown table for bench/README.md.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const work = path.join(root, "bench/.work/age");
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const w = (f) => path.join(work, f);

await build({ entryPoints: [path.join(root, "src/crypto/index.ts")], outfile: w("crypto.mjs"), bundle: true, platform: "node", format: "esm", logLevel: "warning",
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" } });
execFileSync("node", [path.join(root, "scripts/build.mjs")], { cwd: root });
const lib = await import(w("crypto.mjs"));
const nixsec = [path.join(root, "bin/nixsec.js")];

for (let i = 0; i < 50; i++) execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", `host${i}`, "-f", w(`k${i}`)]);
const pubs = Array.from({ length: 50 }, (_, i) => readFileSync(w(`k${i}.pub`), "utf8").trim());
const secret = Buffer.alloc(100, 0x61);
writeFileSync(w("secret"), secret);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
async function opsPerSec(fn, minMs = 400) {
  const rates = [];
  for (let batch = 0; batch < 5; batch++) {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < minMs / 5) {
      await fn();
      n++;
    }
    rates.push((n * 1000) / (performance.now() - t0));
  }
  return median(rates);
}
function msPerRun(cmd, args, runs = 15, input) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { input, maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr}`);
    times.push(performance.now() - t0);
  }
  return median(times);
}

const rows = [];
for (const n of [1, 10, 50]) {
  const recips = pubs.slice(0, n).map((p) => lib.parseRecipient(p));
  writeFileSync(w(`r${n}.txt`), pubs.slice(0, n).join("\n") + "\n");
  const lastId = await lib.parseIdentityFile(readFileSync(w(`k${n - 1}`)), "k");
  const ct = await lib.encryptBytes(secret, recips);
  writeFileSync(w(`ct${n}.age`), ct);
  const encLib = await opsPerSec(() => lib.encryptBytes(secret, recips));
  const decLib = await opsPerSec(() => lib.decryptBytes(ct, lastId));
  const encAge = msPerRun("age", ["-e", "-R", w(`r${n}.txt`), "-o", w("o.age"), w("secret")]);
  const decAge = msPerRun("age", ["-d", "-i", w(`k${n - 1}`), w(`ct${n}.age`)]);
  const encCli = msPerRun("node", [...nixsec, "age", "encrypt", "-R", w(`r${n}.txt`), "-o", w("o2.age"), w("secret")]);
  const decCli = msPerRun("node", [...nixsec, "age", "decrypt", "-i", w(`k${n - 1}`), w(`ct${n}.age`)]);
  rows.push({ n, encLib, decLib, encAge, decAge, encCli, decCli });
}

// 100 MiB
const big = w("big.bin");
execFileSync("head", ["-c", String(100 << 20), "/dev/urandom"], { maxBuffer: 0, stdio: ["ignore", "ignore", "ignore"] });
execFileSync("sh", ["-c", `head -c ${100 << 20} /dev/urandom > ${big}`]);
function timed(cmd) {
  const r = spawnSync("/usr/bin/time", ["-f", "%e %M", "sh", "-c", cmd], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr}`);
  const [secs, kb] = r.stderr.trim().split("\n").pop().split(" ");
  return { secs: Number(secs), mib: Number(kb) / 1024 };
}
const N = `node ${nixsec[0]}`;
const bigRows = {
  encAge: timed(`age -e -R ${w("r1.txt")} -o ${w("big.age")} ${big}`),
  decAge: timed(`age -d -i ${w("k0")} -o ${w("big.out")} ${w("big.age")}`),
  encNix: timed(`${N} age encrypt -R ${w("r1.txt")} -o ${w("big2.age")} ${big}`),
  decNix: timed(`${N} age decrypt -i ${w("k0")} -o ${w("big2.out")} ${w("big2.age")}`),
  crossNix: timed(`${N} age decrypt -i ${w("k0")} -o ${w("big3.out")} ${w("big.age")}`),
};
execFileSync("cmp", [big, w("big2.out")]);
execFileSync("cmp", [big, w("big3.out")]);
execFileSync("sh", ["-c", `age -d -i ${w("k0")} ${w("big2.age")} | cmp - ${big}`]);

const f = (x, d = 0) => x.toFixed(d);
const out = [];
out.push(`Run ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${os.cpus()[0].model.trim()}, Node ${process.version}, ${execFileSync("age", ["--version"]).toString().trim()} (Go age).`);
out.push("");
out.push("100-byte secret, N ssh-ed25519 recipients; decrypt uses the key of the last stanza.");
out.push("");
out.push("| N | nixsec lib encrypt (ops/s) | nixsec lib decrypt (ops/s) | `age -e` per run (ms) | `nixsec age encrypt` per run (ms) | lib vs `age -e` | `age -d` per run (ms) | `nixsec age decrypt` per run (ms) | lib vs `age -d` |");
out.push("|---|---|---|---|---|---|---|---|---|");
for (const r of rows) {
  out.push(`| ${r.n} | ${f(r.encLib)} | ${f(r.decLib)} | ${f(r.encAge, 1)} | ${f(r.encCli, 1)} | ${f((r.encLib * r.encAge) / 1000, 1)}× | ${f(r.decAge, 1)} | ${f(r.decCli, 1)} | ${f((r.decLib * r.decAge) / 1000, 1)}× |`);
}
out.push("");
out.push("100 MiB random file, one ssh-ed25519 recipient (wall seconds, peak RSS MiB):");
out.push("");
out.push("| operation | Go `age` | `nixsec age` | ratio (time) |");
out.push("|---|---|---|---|");
out.push(`| encrypt | ${f(bigRows.encAge.secs, 2)} s, ${f(bigRows.encAge.mib)} MiB | ${f(bigRows.encNix.secs, 2)} s, ${f(bigRows.encNix.mib)} MiB | ${f(bigRows.encNix.secs / bigRows.encAge.secs, 2)}× |`);
out.push(`| decrypt | ${f(bigRows.decAge.secs, 2)} s, ${f(bigRows.decAge.mib)} MiB | ${f(bigRows.decNix.secs, 2)} s, ${f(bigRows.decNix.mib)} MiB | ${f(bigRows.decNix.secs / bigRows.decAge.secs, 2)}× |`);
out.push(`| decrypt a file Go age wrote | | ${f(bigRows.crossNix.secs, 2)} s, ${f(bigRows.crossNix.mib)} MiB | |`);
console.log(out.join("\n"));
rmSync(work, { recursive: true, force: true });
