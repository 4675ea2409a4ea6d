// The baseline: findings an existing repository accepts for now, so the hook
// can be adopted without fixing everything first. Entries match by
// fingerprint (rule + file + hash of the attribute path or redacted line +
// occurrence), never by line number, so unrelated edits do not invalidate
// them; the line is kept only to help a person find the finding. Values are
// never hashed into it: a hash of a short password is a dictionary lookup away.
import type { Finding } from "./types.js";

export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  file: string;
  line: number;
}

export interface Baseline {
  version: number;
  tool: "nixsec";
  findings: BaselineEntry[];
}

export class BaselineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BaselineError";
  }
}

export function makeBaseline(findings: readonly Finding[]): Baseline {
  return {
    version: BASELINE_VERSION,
    tool: "nixsec",
    findings: findings.map((f) => ({ fingerprint: f.fingerprint, ruleId: f.ruleId, file: f.file, line: f.line })),
  };
}

export function renderBaseline(b: Baseline): string {
  return JSON.stringify(b, null, 2) + "\n";
}

export function parseBaseline(text: string): Baseline {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new BaselineError("not JSON");
  }
  const d = doc as Partial<Baseline> | null;
  if (!d || typeof d !== "object" || d.tool !== "nixsec" || !Array.isArray(d.findings)) throw new BaselineError("not a nixsec audit baseline (expected {\"tool\": \"nixsec\", \"findings\": […]})");
  if (d.version !== BASELINE_VERSION) throw new BaselineError(`baseline version ${String(d.version)} is not supported (expected ${BASELINE_VERSION})`);
  for (const [i, e] of d.findings.entries()) if (typeof e?.fingerprint !== "string") throw new BaselineError(`findings[${i}].fingerprint: missing`);
  return d as Baseline;
}

/** Splits findings into new ones and those the baseline accepts (each entry accepts one finding). */
export function applyBaseline(findings: readonly Finding[], baseline: Baseline): { fresh: Finding[]; known: Finding[] } {
  const budget = new Map<string, number>();
  for (const e of baseline.findings) budget.set(e.fingerprint, (budget.get(e.fingerprint) ?? 0) + 1);
  const fresh: Finding[] = [];
  const known: Finding[] = [];
  for (const f of findings) {
    const n = budget.get(f.fingerprint) ?? 0;
    if (n > 0) { budget.set(f.fingerprint, n - 1); known.push(f); } else fresh.push(f);
  }
  return { fresh, known };
}
