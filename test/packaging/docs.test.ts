// docs/ is generated (npm run docs, scripts/gen-docs.mjs): the module options
// reference from the module's own declarations and a manual page per command
// from the command tree. Here: both are current, the option renderer handles
// each kind of declaration (a fixture module, with the stand-in lib; and the
// same output from nixpkgs' lib when NIXSEC_NIXPKGS_LIB names one: CI has no
// nixpkgs, so that comparison runs on a developer's machine), and every page
// renders with groff without a warning.
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { needTool, repoRoot } from "../helpers/tools.js";

const nixPath = (p: string) => `(/. + ${JSON.stringify(p)})`;
function fixtureOptions(lib?: string): Array<Record<string, unknown>> {
  const args = ["--eval", "--strict", "--json", path.join(repoRoot, "scripts/docs/module-options.nix"),
    "--arg", "modules", `[ ${nixPath(path.join(repoRoot, "test/packaging/fixtures/options-module.nix"))} ]`, "--arg", "root", nixPath(repoRoot)];
  if (lib) args.push("--arg", "lib", `import ${nixPath(path.resolve(lib))}`);
  return JSON.parse(execFileSync("nix-instantiate", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }));
}

describe.runIf(needTool("nix-instantiate"))("generated docs", () => {
  it("docs/ is what npm run docs writes now", () => {
    const r = spawnSync(process.execPath, [path.join(repoRoot, "scripts/gen-docs.mjs"), "--check"], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
  });

  it("the stand-in lib renders each kind of option declaration", () => {
    const byName = new Map(fixtureOptions().map((o) => [o.name, o]));
    expect([...byName.keys()]).not.toContain("demo.hidden"); // internal
    expect(byName.get("demo.enable")).toMatchObject({ type: "boolean", default: "false", example: "true", description: "Whether to enable the demo." });
    expect(byName.get("demo.package")).toMatchObject({ type: "package", default: "pkgs.age" });
    expect(byName.get("demo.name")).toMatchObject({ default: "config.networking.hostName" });
    expect(byName.get("demo.computed")).toMatchObject({ default: null, hasDefault: true }); // depends on config
    expect(byName.get("demo.mode")).toMatchObject({ type: 'one of "a", "b"', default: '"a"' });
    expect(byName.get("demo.port")).toMatchObject({ type: "null or 16 bit unsigned integer; between 0 and 65535 (both inclusive)", example: "8080" });
    expect(byName.get("demo.paths")).toMatchObject({ type: "list of (string or absolute path)", default: '[ "x" ]' });
    expect(byName.get("demo.env")).toMatchObject({ type: "attribute set of (null or string)", default: '{ A = "1"; B-C = null; }' });
    expect(byName.get('demo.weird."with.dot"')).toMatchObject({ type: "boolean" });
    expect(byName.get("demo.lines")).toMatchObject({ example: "any text", exampleIsMarkdown: true });
    expect(byName.get("demo.users")).toMatchObject({ type: "attribute set of (submodule)" });
    expect(byName.get("demo.users.<name>.home")).toMatchObject({ description: "Home of ‹name›.", declaredIn: ["test/packaging/fixtures/options-module.nix"] });
    expect(byName.get("demo.imported")).toMatchObject({ type: "positive integer, meaning >0", declaredIn: ["test/packaging/fixtures/options-imported.nix"] });
  });

  it.runIf(Boolean(process.env.NIXSEC_NIXPKGS_LIB))("nixpkgs' lib (NIXSEC_NIXPKGS_LIB) renders the fixture exactly as the stand-in does", () => {
    expect(fixtureOptions(process.env.NIXSEC_NIXPKGS_LIB)).toEqual(fixtureOptions());
    const r = spawnSync(process.execPath, [path.join(repoRoot, "scripts/gen-docs.mjs"), "--check"], { encoding: "utf8" });
    expect(r.status, `docs/options.md from nixpkgs' lib: ${r.stderr}`).toBe(0);
  });
});

describe.runIf(needTool("groff"))("manual pages", () => {
  const pages = readdirSync(path.join(repoRoot, "docs/man")).filter((f) => f.endsWith(".1"));
  it.each(pages)("%s renders without warnings", (page) => {
    const r = spawnSync("groff", ["-man", "-Tutf8", "-ww", "-z", path.join(repoRoot, "docs/man", page)], { encoding: "utf8", env: { ...process.env, LC_ALL: "C.UTF-8" } });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
  });
});
