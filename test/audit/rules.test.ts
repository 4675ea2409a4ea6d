// Every rule's own examples: each leak must be reported under that rule, each
// safe example must not be. One table, so adding a rule adds its checks.
import { describe, expect, test } from "vitest";
import { RULES } from "../../src/audit/rules/index.js";
import { auditFiles } from "../../src/audit/scan.js";
import { exampleInputs } from "./examples.js";

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
    for (const r of RULES) if (r.id !== "parse-error") expect(r.hint, r.id).toMatch(/nixsec (?:add|wire|age|admin|host)\b/);
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
    const { main, inputs } = exampleInputs(ex);
    const findings = auditFiles(inputs).filter((f) => f.file === main);
    const mine = findings.filter((f) => f.ruleId === rule);
    if (kind === "leak") expect(mine, JSON.stringify(findings)).not.toHaveLength(0);
    else expect(mine, JSON.stringify(findings)).toHaveLength(0);
  });
});
