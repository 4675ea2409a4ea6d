// The repository lock: one holder at a time, a clear error naming the holder,
// stale locks taken over only when the holder is provably gone, never a link.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os, { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { acquireRepoLock, holderIsGone, LOCK_NAME, repoLockFile, type LockHolder } from "../../src/fs/repo-lock.js";

const base = mkdtempSync(path.join(realpathSync(tmpdir()), "nixsec-lock-"));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let root: string;
let n = 0;
beforeEach(() => {
  root = path.join(base, `r${n++}`);
  mkdirSync(path.join(root, ".git"), { recursive: true });
});

const deadPid = (): number => spawnSync(process.execPath, ["-e", "0"]).pid!;
const holder = (over: Partial<LockHolder>): string => JSON.stringify({ pid: process.pid, command: "rekey", since: new Date().toISOString(), host: os.hostname(), nonce: "n", ...over }) + "\n";

describe("where the lock lives", () => {
  it("in the git dir: .git, or the gitdir a .git file names; else beside the manifest", () => {
    expect(repoLockFile(root)).toBe(path.join(root, ".git", LOCK_NAME));
    mkdirSync(path.join(root, "sub"));
    expect(repoLockFile(path.join(root, "sub"))).toBe(path.join(root, ".git", LOCK_NAME));
    const wt = path.join(base, `wt${n}`);
    const gitdir = path.join(base, `gitdir${n}`);
    mkdirSync(wt);
    mkdirSync(gitdir);
    writeFileSync(path.join(wt, ".git"), `gitdir: ${gitdir}\n`);
    expect(repoLockFile(wt)).toBe(path.join(gitdir, LOCK_NAME));
  });
});

describe("holding and waiting", () => {
  it("a second writer fails after waiting, naming pid, command and since when", async () => {
    const a = await acquireRepoLock(root, { command: "rekey", waitMs: 0 });
    const t0 = Date.now();
    const err = await acquireRepoLock(root, { command: "add x", waitMs: 300 }).catch((e: Error) => e);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(280);
    expect((err as Error).message).toMatch(new RegExp(`^the repository is locked by pid ${process.pid} \\(\`nixsec rekey\`\\), since \\d{4}-\\d\\d-\\d\\dT.*Z \\(\\d+ s ago\\)$`));
    expect((err as unknown as { hints: string[] }).hints.join("\n")).toContain(a.file);
    a.release();
    a.release(); // twice is fine
    expect(existsSync(a.file)).toBe(false);
  });

  it("a waiting writer gets the lock when the holder releases it", async () => {
    const a = await acquireRepoLock(root, { command: "rekey", waitMs: 0 });
    setTimeout(() => a.release(), 150);
    const b = await acquireRepoLock(root, { command: "rotate x", waitMs: 5000 });
    expect(JSON.parse(readFileSync(b.file, "utf8")).command).toBe("rotate x");
    b.release();
  });

  it("release never removes another holder's lock", async () => {
    const a = await acquireRepoLock(root, { command: "rekey", waitMs: 0 });
    writeFileSync(a.file, holder({ nonce: "someone-else" }));
    a.release();
    expect(existsSync(a.file)).toBe(true);
  });
});

describe("stale locks", () => {
  const cases: Array<[string, () => string]> = [
    ["a pid that no longer runs", () => holder({ pid: deadPid() })],
    ["another boot", () => holder({ boot: "00000000-0000-0000-0000-000000000000" })],
    ["a reused pid (another start time)", () => holder({ start: "1" })],
    ["an unreadable lock older than a few seconds", () => "garbage"],
  ];
  for (const [what, text] of cases) {
    it(`is taken over: ${what}`, async () => {
      const file = repoLockFile(root);
      writeFileSync(file, text());
      if (what.startsWith("an unreadable")) {
        const old = new Date(Date.now() - 60_000);
        (await import("node:fs")).utimesSync(file, old, old);
      }
      const lock = await acquireRepoLock(root, { command: "add y", waitMs: 0 });
      expect(JSON.parse(readFileSync(file, "utf8")).command).toBe("add y");
      lock.release();
    });
  }

  it("is not taken over when the holder may be alive: this process, or another host", async () => {
    expect(holderIsGone(JSON.parse(holder({})))).toBe(false);
    const file = repoLockFile(root);
    writeFileSync(file, holder({ host: "elsewhere.example", pid: deadPid() }));
    const err = await acquireRepoLock(root, { command: "add y", waitMs: 0 }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/locked by pid \d+ \(`nixsec rekey` on host elsewhere\.example\)/);
  });
});

describe("a link at the lock's path", () => {
  it("is an error, and its target is never written", async () => {
    const target = path.join(base, `target${n}`);
    writeFileSync(target, "precious");
    symlinkSync(target, repoLockFile(root));
    const err = await acquireRepoLock(root, { command: "add y", waitMs: 0 }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/is a symbolic link/);
    expect(readFileSync(target, "utf8")).toBe("precious");
  });
});
