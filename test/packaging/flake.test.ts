// flake.nix evaluated with stand-in inputs (fixtures/flake-stand-ins.nix):
// nixpkgs' builders record what they are called with, so the outputs and the
// package's recipe can be checked without nixpkgs. Its lib is nixpkgs' own
// when NIXSEC_NIXPKGS_LIB names one (a nix-community/nixpkgs.lib checkout;
// CI has none and uses the stand-in's few functions). The outputs must be the
// ones the README lists. The builder's steps themselves run in builder.test.ts.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { needTool, repoRoot } from "../helpers/tools.js";

const SYSTEMS = ["aarch64-darwin", "aarch64-linux", "x86_64-darwin", "x86_64-linux"];
const realLib = process.env.NIXSEC_NIXPKGS_LIB ? path.resolve(process.env.NIXSEC_NIXPKGS_LIB) : null;
const nixPath = (p: string) => `(/. + ${JSON.stringify(p)})`;

interface PerSystem {
  packages: string[];
  name: string;
  mainProgram: string;
  app: { type: string; program: string };
  resolved: Record<string, string>;
  unresolved: string[];
  npmConfigHook: string;
  rebuildFlags: string[];
  postInstall: string;
  devShell: string[];
  checks: string[];
  checkPhase: string;
  srcFiles: string[] | null;
}
interface Summary {
  outputs: string[];
  perSystem: Record<string, PerSystem>;
  overlay: string;
  nixosModules: Record<string, string[]>;
  nixosConfigurations: string[];
}

function evaluate(): Summary {
  const expr = `
    let
      standIns = import ${nixPath(path.join(repoRoot, "test/packaging/fixtures/flake-stand-ins.nix"))} { lib = ${realLib ? `import ${nixPath(realLib)}` : "null"}; };
      outputs = (import ${nixPath(path.join(repoRoot, "flake.nix"))}).outputs (standIns // { self = outputs; });
      inherit (builtins) attrNames filter mapAttrs;
      args = s: outputs.packages.\${s}.default.buildNpmPackageArgs;
      lockOf = s: (args s).npmDeps.importNpmLockArgs.packageLock.packages;
    in {
      outputs = attrNames outputs;
      perSystem = mapAttrs (s: _: {
        packages = attrNames outputs.packages.\${s};
        inherit (outputs.packages.\${s}.default) name;
        mainProgram = outputs.packages.\${s}.default.meta.mainProgram;
        app = outputs.apps.\${s}.default;
        resolved = mapAttrs (_: p: p.resolved) (builtins.removeAttrs (lockOf s) (filter (k: !(lockOf s).\${k} ? resolved) (attrNames (lockOf s))));
        unresolved = filter (k: k != "" && !(lockOf s).\${k} ? resolved) (attrNames (lockOf s));
        npmConfigHook = (args s).npmConfigHook.name;
        rebuildFlags = (args s).npmRebuildFlags;
        postInstall = (args s).postInstall;
        devShell = map (p: p.name) outputs.devShells.\${s}.default.mkShellArgs.packages;
        checks = attrNames outputs.checks.\${s};
        checkPhase = outputs.checks.\${s}.module-tests.checkPhase;
        srcFiles = ${realLib ? "attrNames (builtins.readDir (args s).src)" : "null"};
      }) outputs.packages;
      overlay = (outputs.overlays.default standIns.nixpkgs.legacyPackages.x86_64-linux { }).nixsec.name;
      nixosModules = mapAttrs (_: m: map toString m.imports) outputs.nixosModules;
      nixosConfigurations = attrNames outputs.nixosConfigurations;
    }`;
  // The registry reaches the package as npm's own setting does under --impure.
  const env: NodeJS.ProcessEnv = { ...process.env, NPM_CONFIG_REGISTRY: TEST_REGISTRY };
  delete env.npm_config_registry;
  return JSON.parse(execFileSync("nix-instantiate", ["--eval", "--strict", "--json", "--read-write-mode", "-E", expr], { encoding: "utf8", env, stdio: ["ignore", "pipe", "pipe"] }));
}

/** A registry that names no real host: only URL shapes are checked here. */
const TEST_REGISTRY = "https://registry.test.invalid/";

/** The outputs README's "Flake outputs" list names: `name.…` at the start of each item. */
function readmeOutputs(): string[] {
  const readme = readFileSync(path.join(repoRoot, "README.md"), "utf8");
  const section = /### Flake outputs\n([\s\S]*?)\n(?=#)/.exec(readme)?.[1] ?? "";
  return [...section.matchAll(/^- `([a-zA-Z]+)[.`]/gm)].map((m) => m[1]!).sort();
}

describe.runIf(needTool("nix-instantiate"))(`flake.nix with stand-in inputs (${realLib ? "nixpkgs' lib" : "stand-in lib"})`, () => {
  let s: Summary;
  beforeAll(() => {
    s = evaluate();
  });
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { name: string; version: string };
  const lock = JSON.parse(readFileSync(path.join(repoRoot, "package-lock.json"), "utf8")) as { packages: Record<string, { version?: string; name?: string; link?: boolean }> };

  it("has exactly the outputs the README lists", () => {
    expect(s.outputs.sort()).toEqual(readmeOutputs());
    expect(s.outputs).toEqual(expect.arrayContaining(["packages", "apps", "devShells", "overlays", "nixosModules", "checks"]));
  });

  it.each(SYSTEMS)("%s: packages.default is nixsec, nix run starts it", (sys) => {
    const p = s.perSystem[sys]!;
    expect(p.packages.sort()).toEqual(["default", "nixsec"]);
    expect(p.name).toBe(`${pkg.name}-${pkg.version}`);
    expect(p.mainProgram).toBe("nixsec");
    expect(p.app.type).toBe("app");
    expect(p.app.program).toMatch(new RegExp(`-${pkg.name}-${pkg.version}/bin/nixsec$`));
  });

  it.each(SYSTEMS)("%s: importNpmLock gets a tarball URL for exactly the packages this platform installs", (sys) => {
    const p = s.perSystem[sys]!;
    expect(p.npmConfigHook).toBe("import-npm-lock-config-hook");
    expect(p.rebuildFlags).toEqual(["--ignore-scripts"]);
    const [cpu, os] = sys.split("-") as [string, string];
    const esbuild = `node_modules/@esbuild/${os}-${cpu === "x86_64" ? "x64" : "arm64"}`;
    expect(Object.keys(p.resolved)).toContain(esbuild);
    expect(p.unresolved).not.toContain(esbuild);
    expect(p.unresolved).toContain("node_modules/@esbuild/win32-x64");
    for (const [key, url] of Object.entries(p.resolved)) {
      const name = lock.packages[key]!.name ?? key.slice(key.lastIndexOf("node_modules/") + "node_modules/".length);
      const base = name.slice(name.lastIndexOf("/") + 1);
      expect(url.startsWith(TEST_REGISTRY), key).toBe(true);
      expect(url.replace(/^https:\/\/[^/]+\//, ""), key).toBe(`${name}/-/${base}-${lock.packages[key]!.version}.tgz`);
    }
    expect(Object.keys(p.resolved).length + p.unresolved.length).toBe(Object.keys(lock.packages).length - 1);
  });

  it("names no registry: without one, evaluating the package's lock stops with advice", () => {
    const expr = `
      let
        standIns = import ${nixPath(path.join(repoRoot, "test/packaging/fixtures/flake-stand-ins.nix"))} { lib = null; };
        outputs = (import ${nixPath(path.join(repoRoot, "flake.nix"))}).outputs (standIns // { self = outputs; });
      in builtins.deepSeq outputs.packages.x86_64-linux.default.buildNpmPackageArgs.npmDeps.importNpmLockArgs.packageLock.packages 1`;
    const env = { ...process.env };
    delete env.NPM_CONFIG_REGISTRY;
    delete env.npm_config_registry;
    const r = spawnSync("nix-instantiate", ["--eval", "--strict", "--read-write-mode", "-E", expr], { encoding: "utf8", env });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("no npm registry to fetch the lock's packages from");
    expect(r.stderr).toContain("npmRegistry");
    expect(r.stderr).toContain("NPM_CONFIG_REGISTRY");
  });

  it("installs man pages and completions, and keeps only sodium-native from node_modules", () => {
    const post = s.perSystem["x86_64-linux"]!.postInstall;
    expect(post).toContain("installManPage");
    expect(post).toMatch(/--bash <\(\$out\/bin\/nixsec completion bash\)/);
    expect(post).toMatch(/for m in [^;]*\bsodium-native\b/);
    expect(post).toContain("prebuilds/linux-x64");
    expect(s.perSystem["aarch64-darwin"]!.postInstall).toContain("prebuilds/darwin-arm64");
  });

  it("devShell, overlay, checks, modules and the example hosts", () => {
    expect(s.perSystem["x86_64-linux"]!.devShell).toEqual(expect.arrayContaining(["nodejs", "age", "nix", "pre-commit"]));
    expect(s.overlay).toBe(`${pkg.name}-${pkg.version}`);
    for (const sys of SYSTEMS) expect(s.perSystem[sys]!.checks.sort()).toEqual(["module-tests", "package"]);
    // The check runs test files that must exist (a moved test breaks the check).
    for (const f of s.perSystem["x86_64-linux"]!.checkPhase.match(/test\/\S+\.test\.ts/g) ?? []) expect(existsSync(path.join(repoRoot, f)), f).toBe(true);
    expect(Object.keys(s.nixosModules).sort()).toEqual(["default", "nixsec"]);
    for (const m of Object.values(s.nixosModules).flat()) expect(existsSync(m), m).toBe(true);
    for (const h of s.nixosConfigurations) expect(existsSync(path.join(repoRoot, "examples/hosts", `${h}.nix`)), h).toBe(true);
  });

  it.runIf(Boolean(realLib))("the package's source holds what the build reads and no tests", () => {
    const files = s.perSystem["x86_64-linux"]!.srcFiles!;
    expect(files.sort()).toEqual(["README.md", "bin", "docs", "modules", "package-lock.json", "package.json", "schema", "scripts", "src", "tsconfig.json"]);
  });
});

// The same stand-ins as flakes, through Nix's own flake machinery: `nix flake
// show` and `nix flake check --no-build` (Nix 2.8 here; flakes need the
// experimental features switched on). Only with nixpkgs' lib at hand.
describe.runIf(Boolean(realLib) && needTool("nix"))("nix flake show and check with stand-in inputs", () => {
  let dir = "";
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));
  const nix = (args: string[]) => spawnSync("nix", ["--extra-experimental-features", "nix-command flakes", ...args], { cwd: dir, encoding: "utf8" });
  const inputs = () => ["--override-input", "nixpkgs", `path:${dir}/nixpkgs`, "--override-input", "agenix", `path:${dir}/agenix`, "--no-write-lock-file"];

  // Inputs as path: flakes; the repository as its tracked files (as a git flake would be).
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "nixsec-flake-"));
    mkdirSync(path.join(dir, "nixpkgs"));
    mkdirSync(path.join(dir, "agenix"));
    cpSync(path.join(repoRoot, "test/packaging/fixtures/flake-stand-ins.nix"), path.join(dir, "nixpkgs/flake-stand-ins.nix"));
    writeFileSync(path.join(dir, "nixpkgs/flake.nix"), `{ inputs.lib.url = "path:${realLib!.replace(/\/lib\/?$/, "")}"; outputs = { lib, ... }: (import ./flake-stand-ins.nix { lib = lib.lib; }).nixpkgs; }\n`);
    writeFileSync(path.join(dir, "agenix/flake.nix"), `{ inputs.nixpkgs.url = "path:${dir}/nixpkgs"; outputs = { ... }: { nixosModules.default = { }; }; }\n`);
    const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard"], { cwd: repoRoot, encoding: "utf8" }).split("\n").filter((f) => f && existsSync(path.join(repoRoot, f)));
    for (const f of files) cpSync(path.join(repoRoot, f), path.join(dir, "repo", f));
  });

  it("flake show lists the README's outputs", () => {
    const r = nix(["flake", "show", "--json", `path:${dir}/repo`, ...inputs()]);
    expect(r.status, r.stderr).toBe(0);
    expect(Object.keys(JSON.parse(r.stdout)).sort()).toEqual(readmeOutputs());
  });

  it("flake check --no-build passes", () => {
    const r = nix(["flake", "check", "--no-build", `path:${dir}/repo`, ...inputs()]);
    expect(r.status, r.stderr).toBe(0);
  });

  it("nix eval: the app runs the package's bin/nixsec", () => {
    const r = nix(["eval", "--raw", `path:${dir}/repo#apps.x86_64-linux.default.program`, ...inputs()]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/-nixsec-[^/]+\/bin\/nixsec$/);
  });
});
