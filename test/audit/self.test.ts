// nixsec audits itself: `nixsec audit` at the repository root, with the
// allow-list in .nixsec-audit.yaml, finds nothing. The allow-list is pinned
// here (a new entry is a reviewed change to this test), and each entry must
// still be needed, so it cannot quietly grow or go stale.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runCli } from "../helpers/cli.js";
import { needTool, repoRoot } from "../helpers/tools.js";

interface Finding { ruleId: string; file: string; line: number; message: string }

const EXPECTED_ALLOW = [
  { path: "examples/keys/", rules: ["tracked-identity-file", "private-key", "age-secret-key"] },
  { path: "test/audit/corpus/", rules: undefined },
  { path: "test/audit/blind/", rules: undefined },
  { path: "test/nix/fixtures/", rules: ["parse-error", "read-secret-at-eval"] },
];

describe.runIf(needTool("git"))("self-audit", () => {
  it("finds nothing in this repository", async () => {
    const r = await runCli(["audit", "--format", "json"], { cwd: repoRoot });
    const doc = JSON.parse(r.stdout.toString()) as { findings: Finding[] };
    const shown = doc.findings.map((f) => `${f.file}:${f.line}: ${f.ruleId}: ${f.message}`).join("\n");
    expect(shown).toBe("");
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/and the managed store/); // the example fleet is checked as a store too
  });

  it("allow-lists only the demo store's TEST keys and the deliberate fixtures", () => {
    const cfg = parse(readFileSync(path.join(repoRoot, ".nixsec-audit.yaml"), "utf8")) as { allow: { path: string; rules?: string[]; reason: string }[] };
    expect(Object.keys(cfg)).toEqual(["allow"]);
    expect(cfg.allow.map((a) => ({ path: a.path, rules: a.rules }))).toEqual(EXPECTED_ALLOW);
  });

  it("needs every entry: without the config, each allowed place has findings of the allowed rules", async () => {
    const r = await runCli(["audit", "--no-config", "--format", "json"], { cwd: repoRoot });
    const findings = (JSON.parse(r.stdout.toString()) as { findings: Finding[] }).findings;
    for (const a of EXPECTED_ALLOW) {
      const mine = findings.filter((f) => f.file.startsWith(a.path));
      expect(mine.length, a.path).toBeGreaterThan(0);
      if (a.rules) for (const rule of a.rules.filter((x) => x !== "private-key" && x !== "age-secret-key")) expect(mine.some((f) => f.ruleId === rule), `${a.path} ${rule}`).toBe(true);
    }
    // and nothing outside them
    expect(findings.filter((f) => !EXPECTED_ALLOW.some((a) => f.file.startsWith(a.path))).map((f) => `${f.file} ${f.ruleId}`)).toEqual([]);
  });
});
