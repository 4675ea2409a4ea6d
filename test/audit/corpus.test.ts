// The labelled corpus: precision and recall of the whole engine on host
// configs, modules, a flake, deploy files, VM tests and a secrets directory
// written for this purpose. A finding counts as a true positive when its
// (file, line, rule) is labelled; severity is checked where a label gives it.
import { describe, expect, test } from "vitest";
import { auditFilesDetailed } from "../../src/audit/scan.js";
import { loadCorpus } from "./corpus-load.js";

describe("labelled corpus", () => {
  const { inputs, labels } = loadCorpus();
  const result = auditFilesDetailed(inputs);
  const key = (f: string, l: number, r: string): string => `${f}:${l}:${r}`;
  const expected = new Map(labels.map((l) => [key(l.file, l.line, l.rule), l]));
  const found = new Map(result.findings.map((f) => [key(f.file, f.line, f.ruleId), f]));
  const tp = [...found.keys()].filter((k) => expected.has(k));
  const fp = [...found.keys()].filter((k) => !expected.has(k));
  const fn = [...expected.keys()].filter((k) => !found.has(k));
  const precision = tp.length / (tp.length + fp.length);
  const recall = tp.length / (tp.length + fn.length);

  test("is big enough to mean something", () => {
    expect(inputs.length).toBeGreaterThanOrEqual(40);
    expect(labels.length).toBeGreaterThanOrEqual(150);
    const rules = new Set(labels.map((l) => l.rule));
    expect(rules.size).toBeGreaterThanOrEqual(25);
  });

  test("precision and recall are at least 95%", () => {
    const perRule = new Map<string, { tp: number; fp: number; fn: number }>();
    const bump = (k: string, what: "tp" | "fp" | "fn"): void => {
      const rule = k.split(":")[2]!;
      const e = perRule.get(rule) ?? { tp: 0, fp: 0, fn: 0 };
      e[what]++;
      perRule.set(rule, e);
    };
    tp.forEach((k) => bump(k, "tp"));
    fp.forEach((k) => bump(k, "fp"));
    fn.forEach((k) => bump(k, "fn"));
    const lines = [...perRule.entries()].sort().map(([r, e]) => `  ${r.padEnd(26)} tp ${String(e.tp).padStart(3)}  fp ${e.fp}  fn ${e.fn}`);
    console.log(
      `corpus: ${inputs.length} files, ${labels.length} labelled lines, ${result.findings.length} findings\n` +
      `precision ${(precision * 100).toFixed(1)}% (${tp.length}/${tp.length + fp.length}), recall ${(recall * 100).toFixed(1)}% (${tp.length}/${tp.length + fn.length})\n` +
      lines.join("\n") +
      (fp.length ? `\nfalse positives:\n  ${fp.map((k) => `${k}  ${found.get(k)!.snippet}`).join("\n  ")}` : "") +
      (fn.length ? `\nfalse negatives:\n  ${fn.join("\n  ")}` : ""),
    );
    expect(precision).toBeGreaterThanOrEqual(0.95);
    expect(recall).toBeGreaterThanOrEqual(0.95);
  });

  test("labelled severities hold (VM test fixtures are low at most)", () => {
    for (const l of labels) {
      if (!l.severity) continue;
      const f = found.get(key(l.file, l.line, l.rule));
      if (f) expect(f.severity, key(l.file, l.line, l.rule)).toBe(l.severity);
    }
    for (const f of result.findings) if (/^tests\//.test(f.file)) expect(f.severity).toBe("low");
  });

  test("no snippet or message shows a labelled secret in full", () => {
    for (const f of result.findings) {
      for (const word of [f.snippet, f.message, f.hint]) {
        expect(word).not.toMatch(/Pw-\d|-Pass-|hunter2|Tr0ub4dor|toor\b/);
      }
    }
  });
});
