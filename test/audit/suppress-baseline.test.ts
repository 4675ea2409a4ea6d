// Inline `nixsec:allow`, the baseline (survives unrelated edits, catches new
// findings), the audit config's allow-list and its every-problem errors.
import { describe, expect, test } from "vitest";
import { applyBaseline, makeBaseline, parseBaseline, renderBaseline } from "../../src/audit/baseline.js";
import { AuditConfigError, fileAllowed, findingAllowed, parseAuditConfig } from "../../src/audit/config.js";
import { compileGlob } from "../../src/audit/glob.js";
import { auditFiles } from "../../src/audit/scan.js";

const host = (extra = "") => `{ config, ... }:
{${extra}
  users.users.alice.initialPassword = "hunter2";
  services.foo.passwordFile = ./secrets/foo;
  services.bar.adminpass = "Bar-Admin-Pw-1";
}
`;

describe("inline nixsec:allow", () => {
  test("on the line, naming the rule", () => {
    const src = `{ users.users.a.initialPassword = "hunter2"; # nixsec:allow plaintext-password throwaway VM\n}`;
    expect(auditFiles([{ path: "a.nix", content: src }])).toHaveLength(0);
  });
  test("alone on the line above", () => {
    const src = `{\n  # nixsec:allow plaintext-password throwaway VM\n  users.users.a.initialPassword = "hunter2";\n}`;
    expect(auditFiles([{ path: "a.nix", content: src }])).toHaveLength(0);
  });
  test("a trailing allow on the line above does not reach the next line", () => {
    const src = `{\n  x = 1; # nixsec:allow plaintext-password\n  users.users.a.initialPassword = "hunter2";\n}`;
    expect(auditFiles([{ path: "a.nix", content: src }])).toHaveLength(1);
  });
  test("another rule's allow does not hide the finding; * does", () => {
    const other = `{ users.users.a.initialPassword = "hunter2"; # nixsec:allow hashed-password\n}`;
    expect(auditFiles([{ path: "a.nix", content: other }])).toHaveLength(1);
    const star = `{ users.users.a.initialPassword = "hunter2"; # nixsec:allow * fixture\n}`;
    expect(auditFiles([{ path: "a.nix", content: star }])).toHaveLength(0);
  });
  test("can be turned off for an audit of the allows themselves", () => {
    const src = `{ users.users.a.initialPassword = "hunter2"; # nixsec:allow plaintext-password\n}`;
    expect(auditFiles([{ path: "a.nix", content: src }], { inlineAllow: false })).toHaveLength(1);
  });
});

describe("baseline", () => {
  const before = auditFiles([{ path: "hosts/a.nix", content: host() }]);
  const baseline = parseBaseline(renderBaseline(makeBaseline(before)));

  test("holds no values, only fingerprints, rule ids, files and lines", () => {
    const text = renderBaseline(makeBaseline(before));
    expect(text).not.toMatch(/hunter2|Bar-Admin/);
    expect(baseline.findings).toHaveLength(3);
  });

  test("still matches after unrelated edits move every line", () => {
    const edited = host("\n  # a comment\n  networking.hostName = \"a\";\n  time.timeZone = \"UTC\";\n");
    const after = auditFiles([{ path: "hosts/a.nix", content: edited }]);
    expect(after.map((f) => f.line)).not.toEqual(before.map((f) => f.line));
    const { fresh, known } = applyBaseline(after, baseline);
    expect(fresh).toHaveLength(0);
    expect(known).toHaveLength(3);
  });

  test("reports new findings next to the known ones", () => {
    const more = host("\n  users.users.bob.initialPassword = \"hunter2\";\n  services.baz.adminpass = \"Bar-Admin-Pw-1\";");
    const { fresh, known } = applyBaseline(auditFiles([{ path: "hosts/a.nix", content: more }]), baseline);
    expect(fresh.map((f) => f.ruleId).sort()).toEqual(["plaintext-password", "secret-option-literal"]);
    expect(known).toHaveLength(3);
  });

  test("counts identical findings: one entry accepts one occurrence", () => {
    const line = "# deploy token\nexport GH=" + "gh" + "p_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8" + "\n";
    const once = auditFiles([{ path: "deploy.sh", content: line }]);
    const twice = auditFiles([{ path: "deploy.sh", content: line + line }]);
    expect(twice).toHaveLength(2);
    expect(new Set(twice.map((f) => f.fingerprint)).size).toBe(2);
    const { fresh } = applyBaseline(twice, makeBaseline(once));
    expect(fresh).toHaveLength(1);
  });

  test("does not follow a finding to another file", () => {
    const { fresh } = applyBaseline(auditFiles([{ path: "hosts/b.nix", content: host() }]), baseline);
    expect(fresh).toHaveLength(3);
  });

  test("rejects what is not a baseline", () => {
    expect(() => parseBaseline("{}")).toThrow(/not a nixsec audit baseline/);
    expect(() => parseBaseline("nope")).toThrow(/not JSON/);
    expect(() => parseBaseline(JSON.stringify({ tool: "nixsec", version: 9, findings: [] }))).toThrow(/version 9/);
  });
});

describe("audit config", () => {
  test("parses allow entries, disabled rules and secrets dirs", async () => {
    const cfg = await parseAuditConfig(`allow:
  - path: test/audit/corpus/
    reason: labelled leak corpus
  - path: "examples/keys/*_key"
    rules: [private-key]
    reason: TEST keys
disable: [jwt]
secretsDirs: [vault]
`);
    expect(cfg.disable).toEqual(["jwt"]);
    expect(fileAllowed(cfg.allow, "test/audit/corpus/hosts/a.nix")).toBe(true);
    expect(fileAllowed(cfg.allow, "examples/keys/host_key")).toBe(false); // rule-specific entries still scan the file
    expect(findingAllowed(cfg.allow, "examples/keys/host_key", "private-key")).toBe(true);
    expect(findingAllowed(cfg.allow, "examples/keys/host_key", "github-token")).toBe(false);
  });

  test("reports every problem at once, with its path", async () => {
    const err = await parseAuditConfig(`allow:
  - path: x
  - reason: y
    rules: [no-such-rule]
disable: [also-not]
extra: 1
`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuditConfigError);
    const problems = (err as AuditConfigError).problems;
    expect(problems).toEqual(expect.arrayContaining([
      "extra: unknown key (expected allow, disable, secretsDirs)",
      "allow[0].reason: say why these findings are acceptable",
      "allow[1].path: must be a non-empty glob",
      expect.stringMatching(/^allow\[1\]\.rules: unknown rule "no-such-rule"/),
      expect.stringMatching(/^disable: unknown rule "also-not"/),
    ]));
  });
});

describe("globs", () => {
  test.each([
    ["secrets/", "secrets/a/b.age", true],
    ["secrets/", "x/secrets/a", false],
    ["*.key", "deep/dir/host.key", true],
    ["examples/keys/*", "examples/keys/a", true],
    ["examples/keys/*", "examples/keys/a/b", false],
    ["test/**/fixtures/*.nix", "test/fixtures/a.nix", true],
    ["test/**/fixtures/*.nix", "test/x/y/fixtures/a.nix", true],
    ["./docs/*.md", "docs/a.md", true],
  ])("%s matches %s: %s", (glob, path, want) => {
    expect(compileGlob(glob)(path)).toBe(want);
  });
});
