// The per-file detector: pure (bytes in, findings out, no I/O), so the
// working-tree scan, a staged-blob scan and the benchmarks share it. Cheap
// work first: path-only file rules, the size cap, a binary sniff, then the
// Nix parse (or the token fallback), with keyword prefilters inside.
import { NixParseError, parse } from "../nix/index.js";
import type { Hit } from "./hit.js";
import { fingerprintHash } from "./hash.js";
import { fillHint } from "./hints.js";
import { Locator } from "./locate.js";
import { scanNix } from "./nix-scan.js";
import type { RuleIndex } from "./rule-index.js";
import type { FileFacts, Rule } from "./rule.js";
import { InlineAllows } from "./suppress.js";
import { scanText } from "./text-rules.js";
import { scanNixTokens } from "./token-scan.js";
import type { Finding, Note, RepoFacts, Severity } from "./types.js";

export interface DetectEnv {
  index: RuleIndex;
  /** Enabled file rules, in rank order. */
  fileRules: readonly Rule[];
  /** Enabled file rules that run only on files tracked by git (in addition to the usual scan). */
  trackedRules: readonly Rule[];
  /** Rank of each enabled rule (its position in rules/index.ts). */
  rank: ReadonlyMap<Rule, number>;
  parseError: Rule | null;
  /** The rule for files too large to read whole (null when disabled). */
  unscanned: Rule | null;
  repo: RepoFacts;
  maxFileBytes: number;
  inlineAllow: boolean;
  /** Whether a leaked text was ever committed in this file (for the rotation advice); absent: not known. */
  committed?: (path: string, secrets: readonly string[]) => boolean | null;
}

export interface FileResult {
  findings: Finding[];
  notes: Note[];
  suppressed: number;
  bytes: number;
}

const td = new TextDecoder("utf-8", { fatal: false });

/** A NUL byte in the first 8 KiB: the same sniff git uses. */
export function isBinary(bytes: Uint8Array): boolean {
  return bytes.subarray(0, 8000).indexOf(0) >= 0;
}

/** Whether a path is inside a secrets directory: a `secrets/` segment anywhere, or a configured prefix. */
export function inSecretsDir(path: string, dirs: readonly string[]): boolean {
  if (/(?:^|\/)\.?secrets?\//i.test(path)) return true;
  return dirs.some((d) => path.startsWith(d));
}

/**
 * Test fixtures and documentation by location, reported at low severity:
 * `tests/`, `checks/`, `test/`, `integration-tests/` (any `*-tests/`),
 * files named like `test.nix`, `vm-test.nix` or `test-configurations.nix`,
 * and examples, demos, docs and templates. A `test/` directory of hosts
 * (`hosts/test/`) is a host called "test", not a test. Inside any file, test
 * functions (runNixOSTest, nixosTest, testers.*), sets with a testScript and
 * check phases count too (nix-scan.ts).
 */
export function isTestPath(path: string): boolean {
  if (/(?:^|\/)(?:tests|checks|integration-tests?|[\w.-]+-tests|examples?|demos?|docs?|templates?)\//.test(path)) return true;
  if (/(?:^|\/)test\//.test(path) && !/(?:^|\/)(?:hosts|machines|systems|nodes|configurations)\/test\//.test(path)) return true;
  return /(?:^|\/)(?:[\w-]+[-_])?tests?(?:[-_][\w-]+)?\.[a-z]+$/.test(path);
}

/**
 * Values a generator published on purpose: clan's public vars and facts
 * (`vars/per-machine/HOST/GEN/NAME/value`, `machines/HOST/facts/NAME`), such
 * as the hash of a generated root password. Reported at low severity: the
 * tool that wrote them decided they are public.
 */
export function isPublicFact(path: string): boolean {
  return /(?:^|\/)vars\/(?:per-machine|shared)\/.+\/value$|(?:^|\/)machines\/[^/]+\/facts\/[^/]+$/.test(path);
}


/** Keeps the best-ranked hit for each overlapping source range. */
function dedupe(hits: Hit[], rank: ReadonlyMap<Rule, number>): Hit[] {
  const sorted = [...hits].sort((a, b) => (rank.get(a.rule) ?? 999) - (rank.get(b.rule) ?? 999) || a.start - b.start);
  const kept: Hit[] = [];
  for (const h of sorted) {
    if (kept.some((k) => h.start < k.end && k.start < h.end)) continue;
    kept.push(h);
  }
  return kept.sort((a, b) => a.start - b.start);
}

/**
 * A file over the size cap, seen by its first bytes only. Fail closed (issue
 * 12, item 5): a .nix file or a text file is a finding that fails the run;
 * a binary file that Nix does not read gets a note.
 */
export function detectOversize(path: string, size: number, head: Uint8Array, env: DetectEnv): FileResult {
  const mib = (n: number): string => (n < 1048576 ? `${Math.ceil(n / 1024)} KiB` : `${(n / 1048576).toFixed(n < 10485760 ? 1 : 0)} MiB`);
  if (!path.endsWith(".nix") && isBinary(head)) {
    return { findings: [], notes: [{ file: path, message: `skipped: binary, ${mib(size)}` }], suppressed: 0, bytes: 0 };
  }
  const hits: Hit[] = [];
  if (env.unscanned) hits.push({ rule: env.unscanned, start: 0, end: 0, secrets: [], where: `${path} is ${mib(size)}, over the ${mib(env.maxFileBytes)} the audit reads whole`, anchor: path, vars: {} });
  return { ...build(path, "", hits, env, [], 0), bytes: 0 };
}

export function detectFile(path: string, content: Uint8Array | string, env: DetectEnv): FileResult {
  const bytes = typeof content === "string" ? null : content;
  const size = bytes ? bytes.length : content.length;
  const notes: Note[] = [];
  if (size > env.maxFileBytes) {
    const head = bytes ? bytes.subarray(0, 8000) : new TextEncoder().encode((content as string).slice(0, 8000));
    return detectOversize(path, size, head, env);
  }
  // A .nix file is text to Nix whatever bytes a comment holds (issue 12, item 5):
  // only other files are sniffed for a NUL.
  const binary = bytes && !path.endsWith(".nix") ? isBinary(bytes) : false;
  const text = typeof content === "string" ? content : binary ? null : td.decode(content);
  const secretsDir = inSecretsDir(path, env.repo.secretsDirs);
  const hits: Hit[] = [];
  const tracked = env.repo.tracked ? env.repo.tracked.has(path) : null;
  const test = isTestPath(path) || isPublicFact(path);
  const applying = env.fileRules.filter((r) => r.matcher.on === "file" && r.matcher.applies(path, secretsDir));
  const extra = tracked && text !== null ? env.trackedRules.filter((r) => r.matcher.on === "file" && r.matcher.applies(path, secretsDir)) : [];
  if (applying.length > 0 || extra.length > 0) {
    const facts: FileFacts = { path, bytes: bytes ?? new TextEncoder().encode(content as string), text, inSecretsDir: secretsDir, hasFlake: env.repo.hasFlake, tracked };
    for (const r of [...applying, ...extra]) {
      if (r.matcher.on !== "file") continue;
      for (const h of r.matcher.check(facts)) {
        const secret = h.secret ?? { start: h.start, end: h.end };
        hits.push({ rule: r, start: h.start, end: Math.max(h.end, h.start), secrets: text && secret.end > secret.start ? [text.slice(secret.start, secret.end)] : [], where: h.detail, anchor: h.detail, vars: {}, test });
      }
    }
  }
  if (text === null) {
    if (applying.length === 0) notes.push({ file: path, message: "skipped: binary" });
    return build(path, "", hits, env, notes, size);
  }
  if (path.endsWith(".nix")) {
    try {
      const ast = parse(text);
      hits.push(...scanNix(text, ast, env.index, test));
    } catch (err) {
      if (!(err instanceof NixParseError)) throw err;
      if (env.parseError) hits.push({ rule: env.parseError, start: err.offset, end: err.offset, secrets: [], where: err.reason, anchor: "", vars: {} });
      hits.push(...scanNixTokens(text, env.index, test));
    }
  } else if (!secretsDir || applying.length === 0) {
    for (const m of scanText(text, env.index.text)) {
      const h: Hit = { rule: m.rule, start: m.start, end: m.end, secrets: [text.slice(m.start, m.end)], where: "", anchor: "", vars: {}, test };
      if (m.severity) h.severity = m.severity;
      hits.push(h);
    }
  }
  return build(path, text, hits, env, notes, size);
}

function build(path: string, text: string, raw: Hit[], env: DetectEnv, notes: Note[], size: number): FileResult {
  const hits = dedupe(raw, env.rank);
  const loc = new Locator(text);
  const allows = env.inlineAllow ? new InlineAllows(text) : null;
  const findings: Finding[] = [];
  const seen = new Map<string, number>();
  let suppressed = 0;
  for (const h of hits) {
    const p = loc.position(h.start);
    if (allows?.allows(h.rule.id, p.line)) { suppressed++; continue; }
    const e = loc.position(Math.max(h.start, h.end));
    const snippet = text ? loc.redactedSnippet(h.start, h.end, h.secrets) : "";
    let severity: Severity = h.severity ?? h.rule.severity;
    if (h.test) severity = "low";
    let message = h.rule.title + (h.where ? `: ${h.where}` : "");
    if (h.via !== undefined) {
      const v = loc.position(h.via);
      if (v.line !== p.line) message += ` (used at line ${v.line})`;
    }
    if (h.test) message += isPublicFact(path) ? " (a public value of clan)" : " (test fixture or example)";
    const vars = env.committed && h.secrets.length > 0 ? { ...h.vars, committed: env.committed(path, h.secrets) } : h.vars;
    const anchor = h.anchor || snippet.replace(/\s+/g, " ");
    const key = `${h.rule.id}\0${anchor}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    findings.push({
      ruleId: h.rule.id, severity, file: path, line: p.line, column: p.column, endLine: e.line, endColumn: e.column,
      message, hint: fillHint(h.hint ?? h.rule.hint, vars), snippet,
      fingerprint: `${h.rule.id}:${path}:${fingerprintHash(anchor)}${n > 0 ? `:${n}` : ""}`,
    });
  }
  return { findings, notes, suppressed, bytes: size };
}
