// agenix rules files (secrets.nix) evaluated by real Nix: the recipients nixsec
// derives for each secret match the stanzas in the committed .age file
// (SSH key tags in order; X25519 stanzas are anonymous, so only counted).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { inspectAge, parseIdentityFile, decryptBytes, parseRecipient } from "../../src/crypto/index.js";
import { findManifests } from "../helpers/interop.js";
import { interopDir, needTool } from "../helpers/tools.js";

const rulesFiles = findManifests()
  .map((m) => JSON.parse(readFileSync(m, "utf8")))
  .flatMap((m) => (m.files ?? []).map((f: { recipients?: { rules_file?: string } }) => f.recipients?.rules_file))
  .filter((f: unknown): f is string => typeof f === "string");
const agenixDir = path.join(interopDir, "agenix");
const candidates = [...new Set([...rulesFiles.map((f) => path.join(agenixDir, f)), path.join(agenixDir, "ragenix/example/secrets.nix")])].filter((f) => existsSync(f));

describe.runIf(needTool("nix-instantiate"))("agenix secrets.nix rules", () => {
  it("found rules files", () => expect(candidates.length).toBeGreaterThanOrEqual(2));
  for (const rules of candidates) {
    const dir = path.dirname(rules);
    it(`${path.relative(interopDir, rules)}: derived recipients match each file's stanzas`, () => {
      const json = execFileSync("nix-instantiate", ["--eval", "--strict", "--json", rules], { encoding: "utf8" });
      const parsed = JSON.parse(json) as Record<string, { publicKeys: string[] }>;
      let checked = 0;
      for (const [name, rule] of Object.entries(parsed)) {
        const file = path.join(dir, name);
        if (!existsSync(file)) continue;
        const info = inspectAge(readFileSync(file));
        const recips = rule.publicKeys.map((k) => parseRecipient(k));
        const wantTags = recips.filter((r) => r.ssh).map((r) => `${r.kind} ${r.ssh!.tag}`);
        const gotTags = info.stanzas.filter((s) => s.sshTag).map((s) => `${s.type} ${s.sshTag}`);
        expect([...gotTags].sort()).toEqual([...wantTags].sort()); // agenix does not keep rule order
        expect(info.counts["X25519"] ?? 0).toBe(recips.filter((r) => r.kind === "x25519").length);
        checked++;
      }
      expect(checked).toBeGreaterThan(0);
    });
  }
});

describe("sops age-keysource material (plain age files from sops' tests)", () => {
  const d = path.join(interopDir, "sops/getsops-sops/age-keysource");
  const plain = readFileSync(path.join(d, "mock_encrypted_key_plain.txt"));
  it("X25519 and ssh-ed25519 files decrypt", async () => {
    const x = await parseIdentityFile(readFileSync(path.join(d, "mock_identity.txt")), "mock_identity.txt");
    expect(Buffer.from(await decryptBytes(readFileSync(path.join(d, "mock_encrypted_key.age")), x)).equals(plain)).toBe(true);
    const ssh = await parseIdentityFile(readFileSync(path.join(d, "mock_ssh_identity")), "mock_ssh_identity");
    expect(Buffer.from(await decryptBytes(readFileSync(path.join(d, "mock_encrypted_ssh_key.age")), ssh)).equals(plain)).toBe(true);
  });
  it("a passphrase-encrypted identity file unlocks and decrypts", async () => {
    const pass = readFileSync(path.join(d, "mock_identity_passphrase.txt"), "utf8").trim();
    const ids = await parseIdentityFile(readFileSync(path.join(d, "mock_encrypted_identity.age")), "mock_encrypted_identity.age", { passphrase: async () => pass });
    expect(Buffer.from(await decryptBytes(readFileSync(path.join(d, "mock_encrypted_key.age")), ids)).equals(plain)).toBe(true);
  });
  it("the other identity does not decrypt", async () => {
    const other = await parseIdentityFile(readFileSync(path.join(d, "mock_other_identity.txt")), "other");
    await expect(decryptBytes(readFileSync(path.join(d, "mock_encrypted_key.age")), other)).rejects.toMatchObject({ kind: "no-match" });
  });
});
