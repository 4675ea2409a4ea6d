// The real pre-commit framework (Debian `pre-commit`) in a temp repository:
// a commit with a leak is refused, a clean one goes through, and what decides
// is the index, not the working tree. Offline: `language: system` hooks need
// no environment, and the shipped hook is cloned from a local path. HOME and
// pre-commit's cache (PRE_COMMIT_HOME) live in the temp directory.
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { nixsecBin, scrubbedEnv } from "../helpers/cli.js";
import { tempRepo, type TempRepo } from "../helpers/repo.js";
import { needTool, repoRoot } from "../helpers/tools.js";

const PW = "Hunter-Two-22";
const LEAK = `{ ... }:\n{\n  users.users.alice.initialPassword = "${PW}";\n}\n`;
const CLEAN = `{ config, ... }:\n{\n  users.users.alice.hashedPasswordFile = config.age.secrets.alice.path;\n}\n`;

describe.runIf(needTool("git") && needTool("pre-commit"))("pre-commit framework", () => {
  let t: TempRepo;
  let env: NodeJS.ProcessEnv;

  const run = (cmd: string, args: string[], cwd = t.repo) => {
    const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8" });
    return { code: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
  };
  const write = (rel: string, text: string): void => {
    mkdirSync(path.dirname(t.file(rel)), { recursive: true });
    writeFileSync(t.file(rel), text);
  };
  const commit = (msg: string) => {
    const r = run("git", ["commit", "-q", "-m", msg]);
    expect(r.out).not.toContain(PW);
    return r;
  };
  const commits = (): number => {
    const r = run("git", ["rev-list", "--count", "HEAD"]);
    return r.code === 0 ? Number(r.out.trim()) : 0;
  };
  /** In a repository without commits: the leak is refused (its output matching `refused`), then the clean version is committed. */
  const leakRefusedCleanCommitted = (...refused: RegExp[]): void => {
    write("hosts/a.nix", LEAK);
    run("git", ["add", "-A"]);
    const leak = commit("leak");
    expect(leak.code).not.toBe(0);
    for (const re of refused) expect(leak.out).toMatch(re);
    expect(commits()).toBe(0);
    write("hosts/a.nix", CLEAN);
    run("git", ["add", "-A"]);
    const clean = commit("clean");
    expect(clean.code, clean.out).toBe(0);
    expect(commits()).toBe(1);
  };

  beforeEach(() => {
    t = tempRepo("nixsec-precommit-");
    env = scrubbedEnv({ ...t.env, PRE_COMMIT_HOME: path.join(t.root, "pre-commit-cache") });
  });
  afterEach(() => t.cleanup());

  it("refuses a commit with a leak and lets a clean one through (local hook)", async () => {
    write(".pre-commit-config.yaml", [
      "repos:",
      "  - repo: local",
      "    hooks:",
      "      - id: nixsec-audit",
      "        name: nixsec audit",
      `        entry: ${process.execPath} ${nixsecBin} audit --staged`,
      "        language: system",
      "        pass_filenames: false",
      "",
    ].join("\n"));
    expect(run("pre-commit", ["install"]).code).toBe(0);

    leakRefusedCleanCommitted(/nixsec audit\.+Failed/, /hosts\/a\.nix:3:40: high plaintext-password/);

    // The index decides: a leak staged but fixed only in the working tree is refused…
    write("hosts/b.nix", LEAK);
    run("git", ["add", "hosts/b.nix"]);
    write("hosts/b.nix", CLEAN);
    let r = commit("staged leak");
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/hosts\/b\.nix:3:40/);
    expect(commits()).toBe(1);
    // …and a clean file staged with a leak only in the working tree goes through.
    run("git", ["add", "hosts/b.nix"]);
    write("hosts/b.nix", LEAK);
    r = commit("staged clean");
    expect(r.code, r.out).toBe(0);
    expect(commits()).toBe(2);
    expect(run("git", ["show", "HEAD:hosts/b.nix"]).out).toBe(CLEAN);
  });

  it("runs the hook this repository ships (.pre-commit-hooks.yaml)", async () => {
    // A hook repository holding our manifest, cloned by pre-commit from a local path.
    const hooks = path.join(t.root, "hooks");
    mkdirSync(hooks);
    run("git", ["init", "-q"], hooks);
    copyFileSync(path.join(repoRoot, ".pre-commit-hooks.yaml"), path.join(hooks, ".pre-commit-hooks.yaml"));
    run("git", ["add", "-A"], hooks);
    run("git", ["commit", "-q", "-m", "hooks"], hooks);
    const rev = run("git", ["rev-parse", "HEAD"], hooks).out.trim();
    // `language: system` runs the nixsec on PATH.
    const bin = path.join(t.root, "bin");
    mkdirSync(bin);
    writeFileSync(path.join(bin, "nixsec"), `#!/bin/sh\nexec "${process.execPath}" "${nixsecBin}" "$@"\n`, { mode: 0o755 });
    env.PATH = `${bin}:${env.PATH}`;

    write(".pre-commit-config.yaml", `repos:\n  - repo: ${hooks}\n    rev: ${rev}\n    hooks:\n      - id: nixsec-audit\n`);
    expect(run("pre-commit", ["install"]).code).toBe(0);
    leakRefusedCleanCommitted(/nixsec audit \(secrets leaking into the Nix store or git\)\.+Failed/);
  });

  it("ships a manifest pre-commit accepts", () => {
    expect(run("pre-commit", ["validate-manifest", path.join(repoRoot, ".pre-commit-hooks.yaml")], repoRoot).code).toBe(0);
  });
});
