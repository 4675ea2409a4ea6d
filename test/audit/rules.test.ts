// Every rule's own examples: each leak must be reported under that rule, each
// safe example must not be. One table, so adding a rule adds its checks.
import { describe, expect, test } from "vitest";
import { RULES } from "../../src/audit/rules/index.js";
import { auditFiles } from "../../src/audit/scan.js";
import { checkStore } from "../../src/audit/store-checks.js";
import { exampleClosure, exampleInputs, exampleStore, isFileExample } from "./examples.js";

describe("rule metadata", () => {
  test("ids are unique kebab-case and every rule has examples of both kinds", () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of RULES) {
      expect(r.id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(r.examples.leaks.length, r.id).toBeGreaterThan(0);
      expect(r.examples.safe.length, r.id).toBeGreaterThan(0);
      expect(r.title, r.id).not.toMatch(/[.]$/);
      expect(r.description.length, r.id).toBeGreaterThan(40);
    }
  });

  test("every hint names a nixsec command (except the parse fallback)", () => {
    for (const r of RULES) if (r.id !== "parse-error") expect(r.hint, r.id).toMatch(/nixsec (?:add|wire|age|admin|host|gen|rotate)\b/);
  });

  test("examples fit their matcher: store facts for store rules, a closure for the closure rule, files for the others", () => {
    for (const r of RULES) {
      for (const ex of [...r.examples.leaks, ...r.examples.safe]) {
        const kind = isFileExample(ex) ? "file" : "store" in ex ? "store" : "closure";
        expect(kind, r.id).toBe(r.matcher.on === "store" || r.matcher.on === "closure" ? r.matcher.on : "file");
      }
    }
  });

  test("the catalogue's 19 rows are covered, except the managed-store checks", () => {
    const rows = new Set(RULES.flatMap((r) => r.catalogue));
    for (let i = 1; i <= 19; i++) expect(rows.has(i), `row ${i}`).toBe(true);
  });
});

const cases = RULES.flatMap((r) => [
  ...r.examples.leaks.map((ex, i) => ({ rule: r.id, kind: "leak" as const, i, ex })),
  ...r.examples.safe.map((ex, i) => ({ rule: r.id, kind: "safe" as const, i, ex })),
]);

describe.each(cases)("$rule $kind example $i", ({ rule, kind, ex }) => {
  test(kind === "leak" ? "is reported" : "is not reported", () => {
    let findings: { ruleId: string }[];
    if (isFileExample(ex)) {
      const { main, inputs, tracked, maxBytes } = exampleInputs(ex);
      findings = auditFiles(inputs, { tracked, ...(maxBytes ? { maxFileBytes: maxBytes } : {}) }).filter((f) => f.file === main);
    } else if ("store" in ex) {
      findings = checkStore(exampleStore(ex), RULES);
    } else {
      findings = exampleClosure(ex).map(() => ({ ruleId: "secret-in-closure" }));
    }
    const mine = findings.filter((f) => f.ruleId === rule);
    if (kind === "leak") expect(mine, JSON.stringify(findings)).not.toHaveLength(0);
    else expect(mine, JSON.stringify(findings)).toHaveLength(0);
  });
});
