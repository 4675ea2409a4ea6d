// A fleet with both backends (issue 11): an agenix host and a sops-nix host.
// A secret both read is stored in both forms, one value in an age file and a
// sops file, written, rotated and rekeyed together, one lock entry each with
// the same value id; a reader change touches only the file of that reader's
// backend; moving a host to the other backend makes the files it needs from
// the values and removes the ones nobody reads any more.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempRepo, type TempRepo } from "../helpers/repo.js";
import { needTool } from "../helpers/tools.js";
import { hostReads } from "../helpers/sops-host.js";

const run = needTool("age") && needTool("ssh-keygen") && needTool("git");

describe.runIf(run)("a fleet with agenix and sops-nix hosts", () => {
  let t: TempRepo;
  let ag: { priv: string; pub: string };
  let sp: { priv: string; pub: string };
  const git = (...args: string[]) => execFileSync("git", args, { cwd: t.repo, env: { ...process.env, ...t.env }, encoding: "utf8" });
  const goAge = (key: string, file: string) => execFileSync("age", ["-d", "-i", key, t.file(file)], { encoding: "utf8" });
  const ok = async (args: string[], input?: string) => {
    const r = await t.nixsec(args, { input });
    expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
    return r;
  };
  const lockLines = (secret: string) => t.read("secrets/nixsec.lock").split("\n").filter((l) => l.includes(`"secret":"${secret}"`));
  const valueIds = (secret: string) => lockLines(secret).map((l) => l.match(/"valueId":"([^"]+)"/)![1]);
  const files = () => execFileSync("find", ["secrets", "-type", "f", "-name", "*.age", "-o", "-type", "f", "-name", "*.sops.bin"], { cwd: t.repo, encoding: "utf8" }).split("\n").filter(Boolean).sort();

  beforeAll(async () => {
    t = tempRepo();
    ag = t.sshKey("ag");
    sp = t.sshKey("sp");
    await ok(["init"]);
    await ok(["host", "add", "ag", "--key-file", ag.pub]);
    await ok(["host", "add", "sp", "--backend", "sops-nix", "--key-file", sp.pub]);
  });
  afterAll(() => t.cleanup());

  it("a secret read by both backends is stored in both forms, one value, one value id; admin-only secrets take the repository's backend", async () => {
    const add = await ok(["add", "both/pw", "--host", "ag", "--host", "sp", "--stdin"], "shared-value");
    expect(add.stderr).toMatch(/added both\/pw → secrets\/both\/pw\.age, secrets\/both\/pw\.sops\.bin \(admins \+ ag, sp\)/);
    await ok(["add", "ag/only", "--host", "ag", "--stdin"], "ag-value");
    await ok(["add", "sp/only", "--host", "sp", "--stdin"], "sp-value");
    await ok(["add", "admin/only", "--stdin"], "admin-value");
    expect(files()).toEqual(["secrets/admin/only.age", "secrets/ag/only.age", "secrets/both/pw.age", "secrets/both/pw.sops.bin", "secrets/sp/only.sops.bin"]);
    // each host reads its own form only
    expect(goAge(ag.priv, "secrets/both/pw.age")).toBe("shared-value");
    expect(await hostReads(t.file("secrets/both/pw.sops.bin"), sp.priv)).toBe("shared-value");
    expect(() => execFileSync("age", ["-d", "-i", sp.priv, t.file("secrets/both/pw.age")], { stdio: "pipe" })).toThrow();
    await expect(hostReads(t.file("secrets/both/pw.sops.bin"), ag.priv)).rejects.toThrow();
    expect(lockLines("both/pw")).toHaveLength(2);
    expect(lockLines("both/pw")[1]).toMatch(/"format":"sops"/);
    expect(new Set(valueIds("both/pw")).size).toBe(1);
    expect((await ok(["show", "both/pw"])).stdout.toString()).toBe("shared-value");
    expect((await ok(["list", "--json"])).stdout.toString()).toMatch(/"files": \[\n\s+"secrets\/both\/pw\.age",\n\s+"secrets\/both\/pw\.sops\.bin"\n\s+\]/);
    git("add", "-A");
    git("commit", "-qm", "fleet");
  });

  it("a host's new key re-encrypts only its backend's files; rotate renews both forms together", async () => {
    const sp2 = t.sshKey("sp-new");
    const r = await ok(["host", "set-key", "sp", "--key-file", sp2.pub]);
    expect(r.stderr).toMatch(/host sp has a new key \(2\): both\/pw, sp\/only/);
    expect(git("diff", "--name-only", "--", "secrets/").split("\n").filter(Boolean).sort()).toEqual(["secrets/both/pw.sops.bin", "secrets/nixsec.lock", "secrets/sp/only.sops.bin"]);
    expect(await hostReads(t.file("secrets/both/pw.sops.bin"), sp2.priv)).toBe("shared-value");
    sp = sp2;
    const before = valueIds("both/pw")[0];
    await ok(["rotate", "both/pw", "--stdin"], "rotated-value");
    expect(goAge(ag.priv, "secrets/both/pw.age")).toBe("rotated-value");
    expect(await hostReads(t.file("secrets/both/pw.sops.bin"), sp.priv)).toBe("rotated-value");
    const ids = valueIds("both/pw");
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).not.toBe(before);
    expect((await ok(["status"])).stdout.toString()).toMatch(/4 secrets: 0 need a rekey/);
  });

  it("admin add and rm, wire, edit and rm: every form of a secret follows", async () => {
    const ids = valueIds("both/pw");
    const bob = path.join(t.root, "bob.key");
    await ok(["age", "keygen", "-o", bob]);
    const add = await ok(["admin", "add", "bob", "--key", readFileSync(bob, "utf8").match(/public key: (age1\S+)/)![1]!]);
    expect(add.stderr).toMatch(/re-encrypted 5 files/); // both/pw twice, ag/only, sp/only, admin/only
    expect(valueIds("both/pw")).toEqual(ids); // new readers, same value: nothing restarts
    expect((await ok(["show", "sp/only", "-i", bob])).stdout.toString()).toBe("sp-value");
    await ok(["admin", "rm", "bob"]);
    await ok(["wire", "both/pw", "--credential", "app:pw"]);
    const editor = path.join(t.root, "editor.sh");
    writeFileSync(editor, "#!/bin/sh\nprintf 'edited-value' > \"$1\"\n", { mode: 0o755 });
    const edited = await t.nixsec(["edit", "both/pw"], { env: { EDITOR: editor, TMPDIR: "/dev/shm" } });
    expect(edited.code, edited.stderr).toBe(0);
    expect(goAge(ag.priv, "secrets/both/pw.age")).toBe("edited-value");
    expect(await hostReads(t.file("secrets/both/pw.sops.bin"), sp.priv)).toBe("edited-value");
    expect(new Set(valueIds("both/pw")).size).toBe(1);
    await ok(["add", "gone/x", "--host", "ag", "--host", "sp", "--stdin"], "x");
    await ok(["rm", "gone/x"]);
    expect(files().filter((f) => f.includes("gone"))).toEqual([]);
    expect(lockLines("gone/x")).toEqual([]);
    await ok(["rotate", "both/pw", "--stdin"], "rotated-value");
  });

  it("revoke and grant across backends: the other form's file goes and comes back from the value, its value id kept", async () => {
    const id = valueIds("both/pw")[0];
    const revoke = await ok(["revoke", "both/pw", "--host", "sp"]);
    expect(revoke.stderr).toMatch(/sops file no host reads any more/);
    expect(revoke.stderr).toMatch(/nixsec rotate both\/pw/);
    expect(existsSync(t.file("secrets/both/pw.sops.bin"))).toBe(false);
    expect(lockLines("both/pw")).toHaveLength(1);
    const grant = await ok(["grant", "both/pw", "--host", "sp"]);
    expect(grant.stderr).toMatch(/first sops-nix reader: a new file from the secret's value \(1\): both\/pw/);
    expect(await hostReads(t.file("secrets/both/pw.sops.bin"), sp.priv)).toBe("rotated-value");
    expect(valueIds("both/pw")).toEqual([id, id]);
  });

  it("host set-backend moves a host: files in the new format from the values, the old ones removed, nothing to rekey afterwards", async () => {
    const move = await ok(["host", "set-backend", "ag", "sops-nix"]);
    expect(move.stderr).toMatch(/first sops-nix reader: a new file from the secret's value \(1\): ag\/only/);
    expect(move.stderr).toMatch(/host ag added \(1\): both\/pw/);
    expect(move.stderr).toMatch(/age file no host reads any more, removed once the other file is written \(2\): ag\/only, both\/pw/);
    expect(move.stderr).not.toMatch(/rotate/); // nobody lost anything
    expect(files()).toEqual(["secrets/admin/only.age", "secrets/ag/only.sops.bin", "secrets/both/pw.sops.bin", "secrets/sp/only.sops.bin"]);
    expect(await hostReads(t.file("secrets/ag/only.sops.bin"), ag.priv)).toBe("ag-value");
    expect(await hostReads(t.file("secrets/both/pw.sops.bin"), ag.priv)).toBe("rotated-value");
    expect(t.read("nixsec.yaml")).toMatch(/ag:\n\s+key: .*\n\s+backend: sops-nix/);
    expect((await ok(["rekey"])).stderr).toMatch(/nothing to rekey/);
    await ok(["host", "set-backend", "ag", "agenix"]);
    expect(files()).toEqual(["secrets/admin/only.age", "secrets/ag/only.age", "secrets/both/pw.age", "secrets/both/pw.sops.bin", "secrets/sp/only.sops.bin"]);
    expect(goAge(ag.priv, "secrets/both/pw.age")).toBe("rotated-value");
    expect(t.read("nixsec.yaml")).not.toMatch(/ag:\n\s+key: .*\n\s+backend/); // the repository's backend needs no field
  });

  it("gen writes both tools' rules; the data gives each host its form; audit is clean", async () => {
    await ok(["gen"]);
    const data = t.read("nixsec/data.nix");
    expect(data).toMatch(/ag = \{\n\s+backend = "agenix";\n\s+secrets = \{\n\s+"ag\/only" = \{\n\s+file = \.\.\/secrets\/ag\/only\.age;/);
    expect(data).toMatch(/sp = \{\n\s+backend = "sops-nix";\n\s+secrets = \{\n\s+"both\/pw" = \{\n\s+file = \.\.\/secrets\/both\/pw\.sops\.bin;/);
    const agenixRules = t.read("secrets/secrets.nix");
    expect(agenixRules).toMatch(/"both\/pw\.age" = \{\n\s+publicKeys = \[/);
    expect(agenixRules).not.toMatch(/sops\.bin/);
    expect(t.read(".sops.yaml")).toMatch(/secrets\/both\/pw\\\.sops\\\.bin/);
    expect(t.read(".sops.yaml")).not.toMatch(/ag\/only/);
    git("add", "-A");
    git("commit", "-qm", "gen");
    const audit = await t.nixsec(["audit"]);
    expect(audit.code, audit.stdout.toString()).toBe(0);
  });

  it("two forms that disagree (one changed by hand) stop a rekey until the value is set again", async () => {
    // the sops form gets another value, written with the same readers by nixsec's own sops tooling
    const recipients = JSON.parse(t.read("secrets/both/pw.sops.bin")).sops.age.map((e: { recipient: string }) => e.recipient).join(",");
    execFileSync("sh", ["-c", `printf other > ${path.join(t.root, "x.bin")}`]);
    const enc = await t.nixsec(["sops", "encrypt", "--age", recipients, "--input-type", "binary", "--output-type", "binary", "-o", t.file("secrets/both/pw.sops.bin"), path.join(t.root, "x.bin")]);
    expect(enc.code, enc.stderr).toBe(0);
    const r = await t.nixsec(["rekey", "--all"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/the files of both\/pw hold different values \(one was changed outside nixsec\); nothing was written/);
    expect(r.stderr).toMatch(/nixsec add NAME --force/);
    await ok(["add", "both/pw", "--force", "--stdin"], "agreed");
    expect(goAge(ag.priv, "secrets/both/pw.age")).toBe("agreed");
    expect(await hostReads(t.file("secrets/both/pw.sops.bin"), sp.priv)).toBe("agreed");
    expect((await ok(["rekey", "--all"])).stderr).toMatch(/re-encrypted 5 files/);
    expect(readFileSync(t.file("secrets/nixsec.lock"), "utf8")).toMatch(/"secret":"both\/pw","format":"sops"/);
  });
});
