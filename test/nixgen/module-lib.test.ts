// modules/lib.nix on hand-made data, evaluated by real Nix without nixpkgs:
// each consumer kind becomes the right NixOS fragment on the hosts it applies
// to, missing units/users/options become assertions (or warnings), restarts
// follow value ids, and the template renderer writes any bytes exactly.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { needTool, repoRoot } from "../helpers/tools.js";

const lib = path.join(repoRoot, "modules/lib.nix");

function evalNix(expr: string): unknown {
  return JSON.parse(execFileSync("nix-instantiate", ["--eval", "--strict", "--json", "-E", `let lib = import ${lib}; in ${expr}`], { encoding: "utf8" }));
}

const secret = (id: string) => `{ file = "/x.age"; owner = "root"; group = null; mode = "0400"; format = "text"; valueId = "${id}"; }`;
const hostData = (wires: string, extra = "") => `{ secrets = { "a/b" = ${secret("id-ab")}; "db/pass" = ${secret("id-db")}; }; templates = { }; wires = [ ${wires} ]; ${extra} }`;
const w = (src: string, fields: string, required = true) => `({ ${src}; required = ${required}; restart = [ ]; } // ${fields})`;
const pathOf = `(w: if w ? secret then "/run/agenix/\${w.secret}" else "/run/nixsec/templates/\${w.template}")`;
type Plan = { units: Record<string, Record<string, string[]>>; users: Record<string, unknown>; initrd: Record<string, string>; problems: string[]; warnings: string[] };
const plan = (hd: string, { units = `[ "app" "smbd-like" "samba-smbd" "other" "withings-weights" "nginx" ]`, users = `[ "alice" ]`, templateUnit = "null" } = {}): Plan =>
  evalNix(`lib.hostPlan { host = "h"; hostData = ${hd}; pathOf = ${pathOf}; hasUnit = u: builtins.elem u ${units}; hasUser = u: builtins.elem u ${users};
    templateUnit = ${templateUnit}; smbpasswdScriptFor = u: c: lib.smbpasswdScript { smbpasswd = "/bin/smbpasswd"; user = u; credential = c; }; }`) as Plan;

describe.runIf(needTool("nix-instantiate"))("modules/lib.nix", () => {
  it("credentials: LoadCredential, %d environment variable, restart on the value id", () => {
    const p = plan(hostData([
      w(`secret = "db/pass"`, `{ credential = { unit = "app"; name = "dbpass"; option = [ "services" "app" "dbPassFile" ]; env = null; }; }`),
      w(`secret = "a/b"`, `{ credential = { unit = "app"; name = "key"; option = null; env = "API_KEY_FILE"; }; restart = [ "other" ]; }`),
    ].join(" ")));
    expect(p.units.app!.loadCredential).toEqual(["dbpass:/run/agenix/db/pass", "key:/run/agenix/a/b"]);
    expect(p.units.app!.environment).toEqual(["API_KEY_FILE=%d/key"]);
    expect(p.units.app!.restartTriggers).toEqual(["id-db", "id-ab"]);
    expect(p.units.other!.restartTriggers).toEqual(["id-ab"]);
    expect(p.problems).toEqual([]);
    const targets = evalNix(`map (t: { inherit (t) path value; }) (lib.optionTargets { hostData = ${hostData(w(`secret = "db/pass"`, `{ credential = { unit = "app"; name = "dbpass"; option = [ "services" "app" "dbPassFile" ]; env = null; }; }`))}; pathOf = ${pathOf}; })`);
    expect(targets).toEqual([{ path: ["services", "app", "dbPassFile"], value: "/run/credentials/app.service/dbpass" }]);
  });

  it("samba: the smbd unit loads a credential and runs a script that reads it at run time", () => {
    const smbd = plan(hostData(w(`secret = "a/b"`, `{ samba = "alice"; }`))).units["samba-smbd"]!;
    expect(smbd.loadCredential).toEqual(["nixsec-samba-alice:/run/agenix/a/b"]);
    expect(smbd.restartTriggers).toEqual(["id-ab"]);
    const script = smbd.execStartPre![0]!;
    expect(script).toContain('"${CREDENTIALS_DIRECTORY}/nixsec-samba-alice"');
    expect(script).toContain("/bin/smbpasswd -a -s 'alice'");
    expect(script).not.toMatch(/\/run\/agenix/); // reads the credential, not the agenix path
  });

  it("environment files, user passwords, initrd secrets", () => {
    const p = plan(hostData([
      w(`secret = "a/b"`, `{ environmentFile = "app"; }`),
      w(`secret = "db/pass"`, `{ userPassword = "alice"; }`),
      w(`secret = "a/b"`, `{ initrd = "/etc/secrets/initrd/key"; }`),
    ].join(" ")));
    expect(p.units.app!.environmentFile).toEqual(["/run/agenix/a/b"]);
    expect(p.users).toEqual({ alice: { hashedPasswordFile: "/run/agenix/db/pass" } });
    expect(p.initrd).toEqual({ "/etc/secrets/initrd/key": "/run/agenix/a/b" });
    expect(p.problems).toEqual([]);
  });

  it("an option wire restarts the service owning the option, when the host has it", () => {
    const owner = (opt: string) => evalNix(`lib.ownerUnit ${opt}`);
    expect(owner(`[ "services" "withings-weights" "oauthClientSecretFile" ]`)).toBe("withings-weights");
    expect(owner(`[ "services" "nginx" "virtualHosts" "a.example.com" "basicAuthFile" ]`)).toBe("nginx");
    expect(owner(`[ "networking" "wireguard" "interfaces" "wg0" "privateKeyFile" ]`)).toBe("wireguard-wg0");
    expect(owner(`[ "containers" "web" "config" "services" "x" "f" ]`)).toBe("container@web");
    expect(owner(`[ "home-manager" "users" "alice" "programs" "x" ]`)).toBe("home-manager-alice");
    expect(owner(`[ "users" "users" "alice" "hashedPasswordFile" ]`)).toBeNull();
    const p = plan(hostData([
      w(`secret = "a/b"`, `{ option = [ "services" "nginx" "virtualHosts" "a.example.com" "basicAuthFile" ]; }`),
      w(`secret = "db/pass"`, `{ option = [ "services" "absent" "passwordFile" ]; }`),
    ].join(" ")));
    expect(p.units).toEqual({ nginx: expect.objectContaining({ restartTriggers: ["id-ab"] }) });
    expect(p.problems).toEqual([]);
  });

  it("a consumer the host lacks: an assertion when required, else a warning; never a unit or user", () => {
    const p = plan(hostData([
      w(`secret = "a/b"`, `{ credential = { unit = "ghost"; name = "x"; option = null; env = null; }; }`),
      w(`secret = "a/b"`, `{ samba = "bob"; }`, false),
      w(`secret = "db/pass"`, `{ userPassword = "mallory"; }`),
      w(`secret = "db/pass"`, `{ restart = [ "gone" ]; }`),
    ].join(" ")), { units: `[ ]` });
    expect(p.units).toEqual({});
    expect(p.users).toEqual({});
    expect(p.problems).toEqual([
      expect.stringMatching(/^nixsec: h: secret "a\/b" is wired to systemd service "ghost" \(credential x\), which h does not define; /),
      expect.stringMatching(/^nixsec: h: secret "db\/pass" is the password of user "mallory", whom h does not define/),
      expect.stringMatching(/^nixsec: h: secret "db\/pass" is wired to systemd service "gone" \(restart\)/),
    ]);
    expect(p.warnings).toEqual([expect.stringMatching(/^nixsec: h: secret "a\/b" is wired to systemd service "samba-smbd" \(samba password of bob; set services.samba.enable\).*; skipped here/)]);
  });

  it("option problems: undeclared options and missing instances name host, source and path", () => {
    const targets = `[
      { source = "secret \\"x\\""; path = [ "services" "nosuch" "f" ]; required = true; info = { declared = false; }; }
      { source = "template \\"t\\""; path = [ "services" "nginx" "virtualHosts" "b.example.com" "basicAuthFile" ]; required = false;
        info = { declared = true; exists = false; instance = [ "services" "nginx" "virtualHosts" "b.example.com" ]; }; }
      { source = "secret \\"y\\""; path = [ "services" "ok" "f" ]; required = true; info = { declared = true; exists = true; instance = [ ]; }; } ]`;
    const r = evalNix(`lib.optionProblems { host = "h"; targets = ${targets}; }`) as { problems: string[]; warnings: string[] };
    expect(r.problems).toEqual(['nixsec: h: secret "x" is wired to services.nosuch.f, which is not an option of this configuration; import the module that declares it, or change the wire entry in nixsec.yaml']);
    expect(r.warnings).toEqual([expect.stringMatching(/^nixsec: h: template "t" is wired to services\.nginx\.virtualHosts\."b\.example\.com"\.basicAuthFile, but no other module defines services\.nginx\.virtualHosts\."b\.example\.com" on h; .*skipped here/)]);
  });

  it("per host: fleet targets and unit names carry every host, each target its host", () => {
    const data = `{ version = 2; backend = "agenix"; hosts = {
      a = ${hostData(w(`secret = "a/b"`, `{ option = [ "services" "x" "f" ]; }`))};
      b = ${hostData(w(`secret = "a/b"`, `{ samba = "alice"; }`))}; }; }`;
    expect(evalNix(`map (t: t.host) (lib.fleetOptionTargets { data = ${data}; pathFor = _: ${pathOf}; })`)).toEqual(["a"]);
    expect(evalNix(`lib.fleetUnitNames ${data}`)).toEqual(["x", "samba-smbd"]);
    expect(evalNix(`lib.unitNames (lib.forHost ${data} "a")`)).toEqual(["x"]);
  });

  it("templates: consumers wait for the render unit, restart on the template id, which follows text and value ids", () => {
    const tpl = (id: string, text = "k=") => `{ secrets = { "a/b" = ${secret(id)}; }; templates = { "app/cfg" = { owner = "app"; group = null; mode = "0400"; parts = [ { text = "${text}"; } { secret = "a/b"; } ]; }; };
      wires = [ ${w(`template = "app/cfg"`, `{ environmentFile = "app"; }`)} ]; }`;
    const p = plan(tpl("v1"), { templateUnit: `"nixsec-templates"` });
    const id = evalNix(`lib.templateId ${tpl("v1")} "app/cfg"`) as string;
    expect(p.units.app).toMatchObject({ environmentFile: ["/run/nixsec/templates/app/cfg"], after: ["nixsec-templates.service"], wants: ["nixsec-templates.service"], restartTriggers: [id] });
    expect(p.units["nixsec-templates"]!.restartTriggers).toEqual([expect.stringContaining(id)]);
    expect(evalNix(`lib.templateId ${tpl("v2")} "app/cfg"`)).not.toBe(id);
    expect(evalNix(`lib.templateId ${tpl("v1", "other=")} "app/cfg"`)).not.toBe(id);
    expect(evalNix(`lib.templateId ${tpl("v1")} "app/cfg"`)).toBe(id);
  });

  it("age.secrets carries owner, mode, and group only when set", () => {
    const s = `{ a = ${secret("1").replace("group = null", 'group = "wheel"')}; b = ${secret("2")}; }`;
    expect(evalNix(`lib.ageSecrets ${s}`)).toEqual({ a: { file: "/x.age", owner: "root", mode: "0400", group: "wheel" }, b: { file: "/x.age", owner: "root", mode: "0400" } });
  });

  it("bad data becomes assertion messages naming the option", () => {
    const problems = evalNix(`lib.dataProblems { data = { version = 1; hosts.h = { }; }; host = "h"; }`) as string[];
    expect(problems.join("\n")).toMatch(/nixsec\.data: generated data version 1 is not supported by this module \(expects 2\)/);
    expect((evalNix(`lib.dataProblems { data = { version = 2; hosts = { }; }; host = "other"; }`) as string[])[0]).toMatch(/^nixsec\.host: no host "other"/);
    expect(evalNix(`lib.showOption [ "services" "nginx" "virtualHosts" "a.example.com" "basicAuthFile" ]`)).toBe('services.nginx.virtualHosts."a.example.com".basicAuthFile');
  });
});

describe.runIf(needTool("nix-instantiate") && needTool("bash"))("the template renderer (modules/lib.nix renderScript), run for real", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "nixsec-render-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const coreutils = path.dirname(execFileSync("sh", ["-c", "command -v cat"], { encoding: "utf8" }).trim());
  const me = userInfo().username;

  /** Values no renderer may interpret: placeholder syntax, newlines, shell syntax, NUL, invalid UTF-8. */
  const values: Record<string, Buffer> = {
    "s/placeholder": Buffer.from("{{ nixsec:s/other }}"),
    "s/shell": Buffer.from("$(touch pwned) `id` ${HOME} ' \" \\ ;|&\n"),
    "s/lines": Buffer.from("line one\r\nline two\n\n"),
    "s/bytes": Buffer.from([0, 1, 2, 0xff, 0xfe, 0x0a, 0x24, 0x7b]),
    "s/other": Buffer.from("other"),
  };

  function render(templates: string, base: string): string {
    const secrets = path.join(dir, "secrets");
    for (const [name, v] of Object.entries(values)) {
      execFileSync("mkdir", ["-p", path.dirname(path.join(secrets, name))]);
      writeFileSync(path.join(secrets, name), v);
    }
    const texts = path.join(dir, "texts");
    execFileSync("mkdir", ["-p", texts]);
    // Text parts as files, as pkgs.writeText would make them; the test writes them from the same data.
    const parts = evalNix(`builtins.mapAttrs (n: t: t.parts) ${templates}`) as Record<string, Array<{ text?: string }>>;
    for (const [name, ps] of Object.entries(parts)) ps.forEach((p, i) => p.text !== undefined && writeFileSync(path.join(texts, `${name.replace(/\//g, "_")}-${i}`), p.text));
    const script = evalNix(`lib.renderScript { templates = ${templates}; secretPath = n: "${secrets}/\${n}"; textFile = n: i: _: "${texts}/\${builtins.replaceStrings [ "/" ] [ "_" ] n}-\${toString i}"; bin = "${coreutils}"; base = "${base}"; }`) as string;
    return execFileSync("bash", ["-c", script], { encoding: "utf8", cwd: dir });
  }

  it("writes parts byte for byte, never rescans a value, keeps shell syntax inert, sets owner and mode", () => {
    const base = path.join(dir, "run1");
    const tpl = `{ "app/config" = { owner = "${me}"; group = null; mode = "0440";
        parts = [ { text = "a=\${"$"}{x}\\n"; } { secret = "s/placeholder"; } { text = "\\nb="; } { secret = "s/shell"; } { secret = "s/lines"; } { secret = "s/bytes"; } { text = "{{ nixsec:s/other }}"; } ]; };
      empty = { owner = "${me}"; group = null; mode = "0400"; parts = [ ]; }; }`;
    render(tpl, base);
    const file = path.join(base, "templates/app/config");
    const want = Buffer.concat([Buffer.from("a=${x}\n"), values["s/placeholder"]!, Buffer.from("\nb="), values["s/shell"]!, values["s/lines"]!, values["s/bytes"]!, Buffer.from("{{ nixsec:s/other }}")]);
    expect(readFileSync(file).equals(want)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o440);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o751);
    expect(readFileSync(path.join(base, "templates/empty")).length).toBe(0);
    expect(readdirSync(dir)).not.toContain("pwned");
  });

  it("each run is a new generation behind the link; old ones and removed templates are gone", () => {
    const base = path.join(dir, "run2");
    render(`{ one = { owner = "${me}"; group = null; mode = "0400"; parts = [ { secret = "s/other"; } ]; }; }`, base);
    const first = readlinkSync(path.join(base, "templates"));
    render(`{ two = { owner = "${me}"; group = null; mode = "0400"; parts = [ { text = "t"; } ]; }; }`, base);
    const second = readlinkSync(path.join(base, "templates"));
    expect(second).not.toBe(first);
    expect(readdirSync(path.join(base, "templates.d"))).toEqual([path.basename(second)]);
    expect(readdirSync(path.join(base, "templates"))).toEqual(["two"]);
  });
});
