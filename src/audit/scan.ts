// auditFiles: the library entry point. Takes file contents (from any Source:
// the working tree, staged blobs, a benchmark corpus), returns findings sorted
// by file and position. Pure: no file system, no process, no clock.
import { type DetectEnv, detectFile } from "./detect.js";
import { indexRules } from "./rule-index.js";
import type { Rule } from "./rule.js";
import { RULES } from "./rules/index.js";
import { compileTextRules } from "./text-rules.js";
import type { AuditInput, AuditOptions, AuditResult, Finding, RepoFacts } from "./types.js";

/**
 * Files up to this size are read whole and scanned; a larger one is a finding
 * (unscanned-file) unless it is binary and not .nix. Large enough for any
 * generated Nix; the lexer and parser are linear in it.
 */
export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;

/** The rules with the given ids removed; throws on an unknown id (callers turn that into a usage error). */
export function selectRules(disabled: readonly string[] = []): Rule[] {
  for (const id of disabled) if (!RULES.some((r) => r.id === id)) throw new UnknownRuleError(id);
  return RULES.filter((r) => !disabled.includes(r.id));
}

export class UnknownRuleError extends Error {
  constructor(readonly ruleId: string) {
    super(`unknown rule "${ruleId}"`);
    this.name = "UnknownRuleError";
  }
}

export function repoFacts(paths: readonly string[], secretsDirs: readonly string[] = [], tracked?: Iterable<string>): RepoFacts {
  return {
    hasFlake: paths.some((p) => p === "flake.nix" || p.endsWith("/flake.nix")),
    secretsDirs: secretsDirs.map((d) => d.replace(/^\.\//, "").replace(/\/*$/, "/")),
    tracked: tracked ? new Set(tracked) : null,
  };
}

/** Builds the per-run environment once: compiled rules, ranks, repository facts. */
export function detectEnv(paths: readonly string[], options: AuditOptions = {}): DetectEnv {
  const rules = selectRules(options.disabledRules);
  const text = compileTextRules(rules);
  return {
    index: indexRules(rules, text),
    fileRules: rules.filter((r) => r.matcher.on === "file" && !r.matcher.trackedOnly),
    trackedRules: rules.filter((r) => r.matcher.on === "file" && r.matcher.trackedOnly === true),
    rank: new Map(RULES.map((r, i) => [r, i])),
    parseError: rules.find((r) => r.id === "parse-error") ?? null,
    unscanned: rules.find((r) => r.id === "unscanned-file") ?? null,
    repo: repoFacts(paths, options.secretsDirs, options.tracked),
    maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    inlineAllow: options.inlineAllow ?? true,
  };
}

/** Audits the files and returns findings, notes and counts. */
export function auditFilesDetailed(files: readonly AuditInput[], options: AuditOptions = {}): AuditResult {
  const env = detectEnv(files.map((f) => f.path), options);
  const result: AuditResult = { findings: [], notes: [], suppressedInline: 0, filesScanned: 0, bytesScanned: 0 };
  for (const f of files) {
    const r = detectFile(f.path, f.content, env);
    result.findings.push(...r.findings);
    result.notes.push(...r.notes);
    result.suppressedInline += r.suppressed;
    result.filesScanned++;
    result.bytesScanned += r.bytes;
  }
  result.findings.sort(compareFindings);
  return result;
}

/** Audits the files and returns the findings (inline `nixsec:allow` applied). */
export function auditFiles(files: readonly AuditInput[], options: AuditOptions = {}): Finding[] {
  return auditFilesDetailed(files, options).findings;
}

export function compareFindings(a: Finding, b: Finding): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || (a.ruleId < b.ruleId ? -1 : 1);
}
