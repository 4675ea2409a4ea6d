// Real plugins, both directions: Go age 1.3's own test plugins
// (age-plugin-tagtest: the age1tag1…/age1tagpq1… identities of a fixed test
// key; age-plugin-batchpass: scrypt through an environment variable), with
// Go age 1.3.2 itself (Debian unstable's package, scripts/fetch-go-age.mjs).
// Files nixsec writes open in Go age through the plugins, and the reverse.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { goAgeDir, needGoAge13, pluginBin, TAGTEST_PQ, TAGTEST_RECIPIENT, type PluginBin } from "../helpers/plugins.js";
import { needTool } from "../helpers/tools.js";

describe.runIf(needGoAge13() && needTool("ssh-keygen"))("Go age 1.3.2 and its plugins ↔ nixsec", () => {
  let dir: string;
  let bin: PluginBin;
  const p = (f: string) => path.join(dir, f);
  const goAge = (args: string[], env: Record<string, string> = {}) =>
    execFileSync(path.join(goAgeDir, "age"), args, { env: { PATH: bin.path, HOME: dir, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const nixsec = (args: string[], env: Record<string, string> = {}, input?: string) => runCli(args, { env: { PATH: bin.path, ...env }, cwd: dir, input });
  const plain = "a value only the test key reads\n";

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "nixsec-goage13-"));
    bin = pluginBin(["tagtest", "batchpass"]);
    writeFileSync(p("plain.txt"), plain);
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "root@hannibal", "-f", p("host")]);
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(bin.dir, { recursive: true, force: true });
  });

  it("is Go age 1.3.2", () => {
    expect(goAge(["--version"]).toString().trim()).toBe("1.3.2");
  });

  for (const [name, recipient] of [["age1tag1 (p256tag)", TAGTEST_RECIPIENT], ["age1tagpq1 (mlkem768p256tag)", TAGTEST_PQ]] as const) {
    it(`nixsec encrypts to tagtest's ${name} recipient natively; Go age opens it with -j tagtest`, async () => {
      const before = bin.starts().length;
      const r = await nixsec(["age", "encrypt", "-r", recipient, "-o", "tag.age", "plain.txt"]);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(bin.starts().length).toBe(before); // no plugin to encrypt to a tag recipient
      expect(goAge(["-d", "-j", "tagtest", p("tag.age")]).toString()).toBe(plain);
    });

    it(`Go age encrypts to tagtest's ${name} recipient; nixsec opens it with -j tagtest and with an identity file`, async () => {
      goAge(["-r", recipient, "-o", p("go-tag.age"), p("plain.txt")]);
      const viaJ = await nixsec(["age", "decrypt", "-j", "tagtest", "go-tag.age"]);
      expect(viaJ.stderr).toBe("");
      expect(viaJ.stdout.toString()).toBe(plain);
      writeFileSync(p("tagtest-identity.txt"), `#    Recipient: ${TAGTEST_RECIPIENT}\nAGE-PLUGIN-TAGTEST-1CXM4UC\n`);
      const viaI = await nixsec(["age", "decrypt", "-i", "tagtest-identity.txt", "go-tag.age"]);
      expect(viaI.stdout.toString()).toBe(plain);
      expect(viaI.stderr).toBe(""); // no mode warning for a stub that holds no key
    });
  }

  it("nixsec encrypts with -j batchpass (the plugin wraps); Go age opens it with -j batchpass", async () => {
    const env = { AGE_PASSPHRASE: "correct horse battery staple", AGE_PASSPHRASE_WORK_FACTOR: "10" };
    const r = await nixsec(["age", "encrypt", "-j", "batchpass", "-a", "-o", "pass.age", "plain.txt"], env);
    expect(r.stderr).toBe("");
    expect(readFileSync(p("pass.age"), "utf8")).toMatch(/^-----BEGIN AGE ENCRYPTED FILE-----/);
    expect(goAge(["-d", "-j", "batchpass", p("pass.age")], env).toString()).toBe(plain);
  });

  it("Go age encrypts with -j batchpass; nixsec opens it with -j batchpass", async () => {
    const env = { AGE_PASSPHRASE: "correct horse battery staple", AGE_PASSPHRASE_WORK_FACTOR: "10" };
    goAge(["-e", "-j", "batchpass", "-o", p("go-pass.age"), p("plain.txt")], env);
    const r = await nixsec(["age", "decrypt", "-j", "batchpass", "go-pass.age"], env);
    expect(r.stderr).toBe("");
    expect(r.stdout.toString()).toBe(plain);
    const wrong = await nixsec(["age", "decrypt", "-j", "batchpass", "go-pass.age"], { ...env, AGE_PASSPHRASE: "wrong" });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("age-plugin-batchpass: incorrect passphrase");
  });

  it("-j batchpass beside another recipient is refused, as Go age refuses it (the plugin's random label)", async () => {
    const env = { AGE_PASSPHRASE: "pw", AGE_PASSPHRASE_WORK_FACTOR: "10" };
    const r = await nixsec(["age", "encrypt", "-j", "batchpass", "-r", TAGTEST_RECIPIENT, "-o", "mixed.age", "plain.txt"], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/incompatible recipients: .* cannot share a file/);
    expect(() => goAge(["-e", "-j", "batchpass", "-r", TAGTEST_RECIPIENT, "-o", p("go-mixed.age"), p("plain.txt")], env)).toThrow(/incompatible recipients/);
  });

  it("post-quantum beside classic is refused by nixsec as by Go age 1.3, naming both", async () => {
    const host = readFileSync(p("host.pub"), "utf8").trim();
    const r = await nixsec(["age", "encrypt", "-r", TAGTEST_PQ, "-r", host, "-o", "pq-mixed.age", "plain.txt"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^nixsec: error: incompatible recipients: age1tagpq1.*… is post-quantum and "ssh-ed25519 …[A-Za-z0-9+/]{8} root@hannibal" is not; a file for both would be vulnerable to quantum computers, so age refuses to mix them\n/);
    expect(() => readFileSync(p("pq-mixed.age"))).toThrow();
    expect(() => goAge(["-r", TAGTEST_PQ, "-r", host, "-o", p("go-pq-mixed.age"), p("plain.txt")])).toThrow(/can't mix post-quantum and classic recipients/);
  });

  for (const [recipient, pq] of [[TAGTEST_PQ, true], [TAGTEST_RECIPIENT, false]] as const) {
    it(`age-inspect (Go) and nixsec age inspect agree: a file for ${recipient.slice(0, 10)}… is ${pq ? "" : "not "}post-quantum`, async () => {
      await nixsec(["age", "encrypt", "-r", recipient, "-o", "inspect.age", "plain.txt"]);
      const ours = JSON.parse((await nixsec(["age", "inspect", "--json", "inspect.age"])).stdout.toString());
      const go = JSON.parse(execFileSync(path.join(goAgeDir, "age-inspect"), ["--json", p("inspect.age")]).toString());
      expect(ours.postQuantum).toBe(pq);
      expect(go.postquantum).toBe(pq ? "yes" : "no");
      expect(ours.stanzas.map((s: { type: string }) => s.type)).toEqual(go.stanza_types);
    });
  }
});
