// End-to-end runs of the built binary: `nixsec sops decrypt` prints what
// `sops -d` prints (dotenv byte for byte), wrong keys and PGP-only files exit
// 2 naming the file, and encrypt → updatekeys → decrypt works from flags and
// from .sops.yaml, with identities from -i, SOPS_AGE_KEY and SOPS_AGE_KEY_FILE.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { generateAgeKey } from "../../src/crypto/index.js";
import { runCli } from "../helpers/cli.js";
import { caseLabel, readCase, sopsCases } from "./cases.js";

function tmp(): string {
  return mkdtempSync(path.join(tmpdir(), "nixsec-sops-"));
}

async function keyFile(dir: string, name: string): Promise<{ path: string; recipient: string; identity: string }> {
  const k = await generateAgeKey();
  const p = path.join(dir, name);
  writeFileSync(p, `# public key: ${k.recipient}\n${k.identity}\n`, { mode: 0o600 });
  return { path: p, ...k };
}

describe("decrypt prints what sops -d prints", () => {
  const cases = sopsCases().filter((c) => c.ageDecryptable && c.decryptWith.some((s) => s.kind === "age-identity-file"));
  it.each(cases.map((c) => [caseLabel(c), c] as const))("%s", async (_, c) => {
    const spec = c.decryptWith.find((s) => s.kind === "age-identity-file")!;
    const r = await runCli(["sops", "decrypt", "--input-type", c.format, path.join(c.dir, c.file)], { env: { SOPS_AGE_KEY_FILE: path.join(c.dir, spec.path) } });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    if (c.expected.dotenv_plaintext_file) expect(r.stdout).toEqual(readCase(c, c.expected.dotenv_plaintext_file));
    if (c.expected.binary_plaintext_file) expect(r.stdout).toEqual(readCase(c, c.expected.binary_plaintext_file));
    if (c.format === "json") expect(JSON.parse(r.stdout.toString())).toEqual(c.expected.tree);
  });
});

describe("refusals", () => {
  const secrets = sopsCases().find((c) => c.file === "test-assets/secrets.yaml")!;
  const pgpOnly = sopsCases().find((c) => !c.ageDecryptable)!;

  it("a wrong key exits 2, naming the file and printing no value", async () => {
    const dir = tmp();
    const wrong = await keyFile(dir, "wrong.key");
    const file = path.join(secrets.dir, secrets.file);
    const r = await runCli(["sops", "decrypt", "-i", wrong.path, file]);
    expect(r.code).toBe(2);
    expect(r.stdout.length).toBe(0);
    expect(r.stderr).toContain(`nixsec: error: ${file}: none of the given identities opens the file`);
    expect(r.stderr).toMatch(/hint: /);
    expect(r.stderr).not.toContain("test_value");
  });

  it("a PGP-only file exits 2 with no age recipient", async () => {
    const dir = tmp();
    const k = await keyFile(dir, "k.key");
    const r = await runCli(["sops", "decrypt", "-i", k.path, path.join(pgpOnly.dir, pgpOnly.file)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no age recipient/);
  });

  it("a changed value exits 2 with a MAC or value error, and prints nothing", async () => {
    const dir = tmp();
    const k = await keyFile(dir, "k.key");
    writeFileSync(path.join(dir, "p.yaml"), "a: one\nb: two\n");
    expect((await runCli(["sops", "encrypt", "--age", k.recipient, "-o", path.join(dir, "e.yaml"), path.join(dir, "p.yaml")])).code).toBe(0);
    const text = readFileSync(path.join(dir, "e.yaml"), "utf8");
    // Swap the two values: each still decrypts only under its own path, so this fails as a value error.
    const [a, b] = [/^a: (.*)$/m.exec(text)![1]!, /^b: (.*)$/m.exec(text)![1]!];
    writeFileSync(path.join(dir, "e.yaml"), text.replace(`a: ${a}`, `a: ${b}`).replace(`b: ${b}`, `b: ${a}`));
    const r = await runCli(["sops", "decrypt", "-i", k.path, path.join(dir, "e.yaml")]);
    expect(r.code).toBe(2);
    expect(r.stdout.length).toBe(0);
    expect(r.stderr).toMatch(/e\.yaml: a: an encrypted value does not authenticate/);
    // Dropping a value leaves every other one intact: only the MAC notices.
    writeFileSync(path.join(dir, "e.yaml"), text.replace(/^b: .*\n/m, ""));
    const m = await runCli(["sops", "decrypt", "-i", k.path, path.join(dir, "e.yaml")]);
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/MAC mismatch/);
  });
});

describe("encrypt, updatekeys, inspect", () => {
  it("round-trips through flags, .sops.yaml and every identity source", async () => {
    const dir = tmp();
    const [a, b] = [await keyFile(dir, "a.key"), await keyFile(dir, "b.key")];
    writeFileSync(path.join(dir, "app.env"), "TOKEN=abc\nPORT=80\n");
    const enc = await runCli(["sops", "encrypt", "--age", a.recipient, "-o", path.join(dir, "app.enc.env"), path.join(dir, "app.env")]);
    expect(enc.code).toBe(0);
    const viaEnv = await runCli(["sops", "decrypt", path.join(dir, "app.enc.env")], { env: { SOPS_AGE_KEY: `${b.identity} ${a.identity}` } });
    expect(viaEnv.stdout.toString()).toBe("TOKEN=abc\nPORT=80\n");

    writeFileSync(path.join(dir, ".sops.yaml"), `creation_rules:\n  - path_regex: \\.enc\\.env$\n    age: >-\n      ${a.recipient},\n      ${b.recipient}\n`);
    const before = readFileSync(path.join(dir, "app.enc.env"), "utf8");
    const up = await runCli(["sops", "updatekeys", "-i", a.path, "app.enc.env"], { cwd: dir });
    expect(up.code).toBe(0);
    expect(up.stderr).toContain(`+++ ${b.recipient}`);
    const after = readFileSync(path.join(dir, "app.enc.env"), "utf8");
    const rest = (s: string) => s.split("\n").filter((l) => !l.startsWith("sops_age__"));
    expect(rest(after)).toEqual(rest(before));
    expect((await runCli(["sops", "decrypt", "app.enc.env"], { cwd: dir, env: { SOPS_AGE_KEY_FILE: b.path } })).stdout.toString()).toBe("TOKEN=abc\nPORT=80\n");

    const out = path.join(dir, "plain.env");
    expect((await runCli(["sops", "decrypt", "-i", b.path, "-o", out, "app.enc.env"], { cwd: dir })).code).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);

    const ins = await runCli(["sops", "inspect", "--json", "-i", b.path, "app.enc.env"], { cwd: dir });
    const report = JSON.parse(ins.stdout.toString());
    expect(report).toMatchObject({ format: "dotenv", version: "3.13.2", mac: { status: "verified" }, keyGroups: [{ age: [a.recipient, b.recipient] }] });
    const noKey = JSON.parse((await runCli(["sops", "inspect", "--json", "app.enc.env"], { cwd: dir })).stdout.toString());
    expect(noKey.mac.status).toBe("not checked");
  });

  it("extracts one value, as sops -d --extract does", async () => {
    const dir = tmp();
    const k = await keyFile(dir, "k.key");
    writeFileSync(path.join(dir, "s.yaml"), "db:\n    password: hunter2\n    hosts:\n        - a\n        - b\n");
    expect((await runCli(["sops", "encrypt", "--age", k.recipient, "--in-place", "s.yaml"], { cwd: dir })).code).toBe(0);
    const get = (p: string) => runCli(["sops", "decrypt", "-i", k.path, "--extract", p, "s.yaml"], { cwd: dir });
    expect((await get('["db"]["password"]')).stdout.toString()).toBe("hunter2");
    expect((await get('["db"]["hosts"][1]')).stdout.toString()).toBe("b");
    expect((await get('["db"]["hosts"]')).stdout.toString()).toBe("- a\n- b\n");
    const miss = await get('["db"]["nope"]');
    expect(miss.code).toBe(2);
    expect(miss.stderr).toMatch(/component \["nope"\] not found/);
  });
});
