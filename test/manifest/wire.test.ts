// The wiring rules of the manifest: option paths as Nix writes them (any
// root, quoted names), credential names and variables systemd and programs
// accept, modes, templates and per-host wires, and did-you-mean suggestions.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ManifestError, parseManifest } from "../../src/manifest/index.js";
import { suggestions } from "../../src/manifest/issues.js";
import { modeProblem } from "../../src/manifest/names.js";
import { credentialNameProblem, envVarProblem, formatOptionPath, ownerUnit, parseOptionPath } from "../../src/manifest/wire.js";

const ADMIN = "age1v0vprzzns83u47cd0hdjpemfd6zaxgxgter0vqfqfjepvh6egpwq4m02mx";
const HOST = (n: number) => `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO+xERPbV0N3g2HEoLyhbufu4PHuu/+4W8TSm2dulpD${n} h`;

describe("option paths", () => {
  it.each([
    ["services.foo.passwordFile", ["services", "foo", "passwordFile"]],
    ['services.nginx.virtualHosts."a.example.com".basicAuthFile', ["services", "nginx", "virtualHosts", "a.example.com", "basicAuthFile"]],
    ['mailserver.loginAccounts."alice@example.com".hashedPasswordFile', ["mailserver", "loginAccounts", "alice@example.com", "hashedPasswordFile"]],
    ["containers.web.config.services.foo.passwordFile", ["containers", "web", "config", "services", "foo", "passwordFile"]],
    ["home-manager.users.alice.programs.mbsync.passwordFile", ["home-manager", "users", "alice", "programs", "mbsync", "passwordFile"]],
    ['a."with \\"quote\\" and \\\\"', ["a", 'with "quote" and \\']],
    ['a."$ not interpolated"', ["a", "$ not interpolated"]],
  ])("%s", (text, segments) => {
    expect(parseOptionPath(text)).toEqual({ segments });
  });

  it.each([
    ["services", /below a top-level name/],
    ["_module.args", /cannot start with "_module"/],
    ["nixsec.data", /cannot start with "nixsec"/],
    ["age.secrets.x.file", /cannot start with "age"/],
    ["services..foo", /empty or invalid name/],
    ["services.foo.", /empty or invalid name/],
    ['services."a', /unterminated/],
    ['services."${x}"', /\$\{/],
    ['services.""', /empty quoted name/],
    ['services."a\\nb"', /escape other than/],
    ["services.a b", /where a \. should be/],
    ["services._type.x", /"_type"/],
    ["services.__functor", /"__functor"/],
    ['services."a\u0001"', /control character/],
  ])("refuses %j", (text, message) => {
    const r = parseOptionPath(text);
    expect("problem" in r && r.problem).toMatch(message);
  });

  it("formatting and parsing are inverse on any path (property)", () => {
    const segment = fc.string({ minLength: 1, maxLength: 8 }).filter((s) => !/[\u0000-\u001f\u007f]/.test(s) && !s.includes("${") && !["_type", "__functor", "__toString", "outPath", "__proto__"].includes(s));
    fc.assert(
      fc.property(fc.constantFrom("services", "mailserver", "containers", "home-manager", "x_y"), fc.array(segment, { minLength: 1, maxLength: 4 }), (root, rest) => {
        const segments = [root, ...rest];
        expect(parseOptionPath(formatOptionPath(segments))).toEqual({ segments });
      }),
    );
  });

  it("the service owning an option (keep in sync with modules/lib.nix ownerUnit)", () => {
    expect(ownerUnit(["services", "nginx", "virtualHosts", "a", "basicAuthFile"])).toBe("nginx");
    expect(ownerUnit(["networking", "wireguard", "interfaces", "wg0", "privateKeyFile"])).toBe("wireguard-wg0");
    expect(ownerUnit(["containers", "web", "config"])).toBe("container@web");
    expect(ownerUnit(["home-manager", "users", "alice", "x"])).toBe("home-manager-alice");
    expect(ownerUnit(["users", "users", "alice", "hashedPasswordFile"])).toBeUndefined();
    expect(ownerUnit(["services", "x"])).toBeUndefined();
  });
});

describe("credentials, variables, modes", () => {
  it.each([["db", undefined], ["a.b-c_d", undefined], [".", /not a file name/], ["..", /not a file name/], ["a/b", /1-64 characters/], ["a:b", /1-64/], ["x".repeat(65), /1-64/]])("credential name %j", (name, problem) => {
    const p = credentialNameProblem(name);
    if (problem) expect(p).toMatch(problem);
    else expect(p).toBeUndefined();
  });

  it.each(["LD_PRELOAD", "LD_LIBRARY_PATH", "PATH", "HOME", "NODE_OPTIONS", "PYTHONPATH", "PERL5LIB", "BASH_ENV", "DYLD_INSERT_LIBRARIES", "GLIBC_TUNABLES", "LC_ALL", "GIT_CONFIG_GLOBAL", "CREDENTIALS_DIRECTORY", "NOTIFY_SOCKET", "JAVA_TOOL_OPTIONS", "SYSTEMD_LOG_LEVEL"])("refuses %s", (name) => {
    expect(envVarProblem(name)).toMatch(new RegExp(`^${name} is refused`));
  });

  it.each(["DB_PASSWORD_FILE", "API_KEY_FILE", "TOKEN_PATH", "LDAP_PASSWORD_FILE", "PATHS_FILE"])("accepts %s", (name) => {
    expect(envVarProblem(name)).toBeUndefined();
  });

  it.each([["0400", undefined], ["0440", undefined], ["0600", undefined], ["0640", undefined], ["0777", /every user/], ["0644", /every user/], ["0401", /every user/], ["0402", /every user/], ["400", /octal mode/], ["04000", /octal mode/]])("mode %s", (mode, problem) => {
    const p = modeProblem(mode);
    if (problem) expect(p).toMatch(problem);
    else expect(p).toBeUndefined();
  });
});

describe("templates and per-host wires in the manifest", () => {
  const base = (extra: string) => `version: 1
admins: { a: { key: ${ADMIN} } }
hosts: { web: { key: "${HOST(1)}" }, db: { key: "${HOST(2)}" } }
secrets:
  s/pw: { hosts: [web, db] }
${extra}`;
  const problems = (text: string): string[] => {
    try {
      parseManifest(text, "nixsec.yaml");
      return [];
    } catch (err) {
      if (!(err instanceof ManifestError)) throw err;
      return err.message.split("\n");
    }
  };

  it("accepts templates, wires on named hosts, and one option per host", () => {
    expect(problems(base(`  s/other: { hosts: [db], wire: [{ option: services.app.passFile }] }
  s/x: { hosts: [web], wire: [{ option: services.app.passFile }] }
templates:
  app/cfg: { hosts: [web], content: "p={{ nixsec:s/pw }}", wire: [{ environmentFile: app, hosts: [web] }] }
`))).toEqual([]);
  });

  it.each([
    [`  s/b: { hosts: [web], mode: "0644" }`, /secrets\."s\/b"\.mode: 0644 gives every user/],
    [`  s/b: { hosts: [web], wire: [{ samba: alice, hosts: [db] }] }`, /secrets\."s\/b"\.wire\[0\]\.hosts\[0\]: host "db" does not read this secret \(its hosts: web\)/],
    [`  s/b: { hosts: [web], wire: [{ option: services.a.f }] }\n  s/c: { hosts: [web], wire: [{ option: "services.\\"a\\".f" }] }`, /option services\.a\.f on web is also wired to secret "s\/b"/],
    [`  s/b: { hosts: [web], wire: [{ credential: { unit: app, name: ".." } }] }`, /credential\.name: "\.\." is not a file name/],
    [`  s/b: { hosts: [web], wire: [{ credential: { unit: app, env: LD_PRELOAD } }] }`, /credential\.env: LD_PRELOAD is refused/],
    [`  s/b: { hosts: [web], wire: [{ initrd: /k, restart: [x] }] }`, /an initrd secret restarts nothing/],
    [`templates:\n  s/pw: { hosts: [web], content: x }`, /templates\."s\/pw": "s\/pw" is also a secret/],
    [`templates:\n  t/a: { hosts: [web] }`, /give the template text as file or content/],
    [`templates:\n  t/a: { hosts: [ghost], content: x }`, /templates\."t\/a"\.hosts\[0\]: unknown host "ghost"/],
    [`templates:\n  t/a: { hosts: [web], file: ../outside, content: x }`, /templates\."t\/a"\.file: must stay inside the repository/],
    [`templates:\n  t/a: { hosts: [web], content: x, wire: [{ samba: alice }] }`, /a template cannot be a samba password/],
    [`templates:\n  t/a: { hosts: [web], content: x, wire: [{ userPassword: alice }] }`, /cannot be a user's hashedPasswordFile/],
    [`templates:\n  t/a: { hosts: [web], content: x, mode: "0777" }`, /templates\."t\/a"\.mode: 0777 gives every user/],
  ])("refuses %j", (extra, message) => {
    expect(problems(base(extra)).join("\n")).toMatch(message);
  });
});

describe("suggestions", () => {
  it.each([
    ["hanibal", ["hannibal", "storage2"], ["hannibal"]],
    ["withings/clientSecrt", ["withings/clientSecret", "withings/oauthClientId"], ["withings/clientSecret"]],
    ["wbe", ["web", "db"], ["web"]],
    ["bbo", ["bob", "alice"], ["bob"]],
    ["clientSecret", ["withings/oauthClientSecret", "samba/alice"], ["withings/oauthClientSecret"]],
    ["zzz", ["web", "db"], []],
  ])("%s", (word, candidates, want) => {
    expect(suggestions(word, candidates)).toEqual(want);
  });
});

describe("the README lists what --credential-env refuses", () => {
  it("every name and prefix of DANGEROUS_ENV", async () => {
    const { readFileSync } = await import("node:fs");
    const { repoRoot } = await import("../helpers/tools.js");
    const { DANGEROUS_ENV, DANGEROUS_ENV_PREFIXES } = await import("../../src/manifest/wire.js");
    const readme = readFileSync(`${repoRoot}/README.md`, "utf8").replace(/\s+/g, " ");
    for (const name of DANGEROUS_ENV) expect(readme, name).toMatch(new RegExp(`[ \`]${name}[ \`]`));
    for (const p of DANGEROUS_ENV_PREFIXES) expect(readme, p).toContain(`${p}*`);
  });
});
