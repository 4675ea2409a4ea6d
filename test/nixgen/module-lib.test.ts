// modules/lib.nix on hand-made data, evaluated by real Nix without nixpkgs:
// each consumer kind becomes the right NixOS fragment, and bad data becomes
// assertion messages that name the option path.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { needTool, repoRoot } from "../helpers/tools.js";

const lib = path.join(repoRoot, "modules/lib.nix");

function evalNix(expr: string): unknown {
  return JSON.parse(execFileSync("nix-instantiate", ["--eval", "--strict", "--json", "-E", `let lib = import ${lib}; in ${expr}`], { encoding: "utf8" }));
}

const secret = (wire: string, extra = "") => `{ file = "/x.age"; owner = "root"; group = null; mode = "0400"; format = "text"; hash = "sha256-H"; wire = [ ${wire} ]; ${extra} }`;
const data = (secrets: string, version = 1) => `{ version = ${version}; backend = "agenix"; hosts.h.secrets = ${secrets}; }`;
const pathOf = `(n: "/run/agenix/\${n}")`;

describe.runIf(needTool("nix-instantiate"))("modules/lib.nix", () => {
  it("option consumers set the option to the decrypted path, under their root only", () => {
    const s = `{ "a/b" = ${secret(`{ option = [ "services" "foo" "passwordFile" ]; restart = [ ]; }`)}; }`;
    expect(evalNix(`lib.optionDefs { secrets = ${s}; pathOf = ${pathOf}; root = "services"; }`)).toEqual([{ foo: { passwordFile: "/run/agenix/a/b" } }]);
    expect(evalNix(`lib.optionDefs { secrets = ${s}; pathOf = ${pathOf}; root = "programs"; }`)).toEqual([]);
  });

  it("credentials: LoadCredential, runtime path option, %d environment variable", () => {
    const s = `{ "db/pass" = ${secret(`{ credential = { unit = "app"; name = "dbpass"; option = [ "services" "app" "dbPassFile" ]; env = null; }; restart = [ ]; }`)};
                 "api/key" = ${secret(`{ credential = { unit = "app"; name = "key"; option = null; env = "API_KEY_FILE"; }; restart = [ "other" ]; }`)}; }`;
    const units = evalNix(`lib.unitDefs { secrets = ${s}; pathOf = ${pathOf}; smbpasswdScriptFor = u: c: ""; }`) as Record<string, Record<string, string[]>>;
    expect(units.app!.loadCredential).toEqual(["key:/run/agenix/api/key", "dbpass:/run/agenix/db/pass"]);
    expect(units.app!.environment).toEqual(["API_KEY_FILE=%d/key"]);
    expect(units.other!.restartTriggers).toEqual(["sha256-H"]);
    expect(evalNix(`lib.optionDefs { secrets = ${s}; pathOf = ${pathOf}; root = "services"; }`)).toEqual([{ app: { dbPassFile: "/run/credentials/app.service/dbpass" } }]);
  });

  it("samba: the smbd unit loads a credential and runs a script that reads it at run time", () => {
    const s = `{ "samba/alice" = ${secret(`{ samba = "alice"; restart = [ ]; }`)}; }`;
    const units = evalNix(`lib.unitDefs { secrets = ${s}; pathOf = ${pathOf}; smbpasswdScriptFor = u: c: lib.smbpasswdScript { smbpasswd = "/bin/smbpasswd"; user = u; credential = c; }; }`) as Record<string, Record<string, string[]>>;
    const smbd = units["samba-smbd"]!;
    expect(smbd.loadCredential).toEqual(["nixsec-samba-alice:/run/agenix/samba/alice"]);
    expect(smbd.restartTriggers).toEqual(["sha256-H"]);
    const script = smbd.execStartPre![0]!;
    expect(script).toContain('"${CREDENTIALS_DIRECTORY}/nixsec-samba-alice"');
    expect(script).toContain("/bin/smbpasswd -a -s 'alice'");
    expect(script).not.toMatch(/\/run\/agenix/); // reads the credential, not the agenix path
  });

  it("environment files and user passwords", () => {
    const s = `{ "bot/env" = ${secret(`{ environmentFile = "bot"; restart = [ ]; }`, "")}; "u/hash" = ${secret(`{ userPassword = "alice"; restart = [ ]; }`)}; }`;
    const units = evalNix(`lib.unitDefs { secrets = ${s}; pathOf = ${pathOf}; smbpasswdScriptFor = u: c: ""; }`) as Record<string, Record<string, string[]>>;
    expect(units.bot!.environmentFile).toEqual(["/run/agenix/bot/env"]);
    expect(evalNix(`lib.userPasswords { secrets = ${s}; pathOf = ${pathOf}; }`)).toEqual({ alice: { hashedPasswordFile: "/run/agenix/u/hash" } });
    expect(evalNix(`lib.hasUserPasswords ${s}`)).toBe(true);
  });

  it("age.secrets carries owner, mode, and group only when set", () => {
    const s = `{ a = ${secret("").replace("group = null", 'group = "wheel"')}; b = ${secret("")}; }`;
    expect(evalNix(`lib.ageSecrets ${s}`)).toEqual({ a: { file: "/x.age", owner: "root", mode: "0400", group: "wheel" }, b: { file: "/x.age", owner: "root", mode: "0400" } });
  });

  it("bad data becomes assertion messages naming the option", () => {
    const s = `{ x = ${secret(`{ option = [ "weird" "thing" ]; restart = [ ]; }`)}; }`;
    const problems = evalNix(`lib.dataProblems { data = ${data(s, 2)}; host = "h"; roots = [ "services" ]; }`) as string[];
    expect(problems.join("\n")).toMatch(/nixsec\.data: generated data version 2/);
    expect(problems.join("\n")).toMatch(/under "weird"/);
    expect((evalNix(`lib.dataProblems { data = ${data("{ }")}; host = "other"; roots = [ ]; }`) as string[])[0]).toMatch(/^nixsec\.host: no host "other"/);
  });
});
