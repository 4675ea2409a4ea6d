// Real-world precision of `nixsec audit`: every high and medium finding on
// public NixOS configurations, judged by reading the code.
//
//   node bench/audit-precision.mjs [DIR] [--all] [--json]
//
// DIR (default bench/.work/realworld) holds one directory per repository of
// bench/audit-realworld.tsv, named OWNER+NAME, with that commit's files (never
// committed). To assemble it:
//
//   while read repo commit; do
//     d=bench/.work/realworld/${repo/\//+}
//     git clone -q https://github.com/$repo "$d" && git -C "$d" checkout -q "$commit"
//   done < <(grep -v '^#' bench/audit-realworld.tsv)
//
// bench/audit-realworld.tsv marks each repository `tuned` (the rules were tuned
// on its findings) or `held-out` (added after tuning, judged once): the script
// prints precision for each set.
// The verdicts live in bench/audit-realworld-labels.tsv, one per finding:
// `OWNER/NAME@COMMIT:PATH:LINE<TAB>VERDICT<TAB>why`, VERDICT one of
//   leak          a usable secret (or a hash of one) published in the repository
//   fixture       a deliberate test value (VM tests, examples): should be low
//   not-a-secret  no secret at all
// The script prints precision (leaks / high+medium findings), every finding
// that has no verdict yet ("unjudged": judge it and add a line), and labels
// that no longer match a finding ("stale"). `--all` lists the low findings too.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const all = args.includes("--all");
const asJson = args.includes("--json");
const dir = path.resolve(args.find((a) => !a.startsWith("--")) ?? path.join(root, "bench/.work/realworld"));

const repos = fs.readFileSync(path.join(root, "bench/audit-realworld.tsv"), "utf8").split("\n")
  .filter((l) => l.trim() && !l.startsWith("#")).map((l) => { const [repo, commit, set = "tuned"] = l.split(/\s+/); return { repo, commit, set }; });
const labels = new Map();
for (const l of fs.readFileSync(path.join(root, "bench/audit-realworld-labels.tsv"), "utf8").split("\n")) {
  if (!l.trim() || l.startsWith("#")) continue;
  const [key, verdict, why = ""] = l.split("\t");
  if (!["leak", "fixture", "not-a-secret"].includes(verdict)) throw new Error(`bad verdict in labels: ${l}`);
  labels.set(key, { verdict, why });
}

const nixsec = path.join(root, "bin/nixsec.js");
const env = { PATH: process.env.PATH, HOME: "/nonexistent", LANG: "C.UTF-8", NO_COLOR: "1" };
const rows = [];
let files = 0, missing = 0;
for (const { repo, commit, set } of repos) {
  const d = path.join(dir, repo.replace("/", "+"));
  if (!fs.existsSync(d)) { missing++; console.error(`missing: ${d}`); continue; }
  const r = spawnSync(process.execPath, [nixsec, "audit", d, "--no-config", "--format", "json"], { env, encoding: "utf8", maxBuffer: 1 << 28 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`${repo}: exit ${r.status}: ${r.stderr}`);
  const report = JSON.parse(r.stdout);
  files += report.summary.filesScanned;
  for (const f of report.findings) rows.push({ key: `${repo}@${commit}:${f.file}:${f.line}`, f, set });
}

const judged = (sev) => rows.filter((r) => sev.includes(r.f.severity));
const hm = judged(["high", "medium"]);
const count = { leak: 0, fixture: 0, "not-a-secret": 0, unjudged: 0 };
const seen = new Set();
for (const r of hm) {
  const l = labels.get(r.key);
  seen.add(r.key);
  count[l ? l.verdict : "unjudged"]++;
}
const judgedN = hm.length - count.unjudged;
const precision = judgedN ? count.leak / judgedN : 1;
if (asJson) {
  console.log(JSON.stringify({ repos: repos.length - missing, files, findings: rows.length, highMedium: hm.length, ...count, precision }, null, 2));
} else {
  console.log(`${repos.length - missing} repositories, ${files} files scanned; ${rows.length} findings (${hm.length} high/medium, ${rows.length - hm.length} low)`);
  console.log(`high/medium verdicts: ${count.leak} leak, ${count.fixture} fixture, ${count["not-a-secret"]} not a secret, ${count.unjudged} unjudged`);
  console.log(`precision of high/medium findings: ${(precision * 100).toFixed(1)}% (${count.leak}/${judgedN})`);
  // per set: the repositories the rules were tuned on, and those added after tuning (held out)
  for (const set of [...new Set(repos.map((r) => r.set))]) {
    const mine = hm.filter((r) => r.set === set && labels.has(r.key));
    const leaks = mine.filter((r) => labels.get(r.key).verdict === "leak").length;
    console.log(`  ${set}: ${mine.length ? ((100 * leaks) / mine.length).toFixed(1) : "100.0"}% (${leaks}/${mine.length}) over ${repos.filter((r) => r.set === set).length} repositories`);
  }
  const show = (r) => `  ${r.f.severity.padEnd(6)} ${r.key}  ${r.f.ruleId}  ${labels.get(r.key)?.verdict ?? "UNJUDGED"}  | ${r.f.snippet.slice(0, 120)}`;
  const unj = hm.filter((r) => !labels.has(r.key));
  if (unj.length) console.log(`\nunjudged:\n${unj.map(show).join("\n")}`);
  const wrong = hm.filter((r) => labels.has(r.key) && labels.get(r.key).verdict !== "leak");
  if (wrong.length) console.log(`\nhigh/medium findings that are no leak:\n${wrong.map(show).join("\n")}`);
  const lowLeaks = judged(["low"]).filter((r) => labels.get(r.key)?.verdict === "leak");
  if (lowLeaks.length) console.log(`\nleaks reported only at low severity:\n${lowLeaks.map(show).join("\n")}`);
  const stale = [...labels.keys()].filter((k) => !rows.some((r) => r.key === k));
  if (stale.length) console.log(`\nlabels with no finding now (a leak here is a lost finding):\n${stale.map((k) => `  ${k}  ${labels.get(k).verdict}`).join("\n")}`);
  if (all) console.log(`\nlow:\n${judged(["low"]).map(show).join("\n")}`);
}
