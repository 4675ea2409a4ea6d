// CLI edits of a hand-written manifest: comments, key order and the user's own
// spacing survive; only the lines an edit touches change.
import { mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { NixsecError } from "../../src/errors.js";
import {
  type Manifest,
  ManifestError,
  addAdmin,
  addHost,
  loadManifest,
  parseManifest,
  putSecret,
  removeAdmin,
  removeHost,
  removeSecret,
  renderManifest,
  saveManifest,
  setAdminKey,
  setHostKey,
  documentOf,
} from "../../src/manifest/index.js";
import { AGE_ALICE, AGE_BOB, ED25519_HANNIBAL, ED25519_LECTER, HANDWRITTEN, RSA_3072 } from "./fixtures.js";

const load = (text = HANDWRITTEN) => parseManifest(text, "nixsec.yaml");

/** What a rendering means: the data and every comment, independent of spacing. */
function meaning(m: Manifest): string {
  const again = parseManifest(renderManifest(m), m.path);
  expect(again.data).toEqual(m.data);
  return documentOf(again).toString();
}

describe("editing keeps the hand-written file", () => {
  it("renders an unedited manifest byte for byte", () => {
    expect(renderManifest(load())).toBe(HANDWRITTEN);
  });

  it("adds, changes and removes entries, touching only their lines", () => {
    let m = load();
    m = addAdmin(m, "bob", AGE_BOB);
    m = addHost(m, "lecter", ED25519_LECTER);
    m = putSecret(m, "withings/clientSecret", { hosts: ["hannibal", "lecter"], owner: "withings", maxAge: null });
    m = putSecret(m, "wireguard/lecter", { hosts: ["lecter"], generate: { kind: "wireguard" }, description: "wg0 key" });
    m = removeSecret(m, "smb/alice");
    expect(renderManifest(m)).toBe(`# yaml-language-server: $schema=./schema/nixsec.schema.json
# Who may read which secret. Edited by hand and by \`nixsec\`.
version: 1

settings:
  secretsDir: secrets          # relative to this file
  generatedDir: nix/nixsec

admins:
  alice:
    key: ${AGE_ALICE}  # laptop
  bob:
    key: ${AGE_BOB}

hosts:
  hannibal:                    # the NAS
    key: "${ED25519_HANNIBAL}"
  lecter:
    key: ${ED25519_LECTER}

secrets:
  withings/clientSecret:
    hosts: [hannibal, lecter] # only the NAS runs it
    owner: withings # default root
    mode: "0400"
    generate: { kind: password, length: 32 }
    wire: [{ option: services.withings-weights.oauthClientSecretFile }]

  wireguard/lecter:
    hosts: [lecter]
    generate: {kind: wireguard}
    description: wg0 key
`);
    expect(m.data.secrets["wireguard/lecter"]).toMatchObject({ owner: "root", mode: "0400", generate: { kind: "wireguard" } });
  });

  it("removes a host from the secrets it reads, and the last trace of an admin", () => {
    let m = addAdmin(load(), "bob", AGE_BOB);
    m = addHost(m, "lecter", ED25519_LECTER);
    m = setHostKey(m, "hannibal", RSA_3072);
    m = removeHost(m, "hannibal", { fromSecrets: true });
    m = removeAdmin(m, "alice");
    m = setAdminKey(m, "bob", AGE_ALICE);
    const text = renderManifest(m);
    expect(text).not.toMatch(/hannibal|laptop|AAAAB3Nza/);
    expect(text).toContain("    hosts: [] # only the NAS runs it\n");
    expect(text).toContain("  smb/alice:\n    hosts: []\n    description: samba password for alice\n");
    expect(m.data.admins).toEqual({ bob: { key: AGE_ALICE } });
  });

  it("sets fields in place and removes them with null", () => {
    const m = putSecret(load(), "smb/alice", { mode: "0440", group: "samba", description: null, format: "env" });
    const text = renderManifest(m);
    expect(text).toContain("  smb/alice:\n    hosts:\n      - hannibal\n    mode: \"0440\"\n    group: samba\n    format: env\n");
    expect(m.data.secrets["smb/alice"]).not.toHaveProperty("description");
  });

  it("never modifies the manifest it was given", () => {
    const m = load();
    const before = renderManifest(m);
    addHost(m, "lecter", ED25519_LECTER);
    removeSecret(m, "smb/alice");
    expect(renderManifest(m)).toBe(before);
  });

  it.each([
    ["four-space indentation", HANDWRITTEN.replace(/^( +)/gm, (s) => s + s)],
    ["CRLF line ends", HANDWRITTEN.replace(/\n/g, "\r\n")],
    ["flow style", `{version: 1, admins: {alice: {key: ${AGE_ALICE}}}, hosts: {hannibal: {key: "${ED25519_HANNIBAL}"}}, secrets: {}}\n`],
    ["blank lines and comments everywhere", HANDWRITTEN.replace(/\n/g, "\n\n# note\n\n")],
  ])("stays correct for other styles: %s", (_name, text) => {
    let m = load(text);
    expect(renderManifest(m)).toBe(text);
    m = addHost(m, "lecter", ED25519_LECTER);
    m = putSecret(m, "new/secret", { hosts: ["lecter", "hannibal"] });
    meaning(m);
    expect(m.data.secrets["new/secret"]!.hosts).toEqual(["lecter", "hannibal"]);
    if (text.includes("\r\n")) expect(renderManifest(m).split("\n").slice(0, -1).every((l) => l.endsWith("\r"))).toBe(true);
  });
});

describe("edits that would break the manifest are refused", () => {
  it.each([
    ["adding an existing host", () => addHost(load(), "hannibal", ED25519_LECTER), /^host "hannibal" already exists$/],
    ["adding an existing admin", () => addAdmin(load(), "alice", AGE_BOB), /^admin "alice" already exists$/],
    ["a host key that is not one", () => addHost(load(), "lecter", "ssh-ed25519 AAAA"), /^nixsec\.yaml: hosts\.lecter\.key: /],
    ["a host name that is not one", () => addHost(load(), "a b", ED25519_LECTER), /^nixsec\.yaml: hosts\."a b": host name/],
    ["a key someone else has", () => addAdmin(load(), "bob", ED25519_HANNIBAL), /hosts\.hannibal\.key: same key as admins\.bob/],
    ["changing a missing host", () => setHostKey(load(), "ghost", ED25519_LECTER), /^no host named "ghost"$/],
    ["removing a missing admin", () => removeAdmin(load(), "ghost"), /^no admin named "ghost"$/],
    ["removing the last admin", () => removeAdmin(load(), "alice"), /^cannot remove "alice", the last admin$/],
    ["removing a host secrets still use", () => removeHost(load(), "hannibal"), /^host "hannibal" still reads 2 secret\(s\): withings\/clientSecret, smb\/alice$/],
    ["a secret for an unknown host", () => putSecret(load(), "x/y", { hosts: ["ghost"] }), /secrets\."x\/y"\.hosts\[0\]: unknown host "ghost"/],
    ["a secret without hosts", () => putSecret(load(), "x/y", { owner: "root" }), /secrets\."x\/y"\.hosts: is required/],
    ["a bad secret name", () => putSecret(load(), "../x", { hosts: [] }), /secrets\."\.\.\/x": secret name must not contain/],
    ["removing a missing secret", () => removeSecret(load(), "nope"), /^no secret named "nope"$/],
    [
      "removing a password a hash is made from",
      () => removeSecret(putSecret(load(), "smb/hash", { hosts: [], generate: { kind: "password-hash", from: "smb/alice" } }), "smb/alice"),
      /^smb\/hash is generated from "smb\/alice"$/,
    ],
  ])("%s", (_name, run, message) => {
    expect(run).toThrow(NixsecError);
    expect(run).toThrow(message);
  });

  it("reports schema problems of an edit as manifest lines", () => {
    try {
      putSecret(load(), "x/y", { hosts: ["ghost"], mode: "777" });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ManifestError);
      // New nodes have no position in the file; they keep schema-then-cross-check order.
      expect((e as ManifestError).message.split("\n")).toEqual([
        'nixsec.yaml: secrets."x/y".mode: must be an octal mode such as "0400" or "0440"',
        'nixsec.yaml: secrets."x/y".hosts[0]: unknown host "ghost"',
      ]);
    }
  });
});

describe("saving", () => {
  const dir = mkdtempSync(path.join(realpathSync(tmpdir()), "nixsec-edit-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes the edit back and keeps the file's mode", async () => {
    const file = path.join(dir, "nixsec.yaml");
    writeFileSync(file, HANDWRITTEN, { mode: 0o640 });
    const m = addHost(await loadManifest(file), "lecter", ED25519_LECTER);
    await saveManifest(m);
    expect(readFileSync(file, "utf8")).toBe(renderManifest(m));
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect((await loadManifest(file)).data.hosts.lecter).toEqual({ key: ED25519_LECTER });
  });
});
