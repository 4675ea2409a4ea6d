// The interop vectors again, through the real binary: `nixsec age decrypt`
// gives each expected outcome; failures are clean (exit 2, error/hint lines,
// no stack trace) and header failures release no plaintext.
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ageCases, specLabel } from "../helpers/interop.js";
import { nixsecBin, runCli } from "../helpers/cli.js";
import { startInTmux } from "../helpers/tmux.js";
import { interopDir, needTool } from "../helpers/tools.js";
import { parseVector } from "../helpers/age-vectors.js";

const tmp = mkdtempSync(path.join(tmpdir(), "nixsec-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function expectCleanFailure(r: { code: number; stderr: string }): void {
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^nixsec: error: /m);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe("nixsec age decrypt on the C2SP test kit", () => {
  const dir = path.join(interopDir, "age-testkit/testdata");
  const vectors = readdirSync(dir).map((n) => parseVector(n, readFileSync(path.join(dir, n))));
  // scrypt passphrases are asked on a terminal only (as age does); those
  // vectors run in a pty below.
  const runnable = vectors.filter((v) => v.passphrases.length === 0);
  it("skips only passphrase vectors, explicitly", () => {
    expect(vectors.length - runnable.length).toBe(vectors.filter((v) => v.passphrases.length > 0).length);
    expect(runnable.length).toBeGreaterThan(50);
  });
  for (const v of runnable) {
    it(`${v.name} → ${v.expect}`, async () => {
      const file = path.join(tmp, `${v.name}.age`);
      const idFile = path.join(tmp, `${v.name}.key`);
      writeFileSync(file, v.file);
      writeFileSync(idFile, v.identities.join("\n") + "\n", { mode: 0o600 });
      const r = await runCli(["age", "decrypt", "-i", idFile, file]);
      if (v.expect === "success") {
        expect(r.stderr).toBe("");
        expect(r.code).toBe(0);
      } else {
        expectCleanFailure(r);
      }
      if (v.payload) expect(createHash("sha256").update(r.stdout).digest("hex")).toBe(v.payload);
      else expect(r.stdout.length).toBe(0);
    });
  }
});

describe("nixsec age decrypt on files made by other tools", () => {
  const { cases, tampered } = ageCases();
  for (const c of cases) {
    for (const spec of c.mustDecryptWith) {
      if (typeof spec !== "string" && !spec.identity) continue; // scrypt: terminal only
      if (typeof spec !== "string" && spec.key_passphrase_file) continue; // protected key: tested in a pty (prompt tests)
      const id = typeof spec === "string" ? spec : spec.identity!;
      it(`${c.manifest}: ${c.file} with ${specLabel(spec)}`, async () => {
        const r = await runCli(["age", "decrypt", "-i", path.join(c.dir, id), path.join(c.dir, c.file)]);
        expect(r.code).toBe(0);
        expect(r.stdout.equals(c.plaintext)).toBe(true);
      });
    }
  }
  for (const t of tampered) {
    it(`tampered ${t.file} fails cleanly (${t.expect})`, async () => {
      const id = typeof t.identity === "string" ? t.identity : t.identity.identity!;
      const r = await runCli(["age", "decrypt", "-i", path.join(t.dir, id), path.join(t.dir, t.file)]);
      expectCleanFailure(r);
      if (t.expect !== "payload failure") expect(r.stdout.length).toBe(0);
    });
  }
});

describe("nixsec age keygen / encrypt / inspect / convert-ssh", () => {
  it("keygen writes mode 0600 and refuses to overwrite", async () => {
    const key = path.join(tmp, "k.txt");
    const r = await runCli(["age", "keygen", "-o", key]);
    expect(r.code).toBe(0);
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(r.stderr).toMatch(/public key: age1/);
    const again = await runCli(["age", "keygen", "-o", key]);
    expectCleanFailure(again);
    expect(again.stderr).toMatch(/already exists/);
  });

  it("warns when an identity file is readable by others", async () => {
    const key = path.join(tmp, "open.txt");
    await runCli(["age", "keygen", "-o", key]);
    const { chmodSync } = await import("node:fs");
    chmodSync(key, 0o644);
    const r = await runCli(["age", "decrypt", "-i", key], { input: "" });
    expect(r.stderr).toMatch(/warning: .*readable by group or others/);
  });

  it("encrypt → decrypt through pipes, binary and armored; binary refused to a terminal is covered by isPrintable", async () => {
    const key = path.join(tmp, "rt.txt");
    await runCli(["age", "keygen", "-o", key]);
    const recipient = /public key: (age1\S+)/.exec(readFileSync(key, "utf8"))![1]!;
    for (const armor of [[], ["-a"]]) {
      const enc = await runCli(["age", "encrypt", "-r", recipient, ...armor], { input: "piped secret" });
      expect(enc.code).toBe(0);
      const dec = await runCli(["age", "decrypt", "-i", key], { input: enc.stdout });
      expect(dec.stdout.toString()).toBe("piped secret");
    }
  });

  it("inspect --json lists ssh tags", async () => {
    const f = path.join(interopDir, "agenix/example/secret1.age");
    const r = await runCli(["age", "inspect", "--json", f]);
    expect(r.code).toBe(0);
    const info = JSON.parse(r.stdout.toString());
    expect(info.stanzas.map((s: { sshTag: string }) => s.sshTag).sort()).toEqual(["KLPP8w", "V3XmEA"]);
  });

  it("convert-ssh matches the sops-nix host key conversion", async () => {
    const pub = path.join(interopDir, "sops-nix");
    const keyPub = readdirSync(pub, { recursive: true }).map(String).find((f) => f.endsWith("ssh-ed25519-key.pub"));
    expect(keyPub).toBeDefined();
    const r = await runCli(["age", "convert-ssh", path.join(pub, keyPub!)]);
    expect(r.stdout.toString().trim()).toBe("age1a8pk4akrdamj7nvqy3zywgtny8dxz7t5xzu7u8v9mhrayp9freqsqatyrs");
  });

  it("bad recipient names the flag", async () => {
    const r = await runCli(["age", "encrypt", "-r", "ssh-ed25519 notbase64"], { input: "x" });
    expectCleanFailure(r);
    expect(r.stderr).toMatch(/-r\/--recipient/);
  });
});

// Passphrase-encrypted vectors: `nixsec age decrypt` asks on the terminal,
// as age does, so they run in a real pty (tmux).
describe.runIf(needTool("tmux"))("nixsec age decrypt on the test kit's scrypt vectors, in a terminal", () => {
  const dir = path.join(interopDir, "age-testkit/testdata");
  const vectors = readdirSync(dir).map((n) => parseVector(n, readFileSync(path.join(dir, n)))).filter((v) => v.passphrases.length > 0);
  it("has scrypt vectors", () => expect(vectors.length).toBeGreaterThan(5));
  for (const v of vectors) {
    it(`${v.name} → ${v.expect}`, async () => {
      // The prompt takes one passphrase; vectors listing several fail on the header anyway.
      const file = path.join(tmp, `${v.name}.age`);
      const out = path.join(tmp, `${v.name}.out`);
      writeFileSync(file, v.file);
      const s = startInTmux(`sh -c '${process.execPath} ${nixsecBin} age decrypt ${file} > ${out}'`, { cwd: tmp, env: { NO_COLOR: "1" }, dir: tmp });
      try {
        // Header failures end before any prompt; others ask for the passphrase.
        const screen = await s.waitFor(/Passphrase:|nixsec: error/);
        if (/Passphrase:/.test(screen) && !/nixsec: error/.test(screen)) s.send(v.passphrases[0]!, "Enter");
        const code = await s.exitCode(30_000);
        expect(code).toBe(v.expect === "success" ? 0 : 2);
        const released = readFileSync(out);
        if (v.payload) expect(createHash("sha256").update(released).digest("hex")).toBe(v.payload);
        else expect(released.length).toBe(0);
      } finally {
        s.kill();
      }
    });
  }
});

describe.runIf(needTool("tmux"))("nixsec age decrypt with a passphrase-protected SSH key from the interop set, in a terminal", () => {
  const { cases } = ageCases();
  const protectedCases = cases.flatMap((c) => c.mustDecryptWith.filter((s) => typeof s !== "string" && s.key_passphrase_file).map((s) => ({ c, s: s as { identity: string; key_passphrase_file: string } })));
  it("has such cases", () => expect(protectedCases.length).toBeGreaterThan(0));
  for (const { c, s } of protectedCases) {
    it(`${c.file} with ${s.identity}`, async () => {
      const out = path.join(tmp, `${path.basename(c.file)}.prot.out`);
      const pass = readFileSync(path.join(c.dir, s.key_passphrase_file), "utf8").replace(/\r?\n$/, "");
      const key = path.join(tmp, "protected-key");
      writeFileSync(key, readFileSync(path.join(c.dir, s.identity)), { mode: 0o600 });
      const t = startInTmux(`sh -c '${process.execPath} ${nixsecBin} age decrypt -i ${key} ${path.join(c.dir, c.file)} > ${out}'`, { cwd: tmp, env: { NO_COLOR: "1" }, dir: tmp });
      try {
        await t.waitFor(/Passphrase for/);
        t.send(pass, "Enter");
        expect(await t.exitCode(30_000)).toBe(0);
        expect(t.screen()).not.toContain(pass);
      } finally {
        t.kill();
      }
      expect(readFileSync(out).equals(c.plaintext)).toBe(true);
    });
  }
});
