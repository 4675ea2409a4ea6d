// The example fleet at the top of the repository: the committed generated
// files are what `nixsec gen` produces (golden), generation is deterministic
// and --check catches staleness, every .nix file parses, the module's pure
// logic evaluates to the golden per-host configuration, and no generated
// file or configuration string holds a secret's value.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { decryptBytes, parseIdentityFile } from "../../src/crypto/index.js";
import { runCli } from "../helpers/cli.js";
import { needTool, repoRoot } from "../helpers/tools.js";

const adminKey = path.join(repoRoot, "examples/keys/demo-admin.key");
const env = { NIXSEC_IDENTITY: adminKey };
const hasNix = needTool("nix-instantiate");
const hasGit = needTool("git");

/**
 * Per host: what modules/lib.nix makes of nixsec/data.nix (paths as strings;
 * every unit and user taken to exist, as the example hosts define them; the
 * module checks that for real, scripts/eval-module-lite.sh runs it).
 */
const EVAL_EXPR = (root: string) => `
  let
    lib = import ${root}/modules/lib.nix;
    data = import ${root}/nixsec/data.nix;
    pathOf = w: if w ? secret then "/run/agenix/\${w.secret}" else "\${lib.templatesDir}/\${w.template}";
    perHost = host: let hostData = lib.forHost data host; in {
      age = builtins.mapAttrs (n: s: s // { file = baseNameOf (toString s.file); }) (lib.ageSecrets hostData.secrets);
      plan = lib.hostPlan { inherit host hostData pathOf; hasUnit = _: true; hasUser = _: true; templateUnit = lib.renderUnit;
        smbpasswdScriptFor = user: cred: lib.smbpasswdScript { smbpasswd = "/bin/smbpasswd"; inherit user; credential = cred; }; };
      options = map (t: { inherit (t) path value required; }) (lib.optionTargets { inherit hostData pathOf; });
      render = if hostData.templates == { } then null else lib.renderScript { inherit (hostData) templates; secretPath = n: "/run/agenix/\${n}"; textFile = n: i: _: "/nix/store/text-\${toString i}"; bin = "/bin"; };
      problems = lib.dataProblems { inherit data host; };
    };
  in builtins.listToAttrs (map (h: { name = h; value = perHost h; }) (lib.hostNames data))`;

function evalFleet(root: string): unknown {
  return JSON.parse(execFileSync("nix-instantiate", ["--eval", "--strict", "--json", "-E", EVAL_EXPR(root)], { encoding: "utf8" }));
}

describe("example fleet", () => {
  const tmp = mkdtempSync(path.join(tmpdir(), "nixsec-fleet-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("the committed generated files are exactly what nixsec gen writes", async () => {
    const r = await runCli(["gen", "--check"], { cwd: repoRoot, env });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("gen is deterministic and --check catches a stale file", async () => {
    const copy = path.join(tmp, "copy");
    for (const p of ["nixsec.yaml", "secrets", "nixsec", "templates"]) cpSync(path.join(repoRoot, p), path.join(copy, p), { recursive: true });
    execFileSync("git", ["init", "-q", copy]);
    rmSync(path.join(copy, "nixsec"), { recursive: true });
    expect((await runCli(["gen"], { cwd: copy, env })).code).toBe(0);
    const first = readFileSync(path.join(copy, "nixsec/data.nix"));
    expect((await runCli(["gen"], { cwd: copy, env })).stderr).toMatch(/up to date/);
    expect(Buffer.compare(first, readFileSync(path.join(copy, "nixsec/data.nix")))).toBe(0);
    expect(Buffer.compare(first, readFileSync(path.join(repoRoot, "nixsec/data.nix")))).toBe(0);
    // A manifest change makes the data stale: --check exits 1 and names the file.
    const yaml = readFileSync(path.join(copy, "nixsec.yaml"), "utf8");
    writeFileSync(path.join(copy, "nixsec.yaml"), yaml.replace("owner: withinbot", "owner: botuser"));
    const stale = await runCli(["gen", "--check"], { cwd: copy, env });
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/stale: nixsec\/data\.nix/);
    // So does a new value (its value id is the restart trigger).
    writeFileSync(path.join(copy, "nixsec.yaml"), yaml);
    expect((await runCli(["add", "withinbot/env", "--force", "--stdin"], { cwd: copy, env, input: "A=1\n" })).code).toBe(0);
    expect((await runCli(["gen", "--check"], { cwd: copy, env })).code).toBe(1);
  });

  it.runIf(hasNix && hasGit)("every .nix file in the repository parses (except fixtures that are broken on purpose)", () => {
    const brokenOnPurpose = /^test\/(nix\/fixtures|audit\/corpus\/broken)\//;
    const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "*.nix"], { cwd: repoRoot, encoding: "utf8" })
      .split("\n")
      .filter((f) => f && !brokenOnPurpose.test(f));
    expect(files.length).toBeGreaterThan(8);
    for (const f of files) execFileSync("nix-instantiate", ["--parse", path.join(repoRoot, f)], { stdio: ["ignore", "ignore", "pipe"] });
  });

  it.runIf(hasNix)("the module's pure logic gives the golden per-host configuration", () => {
    const got = evalFleet(repoRoot);
    const golden = path.join(repoRoot, "test/nixgen/golden/fleet-eval.json");
    if (process.env.UPDATE_GOLDEN) writeFileSync(golden, JSON.stringify(got, null, 2) + "\n");
    expect(got).toEqual(JSON.parse(readFileSync(golden, "utf8")));
  });

  it.runIf(hasNix)("no generated file, script or unit string holds a secret's value", async () => {
    const ids = await parseIdentityFile(readFileSync(adminKey), "demo-admin.key");
    const manifest = readFileSync(path.join(repoRoot, "nixsec.yaml"), "utf8");
    const secretsSection = manifest.slice(manifest.indexOf("\nsecrets:"), manifest.indexOf("\ntemplates:"));
    const names = [...secretsSection.matchAll(/^  ([a-zA-Z0-9_./-]+\/[a-zA-Z0-9_.-]+):$/gm)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(5);
    const haystacks = [
      readFileSync(path.join(repoRoot, "nixsec/data.nix"), "utf8"),
      readFileSync(path.join(repoRoot, "secrets/secrets.nix"), "utf8"),
      readFileSync(path.join(repoRoot, "modules/nixsec.nix"), "utf8"),
      readFileSync(path.join(repoRoot, "modules/lib.nix"), "utf8"),
      readFileSync(path.join(repoRoot, "modules/backends/agenix.nix"), "utf8"),
      readFileSync(path.join(repoRoot, "templates/cifs-alice"), "utf8"),
      JSON.stringify(evalFleet(repoRoot)),
    ];
    for (const name of names) {
      const value = Buffer.from(await decryptBytes(readFileSync(path.join(repoRoot, `secrets/${name}.age`)), ids));
      const needles = [value.toString("latin1"), ...value.toString("utf8").split("\n").filter((l) => l.length >= 8)];
      for (const h of haystacks) for (const n of needles) if (n.length >= 8) expect(h.includes(n), `${name} leaks`).toBe(false);
    }
  });
});
