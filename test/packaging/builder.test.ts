// What nixpkgs' builder does with nix/package.nix, step by step, without
// nixpkgs: the source the derivation gets (its builtins.path filter,
// evaluated), the lock it hands importNpmLock (with `resolved` URLs, here on
// the registry npm is configured with), a fresh npm cache filled with exactly
// those tarballs (importNpmLock's fetchurl per package), then offline
// `npm ci --ignore-scripts`, `npm run build`, `npm pack`, and the packed
// `bin/nixsec` run from a clean directory with no node_modules anywhere: the
// bundle must carry every dependency but the optional libsodium addon.
// Needs the registry (as `npm ci` does) to fill the cache.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { needTool, repoRoot } from "../helpers/tools.js";

const dir = mkdtempSync(path.join(tmpdir(), "nixsec-builder-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cache = path.join(dir, "npm-cache");
const build = path.join(dir, "build");
const version = (JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string }).version;

/** npm in `cwd` with a private cache, offline unless told otherwise; throws with npm's output on failure. */
function npm(args: string[], cwd: string, online = false): string {
  const r = spawnSync("npm", [...args, "--cache", cache, "--no-audit", "--no-fund", "--loglevel=error", ...(online ? [] : ["--offline"])], { cwd, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`npm ${args.join(" ")} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** The derivation's `src` (copied to the store) and importNpmLock's `packageLock`, for this machine's platform. */
function derivationInputs(registry: string): { src: string; lock: { packages: Record<string, { resolved?: string }> } } {
  const system = `${{ x64: "x86_64", arm64: "aarch64" }[process.arch as "x64" | "arm64"]}-${process.platform}`;
  const nixPath = (p: string) => `(/. + ${JSON.stringify(p)})`;
  const expr = `
    let
      pkgs = (import ${nixPath(path.join(repoRoot, "test/packaging/fixtures/flake-stand-ins.nix"))} { }).nixpkgs.legacyPackages.${system};
      args = (pkgs.callPackage ${nixPath(path.join(repoRoot, "nix/package.nix"))} { npmRegistry = ${JSON.stringify(registry)}; }).buildNpmPackageArgs;
    in { src = "\${args.src}"; lock = args.npmDeps.importNpmLockArgs.packageLock; }`;
  return JSON.parse(execFileSync("nix-instantiate", ["--eval", "--strict", "--json", "--read-write-mode", "-E", expr], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }));
}

describe.runIf(needTool("nix-instantiate") && needTool("tar"))("the Nix builder's steps, simulated", () => {
  let packed = "";

  it("fills a cache from the lock, installs offline, builds and packs", () => {
    const registry = execFileSync("npm", ["config", "get", "registry"], { encoding: "utf8" }).trim();
    const { src, lock } = derivationInputs(registry);
    const urls = Object.values(lock.packages).flatMap((p) => (p.resolved ? [p.resolved] : []));
    expect(urls.length).toBeGreaterThan(0);

    npm(["cache", "add", ...urls], dir, true);
    cpSync(src, build, { recursive: true });
    execFileSync("chmod", ["-R", "u+w", build]); // store copies are read-only, as in the sandbox before the hooks run
    writeFileSync(path.join(build, "package-lock.json"), JSON.stringify(lock, null, 2) + "\n");

    npm(["ci", "--ignore-scripts"], build);
    npm(["run", "build"], build);
    const out = path.join(dir, "packed");
    mkdirSync(out);
    npm(["pack", "--pack-destination", out], build);
    packed = path.join(out, readdirSync(out).find((f) => f.endsWith(".tgz"))!);
  });

  it("packs the bundle, the module, the schema and the manual pages, and no sources or tests", () => {
    const files = execFileSync("tar", ["-tzf", packed], { encoding: "utf8" }).split("\n").filter(Boolean);
    for (const f of ["package/package.json", "package/bin/nixsec.js", "package/dist/nixsec.js", "package/docs/man/nixsec.1", "package/modules/nixsec.nix", "package/schema/nixsec.schema.json"]) expect(files).toContain(f);
    expect(files.filter((f) => /^package\/(src|test|bench|examples|secrets|node_modules)\//.test(f))).toEqual([]);
  });

  it("runs the packed bin/nixsec from a clean directory, no node_modules at all", () => {
    const clean = mkdtempSync(path.join(tmpdir(), "nixsec-packed-"));
    try {
      execFileSync("tar", ["-xzf", packed, "-C", clean]);
      const bin = path.join(clean, "package/bin/nixsec.js");
      const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: clean, NIXSEC_NO_CACHE: "1" };
      const run = (args: string[], input?: string) => spawnSync(process.execPath, [bin, ...args], { cwd: clean, env, encoding: "utf8", input });
      expect(run(["--version"]).stdout.trim()).toBe(version);
      expect(run(["completion", "bash"]).stdout).toContain("complete -o default -F _nixsec nixsec");
      // The crypto stack is in the bundle too: a key, and a file encrypted to it and back.
      const key = run(["age", "keygen"]).stdout;
      const recipient = /# public key: (age1\w+)/.exec(key)![1]!;
      writeFileSync(path.join(clean, "key.txt"), key, { mode: 0o600 });
      const sealed = spawnSync(process.execPath, [bin, "age", "encrypt", "-r", recipient, "-a"], { cwd: clean, env, input: "packed\n" });
      expect(sealed.status, sealed.stderr.toString()).toBe(0);
      expect(spawnSync(process.execPath, [bin, "age", "decrypt", "-i", "key.txt"], { cwd: clean, env, input: sealed.stdout }).stdout.toString()).toBe("packed\n");
    } finally {
      rmSync(clean, { recursive: true, force: true });
    }
  });
});
