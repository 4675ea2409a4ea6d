// The set-ups docs/pre-commit.md documents, run as written with the real
// pre-commit (Debian's) in temp repositories: a commit with a leak is
// refused, a clean one goes through. The published form gets `repo:` pointed
// at a local clone of this repository, tagged as the page says; everything
// else in each block is used exactly as documented. (test/audit/pre-commit.test.ts
// covers the hook's behaviour in depth: the index deciding, not the working tree.)
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { nixsecBin, scrubbedEnv } from "../helpers/cli.js";
import { tempRepo, type TempRepo } from "../helpers/repo.js";
import { needTool, repoRoot } from "../helpers/tools.js";

const PAGE = readFileSync(path.join(repoRoot, "docs/pre-commit.md"), "utf8");
const blocks = (lang: string): string[] => [...PAGE.matchAll(new RegExp("```" + lang + "\\n([\\s\\S]*?)```", "g"))].map((m) => m[1]!);
const [LOCAL, PUBLISHED] = blocks("yaml");
const [GIT_HOOK] = blocks("sh");

const PW = "Hunter-Two-22";
const LEAK = `{ ... }:\n{\n  users.users.alice.initialPassword = "${PW}";\n}\n`;
const CLEAN = `{ config, ... }:\n{\n  users.users.alice.hashedPasswordFile = config.age.secrets.alice.path;\n}\n`;

describe.runIf(needTool("git") && needTool("pre-commit"))("docs/pre-commit.md", () => {
  let t: TempRepo;
  let env: NodeJS.ProcessEnv;
  const run = (cmd: string, args: string[], cwd = t.repo) => {
    const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8" });
    return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
  };
  /** A leak is refused (nothing committed, the value not shown), then the clean file is committed. */
  const leakRefusedCleanCommitted = () => {
    mkdirSync(t.file("hosts"), { recursive: true });
    writeFileSync(t.file("hosts/a.nix"), LEAK);
    run("git", ["add", "-A"]);
    const leak = run("git", ["commit", "-q", "-m", "leak"]);
    expect(leak.code, leak.out).not.toBe(0);
    expect(leak.out).toMatch(/hosts\/a\.nix:3:\d+: high plaintext-password/);
    expect(leak.out).not.toContain(PW);
    expect(run("git", ["rev-parse", "--verify", "-q", "HEAD"]).code).not.toBe(0);
    writeFileSync(t.file("hosts/a.nix"), CLEAN);
    run("git", ["add", "-A"]);
    const clean = run("git", ["commit", "-q", "-m", "clean"]);
    expect(clean.code, clean.out).toBe(0);
  };

  beforeEach(() => {
    t = tempRepo("nixsec-snippet-");
    // `language: system` and the git hook run the nixsec on PATH.
    const bin = path.join(t.root, "bin");
    mkdirSync(bin);
    writeFileSync(path.join(bin, "nixsec"), `#!/bin/sh\nexec "${process.execPath}" "${nixsecBin}" "$@"\n`, { mode: 0o755 });
    env = scrubbedEnv({ ...t.env, PRE_COMMIT_HOME: path.join(t.root, "pre-commit-cache") });
    env.PATH = `${bin}:${env.PATH}`;
  });
  afterEach(() => t.cleanup());

  it("has the three blocks the tests expect", () => {
    expect([LOCAL, PUBLISHED, GIT_HOOK].every(Boolean)).toBe(true);
  });

  it("the local hook, as written", () => {
    writeFileSync(t.file(".pre-commit-config.yaml"), LOCAL!);
    expect(run("pre-commit", ["install"]).code).toBe(0);
    leakRefusedCleanCommitted();
  });

  it("the published hook, from a clone of this repository tagged as documented", () => {
    const rev = /^\s+rev: (\S+)$/m.exec(PUBLISHED!)![1]!;
    const version = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")).version as string;
    expect(rev, "the documented rev is the current release tag").toBe(`v${version}`);
    const published = path.join(t.root, "nixsec");
    expect(run("git", ["clone", "-q", "--no-local", repoRoot, published], t.root).code).toBe(0);
    expect(run("git", ["tag", rev], published).code).toBe(0);
    const config = PUBLISHED!.replace(/^(\s+- repo: ).*$/m, `$1${published}`);
    expect(config).not.toBe(PUBLISHED);
    writeFileSync(t.file(".pre-commit-config.yaml"), config);
    expect(run("pre-commit", ["install"]).code).toBe(0);
    leakRefusedCleanCommitted();
  });

  it("the plain git hook, as written", () => {
    writeFileSync(t.file(".git/hooks/pre-commit"), GIT_HOOK!);
    chmodSync(t.file(".git/hooks/pre-commit"), 0o755);
    leakRefusedCleanCommitted();
  });
});
