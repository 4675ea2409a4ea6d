// A sops-nix fleet through the built binary (issue 11): init --backend
// sops-nix, every command, and the files it writes: sops files in the binary
// format that sops-age (an independent reader) opens with the host's
// ssh-to-age identity, a change of readers that re-wraps the data key only
// (the diff shows just the recipients), and a new data key for every new value.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseIdentityFile } from "../../src/crypto/index.js";
import { decryptSops, decryptSopsWithKey } from "../../src/sops/index.js";
import { tempRepo, type TempRepo } from "../helpers/repo.js";
import { hostReads } from "../helpers/sops-host.js";
import { needTool } from "../helpers/tools.js";

const run = needTool("ssh-keygen") && needTool("git");

interface SopsJson {
  data: string;
  sops: { age: { recipient: string; enc: string }[]; lastmodified: string; mac: string; version: string };
}
const json = (text: string): SopsJson => JSON.parse(text) as SopsJson;

describe.runIf(run)("a sops-nix fleet", () => {
  let t: TempRepo;
  let h1: { priv: string; pub: string };
  let h2: { priv: string; pub: string };
  let h1New: { priv: string; pub: string };
  let adminKey: string;
  const git = (...args: string[]) => execFileSync("git", args, { cwd: t.repo, env: { ...process.env, ...t.env }, encoding: "utf8" });
  const ok = async (args: string[], input?: string) => {
    const r = await t.nixsec(args, { input });
    expect(r.stderr, args.join(" ")).not.toMatch(/error:/);
    expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
    return r;
  };
  const recipientOf = (pub: string) => execFileSync(process.execPath, [path.join(__dirname, "../../bin/nixsec.js"), "age", "convert-ssh", pub], { encoding: "utf8" }).trim();

  beforeAll(async () => {
    t = tempRepo();
    h1 = t.sshKey("h1");
    h2 = t.sshKey("h2");
    h1New = t.sshKey("h1-reinstalled");
    await ok(["init", "--backend", "sops-nix"]);
    adminKey = path.join(t.home, ".config/nixsec/keys/repo-alice.key");
    expect(t.read("nixsec.yaml")).toMatch(/backend: sops-nix/);
    expect(t.read("secrets/.gitattributes")).toMatch(/\*\.sops\.bin diff -merge/);
  });
  afterAll(() => t.cleanup());

  it("host add: an ed25519 host reads through its X25519 recipient; an ssh-rsa host is refused, saying why and what to do", async () => {
    execFileSync("ssh-keygen", ["-q", "-t", "rsa", "-b", "2048", "-N", "", "-C", "root@old", "-f", path.join(t.root, "old")]);
    const rsa = await t.nixsec(["host", "add", "old", "--key-file", path.join(t.root, "old.pub")]);
    expect(rsa.code).toBe(2);
    expect(rsa.stderr).toMatch(/hosts\.old\.key: an ssh-rsa key cannot read sops files \(sops-nix decrypts with the host's ed25519 key converted to age, and RSA keys have no such conversion\)/);
    expect(rsa.stderr).toMatch(/give its ssh-ed25519 host key, or keep it on agenix \(backend: agenix\)/);
    expect(t.read("nixsec.yaml")).not.toMatch(/old:/);
    // on agenix it is fine
    await ok(["host", "add", "old", "--backend", "agenix", "--key-file", path.join(t.root, "old.pub")]);
    await ok(["host", "rm", "old"]);
    await ok(["host", "add", "h1", "--key-file", h1.pub]);
    await ok(["host", "add", "h2", "--key-file", h2.pub]);
    expect((await ok(["host", "list"])).stdout.toString()).toMatch(/^h1\tssh-ed25519\tSHA256:\S+\tsops-nix\t0 secrets$/m);
  });

  it("add, show, list, edit, rm: one sops binary file per secret, opened by sops-age with the host's ssh-to-age identity", async () => {
    await ok(["add", "app/token", "--host", "h1", "--stdin"], "tok-1\n");
    expect(existsSync(t.file("secrets/app/token.sops.bin"))).toBe(true);
    expect(existsSync(t.file("secrets/app/token.age"))).toBe(false);
    const file = json(t.read("secrets/app/token.sops.bin"));
    expect(file.sops.age.map((e) => e.recipient).sort()).toEqual([readFileSync(adminKey, "utf8").match(/public key: (age1\S+)/)![1]!, recipientOf(h1.pub)].sort());
    expect(await hostReads(t.file("secrets/app/token.sops.bin"), h1.priv)).toBe("tok-1\n");
    await expect(hostReads(t.file("secrets/app/token.sops.bin"), h2.priv)).rejects.toThrow();
    expect((await ok(["show", "app/token"])).stdout.toString()).toBe("tok-1\n");
    expect((await ok(["list"])).stdout.toString()).toMatch(/app\/token\s+h1\s+root:-\s+0400\s+text\s+secrets\/app\/token\.sops\.bin\s/);

    // edit: a new value under a new data key (a reader removed earlier cannot read it with a key it kept)
    const ids = await parseIdentityFile(readFileSync(adminKey), "admin");
    const before = readFileSync(t.file("secrets/app/token.sops.bin"));
    const oldKey = (await decryptSops(before, ids, { file: "x", format: "binary" })).secret.dataKey;
    const editor = path.join(t.root, "editor.sh");
    writeFileSync(editor, "#!/bin/sh\nprintf 'tok-2\\n' > \"$1\"\n", { mode: 0o755 });
    const edited = await t.nixsec(["edit", "app/token"], { env: { EDITOR: editor, TMPDIR: "/dev/shm" } });
    expect(edited.code, edited.stderr).toBe(0);
    const after = readFileSync(t.file("secrets/app/token.sops.bin"));
    expect(await hostReads(t.file("secrets/app/token.sops.bin"), h1.priv)).toBe("tok-2\n");
    expect(() => decryptSopsWithKey(after, oldKey, { file: "x", format: "binary" })).toThrow();

    await ok(["add", "app/gone", "--host", "h1", "--stdin"], "bye");
    await ok(["rm", "app/gone"]);
    expect(existsSync(t.file("secrets/app/gone.sops.bin"))).toBe(false);
    expect(t.read("secrets/nixsec.lock")).not.toMatch(/app\/gone/);
  });

  it("host set-key, then rekey: the git diff of the host's files is its recipient entry only; values, MAC and lastmodified stay and still verify", async () => {
    await ok(["add", "shared/db", "--host", "h1", "--host", "h2", "--stdin"], "db-password");
    await ok(["add", "h2/only", "--host", "h2", "--stdin"], "h2-value");
    git("add", "-A");
    git("commit", "-qm", "before");
    const r = await ok(["host", "set-key", "h1", "--key-file", h1New.pub, "--no-rekey"]);
    expect(r.stderr).toMatch(/2 secrets now need a rekey/);
    expect((await ok(["status"])).stdout.toString()).toMatch(/2 need a rekey/);
    const rekey = await ok(["rekey"]);
    expect(rekey.stderr).toMatch(/host h1 has a new key \(2\): app\/token, shared\/db/);
    expect(git("diff", "--name-only").split("\n").filter(Boolean).sort()).toEqual(["nixsec.yaml", "secrets/app/token.sops.bin", "secrets/nixsec.lock", "secrets/shared/db.sops.bin"]);
    for (const rel of ["secrets/app/token.sops.bin", "secrets/shared/db.sops.bin"]) {
      const changed = git("diff", "-U0", "--", rel).split("\n").filter((l) => /^[+-](?![+-])/.test(l));
      expect(changed.length, rel).toBe(4);
      for (const l of changed) expect(l, rel).toMatch(/^[+-]\t+"(enc|recipient)": /);
      const old = json(git("show", `HEAD:${rel}`));
      const now = json(t.read(rel));
      expect({ data: now.data, lastmodified: now.sops.lastmodified, mac: now.sops.mac }).toEqual({ data: old.data, lastmodified: old.sops.lastmodified, mac: old.sops.mac });
      const others = (f: SopsJson) => f.sops.age.filter((e) => e.recipient !== recipientOf(h1.pub) && e.recipient !== recipientOf(h1New.pub));
      expect(others(now)).toEqual(others(old));
      expect(now.sops.age.map((e) => e.recipient)).toContain(recipientOf(h1New.pub));
      await expect(hostReads(t.file(rel), h1.priv)).rejects.toThrow();
    }
    expect(await hostReads(t.file("secrets/shared/db.sops.bin"), h1New.priv)).toBe("db-password");
    expect(await hostReads(t.file("secrets/shared/db.sops.bin"), h2.priv)).toBe("db-password");
    // the MAC verifies (nixsec's reader always checks it), with the new host key itself
    const viaHost = await t.nixsec(["sops", "decrypt", "-i", h1New.priv, "secrets/shared/db.sops.bin"]);
    expect(viaHost.stdout.toString()).toBe("db-password");
    expect((await ok(["rekey"])).stderr).toMatch(/nothing to rekey/);
    git("add", "-A");
    git("commit", "-qm", "h1 reinstalled");
  });

  it("rotate, admin add|set-key|rm|rotate, grant, revoke, host rm, status: through the same interface", async () => {
    const ids = await parseIdentityFile(readFileSync(adminKey), "admin");
    const oldKey = (await decryptSops(readFileSync(t.file("secrets/shared/db.sops.bin")), ids, { file: "x", format: "binary" })).secret.dataKey;
    const lockBefore = t.read("secrets/nixsec.lock");
    await ok(["rotate", "shared/db", "--stdin"], "db-password-2");
    expect(await hostReads(t.file("secrets/shared/db.sops.bin"), h2.priv)).toBe("db-password-2");
    expect(() => decryptSopsWithKey(readFileSync(t.file("secrets/shared/db.sops.bin")), oldKey, { file: "x", format: "binary" })).toThrow();
    const valueId = (text: string) => text.split("\n").find((l) => l.includes('"secret":"shared/db"'))!.match(/"valueId":"([^"]+)"/)![1];
    expect(valueId(t.read("secrets/nixsec.lock"))).not.toBe(valueId(lockBefore));

    const bob = path.join(t.root, "bob.key");
    await ok(["age", "keygen", "-o", bob]);
    const bobPub = readFileSync(bob, "utf8").match(/public key: (age1\S+)/)![1]!;
    const lockMid = t.read("secrets/nixsec.lock");
    const add = await ok(["admin", "add", "bob", "--key", bobPub]);
    expect(add.stderr).toMatch(/re-encrypted 3 files/);
    expect(valueId(t.read("secrets/nixsec.lock"))).toBe(valueId(lockMid)); // readers changed, the value did not
    expect((await ok(["show", "h2/only", "-i", bob])).stdout.toString()).toBe("h2-value");
    const bob2 = path.join(t.root, "bob2.key");
    await ok(["age", "keygen", "-o", bob2]);
    await ok(["admin", "set-key", "bob", "--key", readFileSync(bob2, "utf8").match(/public key: (age1\S+)/)![1]!]);
    expect((await ok(["show", "h2/only", "-i", bob2])).stdout.toString()).toBe("h2-value");
    expect((await t.nixsec(["show", "h2/only", "-i", bob])).code).toBe(2);
    await ok(["admin", "rm", "bob"]);
    const rotated = await ok(["admin", "rotate"]);
    expect(rotated.stderr).toMatch(/re-encrypted 3 files/);
    expect((await ok(["show", "app/token"])).stdout.toString()).toBe("tok-2\n"); // the recorded identity is the new key

    await ok(["grant", "h2/only", "--host", "h1"]);
    expect(await hostReads(t.file("secrets/h2/only.sops.bin"), h1New.priv)).toBe("h2-value");
    const revoke = await ok(["revoke", "h2/only", "--host", "h1"]);
    expect(revoke.stderr).toMatch(/nixsec rotate h2\/only/);
    await expect(hostReads(t.file("secrets/h2/only.sops.bin"), h1New.priv)).rejects.toThrow();

    const rm = await ok(["host", "rm", "h2", "--force"]);
    expect(rm.stderr).toMatch(/nixsec rotate h2\/only shared\/db/);
    expect((await ok(["status", "--json"])).stdout.toString()).toMatch(/"needRekey": 0/);
    await ok(["host", "add", "h2", "--key-file", h2.pub]);
    await ok(["grant", "h2/only", "--host", "h2"]);
  });

  it("wire and gen: data.nix carries the host's backend and its sops file; .sops.yaml names each file's readers, and sops tooling uses it", async () => {
    await ok(["wire", "app/token", "--credential", "app:token"]);
    await ok(["gen"]);
    const data = t.read("nixsec/data.nix");
    expect(data).toMatch(/h1 = \{\n\s+backend = "sops-nix";/);
    expect(data).toMatch(/"app\/token" = \{\n\s+file = \.\.\/secrets\/app\/token\.sops\.bin;/);
    expect(existsSync(t.file("secrets/secrets.nix"))).toBe(false); // no age file: no agenix rules
    const rules = t.read(".sops.yaml");
    expect(rules.split("\n")[0]).toBe("# Generated by nixsec from nixsec.yaml; do not edit.");
    expect(rules).toContain(`  - path_regex: '(^|/)secrets/h2/only\\.sops\\.bin$'\n    key_groups:\n      - age:\n`);
    expect(rules).toContain(`          - ${recipientOf(h2.pub)}  # host h2\n`);
    // sops tooling reads the rules: the files are what they name
    for (const f of ["secrets/app/token.sops.bin", "secrets/h2/only.sops.bin", "secrets/shared/db.sops.bin"]) {
      expect((await ok(["sops", "updatekeys", f])).stderr).toMatch(/already up to date/);
    }
    expect((await ok(["gen", "--check"])).stderr).toBe("");
  });

  it("audit: the managed-store checks know sops files", async () => {
    git("add", "-A");
    git("commit", "-qm", "gen");
    const clean = await t.nixsec(["audit"]);
    expect(clean.code, clean.stdout.toString() + clean.stderr).toBe(0);
    writeFileSync(t.file("secrets/stray.sops.bin"), readFileSync(t.file("secrets/h2/only.sops.bin")));
    renameSync(t.file("secrets/app/token.sops.bin"), t.file("token.bak"));
    const r = await t.nixsec(["audit"]);
    expect(r.code).toBe(1);
    expect(r.stdout.toString()).toMatch(/^secrets\/stray\.sops\.bin:1:1: medium unknown-secret-file: .*secrets\/stray\.sops\.bin \(sops\) is not a secret in nixsec\.yaml$/m);
    expect(r.stdout.toString()).toMatch(/^nixsec\.yaml:\d+:\d+: medium missing-secret-file: .*secrets\.app\/token has no file \(secrets\/app\/token\.sops\.bin\)$/m);
    renameSync(t.file("token.bak"), t.file("secrets/app/token.sops.bin"));
    execFileSync("rm", [t.file("secrets/stray.sops.bin")]);
    expect((await t.nixsec(["audit"])).code).toBe(0);
  });
});
