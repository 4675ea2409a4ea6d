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
import { parseIdentityFile } from "../../src/crypto/index.js";
import { openStore } from "../../src/store/store.js";
import { readSecretValue } from "../../src/store/values.js";
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
    perHost = host: let
      hostData = lib.forHost data host;
      sops = hostData.backend == "sops-nix";
      # As the backends give them (modules/backends/*.nix), with sops-nix's default paths.
      secretPath = n: if !sops then "/run/agenix/\${n}" else if builtins.elem n (lib.userPasswordSecrets hostData) then "/run/secrets-for-users/\${n}" else "/run/secrets/\${n}";
      pathOf = w: if w ? secret then secretPath w.secret else if sops then "/run/secrets/rendered/\${w.template}" else "\${lib.templatesDir}/\${w.template}";
      plan = lib.hostPlan { inherit host hostData pathOf; hasUnit = _: true; hasUser = _: true; templateUnit = if sops then null else lib.renderUnit;
        smbpasswdScriptFor = user: cred: lib.smbpasswdScript { smbpasswd = "/bin/smbpasswd"; inherit user; credential = cred; }; };
      restartUnits = key: map (u: u + ".service") (plan.restarts.\${key} or [ ]);
      base = f: builtins.mapAttrs (n: s: s // { \${f} = baseNameOf (toString s.\${f}); });
    in {
      inherit (hostData) backend;
      inherit plan;
      age = if sops then null else base "file" (lib.ageSecrets hostData.secrets);
      sops = if sops then {
        secrets = base "sopsFile" (lib.sopsSecrets { inherit hostData; restartUnits = n: restartUnits "secret:\${n}"; });
        templates = lib.sopsTemplates { inherit hostData; placeholder = n: "<SOPS:\${n}>"; restartUnits = n: restartUnits "template:\${n}"; };
      } else null;
      options = map (t: { inherit (t) path value required; }) (lib.optionTargets { inherit hostData pathOf; });
      render = if hostData.templates == { } || sops then null else lib.renderScript { inherit (hostData) templates; inherit secretPath; textFile = n: i: _: "/nix/store/text-\${toString i}"; bin = "/bin"; };
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
    for (const p of ["nixsec.yaml", ".sops.yaml", "secrets", "nixsec", "templates"]) cpSync(path.join(repoRoot, p), path.join(copy, p), { recursive: true });
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
      readFileSync(path.join(repoRoot, ".sops.yaml"), "utf8"),
      readFileSync(path.join(repoRoot, "modules/nixsec.nix"), "utf8"),
      readFileSync(path.join(repoRoot, "modules/lib.nix"), "utf8"),
      readFileSync(path.join(repoRoot, "modules/backends/agenix.nix"), "utf8"),
      readFileSync(path.join(repoRoot, "modules/backends/sops-nix.nix"), "utf8"),
      readFileSync(path.join(repoRoot, "templates/cifs-alice"), "utf8"),
      JSON.stringify(evalFleet(repoRoot)),
    ];
    const store = await openStore(repoRoot, true);
    for (const name of names) {
      const value = Buffer.from(await readSecretValue(store, name, ids));
      const needles = [value.toString("latin1"), ...value.toString("utf8").split("\n").filter((l) => l.length >= 8)];
      for (const h of haystacks) for (const n of needles) if (n.length >= 8) expect(h.includes(n), `${name} leaks`).toBe(false);
    }
  });
});
