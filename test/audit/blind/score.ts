// Scores `auditFiles` on the blind corpus: excerpts of public NixOS
// configurations, rewritten in our words and labelled by judgment before
// anyone tuned the audit on them (README.md beside this file).
//
// Each directory under blind/ is one repository and is audited as its own root
// (a flake.nix in one must not make another's files store copies). Values are
// `{{fake:KIND[:ARG]}}` (src/audit/rules/fake.ts, as test/audit/corpus-load.ts
// expands them) or `{{blind:ALPHABET:N}}` (N characters of hex, alnum, b64 or
// b64url), so no token-shaped literal is committed. Labels refer to lines of
// the files as committed; a marker that expands to several lines (a PEM block)
// maps them all back to its own line.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { auditFiles } from "../../../src/audit/index.js";
import { fake, fakeChars, type FakeKind } from "../../../src/audit/rules/fake.js";
import type { Finding, Severity } from "../../../src/audit/types.js";

export const BLIND = import.meta.dirname;

export type Verdict = "leak" | "fixture" | "hash" | "trap";
export interface LabelEntry { lines: [number, number]; verdict: Verdict; note: string }
/** File (relative to blind/) → entries; `[]` marks a file that is clean throughout. */
export type Labels = Record<string, LabelEntry[]>;

const ALPHABETS: Record<string, string> = {
  hex: "0123456789abcdef",
  alnum: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
  b64: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
  b64url: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
};
const MARKER = /([^\n]*?)\{\{(fake|blind):([A-Za-z0-9]+)(?::([A-Za-z0-9]*))?\}\}/g;

/** Expands the markers of one file; `lineOf[i]` is the committed line of expanded line i + 1. */
export function expandFile(file: string, text: string): { text: string; lineOf: number[] } {
  let n = 0;
  const out: string[] = [];
  const lineOf: number[] = [];
  text.split("\n").forEach((line, i) => {
    const expanded = line.replace(MARKER, (_all, before: string, family: string, kind: string, arg: string | undefined) => {
      const seed = `${file}#${n++}`;
      if (family === "blind") {
        const alphabet = ALPHABETS[kind];
        const len = Number(arg);
        if (!alphabet || !Number.isInteger(len) || len <= 0) throw new Error(`${file}:${i + 1}: bad marker {{blind:${kind}:${arg}}}`);
        return before + fakeChars(seed, len, alphabet);
      }
      if (kind === "pem") return before + fake.pem(arg ?? "OPENSSH", seed, /^\s*/.exec(before)![0]);
      const gen = fake[kind as FakeKind] as ((s: string) => string) | undefined;
      if (!gen) throw new Error(`${file}:${i + 1}: unknown fake kind ${kind}`);
      return before + gen(seed);
    });
    for (const l of expanded.split("\n")) {
      out.push(l);
      lineOf.push(i + 1);
    }
  });
  return { text: out.join("\n"), lineOf };
}

function walk(dir: string, rel = ""): string[] {
  return readdirSync(path.join(dir, rel), { withFileTypes: true })
    .flatMap((e) => {
      const p = rel ? `${rel}/${e.name}` : e.name;
      return e.isDirectory() ? walk(dir, p) : e.isFile() ? [p] : [];
    })
    .sort();
}

/** The repositories (top-level directories) and their files, relative to blind/. */
export function corpusFiles(): string[] {
  return readdirSync(BLIND, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => walk(path.join(BLIND, e.name)).map((f) => `${e.name}/${f}`))
    .sort();
}

export function loadLabels(): Labels {
  return JSON.parse(readFileSync(path.join(BLIND, "labels.json"), "utf8")) as Labels;
}

/** Problems with labels.json: unknown verdicts, ranges outside their file, files missing on either side. */
export function checkLabels(labels: Labels = loadLabels()): string[] {
  const problems: string[] = [];
  const files = corpusFiles();
  for (const f of files) if (!(f in labels)) problems.push(`${f}: not in labels.json (use [] for a clean file)`);
  for (const [f, entries] of Object.entries(labels)) {
    if (!files.includes(f)) { problems.push(`${f}: labelled but missing`); continue; }
    const count = readFileSync(path.join(BLIND, f), "utf8").split("\n").length;
    for (const e of entries) {
      const [a, b] = e.lines;
      if (!["leak", "fixture", "hash", "trap"].includes(e.verdict)) problems.push(`${f}: unknown verdict ${e.verdict}`);
      if (!Number.isInteger(a) || !Number.isInteger(b) || a < 1 || b < a || b > count) problems.push(`${f}: range [${a}, ${b}] outside 1..${count}`);
      if (!e.note) problems.push(`${f}:${a}: entry without a note`);
    }
  }
  return problems;
}

export interface Scored { file: string; line: number; ruleId: string; severity: Severity; message: string }
export interface Score {
  files: number;
  counts: Record<Verdict, number>;
  findings: number;
  recall: number;
  precision: number;
  /** Leak entries with no high/medium finding in range. */
  misses: { file: string; lines: [number, number]; note: string }[];
  /** High/medium findings on a clean line, a trap, a fixture, or high on a hash. */
  falseAlarms: (Scored & { where: Verdict | "clean"; note: string })[];
  truePositives: number;
  /** Medium findings on a hash (neither right nor wrong) and low findings anywhere. */
  uncounted: number;
}

/** Runs the audit on every repository of the corpus and scores it against labels.json. */
export function scoreBlind(labels: Labels = loadLabels()): Score {
  const byRoot = new Map<string, string[]>();
  for (const f of corpusFiles()) {
    const root = f.split("/")[0]!;
    byRoot.set(root, [...(byRoot.get(root) ?? []), f]);
  }
  const findings: Scored[] = [];
  for (const [root, files] of byRoot) {
    const lineOf = new Map<string, number[]>();
    const inputs = files.map((f) => {
      const rel = f.slice(root.length + 1);
      const raw = readFileSync(path.join(BLIND, f));
      if (raw.includes(0)) return { path: rel, content: raw };
      const x = expandFile(f, raw.toString("utf8"));
      lineOf.set(rel, x.lineOf);
      return { path: rel, content: x.text };
    });
    for (const fd of auditFiles(inputs) as Finding[]) {
      const map = lineOf.get(fd.file);
      findings.push({ file: `${root}/${fd.file}`, line: map?.[fd.line - 1] ?? fd.line, ruleId: fd.ruleId, severity: fd.severity, message: fd.message });
    }
  }
  const entriesAt = (file: string, line: number): LabelEntry[] => (labels[file] ?? []).filter((e) => e.lines[0] <= line && line <= e.lines[1]);
  const strong = findings.filter((f) => f.severity !== "low");
  const all = Object.entries(labels).flatMap(([file, es]) => es.map((e) => ({ file, ...e })));
  const leaks = all.filter((e) => e.verdict === "leak");
  const misses = leaks
    .filter((e) => !strong.some((f) => f.file === e.file && e.lines[0] <= f.line && f.line <= e.lines[1]))
    .map((e) => ({ file: e.file, lines: e.lines, note: e.note }));
  let truePositives = 0;
  let uncounted = findings.length - strong.length;
  const falseAlarms: Score["falseAlarms"] = [];
  for (const f of strong) {
    const at = entriesAt(f.file, f.line);
    if (at.some((e) => e.verdict === "leak")) truePositives++;
    else if (at.some((e) => e.verdict === "hash") && f.severity === "medium") uncounted++;
    else {
      const e = at.find((x) => x.verdict !== "trap") ?? at[0];
      falseAlarms.push({ ...f, where: e?.verdict ?? "clean", note: e?.note ?? "" });
    }
  }
  const counted = truePositives + falseAlarms.length;
  const counts = { leak: 0, fixture: 0, hash: 0, trap: 0 } as Record<Verdict, number>;
  for (const e of all) counts[e.verdict]++;
  return {
    files: corpusFiles().length,
    counts,
    findings: findings.length,
    recall: leaks.length ? (leaks.length - misses.length) / leaks.length : 1,
    precision: counted ? truePositives / counted : 1,
    misses,
    falseAlarms,
    truePositives,
    uncounted,
  };
}

/** The score as a person reads it. */
export function renderScore(s: Score): string {
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  const leaks = s.counts.leak;
  return [
    `blind corpus: ${s.files} files; ${leaks} leaks, ${s.counts.trap} traps, ${s.counts.fixture} fixtures, ${s.counts.hash} hashes labelled; ${s.findings} findings`,
    `recall ${pct(s.recall)} (${leaks - s.misses.length}/${leaks}), precision ${pct(s.precision)} (${s.truePositives}/${s.truePositives + s.falseAlarms.length}); ${s.uncounted} low or medium-on-hash findings not counted`,
    ...(s.misses.length ? ["misses:", ...s.misses.map((m) => `  ${m.file}:${m.lines[0]}-${m.lines[1]}  ${m.note}`)] : []),
    ...(s.falseAlarms.length ? ["false alarms:", ...s.falseAlarms.map((f) => `  ${f.file}:${f.line} ${f.severity} ${f.ruleId} [${f.where}${f.note ? `: ${f.note}` : ""}]`)] : []),
  ].join("\n");
}
