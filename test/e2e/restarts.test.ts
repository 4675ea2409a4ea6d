// Restarts follow values, not ciphertexts: the consumers' restart trigger is
// the value id in secrets/nixsec.lock, copied into nixsec/data.nix. Changing
// readers (admin add, host set-key, rekey, grant, revoke) re-encrypts files
// but leaves every value id; a new value (rotate, edit, add --force) changes
// exactly that secret's.
import { execFileSync } from "node:child_process";
import { chmodSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempRepo, type TempRepo } from "../helpers/repo.js";
import { needTool } from "../helpers/tools.js";

describe.runIf(needTool("git") && needTool("ssh-keygen"))("restarts follow values", () => {
  let t: TempRepo;
  const git = (...args: string[]) => execFileSync("git", args, { cwd: t.repo, encoding: "utf8" });
  const commit = () => {
    git("add", "-A");
    git("commit", "-q", "--allow-empty", "-m", "step");
  };
  /** The changed lines of nixsec/data.nix since the last commit, without the diff's headers. */
  const dataDiff = () => git("diff", "-U0", "--", "nixsec/data.nix").split("\n").filter((l) => /^[-+]/.test(l) && !/^(---|\+\+\+) /.test(l));
  const ciphertexts = () => git("diff", "--name-only", "--", "secrets").split("\n").filter((f) => f.endsWith(".age")).length;
  const idOf = (name: string) => JSON.parse(t.read("secrets/nixsec.lock").split("\n").find((l) => l.includes(`"secret":"${name}"`))!).valueId as string;

  beforeAll(async () => {
    t = tempRepo();
    await t.nixsec(["init"]);
    await t.nixsec(["host", "add", "web", "--key-file", t.sshKey("web").pub]);
    await t.nixsec(["host", "add", "db", "--key-file", t.sshKey("db").pub]);
    await t.nixsec(["add", "app/token", "--host", "web", "--host", "db", "--stdin"], { input: "t0" });
    await t.nixsec(["add", "app/other", "--host", "web", "--generate", "password"]);
    await t.nixsec(["add", "app/env", "--host", "web", "--format", "env", "--stdin"], { input: "A=1\n" });
    await t.nixsec(["wire", "app/token", "--credential", "app:token"]);
    await t.nixsec(["wire", "app/other", "--option", "services.app.otherFile"]);
    await t.nixsec(["wire", "app/env", "--environment-file", "app"]);
    expect((await t.nixsec(["gen"])).code).toBe(0);
    commit();
  });
  afterAll(() => t.cleanup());

  it("admin add re-encrypts every file; nixsec gen then changes nothing in data.nix", async () => {
    const before = t.read("nixsec/data.nix");
    expect((await t.nixsec(["admin", "add", "bob", "--key-file", t.sshKey("bob").pub])).code).toBe(0);
    expect(ciphertexts()).toBe(3);
    expect((await t.nixsec(["gen"])).stderr).toMatch(/up to date/);
    expect(dataDiff()).toEqual([]);
    expect(t.read("nixsec/data.nix")).toBe(before);
    commit();
  });

  it("host set-key, rekey --all, grant and revoke change no value id", async () => {
    const ids = ["app/token", "app/other", "app/env"].map(idOf);
    expect((await t.nixsec(["host", "set-key", "web", "--key-file", t.sshKey("web2").pub])).code).toBe(0);
    expect((await t.nixsec(["rekey", "--all"])).code).toBe(0);
    expect((await t.nixsec(["gen"])).code).toBe(0);
    expect(dataDiff()).toEqual([]);
    expect(ciphertexts()).toBe(3);
    commit();
    expect((await t.nixsec(["grant", "app/other", "--host", "db"])).code).toBe(0);
    expect(git("diff", "--name-only", "--", "secrets").split("\n").filter((f) => f.endsWith(".age"))).toEqual(["secrets/app/other.age"]); // only that file
    // db gets the secret (with the same value id); no value id changes.
    const granted = dataDiff();
    expect(granted.filter((l) => /^- +valueId/.test(l))).toEqual([]);
    expect(granted.filter((l) => /^\+ +valueId/.test(l))).toEqual([`+          valueId = "${ids[1]}";`]);
    const r = await t.nixsec(["revoke", "app/other", "--host", "db"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/host db could read 1 secret; the old ciphertext stays in git history\. Rotate their values:\n  nixsec rotate app\/other --generate\n/);
    expect(dataDiff()).toEqual([]);
    expect(["app/token", "app/other", "app/env"].map(idOf)).toEqual(ids);
    commit();
  });

  it("rotate changes exactly the rotated secret's value id, on every host that reads it", async () => {
    const old = idOf("app/token");
    const r = await t.nixsec(["rotate", "app/token", "--stdin"], { input: "t1" });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/the consumers restart, since each new value has a new value id/);
    const now = idOf("app/token");
    expect(now).not.toBe(old);
    expect(dataDiff().sort()).toEqual([`-          valueId = "${old}";`, `-          valueId = "${old}";`, `+          valueId = "${now}";`, `+          valueId = "${now}";`].sort());
    commit();
  });

  it("edit and add --force change that secret's value id; an unchanged edit does not", async () => {
    const editor = path.join(t.root, "editor.sh");
    writeFileSync(editor, "#!/bin/sh\nprintf 'A=2\\n' > \"$1\"\n");
    chmodSync(editor, 0o755);
    const old = idOf("app/env");
    expect((await t.nixsec(["edit", "app/env"], { env: { EDITOR: editor } })).code).toBe(0);
    expect(idOf("app/env")).not.toBe(old);
    expect((await t.nixsec(["edit", "app/env"], { env: { EDITOR: editor } })).stderr).toMatch(/unchanged/);
    const afterEdit = idOf("app/env");
    expect((await t.nixsec(["add", "app/env", "--force", "--stdin"], { input: "A=3\n" })).code).toBe(0);
    expect(idOf("app/env")).not.toBe(afterEdit);
    expect((await t.nixsec(["gen"])).code).toBe(0);
    expect(dataDiff().every((l) => /^[-+] +valueId = "/.test(l))).toBe(true);
    expect(dataDiff()).toHaveLength(2);
  });
});
