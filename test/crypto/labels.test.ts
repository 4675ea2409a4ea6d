// The recipient label rule (labels.ts) for native recipients: post-quantum
// and classic recipients never share a file; the tag types follow it too.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgeError, encryptBytes, generateAgeKey, inspectAge, parseRecipient, shortRecipient } from "../../src/crypto/index.js";
import { TAGTEST_PQ, TAGTEST_RECIPIENT } from "../helpers/plugins.js";
import { needTool } from "../helpers/tools.js";


const plain = new TextEncoder().encode("x");

describe.runIf(needTool("ssh-keygen"))("the label rule for native recipients", () => {
  let dir: string;
  let ssh: string;
  let x25519: string;
  let pq: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "nixsec-labels-"));
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "root@hannibal", "-f", path.join(dir, "host")]);
    ssh = readFileSync(path.join(dir, "host.pub"), "utf8").trim();
    x25519 = (await generateAgeKey()).recipient;
    pq = (await generateAgeKey("pq")).recipient;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cases: Array<[string, () => string[], "ok" | "pq-mix"]> = [
    ["X25519 + ssh-ed25519", () => [x25519, ssh], "ok"],
    ["age1tag1 + ssh-ed25519 (classic, like the host keys)", () => [TAGTEST_RECIPIENT, ssh], "ok"],
    ["age1tag1 + X25519", () => [TAGTEST_RECIPIENT, x25519], "ok"],
    ["age1pq1 alone", () => [pq], "ok"],
    ["age1pq1 + age1tagpq1 (both post-quantum)", () => [pq, TAGTEST_PQ], "ok"],
    ["age1pq1 + ssh-ed25519", () => [pq, ssh], "pq-mix"],
    ["ssh-ed25519 + age1pq1 (either order)", () => [ssh, pq], "pq-mix"],
    ["age1pq1 + X25519", () => [pq, x25519], "pq-mix"],
    ["age1tagpq1 + ssh-ed25519", () => [TAGTEST_PQ, ssh], "pq-mix"],
    ["age1tagpq1 + age1tag1", () => [TAGTEST_PQ, TAGTEST_RECIPIENT], "pq-mix"],
  ];
  for (const [name, recipients, expected] of cases) {
    it(`${name}: ${expected === "ok" ? "encrypts" : "refused"}`, async () => {
      const rs = recipients().map((r) => parseRecipient(r));
      const p = encryptBytes(plain, rs);
      if (expected === "ok") {
        const file = await p;
        expect(inspectAge(file).stanzas.length).toBe(rs.length);
        return;
      }
      const err = await p.then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(AgeError);
      expect((err as AgeError).message).toMatch(/^incompatible recipients: .+ is post-quantum and .+ is not; a file for both would be vulnerable to quantum computers, so age refuses to mix them$/);
      for (const r of recipients()) expect((err as AgeError).message).toContain(shortRecipient(r)); // names both
    });
  }

  it("inspect calls a file post-quantum only when it has no classic stanza", async () => {
    expect(inspectAge(await encryptBytes(plain, [parseRecipient(pq)])).postQuantum).toBe(true);
    expect(inspectAge(await encryptBytes(plain, [parseRecipient(TAGTEST_PQ)])).postQuantum).toBe(true);
    expect(inspectAge(await encryptBytes(plain, [parseRecipient(TAGTEST_RECIPIENT)])).postQuantum).toBe(false);
  });

  it("tag recipients must be P-256 points", () => {
    const bad = TAGTEST_RECIPIENT.slice(0, 12) + (TAGTEST_RECIPIENT[12] === "q" ? "p" : "q") + TAGTEST_RECIPIENT.slice(13);
    expect(() => parseRecipient(bad)).toThrow(/malformed tag recipient/);
  });
});
