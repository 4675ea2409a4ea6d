// The report for people: one block per finding, grouped by file.
//   hosts/alpha.nix:12:5: high plaintext-password: plaintext user password: users.users.alice.initialPassword
//     | users.users.alice.initialPassword = "***";
//     hint: nixsec add users/alice/password --stdin, …
// Colour comes from the CLI's style (TTY, NO_COLOR, FORCE_COLOR); the report never decides.
import type { Finding, Severity } from "../types.js";

export interface Paint {
  red(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

export const plain: Paint = { red: (s) => s, yellow: (s) => s, dim: (s) => s, bold: (s) => s };

function sev(p: Paint, s: Severity): string {
  return s === "high" ? p.red(s) : s === "medium" ? p.yellow(s) : p.dim(s);
}

export function renderText(findings: readonly Finding[], paint: Paint = plain): string {
  let out = "";
  for (const f of findings) {
    out += `${p(paint, f)}\n`;
    if (f.snippet) out += `  ${paint.dim("|")} ${f.snippet}\n`;
    out += `  ${paint.dim("hint:")} ${f.hint}\n\n`;
  }
  return out;
}

function p(paint: Paint, f: Finding): string {
  return `${paint.bold(`${f.file}:${f.line}:${f.column}`)}: ${sev(paint, f.severity)} ${f.ruleId}: ${f.message}`;
}

/** One line for stderr: counts by severity. */
export function summarize(findings: readonly Finding[]): string {
  if (findings.length === 0) return "no findings";
  const by: Record<Severity, number> = { high: 0, medium: 0, low: 0 };
  for (const f of findings) by[f.severity]++;
  const parts = (["high", "medium", "low"] as const).filter((s) => by[s] > 0).map((s) => `${by[s]} ${s}`);
  const files = new Set(findings.map((f) => f.file)).size;
  return `${findings.length} finding${findings.length === 1 ? "" : "s"} (${parts.join(", ")}) in ${files} file${files === 1 ? "" : "s"}`;
}
