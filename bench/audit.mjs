// `nixsec audit` throughput on real-world Nix, side by side with ripgrep and
// gitleaks, and the pre-commit latency of `nixsec audit --staged`.
//
//   node bench/audit.mjs CORPUS [--runs N] [--no-gitleaks] [--node BIN[,V8FLAG…]]... [--pairs-only]
//
// CORPUS is a directory of public Nix code outside this repository (never
// committed). The recorded numbers (bench/README.md, "Audit") used "realnix":
// the .nix files of 16 public repositories, 6,206 files, 9.53 MB, assembled with
//
//   for r in nix-community/home-manager NixOS/nixos-hardware Mic92/dotfiles \
//            Misterio77/nix-config ryan4yin/nix-config NixOS/infra nix-community/infra \
//            nix-community/srvos nix-community/disko hlissner/dotfiles ryantm/agenix \
//            Mic92/sops-nix zhaofengli/colmena; do
//     git clone -q --depth 1 https://github.com/$r /tmp/realnix-src/${r/\//+}
//   done
//   cd /tmp/realnix-src && find . -name '*.nix' -type f -exec cp --parents {} /tmp/realnix \;
//
// (bench/README.md lists the exact commits.) What it measures:
// - `nixsec audit CORPUS` as a user runs it, and native gitleaks on the same
//   directory, as interleaved pairs (nixsec, gitleaks, nixsec, gitleaks, …) so
//   that a busy shared machine slows both alike: the median of the per-pair
//   throughput ratios is the figure that counts. Each `--node BIN` adds a
//   column: the same nixsec under another Node (Node 24's Maglev, say);
// - the library in one process, first pass and warmed up;
// - ripgrep with gitleaks' generic-api-key regex in ASCII mode, the physical
//   floor of a text scan (Debian `ripgrep`, installed here if missing);
// - gitleaks, native (the one on PATH, else Debian trixie's gitleaks 8.16
//   package fetched and unpacked into bench/.work/ by bench/native-gitleaks.mjs
//   from the system's own Debian archive; runs on bookworm, installs nothing);
// - `nixsec audit --staged` in a 300-file repository with 5 staged files,
//   against `node -e 0`, interleaved, median of 21; plus a commit that touches
//   nixsec.yaml (the managed-store checks run on the index).
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { gitleaksDirArgs, nativeGitleaks } from "./native-gitleaks.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const work = path.join(root, "bench/.work/audit");
const args = process.argv.slice(2);
const flag = (name) => { const i = args.indexOf(name); return i >= 0 ? args.splice(i, 1).length > 0 : false; };
const runsAt = args.indexOf("--runs");
const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 7;
const noGitleaks = flag("--no-gitleaks");
const pairsOnly = flag("--pairs-only");
const nodes = [];
// `--node BIN` or `--node BIN,FLAG,FLAG…` (V8 flags for that run, e.g. --min-semi-space-size=16)
for (let i = args.indexOf("--node"); i >= 0; i = args.indexOf("--node")) {
  const [bin, ...nodeFlags] = args.splice(i, 2)[1].split(",");
  nodes.push({ bin: path.resolve(bin), flags: nodeFlags });
}
const corpus = args[0] ? path.resolve(args[0]) : null;
if (!corpus || !fs.existsSync(corpus) || path.relative(root, corpus).split(path.sep)[0] !== "..") {
  console.error("usage: node bench/audit.mjs CORPUS [--runs N] [--no-gitleaks] [--node BIN]... [--pairs-only]   (CORPUS: a directory of public Nix code outside this repository)");
  process.exit(2);
}

const node = process.execPath;
const nixsec = path.join(root, "bin/nixsec.js");
const has = (cmd) => spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };
const timeRun = (cmd, argv, opts = {}) => {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { stdio: ["ignore", "ignore", "pipe"], maxBuffer: 1 << 26, ...opts });
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${argv.join(" ")}: exit ${r.status}: ${r.stderr}`);
  return s;
};
const fmt = (s) => `${s.toFixed(2)} s`;

fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
execFileSync(node, ["scripts/build.mjs"], { cwd: root, stdio: "inherit" });

// The corpus.
const files = [];
(function walk(rel) {
  for (const e of fs.readdirSync(path.join(corpus, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) { if (e.name !== ".git") walk(p); } else if (e.isFile()) files.push(p);
  }
})("");
files.sort();
const size = (f) => fs.statSync(path.join(corpus, f)).size;
const bytes = files.reduce((n, f) => n + size(f), 0);
const nixFiles = files.filter((f) => f.endsWith(".nix"));
const nixBytes = nixFiles.reduce((n, f) => n + size(f), 0);
const MB = bytes / 1e6;
const cpu = os.cpus();
console.log(`date: ${new Date().toISOString()}; ${cpu.length} × ${cpu[0]?.model ?? "cpu"}; Node ${process.version}; load average at start ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
console.log(`corpus: ${files.length} files, ${MB.toFixed(2)} MB (${nixFiles.length} .nix files, ${(nixBytes / 1e6).toFixed(2)} MB)\n`);

// nixsec, as a user runs it, and native gitleaks, in interleaved pairs.
// A minimal environment for every timed process: a NODE_EXTRA_CA_CERTS in
// process.env (this machine sets one) makes each Node start read a CA bundle.
const minimalEnv = { PATH: process.env.PATH, HOME: process.env.HOME ?? "/nonexistent", LANG: "C.UTF-8", NO_COLOR: "1" };
const report = path.join(work, "nixsec.json");
const auditArgs = (j) => [nixsec, "audit", corpus, "--no-config", "-j", String(j), "--format", "json", "-o", report];
const glOut = path.join(work, "gitleaks.json");
const glBin = noGitleaks ? null : nativeGitleaks(path.join(root, "bench/.work"));
const [glArgs, glVersion] = glBin ? gitleaksDirArgs(glBin, corpus, glOut) : [null, null];
const contenders = [{ label: `nixsec -j 1 (Node ${process.version})`, cmd: node, argv: auditArgs(1), times: [] }];
if (!pairsOnly) contenders.push({ label: `nixsec -j 2 (Node ${process.version})`, cmd: node, argv: auditArgs(2), times: [] });
for (const n of nodes) {
  const v = spawnSync(n.bin, ["--version"], { encoding: "utf8" }).stdout.trim();
  contenders.push({ label: `nixsec -j 1 (Node ${v}${n.flags.length ? ` ${n.flags.join(" ")}` : ""})`, cmd: n.bin, argv: [...n.flags, ...auditArgs(1)], times: [] });
}
const gl = glBin ? { label: `gitleaks ${glVersion}, native`, cmd: glBin, argv: glArgs, times: [] } : null;
for (const c of [...contenders, ...(gl ? [gl] : [])]) timeRun(c.cmd, c.argv, { env: minimalEnv }); // page cache, JIT-free warm disk
for (let i = 0; i < runs; i++) {
  for (const c of contenders) {
    c.times.push(timeRun(c.cmd, c.argv, { env: minimalEnv }));
    if (gl) gl.times.push(timeRun(gl.cmd, gl.argv, { env: minimalEnv })); // one gitleaks run right after each nixsec run: a pair
  }
}
const nx = JSON.parse(fs.readFileSync(report, "utf8"));
// per pair: gitleaks time / nixsec time = nixsec's throughput as a multiple of gitleaks'
const ratios = (c) => c.times.map((t, i) => gl.times[i * contenders.length + contenders.indexOf(c)] / t);
const glFindings = gl ? JSON.parse(fs.readFileSync(glOut, "utf8")) : null;

// The library in one process: the cold first pass, then warmed up.
const passes = [];
let rg = null;
if (!pairsOnly) {
const lib = path.join(work, "audit-lib.mjs");
await build({ entryPoints: [path.join(root, "src/audit/index.ts")], outfile: lib, bundle: true, platform: "node", target: "node20", format: "esm", logLevel: "warning",
  banner: { js: "import { createRequire as __c } from 'node:module'; const require = __c(import.meta.url);" } });
const inputs = files.map((f) => ({ path: f, content: fs.readFileSync(path.join(corpus, f)) }));
const { auditFilesDetailed } = await import(lib);
for (let i = 0; i < Math.max(5, runs); i++) {
  const t = process.hrtime.bigint();
  auditFilesDetailed(inputs);
  passes.push(Number(process.hrtime.bigint() - t) / 1e9);
}

// ripgrep: gitleaks' generic-api-key rule (8.28) in ASCII mode, counting matching lines.
if (!has("rg") && process.getuid?.() === 0 && has("apt-get")) {
  console.error("bench: installing ripgrep (Debian)");
  spawnSync("sh", ["-c", "apt-get install -y -qq --no-install-recommends ripgrep >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq --no-install-recommends ripgrep) >/dev/null"], { stdio: "inherit" });
}
const GENERIC_API_KEY = String.raw`(?i-u)[\w.-]{0,50}?(?:access|auth|(?-i:[Aa]pi|API)|credential|creds|key|passw(?:or)?d|secret|token)(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}([\w.=-]{10,150}|[a-z0-9][a-z0-9+/]{11,}={0,3})(?:[\x60'"\s;]|\\[nr]|$)`;
if (has("rg")) {
  const rgArgs = (j) => ["-c", "--no-messages", "-j", String(j), "-e", GENERIC_API_KEY, corpus];
  const t2 = [], t1 = [];
  for (let i = 0; i < runs; i++) { t2.push(timeRun("rg", rgArgs(2))); t1.push(timeRun("rg", rgArgs(1))); }
  const lines = spawnSync("rg", rgArgs(2), { encoding: "utf8", maxBuffer: 1 << 26 }).stdout.split("\n").reduce((n, l) => n + (Number(l.split(":").pop()) || 0), 0);
  rg = { two: median(t2), one: median(t1), lines, version: spawnSync("rg", ["--version"], { encoding: "utf8" }).stdout.split("\n")[0] };
}
}

// --staged in a 300-file repository with 5 staged files.
let stagedReport = null;
if (!pairsOnly) {
const repo = path.join(work, "staged");
const home = path.join(work, "home");
fs.mkdirSync(repo, { recursive: true });
fs.mkdirSync(home, { recursive: true });
const env = { PATH: process.env.PATH, HOME: home, LANG: "C.UTF-8", NO_COLOR: "1", GIT_AUTHOR_NAME: "b", GIT_AUTHOR_EMAIL: "b@example.invalid", GIT_COMMITTER_NAME: "b", GIT_COMMITTER_EMAIL: "b@example.invalid" };
const git = (...a) => execFileSync("git", a, { cwd: repo, env, stdio: ["ignore", "pipe", "ignore"] });
git("init", "-q");
const picked = nixFiles.filter((_, i) => i % Math.max(1, Math.floor(nixFiles.length / 300)) === 0).slice(0, 300);
for (const [i, f] of picked.entries()) {
  const to = path.join(repo, "hosts", `${String(i).padStart(3, "0")}-${path.basename(f)}`);
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(path.join(corpus, f), to);
}
// a managed store as well (nixsec init / host add / add / gen), so the hook's store path is realistic
const cli = (a, input) => execFileSync(node, [nixsec, ...a], { cwd: repo, env, input, stdio: ["pipe", "ignore", "ignore"] });
cli(["init"]);
cli(["host", "add", "hannibal", "--key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGvqZYlyhJaUXS8FJzEVosV4Lw1IFQUEujLNJ+qgZnWV bench"]);
cli(["add", "app/token", "--host", "hannibal", "--stdin"], "bench-token-value-0123456789");
cli(["gen"]);
git("add", "-A");
git("commit", "-q", "--no-verify", "-m", "base");
const tracked = git("ls-files").toString().split("\n").filter(Boolean).length;
const hostFiles = fs.readdirSync(path.join(repo, "hosts")).sort().slice(0, 5);
for (const f of hostFiles) fs.appendFileSync(path.join(repo, "hosts", f), "\n# edited\n");
git("add", ...hostFiles.map((f) => `hosts/${f}`));
const stagedBytes = hostFiles.reduce((n, f) => n + fs.statSync(path.join(repo, "hosts", f)).size, 0);
const nodeE0 = [], staged = [];
for (let i = 0; i < 21; i++) {
  nodeE0.push(timeRun(node, ["-e", "0"], { cwd: repo, env }));
  staged.push(timeRun(node, [nixsec, "audit", "--staged"], { cwd: repo, env }));
}
// the same, with a manifest change staged too: the store is checked out of the index and checked
cli(["wire", "app/token", "--option", "services.app.tokenFile"]);
git("add", "nixsec.yaml");
const stagedStore = [];
for (let i = 0; i < 21; i++) stagedStore.push(timeRun(node, [nixsec, "audit", "--staged"], { cwd: repo, env }));
stagedReport = { tracked, picked: picked.length, stagedBytes, m0: median(nodeE0), ms: median(staged), mss: median(stagedStore) };
}

// Report. Every figure below was measured in this run.
const mbps = (sec) => (MB / sec).toFixed(1);
console.log(`Throughput, interleaved pairs (each nixsec run followed by a gitleaks run), ${runs} pairs per nixsec variant:`);
console.log("| Run | Wall (median) | MB/s | × gitleaks (median of pairs) |");
console.log("|---|---|---|---|");
for (const c of contenders) {
  const ratio = gl ? `**${median(ratios(c)).toFixed(2)}×** (pairs ${Math.min(...ratios(c)).toFixed(2)}–${Math.max(...ratios(c)).toFixed(2)})` : "n/a";
  console.log(`| ${c.label} | ${fmt(median(c.times))} | ${mbps(median(c.times))} | ${ratio} |`);
}
if (gl) console.log(`| ${gl.label}, default config (\`${glArgs[0]}\`) | ${fmt(median(gl.times))} | ${mbps(median(gl.times))} | 1.00× |`);
if (passes.length) {
  console.log(`\nLibrary (auditFiles in one process): first pass (cold JIT) ${fmt(passes[0])}, ${mbps(passes[0])} MB/s; warmed up (best of passes 2–${passes.length}) ${fmt(Math.min(...passes.slice(1)))}, ${mbps(Math.min(...passes.slice(1)))} MB/s`);
}
if (rg) console.log(`${rg.version}, gitleaks' generic-api-key regex in ASCII mode: ${fmt(rg.two)} (2 threads, ${mbps(rg.two)} MB/s), ${fmt(rg.one)} (1 thread, ${mbps(rg.one)} MB/s); ${rg.lines} matching lines`);
console.log(`\nnixsec: ${nx.findings.length} findings (${["high", "medium", "low"].map((sv) => `${nx.findings.filter((f) => f.severity === sv).length} ${sv}`).join(", ")})`);

if (glFindings) {
  const rel = (f) => path.relative(corpus, path.resolve(corpus, f)).split(path.sep).join("/");
  const g = new Map(glFindings.map((f) => [`${rel(f.File)}:${f.StartLine}`, f.RuleID]));
  const n = new Map(nx.findings.map((f) => [`${f.file}:${f.line}`, f.ruleId]));
  const both = [...g.keys()].filter((k) => n.has(k));
  const count = (m, keys) => { const c = {}; for (const k of keys) c[m.get(k)] = (c[m.get(k)] ?? 0) + 1; return Object.entries(c).sort((a, b) => b[1] - a[1]).map(([r, x]) => `${r} ${x}`).join(", "); };
  console.log(`\nFindings, line by line (${gl.label}):`);
  console.log("| | Lines | Rules |");
  console.log("|---|---|---|");
  console.log(`| flagged by both | ${both.length} | gitleaks: ${count(g, both)}; nixsec: ${count(n, both)} |`);
  console.log(`| gitleaks only | ${g.size - both.length} | ${count(g, [...g.keys()].filter((k) => !n.has(k)))} |`);
  console.log(`| nixsec only | ${n.size - both.length} | ${count(n, [...n.keys()].filter((k) => !g.has(k)))} |`);
  console.log("\ngitleaks only:\n" + [...g.keys()].filter((k) => !n.has(k)).map((k) => `  ${k} ${g.get(k)}`).join("\n"));
}

if (stagedReport) {
  const { tracked, picked, stagedBytes, m0, ms, mss } = stagedReport;
  console.log(`\n--staged: repository of ${tracked} tracked files (${picked} .nix from the corpus + a managed store), 5 staged .nix files (${(stagedBytes / 1024).toFixed(0)} KiB); median of 21, interleaved`);
  console.log("| Run | Wall | × `node -e 0` |");
  console.log("|---|---|---|");
  console.log(`| \`node -e 0\` | ${(m0 * 1000).toFixed(0)} ms | 1.00 |`);
  console.log(`| \`nixsec audit --staged\` (5 files) | ${(ms * 1000).toFixed(0)} ms | **${(ms / m0).toFixed(2)}** |`);
  console.log(`| \`nixsec audit --staged\` (5 files + nixsec.yaml: store checks on the index) | ${(mss * 1000).toFixed(0)} ms | ${(mss / m0).toFixed(2)} |`);
}
console.log(`\nload average at the end ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);

fs.rmSync(work, { recursive: true, force: true });
