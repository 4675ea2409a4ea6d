// Loading nixsec.yaml: defaults, the upward search, and the error report,
// which must list every problem at once as `FILE: path: message` lines.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ExitCode, NixsecError } from "../../src/errors.js";
import { ManifestError, findManifest, loadManifest, parseManifest } from "../../src/manifest/index.js";
import { AGE_ALICE, ECDSA, ED25519_HANNIBAL, HANDWRITTEN } from "./fixtures.js";

const tmp = mkdtempSync(path.join(realpathSync(tmpdir()), "nixsec-load-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The error lines parseManifest reports for `text` (it must throw). */
function problems(text: string, file = "nixsec.yaml"): string[] {
  try {
    parseManifest(text, file);
  } catch (e) {
    expect(e).toBeInstanceOf(ManifestError);
    expect((e as ManifestError).exitCode).toBe(ExitCode.usage);
    expect((e as ManifestError).hints.join("\n")).toMatch(/schema\/nixsec\.schema\.json/);
    return (e as Error).message.split("\n");
  }
  throw new Error("expected the manifest to be rejected");
}

describe("loading a valid manifest", () => {
  it("applies defaults and keeps what was written", () => {
    const { data } = parseManifest(HANDWRITTEN, "nixsec.yaml");
    expect(data.settings).toEqual({ secretsDir: "secrets", backend: "agenix", generatedDir: "nix/nixsec" });
    expect(data.hosts.hannibal!.key).toBe(ED25519_HANNIBAL);
    expect(data.secrets["withings/clientSecret"]).toEqual({
      hosts: ["hannibal"],
      owner: "withings-weights",
      mode: "0400",
      format: "text",
      generate: { kind: "password", length: 32, alphabet: expect.stringMatching(/^[A-Za-z0-9]{62}$/) },
      maxAge: "90d",
      wire: [{ option: "services.withings-weights.oauthClientSecretFile" }],
    });
    expect(data.secrets["smb/alice"]).toMatchObject({ owner: "root", mode: "0400", format: "text", wire: [] });
  });

  it("accepts the smallest manifest", () => {
    const { data } = parseManifest(`version: 1\nadmins: { alice: { key: ${AGE_ALICE} } }\n`, "m.yaml");
    expect(data).toMatchObject({ hosts: {}, secrets: {}, settings: { secretsDir: "secrets", generatedDir: "nixsec" } });
  });
});

describe("reporting mistakes", () => {
  it("reports every kind of mistake at once, in file order", () => {
    const text = `secret: {}
settings:
  backend: vault
  secretsDir: ../elsewhere
admins:
  alice:
    key: ${AGE_ALICE.slice(0, -1)}y
  bob:
    key: AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ
hosts:
  hannibal:
    keys: ["${ED25519_HANNIBAL}"]
  lecter:
    key: ${ECDSA}
  "bad name!":
    key: "${ED25519_HANNIBAL}"
  clarice:
    key: "${ED25519_HANNIBAL} same key, other comment"
  alice:
    key: 42
secrets:
  withings/clientSecret:
    hosts: [hannibal, ghost, hannibal]
    owner: withings-weights
    owner: root
    mode: 0400
    format: yaml
    generate: { kind: pin, length: 6 }
    maxAge: 3 months
  ../etc/passwd:
    hosts: hannibal
  /abs: { hosts: [] }
  a//b: { hosts: [], mode: "0999" }
  App/Key: { hosts: [] }
  app/key: { hosts: [], generate: { kind: password-hash, from: nope } }
  app: { hosts: [bob], generate: { kind: password, length: 4, alfabet: abc } }
`;
    expect(problems(text)).toEqual([
      "nixsec.yaml: version: is required; start the file with `version: 1`",
      'nixsec.yaml: secret: unknown field (did you mean "secrets"?)',
      'nixsec.yaml: settings.backend: must be one of "agenix", "sops-nix"',
      "nixsec.yaml: settings.secretsDir: must stay inside the repository (no . or .. segments)",
      "nixsec.yaml: admins.alice.key: age recipient has a bad checksum (a typo?)",
      "nixsec.yaml: admins.bob.key: this is a private key; put only the public key (age1… or ssh-…) in the manifest",
      "nixsec.yaml: hosts.hannibal.key: is required",
      'nixsec.yaml: hosts.hannibal.keys: unknown field (did you mean "key"?)',
      'nixsec.yaml: hosts.lecter.key: unsupported key type "ecdsa-sha2-nistp256"; age accepts ssh-ed25519 and ssh-rsa keys',
      'nixsec.yaml: hosts."bad name!": host name must be 1-63 characters of A-Z a-z 0-9 . _ - and not start with . or -',
      'nixsec.yaml: hosts.clarice.key: same key as hosts."bad name!"; each key belongs to exactly one admin or host',
      'nixsec.yaml: hosts.alice: "alice" is also an admin; admin and host names must differ',
      "nixsec.yaml: hosts.alice.key: expected a string, got an integer",
      'nixsec.yaml: secrets."withings/clientSecret".hosts[1]: unknown host "ghost"',
      'nixsec.yaml: secrets."withings/clientSecret".hosts[2]: host "hannibal" is listed twice',
      'nixsec.yaml: secrets."withings/clientSecret".owner: is defined twice; keep one',
      'nixsec.yaml: secrets."withings/clientSecret".mode: must be a quoted string such as "0400" (YAML reads 0400 unquoted as a number)',
      'nixsec.yaml: secrets."withings/clientSecret".format: must be one of "text", "env", "binary"',
      'nixsec.yaml: secrets."withings/clientSecret".generate.kind: must be one of password, hex, base64, wireguard, ssh-ed25519, password-hash',
      'nixsec.yaml: secrets."withings/clientSecret".maxAge: must be a duration such as 12h, 90d, 8w or 1y',
      'nixsec.yaml: secrets."../etc/passwd": secret name must not contain . or .. segments',
      'nixsec.yaml: secrets."../etc/passwd".hosts: expected a list, got a string',
      'nixsec.yaml: secrets."/abs": secret name must not start with /',
      'nixsec.yaml: secrets."a//b": secret name has an empty segment (//)',
      'nixsec.yaml: secrets."a//b".mode: must be an octal mode such as "0400" or "0440"',
      'nixsec.yaml: secrets."app/key": differs from "App/Key" only in letter case; they would clash on case-insensitive file systems',
      'nixsec.yaml: secrets."app/key": "app" is also a secret, so it cannot be a directory of secrets too',
      'nixsec.yaml: secrets."app/key".generate.from: unknown secret "nope"',
      'nixsec.yaml: secrets.app.hosts[0]: unknown host "bob"; "bob" is an admin, and admins read every secret',
      "nixsec.yaml: secrets.app.generate.length: must be at least 8",
      'nixsec.yaml: secrets.app.generate.alfabet: unknown field (did you mean "alphabet"?)',
    ]);
  });

  it.each([
    ["no admins", `version: 1\nadmins: {}\n`, ["m.yaml: admins: needs at least one admin; without one nobody could rekey the secrets"]],
    ["admins missing", `version: 1\n`, ["m.yaml: admins: is required"]],
    ["an empty section", `version: 1\nadmins:\n`, ["m.yaml: admins: expected a mapping, got nothing (write {} for an empty section)"]],
    ["a newer version", `version: 2\nadmins: { a: { key: ${AGE_ALICE} } }\n`, ["m.yaml: version: unsupported manifest version 2; this nixsec reads version 1"]],
    ["a quoted version", `version: "1"\nadmins: { a: { key: ${AGE_ALICE} } }\n`, ['m.yaml: version: unsupported manifest version "1"; this nixsec reads version 1']],
    ["an empty file", "", ["m.yaml: (top level): the manifest is empty; it needs `version: 1` and an `admins:` section"]],
    ["only comments", "# todo\n", ["m.yaml: (top level): the manifest is empty; it needs `version: 1` and an `admins:` section"]],
    ["a __proto__ name", `version: 1\nadmins: { alice: { key: ${AGE_ALICE} } }\nsecrets:\n  __proto__: { hosts: [] }\n`, [
      'm.yaml: secrets.__proto__: secret name "__proto__" is reserved; choose another',
    ]],
    ["a list", "- a\n", ["m.yaml: (top level): expected a mapping, got a list"]],
    ["names YAML reads as numbers", `version: 1\nadmins: { 123: { key: ${AGE_ALICE} } }\nsecrets:\n  true: { hosts: [] }\n`, [
      'm.yaml: admins."123": YAML does not read this name as text; quote it: "123"',
      'm.yaml: secrets.true: YAML does not read this name as text; quote it: "true"',
    ]],
    ["a password-hash of itself", `version: 1\nadmins: { a: { key: ${AGE_ALICE} } }\nsecrets:\n  p: { hosts: [], generate: { kind: password-hash, from: p } }\n`, ["m.yaml: secrets.p.generate.from: a secret cannot be the hash of itself"]],
    ["a hash of a hash", `version: 1\nadmins: { a: { key: ${AGE_ALICE} } }\nsecrets:\n  p: { hosts: [] }\n  h: { hosts: [], generate: { kind: password-hash, from: p } }\n  g: { hosts: [], generate: { kind: password-hash, from: h } }\n`, ['m.yaml: secrets.g.generate.from: "h" is itself a hash; name the password secret']],
  ])("%s", (_name, text, expected) => {
    expect(problems(text, "m.yaml")).toEqual(expected);
  });

  it("reports YAML syntax errors with line and column", () => {
    expect(problems("version: 1\nadmins: {a: [}\n", "m.yaml")).toEqual([
      "m.yaml:2:14: flow sequence in block collection must be sufficiently indented and end with a ]",
      "m.yaml:2:15: flow map in block collection must be sufficiently indented and end with a }",
    ]);
    expect(problems("version: 1\n\tadmins: x\n", "m.yaml")).toEqual(["m.yaml:2:1: tabs are not allowed as indentation"]);
  });

  it("refuses alias bombs instead of expanding them", () => {
    const lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 8; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(", ")}]`);
    // A limit, not a field problem (src/manifest/yaml.ts): a plain error naming the file.
    expect(() => parseManifest(lines.join("\n") + "\n", "m.yaml")).toThrow(/^m\.yaml: the manifest expands \(aliases included\) to more than 16 MiB/);
  });
});

describe("finding and reading the file", () => {
  const repo = path.join(tmp, "repo");
  mkdirSync(path.join(repo, ".git"), { recursive: true });
  mkdirSync(path.join(repo, "hosts/hannibal"), { recursive: true });
  writeFileSync(path.join(tmp, "nixsec.yaml"), "outside the repository\n");

  it("walks up to the manifest from a subdirectory", async () => {
    writeFileSync(path.join(repo, "nixsec.yaml"), HANDWRITTEN);
    expect(await findManifest(path.join(repo, "hosts/hannibal"))).toBe(path.join(repo, "nixsec.yaml"));
    expect(await findManifest(repo)).toBe(path.join(repo, "nixsec.yaml"));
    rmSync(path.join(repo, "nixsec.yaml"));
  });

  it("stops at the repository root, like nix looking for flake.nix", async () => {
    expect(await findManifest(path.join(repo, "hosts/hannibal"))).toBeNull();
  });

  it("stops at the file system root", async () => {
    const lonely = mkdtempSync(path.join(tmp, "no-git-"));
    rmSync(path.join(tmp, "nixsec.yaml"));
    expect(await findManifest(lonely)).toBeNull();
  });

  it("loads a file, and names a missing one", async () => {
    const file = path.join(repo, "nixsec.yaml");
    writeFileSync(file, HANDWRITTEN);
    const m = await loadManifest(file);
    expect(m.path).toBe(file);
    expect(m.source).toBe(HANDWRITTEN);
    await expect(loadManifest(path.join(repo, "nope.yaml"))).rejects.toThrow(NixsecError);
    await expect(loadManifest(path.join(repo, "nope.yaml"))).rejects.toThrow(/^no manifest at .*nope\.yaml$/);
  });
});
