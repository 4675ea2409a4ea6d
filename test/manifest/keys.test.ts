// Recipient syntax: each accepted form with a real key, each rejection with
// the reason the user is told.
import { describe, expect, it } from "vitest";
import { generateAgeKey } from "../../src/crypto/index.js";
import { parseRecipient, recipientLabelIssues } from "../../src/manifest/keys.js";
import { TAGTEST_RECIPIENT } from "../helpers/plugins.js";
import { AGE_ALICE, ECDSA, ED25519_HANNIBAL, RSA_1024, RSA_3072 } from "./fixtures.js";

const ed25519Blob = ED25519_HANNIBAL.split(" ")[1]!;
const YUBIKEY = "age1yubikey1qwt50d05nh5vutpdzmlg5wn80xq5negm4uj9ghv0snvdd3yysf5yw3rhl3t";
/** An ssh key line whose blob is `parts` in SSH wire format (uint32 length + bytes each). */
const wireKey = (type: string, ...parts: Buffer[]) =>
  `${type} ${Buffer.concat(parts.flatMap((p) => [Buffer.from([0, 0, p.length >> 8, p.length & 255]), p])).toString("base64")}`;

describe("parseRecipient accepts", () => {
  it.each([
    ["age X25519", AGE_ALICE, "x25519", AGE_ALICE],
    ["ssh-ed25519 with comment", ED25519_HANNIBAL, "ssh-ed25519", `ssh-ed25519 ${ed25519Blob}`],
    ["ssh-ed25519 without comment", `ssh-ed25519 ${ed25519Blob}`, "ssh-ed25519", `ssh-ed25519 ${ed25519Blob}`],
    ["ssh-ed25519 with spaces around", `  ssh-ed25519   ${ed25519Blob}  a b c `, "ssh-ed25519", `ssh-ed25519 ${ed25519Blob}`],
    ["ssh-rsa 3072", RSA_3072, "ssh-rsa", RSA_3072.replace(/ root@clarice$/, "")],
    ["an age plugin recipient (a YubiKey's)", YUBIKEY, "plugin", YUBIKEY],
    ["an age 1.3 tag recipient (a hardware key's)", TAGTEST_RECIPIENT, "p256tag", TAGTEST_RECIPIENT],
  ])("%s", (_name, key, type, canonical) => {
    expect(parseRecipient(key)).toEqual({ type, canonical });
  });
});

describe("parseRecipient rejects", () => {
  it.each([
    ["an age secret key", "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ", /private key/],
    ["an openssh private key", "-----BEGIN OPENSSH PRIVATE KEY-----", /private key/],
    ["an age typo", AGE_ALICE.slice(0, -1) + "y", /bad checksum/],
    ["upper-case age", AGE_ALICE.toUpperCase(), /lower case/],
    ["age with a bad character", "age1bbbbb", /not valid bech32/],
    ["a plugin identity", "AGE-PLUGIN-YUBIKEY-1QQQQQQ", /plugin identity; put its recipient/],
    ["a post-quantum recipient of the wrong size", "age1pq1" + "q".repeat(1900), /bad checksum|not valid bech32/],
    ["a tag recipient that is not a P-256 point", TAGTEST_RECIPIENT.slice(0, 12) + (TAGTEST_RECIPIENT[12] === "q" ? "p" : "q") + TAGTEST_RECIPIENT.slice(13), /bad checksum|not a P-256 point/],
    ["an ecdsa key", ECDSA, /unsupported key type "ecdsa-sha2-nistp256"/],
    ["a security-key ed25519", "sk-ssh-ed25519@openssh.com AAAA", /unsupported key type/],
    ["a 1024-bit rsa key", RSA_1024, /1024 bits; use at least 2048/],
    ["ed25519 data under an rsa label", `ssh-rsa ${ed25519Blob}`, /says ssh-rsa but its data is "ssh-ed25519"/],
    ["rsa data under an ed25519 label", `ssh-ed25519 ${RSA_3072.split(" ")[1]}`, /says ssh-ed25519 but its data is "ssh-rsa"/],
    ["truncated data", `ssh-ed25519 ${ed25519Blob.slice(0, 20)}`, /not valid base64|wrong length|truncated/],
    ["non-canonical base64", `ssh-ed25519 ${ed25519Blob}==`, /not valid base64/],
    ["base64 with junk", `ssh-ed25519 AAAA*AAA`, /not valid base64/],
    ["a 31-byte ed25519 point", wireKey("ssh-ed25519", Buffer.from("ssh-ed25519"), Buffer.alloc(31, 1)), /wrong length/],
    ["trailing bytes", wireKey("ssh-ed25519", Buffer.from("ssh-ed25519"), Buffer.alloc(32, 1), Buffer.from("x")), /wrong length/],
    ["an even rsa exponent", wireKey("ssh-rsa", Buffer.from("ssh-rsa"), Buffer.from([4]), Buffer.alloc(257, 0x7f)), /invalid public exponent/],
    ["a negative rsa modulus", wireKey("ssh-rsa", Buffer.from("ssh-rsa"), Buffer.from([3]), Buffer.alloc(257, 0xff)), /malformed/],
    ["a missing key type", "AAAAC3NzaC1lZDI1NTE5", /expected an age recipient \(age1…\) or an ssh public key/],
    ["an empty string", "", /expected an age recipient/],
  ])("%s", (_name, key, message) => {
    const parsed = parseRecipient(key);
    expect(parsed).toHaveProperty("problem");
    expect((parsed as { problem: string }).problem).toMatch(message);
  });

  it("never echoes the rejected key", () => {
    for (const key of [AGE_ALICE.slice(0, -1) + "y", RSA_1024, `ssh-rsa ${ed25519Blob}`]) {
      const { problem } = parseRecipient(key) as { problem: string };
      expect(problem).not.toContain(key.split(" ").at(-1)!.slice(0, 12));
    }
  });
});

describe("the label rule across a manifest (post-quantum keys never share a file with classic ones)", () => {
  const host = { key: ED25519_HANNIBAL };
  it("accepts a post-quantum recipient, alone or beside other post-quantum keys", async () => {
    const pq = (await generateAgeKey("pq")).recipient;
    expect(parseRecipient(pq)).toEqual({ type: "mlkem768x25519", canonical: pq });
    expect(recipientLabelIssues({ alice: { key: pq } }, {}, { "a/b": { hosts: [] } })).toEqual([]);
  });

  it("an admin with a post-quantum key beside a classic admin: an error naming both", async () => {
    const pq = (await generateAgeKey("pq")).recipient;
    const issues = recipientLabelIssues({ alice: { key: pq }, bob: { key: AGE_ALICE } }, {}, {});
    expect(issues).toEqual([{ path: ["admins", "alice", "key"], message: expect.stringMatching(/^this post-quantum key and admin bob's classic x25519 key would both read every secret; age refuses to mix/) }]);
  });

  it("an admin with a post-quantum key and an SSH-key host on one secret: an error naming the host and the secret", async () => {
    const pq = (await generateAgeKey("pq")).recipient;
    const issues = recipientLabelIssues({ alice: { key: pq } }, { hannibal: host, other: host }, { "a/b": { hosts: ["hannibal"] }, "c/d": { hosts: ["hannibal"] }, "e/f": {} });
    expect(issues).toEqual([{ path: ["admins", "alice", "key"], message: expect.stringMatching(/^this post-quantum key and host hannibal's classic ssh-ed25519 key would both read secret "a\/b"; age refuses to mix post-quantum and classic recipients/) }]);
  });

  it("classic tag keys and plugin keys beside SSH hosts are fine (plugins' labels are checked when they wrap)", () => {
    expect(recipientLabelIssues({ alice: { key: TAGTEST_RECIPIENT }, bob: { key: YUBIKEY } }, { hannibal: host }, { "a/b": { hosts: ["hannibal"] } })).toEqual([]);
  });
});
