// The recipient label rule (labels.ts) for native recipients: post-quantum
// and classic recipients never share a file; the tag types follow it too.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgeError, encryptBytes, generateAgeKey, inspectAge, parseRecipient, shortRecipient } from "../../src/crypto/index.js";
import { TAGTEST_RECIPIENT } from "../helpers/plugins.js";
import { needTool } from "../helpers/tools.js";

// age-plugin-tagtest's hybrid recipient (Go age, tag/internal/age-plugin-tagtest): 1249 bytes.
const TAGTEST_PQ = "age1tagpq14h4z7cks9sxftfc8tq4xektt4854ur9rv76tvujdvtzk2fmyywkvh9z2emz3x4epvhz7qdt2v7uksyyq2cdzf3k04ny0g5sc3u4heqh3r9v4cnwhfjw0a2azpgmnk9xk02wvywt5szcq6q3jvwsjxvkn3tsk52vqjczdcvc398ym4j6cvqas4w99gkgt7ur3fmt4g873phr23tgxw3f7wgsz9zxz7m8cp27vpq3h5vc8nssjemtr2etmtmqkg4fzn2u9x9zvtysuya5yrytgx482ftx9864h8a6pprarxd3d0qe8nw2at5ekg3tsahtef7kawasxjamyckw2ans6v933vuypcfrra32f89r2v72mka9hhc55s49xe2khfsq7w9r2zynuzfx4fg6v7jjncsc87rw2yy8qp8hr27edus6zw5xd6m3hax2nxhl2dys9792z3wp5c034sfkrxe86guj7pfdh7sytzrufl9euhuhyf9w6c7z2nwf7v5v8f2s4gplgvfx4jj4le22k2qn242qkqkcwx7llfyrct7jm2wcv0ytypeh6h93ezgtd7q6zr428qze3dec5jxlc5xxjetyephp42fljft3s02p0570kjwyfeyjcnks2vglkvyus5g9l4z6m0gf8wu22ygfm40028txwjlxvvgnn7c36z783c6tmc9k5nef8nucj6u3ustff5vhtnzhnscsvsz79wzrkv3sujtntx4wezucy6lp49flmnyydn3khk2xsesw0ekn4u44nzqw2g2rjyrrl7crshlzttgpe0jvqycjzp9kmtz23t3yu0w9j4n344nnrf88k2jqqfpjxte38pcn0epr879pqsuvajxrkmsas89pvfrzwcewneujn08guj5pvvrtn5hzzg2y6u4wwjqqxx4x8w65yc4dchf750dft8kgcttt2f6j0j5v8s7tkaua78tte7artdfar544vl0rau79h95mc4ghp887z82s6rq93txpkvan86n963kagqkldngnkjcn28zdrh38vdxj002zqs9mx7zjvg3ynzdfhfakkynt9fyqpaxpsdrsqrycuhw5ykwgjz6wldef7xtu6p689234hstxe7v8e5422f2dy8ystn57z3fvy9yfrm4t3lye6ejk5n6x8zqexmql7lx965xcxuuy38xzyt8j9qprnwgfqgx54l4tnjdpzdde6xgmwtnpkfwvyr7rkgnavvjn6a3e56wtvjx3evmhjjxvukpq5zqrj0s4sntkz3yeszs5dty8q0q6m7dgp6mjpvaer0c4343g72eycfqzkjupeaemh0n8e935hqs8fh3jgk7fzyxctzuqlx6d2q9jaf8r9wu4sjxj5w6ppw7m9c3hxrzpcv2uek3kxnndgf2hd99q9v2ux8pjkv29ntslvnvhy09dvcy9578rt89gf4cj4cu79zjxtlj3dpct6rjme02zj3qspsade96njkkufu9zuq2lk3qwvddpxjkqm2hnpqwck54zug7ctvkgvk325lwkg4q5rf73zkgys5e9y8jqc96ntdyl4r78lgtw4k5uljk5ttf46s3gc0rq0jwmddnxt875twwq92505zh3zkse5ag2dhjjxyfzkn7xv3j0kv9r3jzpvgep8fq6z8mar509u4fvnhvthp2ah0r45lsyq0mm6fwkcs30v8k9wzvgt6uvcty6qsjvarjs3htym69zu43m4jd3k4tllrr8c05v6p6spuhup4hkk2p9fp9lxafe3pntcn4nk83gzhjjpcjwyg7jcyz5uancu0fakgz27up7ymzp2xv3sqyqewkkqynskw9qkvysrncxj0cy7dt6q8dsseuwmc2urfmcvkykf82wfa54t85hqx8gywhmhzunm2x0d66a4pwl0xl78fhkces5dpq8pfnp35m5a3u8vdam64zx5s5x9cmnrx3zr066f4f8hlecqnq2fd5quw79ljg3q5nvs6ggmm4gkc";

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
