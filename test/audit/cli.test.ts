// `nixsec audit` through the built binary in a temp git repository: exit
// codes, formats, .gitignore, --staged, baselines, the allow-list config,
// and that no value reaches stdout or stderr.
import { execFileSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { tempRepo, type TempRepo } from "../helpers/repo.js";
import { needTool } from "../helpers/tools.js";

const LEAK = `{ config, ... }:\n{\n  users.users.alice.initialPassword = "Hunter-Two-22";\n}\n`;
const CLEAN = `{ config, ... }:\n{\n  users.users.alice.hashedPasswordFile = config.age.secrets.alice.path;\n}\n`;

describe.runIf(needTool("git"))("nixsec audit (binary)", () => {
  let t: TempRepo;
  const write = (rel: string, text: string): void => {
    mkdirSync(path.dirname(t.file(rel)), { recursive: true });
    writeFileSync(t.file(rel), text);
  };
  const git = (...args: string[]): string => execFileSync("git", args, { cwd: t.repo, env: { ...process.env, ...t.env } }).toString();
  const audit = async (args: string[] = []) => {
    const r = await t.nixsec(["audit", ...args]);
    const out = r.stdout.toString();
    expect(out + r.stderr).not.toContain("Hunter-Two-22");
    expect(out + r.stderr).not.toContain("Staged-Only-33");
    return { code: r.code, out, err: r.stderr };
  };

  beforeEach(() => {
    t = tempRepo("nixsec-audit-");
  });
  afterEach(() => t.cleanup());

  it("exits 0 on a clean repository and 1 with findings, redacted", async () => {
    write("hosts/a.nix", CLEAN);
    let r = await audit();
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/no findings \(scanned 1 file in/);
    write("hosts/b.nix", LEAK);
    r = await audit();
    expect(r.code).toBe(1);
    expect(r.out).toContain("hosts/b.nix:3:40: high plaintext-password: plaintext user password: users.users.alice.initialPassword");
    expect(r.out).toContain(`| users.users.alice.initialPassword = "***";`);
    expect(r.out).toMatch(/hint: nixsec add users\/alice\/password --stdin/);
    expect(r.err).toMatch(/^nixsec: error: 1 finding \(1 high\) in 1 file/m);
  });

  it("writes JSON and SARIF with paths relative to the root, from a subdirectory too", async () => {
    write("hosts/b.nix", LEAK);
    mkdirSync(t.file("docs"));
    const r = await t.nixsec(["audit", "--format", "json"]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout.toString());
    expect(doc.findings).toHaveLength(1);
    expect(doc.findings[0]).toMatchObject({ ruleId: "plaintext-password", severity: "high", file: "hosts/b.nix", line: 3, column: 40 });
    // from a subdirectory the default root is still the repository root
    const s = await runCli(["audit", "--format", "sarif"], { cwd: t.file("docs"), env: t.env });
    expect(s.code).toBe(1);
    const log = JSON.parse(s.stdout.toString());
    expect(log.version).toBe("2.1.0");
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe("hosts/b.nix");
    expect(s.stdout.toString() + s.stderr).not.toContain("Hunter-Two-22");
  });

  it("honours .gitignore and does not follow result links", async () => {
    write(".gitignore", "local/\n");
    write("local/secrets.nix", LEAK);
    write("hosts/a.nix", CLEAN);
    symlinkSync("/nonexistent/nix/store/xyz-nixos-system", t.file("result"));
    const r = await audit();
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/scanned 2 files/); // .gitignore and hosts/a.nix
  });

  it("scans what is staged with --staged, not the working tree", async () => {
    write("hosts/a.nix", LEAK.replace("Hunter-Two-22", "Staged-Only-33"));
    git("add", "hosts/a.nix");
    write("hosts/a.nix", CLEAN); // the working tree is clean, the index is not
    write("hosts/new.nix", LEAK); // untracked: not part of the commit
    let r = await audit(["--staged"]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^hosts\/a\.nix:3:40: high plaintext-password/m);
    expect(r.out).not.toMatch(/new\.nix/);
    expect(r.err).toMatch(/scanned 1 staged file/);
    r = await audit();
    expect(r.out).not.toMatch(/^hosts\/a\.nix/m);
    expect(r.out).toMatch(/^hosts\/new\.nix/m);
  });

  it("with --staged, a leak only in the working tree passes; a staged one does not", async () => {
    write("hosts/a.nix", CLEAN);
    git("add", "hosts/a.nix");
    write("hosts/a.nix", LEAK); // leaks on disk, clean in the index
    let r = await audit(["--staged"]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/no findings \(scanned 1 staged file/);
    git("add", "hosts/a.nix");
    write("hosts/a.nix", CLEAN); // now the reverse: leaks in the index, clean on disk
    r = await audit(["--staged"]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^hosts\/a\.nix:3:40: high plaintext-password/m);
    // a staged symlink is not followed (its target is not what is committed)
    mkdirSync(t.file("outside"));
    writeFileSync(t.file("outside/leak.nix"), LEAK);
    git("add", "outside/leak.nix");
    git("commit", "-q", "--no-verify", "-m", "outside");
    git("rm", "-q", "--cached", "outside/leak.nix");
    symlinkSync("outside/leak.nix", t.file("link.nix"));
    git("add", "link.nix");
    r = await audit(["--staged"]);
    expect(r.out).not.toMatch(/link\.nix/);
    git("rm", "-q", "--cached", "link.nix");
    // a deletion is not scanned (nothing of it will be committed)
    git("commit", "-q", "--no-verify", "-m", "x");
    git("rm", "-q", "--cached", "hosts/a.nix");
    r = await audit(["--staged"]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/scanned 0 staged files/);
  });

  it("adopts with a baseline: old findings pass, a new one fails, line moves do not matter", async () => {
    write("hosts/b.nix", LEAK);
    let r = await audit(["--write-baseline", ".nixsec-baseline.json"]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/wrote 1 finding to \.nixsec-baseline\.json/);
    expect(t.read(".nixsec-baseline.json")).not.toContain("Hunter");
    write("hosts/b.nix", "# moved down\n# by two lines\n" + LEAK);
    r = await audit(["--baseline", ".nixsec-baseline.json"]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/1 in the baseline/);
    write("hosts/c.nix", LEAK.replace("alice", "bob"));
    r = await audit(["--baseline", ".nixsec-baseline.json"]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^hosts\/c\.nix:3/m);
    expect(r.out).not.toMatch(/^hosts\/b\.nix/m);
  });

  it("reads the allow-list from .nixsec-audit.yaml and --allow", async () => {
    write("fixtures/vm.nix", LEAK);
    write("hosts/b.nix", LEAK);
    let r = await audit(["--allow", "fixtures/"]);
    expect(r.code).toBe(1);
    expect(r.out).not.toMatch(/fixtures/);
    write(".nixsec-audit.yaml", "allow:\n  - path: fixtures/\n    reason: VM fixtures\n  - path: hosts/b.nix\n    rules: [plaintext-password]\n    reason: demo host\n");
    r = await audit();
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/allow-listed/);
    write(".nixsec-audit.yaml", "allow:\n  - path: fixtures/\n");
    r = await audit();
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/nixsec: error: \.nixsec-audit\.yaml is not valid\nnixsec: hint: allow\[0\]\.reason: say why/);
    r = await audit(["--no-config"]);
    expect(r.code).toBe(1);
  });

  it("scans one directory as its own root, or named files within the repository", async () => {
    write("hosts/b.nix", LEAK);
    write("other/c.nix", LEAK);
    let r = await audit(["--format", "json", "hosts"]);
    expect(JSON.parse(r.out).findings.map((f: { file: string }) => f.file)).toEqual(["b.nix"]);
    r = await audit(["--format", "json", "other/c.nix"]);
    expect(JSON.parse(r.out).findings.map((f: { file: string }) => f.file)).toEqual(["other/c.nix"]);
  });

  it("treats bad input as a usage error (exit 2) naming the flag", async () => {
    expect((await audit(["--format", "xml"])).code).toBe(2);
    let r = await audit(["--disable", "no-such-rule"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown rule "no-such-rule"\nnixsec: hint: see nixsec audit --list-rules/);
    r = await audit(["does/not/exist"]);
    expect(r.code).toBe(2);
    write("x.json", "{}");
    r = await audit(["--baseline", "x.json"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/x\.json: not a nixsec audit baseline/);
  });

  it("has help with examples, and lists its rules", async () => {
    const help = await t.nixsec(["audit", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout.toString()).toMatch(/Examples:\n {2}nixsec audit\n/);
    expect(help.stdout.toString()).toMatch(/nixsec:allow RULE reason/);
    const list = await t.nixsec(["audit", "--list-rules"]);
    expect(list.stdout.toString()).toMatch(/^plaintext-password +high +plaintext user password$/m);
    const json = JSON.parse((await t.nixsec(["audit", "--list-rules", "--format", "json"])).stdout.toString());
    expect(json.length).toBeGreaterThan(30);
  });
});
