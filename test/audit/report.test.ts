// The three report formats: the fields the issue asks for, SARIF 2.1.0's
// required structure, and the text layout people read.
import { describe, expect, test } from "vitest";
import { renderJson } from "../../src/audit/report/json.js";
import { renderSarif } from "../../src/audit/report/sarif.js";
import { renderText, summarize } from "../../src/audit/report/text.js";
import { RULES } from "../../src/audit/rules/index.js";
import { auditFilesDetailed } from "../../src/audit/scan.js";

const files = [
  { path: "hosts/a.nix", content: `{\n  users.users.alice.initialPassword = "hunter2";\n  services.foo.passwordFile = ./secrets/foo;\n}\n` },
  { path: "tests/vm.nix", content: `{ nodes.m.users.users.t.password = "tester"; }\n` },
  { path: "broken.nix", content: `{ a = 1 }\n` },
  { path: "img.png", content: Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]) },
];
const result = auditFilesDetailed(files);

describe("json", () => {
  const doc = JSON.parse(renderJson(result.findings, result.notes, { version: "0.1.0", filesScanned: 4, suppressed: { inline: 0, baseline: 0, allow: 0 }, source: "worktree" }));
  test("is an object with a findings array carrying the required fields", () => {
    expect(Array.isArray(doc.findings)).toBe(true);
    expect(doc.findings.length).toBe(result.findings.length);
    for (const f of doc.findings) {
      for (const k of ["ruleId", "severity", "file", "line", "column", "message", "hint"]) expect(f, k).toHaveProperty(k);
      expect(["high", "medium", "low"]).toContain(f.severity);
      expect(f.file).not.toMatch(/^\//);
      expect(Number.isInteger(f.line) && f.line >= 1).toBe(true);
      expect(Number.isInteger(f.column) && f.column >= 1).toBe(true);
    }
    expect(doc.findings.find((f: { ruleId: string }) => f.ruleId === "plaintext-password")).toMatchObject({ file: "hosts/a.nix", line: 2, column: 40 });
  });
  test("carries notes (binary files) and the parse-error finding", () => {
    expect(doc.notes).toEqual([{ file: "img.png", message: "skipped: binary" }]);
    expect(doc.findings.find((f: { ruleId: string }) => f.ruleId === "parse-error")).toMatchObject({ file: "broken.nix", severity: "low" });
  });
  test("never holds a value", () => expect(JSON.stringify(doc)).not.toMatch(/hunter2|tester"/));
});

describe("sarif 2.1.0", () => {
  const log = JSON.parse(renderSarif(result.findings, result.notes, "0.1.0"));
  test("has the required top-level, run, tool and result structure", () => {
    expect(log.version).toBe("2.1.0");
    expect(log.$schema).toMatch(/sarif-2\.1\.0/);
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0];
    expect(run.tool.driver.name).toBe("nixsec");
    expect(run.tool.driver.rules).toHaveLength(RULES.length);
    for (const r of run.tool.driver.rules) {
      expect(typeof r.id).toBe("string");
      expect(r.shortDescription.text.length).toBeGreaterThan(0);
      expect(["error", "warning", "note"]).toContain(r.defaultConfiguration.level);
    }
    expect(run.results).toHaveLength(result.findings.length);
    for (const res of run.results) {
      expect(typeof res.message.text).toBe("string");
      expect(run.tool.driver.rules[res.ruleIndex].id).toBe(res.ruleId);
      expect(["error", "warning", "note"]).toContain(res.level);
      const loc = res.locations[0].physicalLocation;
      expect(loc.artifactLocation.uri).not.toMatch(/^\//);
      expect(loc.artifactLocation.uriBaseId).toBe("%SRCROOT%");
      expect(loc.region.startLine).toBeGreaterThanOrEqual(1);
      expect(loc.region.startColumn).toBeGreaterThanOrEqual(1);
      expect(typeof res.partialFingerprints["nixsec/v1"]).toBe("string");
    }
    expect(run.invocations[0].executionSuccessful).toBe(true);
    expect(run.invocations[0].toolExecutionNotifications[0].message.text).toBe("skipped: binary");
  });
  test("maps severities to levels", () => {
    type R = { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] };
    const level = (file: string, rule: string): string | undefined =>
      (log.runs[0].results as R[]).find((r) => r.ruleId === rule && r.locations[0]!.physicalLocation.artifactLocation.uri === file)?.level;
    expect(level("hosts/a.nix", "plaintext-password")).toBe("error");
    expect(level("tests/vm.nix", "plaintext-password")).toBe("note"); // VM test fixture: low
    expect(level("broken.nix", "parse-error")).toBe("note");
  });
  test("never holds a value", () => expect(JSON.stringify(log)).not.toMatch(/hunter2|tester"/));
});

describe("text", () => {
  const text = renderText(result.findings);
  test("shows file:line:col, the rule, the redacted line and the hint", () => {
    expect(text).toContain("hosts/a.nix:2:40: high plaintext-password: plaintext user password: users.users.alice.initialPassword\n");
    expect(text).toContain(`  | users.users.alice.initialPassword = "***";\n`);
    expect(text).toMatch(/ {2}hint: nixsec add users\/alice\/password --stdin/);
    expect(text).not.toMatch(/hunter2/);
  });
  test("summarizes by severity", () => {
    expect(summarize(result.findings)).toBe("4 findings (2 high, 2 low) in 3 files");
    expect(summarize([])).toBe("no findings");
  });
});
