// The rotation commands through the built binary in a temp git repository:
// host set-key changes exactly the files that host reads (git diff --stat),
// which Go age then decrypts with the new host key and not with the old one;
// rm prints the rotate line; admin rotate retires a key; rotate and status.
import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { needTool } from "../helpers/tools.js";
import { makeFixture, type Fixture } from "./fixture.js";

const run = needTool("age") && needTool("git") && needTool("ssh-keygen");

function goAgeDecrypt(identity: string, file: string): { ok: boolean; out: string } {
  const r = spawnSync("age", ["-d", "-i", identity, file], { encoding: "utf8" });
  return { ok: r.status === 0, out: r.stdout };
}

function changedFiles(f: Fixture): string[] {
  // `git diff --stat` lists what changed; --name-only gives the same list parseably.
  expect(f.git("diff", "--stat")).toMatch(/files? changed/);
  return f.git("diff", "--name-only").trim().split("\n").sort();
}

describe.runIf(run)("rekey through the CLI", () => {
  let f: Fixture;
  let h2New: { priv: string; pub: string };
  const secrets: Record<string, string[]> = {
    "web/token": ["h1"],
    "web/db": ["h1", "h2"],
    "mail/dkim": ["h2"],
    "mail/relay": ["h2", "h3"],
    "backup/key": ["h3"],
    "admin/only": [],
    "users/alice/password": ["h3"],
    "users/alice/hash": ["h3"],
  };
  beforeAll(async () => {
    f = await makeFixture({
      hosts: ["h1", "h2", "h3"],
      secrets,
      valueChanged: new Date("2026-01-01T00:00:00Z"),
      extra: {
        "users/alice/password": "    generate: {kind: password, length: 20}\n    maxAge: 30d\n",
        "users/alice/hash": "    generate: {kind: password-hash, from: users/alice/password}\n",
        "backup/key": "    maxAge: 10y\n",
      },
    });
  });
  afterAll(() => f.t.cleanup());

  const commit = (msg: string) => {
    f.git("add", "-A");
    f.git("commit", "-qm", msg);
  };

  it("no-op: nothing to rekey, nothing written", async () => {
    const r = await f.nixsec(["rekey"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/nothing to rekey: all 8 secrets match the manifest/);
    expect(f.git("status", "--porcelain")).toBe("");
  });

  it("host set-key: only the files h2 reads change; Go age decrypts them with the new key, not the old", async () => {
    const fresh = (h2New = f.t.sshKey("h2-reinstalled"));
    const r = await f.nixsec(["host", "set-key", "h2", "--key-file", fresh.pub]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/rekey plan: 3 files to re-encrypt, 5 unchanged/);
    expect(r.stderr).toMatch(/host h2 has a new key \(3\): mail\/dkim, mail\/relay, web\/db/);
    const h2 = Object.keys(secrets).filter((n) => secrets[n]!.includes("h2"));
    expect(changedFiles(f)).toEqual(["nixsec.yaml", "secrets/nixsec.lock", ...h2.map((n) => `secrets/${n}.age`)].sort());
    for (const n of h2) {
      expect(goAgeDecrypt(fresh.priv, f.t.file(`secrets/${n}.age`))).toEqual({ ok: true, out: f.value(n) });
      expect(goAgeDecrypt(f.hosts.h2!.priv, f.t.file(`secrets/${n}.age`)).ok).toBe(false);
      expect(goAgeDecrypt(f.adminKeyFile, f.t.file(`secrets/${n}.age`)).out).toBe(f.value(n));
    }
    // Other hosts still read theirs.
    expect(goAgeDecrypt(f.hosts.h3!.priv, f.t.file("secrets/mail/relay.age")).out).toBe(f.value("mail/relay"));
    commit("h2 reinstalled");
    const again = await f.nixsec(["rekey"]);
    expect(again.stderr).toMatch(/nothing to rekey/);
    expect(f.git("status", "--porcelain")).toBe("");
  });

  it("rekey --dry-run --json after a hand edit shows the plan and writes nothing; rekey then does it", async () => {
    const yaml = f.t.read("nixsec.yaml").replace("  web/token:\n    hosts: [h1]", "  web/token:\n    hosts: [h1, h3]");
    writeFileSync(f.t.file("nixsec.yaml"), yaml);
    commit("web/token on h3");
    const dry = await f.nixsec(["rekey", "--dry-run", "--json"]);
    expect(dry.code).toBe(0);
    const plan = JSON.parse(dry.stdout.toString());
    expect(plan.rekey).toEqual([{ secret: "web/token", file: "secrets/web/token.age", format: "age", reasons: [{ kind: "host-added", name: "h3", text: "host h3 added" }], lostReaders: [], replacedKeys: [] }]);
    expect(plan.dryRun).toBe(true);
    expect(f.git("status", "--porcelain")).toBe("");
    const r = await f.nixsec(["rekey", "--json"]);
    expect(JSON.parse(r.stdout.toString()).written).toEqual(["web/token"]);
    expect(changedFiles(f)).toEqual(["secrets/nixsec.lock", "secrets/web/token.age"]);
    expect(goAgeDecrypt(f.hosts.h3!.priv, f.t.file("secrets/web/token.age")).out).toBe(f.value("web/token"));
    commit("rekeyed");
  });

  it("host rm lists what it could read and prints the exact rotate line", async () => {
    const refused = await f.nixsec(["host", "rm", "h1"]);
    expect(refused.code).toBe(2);
    const r = await f.nixsec(["host", "rm", "h1", "--force"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/host h1 could read 2 secrets; the old ciphertext stays in git history/);
    expect(r.stderr).toMatch(/^ {2}nixsec rotate web\/db web\/token$/m);
    expect(changedFiles(f)).toEqual(["nixsec.yaml", "secrets/nixsec.lock", "secrets/web/db.age", "secrets/web/token.age"]);
    expect(goAgeDecrypt(f.hosts.h1!.priv, f.t.file("secrets/web/db.age")).ok).toBe(false);
    commit("h1 gone");
  });

  it("admin add, admin rm, and admin rotate (a new key; the old one no longer reads anything)", async () => {
    const bobKey = f.t.file("../bob.key");
    execFileSync("age-keygen", ["-o", bobKey], { stdio: "ignore" });
    const bobPub = execFileSync("age-keygen", ["-y", bobKey], { encoding: "utf8" }).trim();
    const add = await f.nixsec(["admin", "add", "bob", "--key", bobPub]);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stderr).toMatch(/admin bob added \(8\)/);
    for (const n of Object.keys(secrets)) expect(goAgeDecrypt(bobKey, f.t.file(`secrets/${n}.age`)).out).toBe(f.value(n));
    commit("bob");

    const rot = await f.nixsec(["admin", "rotate"]);
    expect(rot.code, rot.stderr).toBe(0);
    const newKey = /created the new admin key (\S+) \(mode 0600\)/.exec(rot.stderr)![1]!;
    expect(rot.stderr).toMatch(/admin alice has a new key \(8\)/);
    expect(rot.stderr).toMatch(/you selected the old key with NIXSEC_IDENTITY; use -i /);
    expect(rot.stderr).toMatch(/^ {2}nixsec rotate users\/alice\/hash users\/alice\/password --generate$/m);
    for (const n of Object.keys(secrets)) {
      expect(goAgeDecrypt(newKey, f.t.file(`secrets/${n}.age`)).out).toBe(f.value(n));
      expect(goAgeDecrypt(f.adminKeyFile, f.t.file(`secrets/${n}.age`)).ok).toBe(false);
    }
    commit("alice rotated");

    const rm = await f.nixsec(["admin", "rm", "bob"], { env: { NIXSEC_IDENTITY: newKey } });
    expect(rm.code, rm.stderr).toBe(0);
    expect(goAgeDecrypt(bobKey, f.t.file("secrets/web/db.age")).ok).toBe(false);
    const self = await f.nixsec(["admin", "add", "carol", "--key", bobPub, "--no-rekey"], { env: { NIXSEC_IDENTITY: newKey } });
    expect(self.stderr).toMatch(/8 secrets now need a rekey: run `nixsec rekey`/);
    const refuse = await f.nixsec(["admin", "rm", "alice"], { env: { NIXSEC_IDENTITY: newKey } });
    expect(refuse.code).toBe(2);
    expect(refuse.stderr).toMatch(/alice is your own admin key/);
    expect((await f.nixsec(["rekey"], { env: { NIXSEC_IDENTITY: newKey } })).code).toBe(0);
    f.adminKeyFile = newKey;
    commit("admins");
  });

  it("status reports values older than maxAge (dates from the lock); rotate --generate renews them and their hashes", async () => {
    const env = { NIXSEC_IDENTITY: f.adminKeyFile };
    const st = await f.nixsec(["status", "--json"], { env });
    const rows = JSON.parse(st.stdout.toString()).secrets as Array<{ secret: string; rotationDue: boolean; valueChanged: string | null }>;
    expect(rows.filter((r) => r.rotationDue).map((r) => r.secret)).toEqual(["users/alice/password"]);
    expect(rows.find((r) => r.secret === "backup/key")!.valueChanged).toBe("2026-01-01T00:00:00Z");
    const check = await f.nixsec(["status", "--check"], { env });
    expect(check.code).toBe(1);
    expect(check.stdout.toString()).toMatch(/→ nixsec rotate users\/alice\/password --generate/);

    const oldHash = goAgeDecrypt(f.adminKeyFile, f.t.file("secrets/users/alice/hash.age")).out;
    const r = await f.nixsec(["rotate", "users/alice/password", "--generate"], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/also regenerating users\/alice\/hash \(password-hash of users\/alice\/password\)/);
    expect(r.stderr).toMatch(/deploy h3 to apply/);
    const pw = goAgeDecrypt(f.adminKeyFile, f.t.file("secrets/users/alice/password.age")).out;
    expect(pw).toMatch(/^[A-Za-z0-9]{20}$/);
    const hash = goAgeDecrypt(f.hosts.h3!.priv, f.t.file("secrets/users/alice/hash.age")).out;
    expect(hash).toMatch(/^\$6\$/);
    expect(hash).not.toBe(oldHash);
    const { verify } = await import("unixcrypt");
    expect(verify(pw, hash)).toBe(true);
    expect((await f.nixsec(["status", "--check"], { env })).code).toBe(0);
    expect(changedFiles(f)).toEqual(["secrets/nixsec.lock", "secrets/users/alice/hash.age", "secrets/users/alice/password.age"]);

    const stdin = await f.nixsec(["rotate", "web/db", "--stdin"], { env, input: "new-db-secret" });
    expect(stdin.code, stdin.stderr).toBe(0);
    expect(goAgeDecrypt(h2New.priv, f.t.file("secrets/web/db.age")).out).toBe("new-db-secret");
    const noGen = await f.nixsec(["rotate", "web/db", "--generate"], { env });
    expect(noGen.code).toBe(2);
    expect(noGen.stderr).toMatch(/web\/db has no generator/);
    const noTty = await f.nixsec(["rotate", "web/db"], { env });
    expect(noTty.code).toBe(2);
    expect(noTty.stderr).toMatch(/hint: pass --stdin or --from-file/);
    const lock = readFileSync(f.t.file("secrets/nixsec.lock"), "utf8");
    expect(lock).toMatch(/"secret":"web\/db","sha256":"[0-9a-f]{64}","valueChanged":"20\d\d-/);
    expect(lock).not.toMatch(/new-db-secret/);
    commit("rotated");
  });

  it("add records the lock, rm drops it: no rekey needed afterwards", async () => {
    const env = { NIXSEC_IDENTITY: f.adminKeyFile };
    expect((await f.nixsec(["add", "new/one", "--host", "h3", "--stdin"], { env, input: "x" })).code).toBe(0);
    expect(f.t.read("secrets/nixsec.lock")).toMatch(/"secret":"new\/one"/);
    expect((await f.nixsec(["rekey"], { env })).stderr).toMatch(/nothing to rekey/);
    expect((await f.nixsec(["rm", "new/one"], { env })).code).toBe(0);
    expect(f.t.read("secrets/nixsec.lock")).not.toMatch(/new\/one/);
    expect((await f.nixsec(["rekey"], { env })).stderr).toMatch(/nothing to rekey/);
  });

  it("a canary value given to rotate reaches no output, lock or file in clear, through rekeys in worker threads", async () => {
    const CANARY = "canary-ROTATE-5e0b2c";
    const env = { NIXSEC_IDENTITY: f.adminKeyFile };
    const outputs: string[] = [];
    const record = (r: { stdout: Buffer; stderr: string }) => outputs.push(r.stdout.toString(), r.stderr);
    record(await f.nixsec(["rotate", "mail/dkim", "--stdin"], { env, input: CANARY }));
    record(await f.nixsec(["rekey", "--all", "--jobs", "2", "--json"], { env }));
    record(await f.nixsec(["status", "--json"], { env }));
    record(await f.nixsec(["rotate", "mail/dkim", "--stdin", "--generate"], { env, input: CANARY }));
    for (const o of outputs) expect(o).not.toContain(CANARY);
    for (const file of f.git("ls-files", "--others", "--cached", "--exclude-standard").trim().split("\n")) {
      expect(readFileSync(f.t.file(file)).includes(CANARY), file).toBe(false);
    }
    expect(goAgeDecrypt(f.adminKeyFile, f.t.file("secrets/mail/dkim.age")).out).toBe(CANARY);
  });

  it("rekey --all --jobs 2 encrypts in worker threads", async () => {
    const env = { NIXSEC_IDENTITY: f.adminKeyFile };
    const r = await f.nixsec(["rekey", "--all", "--jobs", "2"], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/re-encrypted 8 files \(2 threads\)/);
    for (const n of ["mail/relay", "backup/key"]) expect(goAgeDecrypt(f.hosts.h3!.priv, f.t.file(`secrets/${n}.age`)).ok).toBe(true);
    expect((await f.nixsec(["rekey"], { env })).stderr).toMatch(/nothing to rekey/);
  });
});
