// `--format json`: an object with a `findings` array. Fields are copied one
// by one (never spread), so nothing internal can leak into the report.
import type { Finding, Note } from "../types.js";

export interface JsonReportMeta {
  version: string;
  filesScanned: number;
  suppressed: { inline: number; baseline: number; allow: number };
  source: "worktree" | "staged" | "closure";
}

export function findingJson(f: Finding): Record<string, unknown> {
  return {
    ruleId: f.ruleId, severity: f.severity, file: f.file, line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn,
    message: f.message, hint: f.hint, snippet: f.snippet, fingerprint: f.fingerprint,
  };
}

export function renderJson(findings: readonly Finding[], notes: readonly Note[], meta: JsonReportMeta): string {
  return JSON.stringify({
    tool: { name: "nixsec", version: meta.version },
    source: meta.source,
    findings: findings.map(findingJson),
    notes: notes.map((n) => ({ file: n.file, message: n.message })),
    summary: { filesScanned: meta.filesScanned, findings: findings.length, suppressed: meta.suppressed },
  }, null, 2) + "\n";
}
