// package-lock.json: `npm ci` accepts it (here, in a copy, offline and
// without installing), it names no registry (no `resolved`: this
// repository's npm configuration omits them), and it holds what the Nix
// build needs from it: a version and a sha512 integrity per package
// (nix/npm-lock.nix derives each URL; fetchurl checks the file against the
// integrity), and every platform's optional packages, which npm install once
// dropped from it (npm ci then refused the lock: "Missing: … from lock file").
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../helpers/tools.js";

interface Entry { version?: string; integrity?: string; resolved?: string; link?: boolean; inBundle?: boolean; dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }
const text = readFileSync(path.join(repoRoot, "package-lock.json"), "utf8");
const lock = JSON.parse(text) as { lockfileVersion: number; packages: Record<string, Entry> };

/** Where npm finds `dep` from `key`: its own node_modules, then each enclosing one (Node's resolution). */
function resolves(key: string, dep: string): boolean {
  for (let at = key; ; at = at.slice(0, Math.max(0, at.lastIndexOf("/node_modules/")))) {
    if (lock.packages[`${at ? `${at}/` : ""}node_modules/${dep}`]) return true;
    if (at === "") return false;
  }
}

describe("package-lock.json", () => {
  it("names no registry: no resolved fields", () => {
    expect(text).not.toMatch(/"resolved"\s*:/);
  });

  it("is lockfile version 3 with a version and a sha512 integrity for every package", () => {
    expect(lock.lockfileVersion).toBe(3);
    const missing = Object.entries(lock.packages).filter(([k, p]) => k !== "" && !p.link && !p.inBundle && !(p.version && /^sha512-/.test(p.integrity ?? "")));
    expect(missing.map(([k]) => k)).toEqual([]);
  });

  it("holds every dependency and optional dependency of every package, every platform's included", () => {
    const absent = Object.entries(lock.packages).flatMap(([k, p]) =>
      Object.keys({ ...p.dependencies, ...p.optionalDependencies }).filter((d) => !resolves(k, d)).map((d) => `${k || "(root)"} → ${d}`));
    expect(absent).toEqual([]);
  });

  it("is accepted by npm ci (a dry run in a copy, offline)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "nixsec-lock-"));
    try {
      for (const f of ["package.json", "package-lock.json"]) copyFileSync(path.join(repoRoot, f), path.join(dir, f));
      const r = spawnSync("npm", ["ci", "--dry-run", "--ignore-scripts", "--offline", "--no-audit", "--no-fund"], { cwd: dir, encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
