// Files nixsec writes open in sops-age (npm, an independent reader of the
// sops format), with a plain age identity and with the ssh-to-age identity
// of an ed25519 host key, the way a sops-nix host decrypts
// (sops.age.sshKeyPaths). sops-age does not check the MAC; our own reader
// does (decryptSops below), so both sides of the format are exercised.
// No numeric-looking map keys here: sops-age drops them from the additional
// data (its bug, shared/research/crypto.md §6); sops and nixsec keep them.
import { readFileSync } from "node:fs";
import path from "node:path";
import { decryptSops as sopsAgeDecrypt, sshKeyToAge } from "sops-age";
import { describe, expect, it } from "vitest";
import { generateAgeKey, parseIdentityFile, parseIdentityLine, parseRecipient, sshToAgeIdentity, sshToAgeRecipient } from "../../src/crypto/index.js";
import { Branch, decryptSops, encryptSecretFile, encryptSops, fromPlain, toPlain, type SopsFormat } from "../../src/sops/index.js";
import { interopDir } from "../helpers/tools.js";

const hostKeyPath = path.join(interopDir, "sops-nix/test-assets/ssh-ed25519-key");
const hostKey = readFileSync(hostKeyPath, "utf8");
const hostPub = readFileSync(hostKeyPath + ".pub", "utf8");

const nested = {
  password: "hunter2 with spaces: and # signs",
  port: 5432,
  ratio: 0.25,
  enabled: true,
  empty: "",
  "ünïcode-key": "välue ✓",
  db: { user: "alice", hosts: ["a.example", "b.example"], nested: { deep: "x" } },
  comment_unencrypted: "stays in clear",
};
const flat = { API_TOKEN: "tok-123", PORT: "8080", GREETING: "hello world" };

const cases: Array<[SopsFormat, "yaml" | "json" | "env", Record<string, unknown>]> = [
  ["yaml", "yaml", nested],
  ["json", "json", nested],
  ["dotenv", "env", flat],
];

async function readers(): Promise<Array<{ name: string; recipient: string; secretKey: string }>> {
  const k = await generateAgeKey();
  const host = await sshToAgeIdentity(hostKey, "ssh-ed25519-key");
  return [
    { name: "an age identity", recipient: k.recipient, secretKey: k.identity },
    { name: "the ssh-to-age identity of an ed25519 host key", recipient: sshToAgeRecipient(hostPub), secretKey: host.identity },
  ];
}

describe("sops-age reads what nixsec writes", () => {
  it("converts the host key the way sops-age does (ssh-to-age)", async () => {
    expect((await sshToAgeIdentity(hostKey, "k")).identity).toBe(sshKeyToAge(hostKey, "k"));
  });

  for (const [format, fileType, data] of cases) {
    it(`${format}, for each reader`, async () => {
      for (const r of await readers()) {
        const tree = fromPlain(data) as Branch;
        const file = await encryptSops([tree], [parseRecipient(r.recipient)], { file: `x.${fileType}`, format });
        expect(await sopsAgeDecrypt(Buffer.from(file).toString("utf8"), { secretKey: r.secretKey, fileType }), r.name).toEqual(data);
        const ours = await decryptSops(file, [parseIdentityLine(r.secretKey, r.name)], { file: `x.${fileType}`, format });
        expect(toPlain(ours.branches[0]!)).toEqual(data);
      }
    });
  }

  it("binary (one secret per file), for each reader, and the host's SSH key file itself", async () => {
    const value = Buffer.from("line one\nline two\n");
    for (const r of await readers()) {
      const file = await encryptSecretFile(value, [parseRecipient(r.recipient)], { file: "x.sops.bin" });
      expect(await sopsAgeDecrypt(Buffer.from(file).toString("utf8"), { secretKey: r.secretKey, fileType: "json" })).toEqual({ data: value.toString("utf8") });
    }
    const file = await encryptSecretFile(value, [parseRecipient(sshToAgeRecipient(hostPub))], { file: "x.sops.bin" });
    const viaSshKey = await decryptSops(file, await parseIdentityFile(Buffer.from(hostKey), "ssh-ed25519-key"), { file: "x.sops.bin", format: "binary" });
    expect(Buffer.from(viaSshKey.branches[0]!.get("data") as Uint8Array)).toEqual(value);
  });
});
