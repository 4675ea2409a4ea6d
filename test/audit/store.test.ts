// The managed-store checks end to end: a store built with the real CLI
// (init, host add, add, gen) in a temp git repository with a scrubbed HOME,
// then broken one way at a time. Each test starts from the committed store.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { tempRepo, type TempRepo } from "../helpers/repo.js";
import { needTool } from "../helpers/tools.js";

const VALUES = ["Db-Pass-9988-Quartz", "Api-Token-4471-Heron"];

describe.runIf(needTool("git") && needTool("ssh-keygen"))("managed-store checks (binary)", () => {
  let t: TempRepo;
  let adminKey: string;
  const git = (...args: string[]): string => execFileSync("git", args, { cwd: t.repo, env: { ...process.env, ...t.env } }).toString();
  const write = (rel: string, text: string | Buffer): void => {
    mkdirSync(path.dirname(t.file(rel)), { recursive: true });
    writeFileSync(t.file(rel), text);
  };
  const audit = async (args: string[] = []) => {
    const r = await t.nixsec(["audit", "--format", "json", ...args]);
    for (const v of VALUES) expect(r.stdout.toString() + r.stderr).not.toContain(v);
    const doc = JSON.parse(r.stdout.toString());
    return {
      code: r.code, err: r.stderr,
      findings: doc.findings as { ruleId: string; severity: string; file: string; line: number; message: string; hint: string }[],
      notes: (doc.notes as { file: string; message: string }[]).map((n) => `${n.file}: ${n.message}`),
    };
  };
  const ids = (fs: { ruleId: string; file: string }[]): string[] => fs.map((f) => `${f.ruleId} ${f.file}`);

  beforeAll(async () => {
    t = tempRepo("nixsec-audit-store-");
    const host = t.sshKey("hannibal");
    const ok = async (args: string[], input?: string) => {
      const r = await t.nixsec(args, input === undefined ? {} : { input });
      expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
    };
    await ok(["init"]);
    await ok(["host", "add", "hannibal", "--key-file", host.pub]);
    await ok(["add", "db/password", "--host", "hannibal", "--stdin"], `${VALUES[0]}\n`);
    await ok(["add", "api/token", "--host", "hannibal", "--stdin"], VALUES[1]);
    await ok(["wire", "api/token", "--option", "services.app.tokenFile"]);
    await ok(["gen"]);
    write("hosts/hannibal.nix", "{ config, ... }: { imports = [ ../nixsec ]; }\n");
    git("add", "-A");
    git("commit", "-q", "-m", "store");
    adminKey = path.join(t.home, ".config/nixsec/keys/repo-alice.key");
  });
  afterAll(() => t.cleanup());
  afterEach(() => {
    git("reset", "-q", "--hard");
    git("clean", "-q", "-fd");
    chmodSync(adminKey, 0o600);
  });

  it("is clean as the CLI leaves it, and says the store was checked", async () => {
    const r = await audit();
    expect(r.findings).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/no findings \(scanned \d+ files and the managed store in/);
  });

  it("reports plaintext in the secrets directory, including under an encrypted name", async () => {
    write("secrets/db/backup-password", "Db-Pass-9988-Quartz\n");
    write("secrets/api/old-token.age", "Api-Token-4471-Heron\n");
    const r = await audit();
    expect(r.code).toBe(1);
    expect(ids(r.findings)).toEqual(["fake-encrypted-file secrets/api/old-token.age", "secrets-dir-plaintext secrets/db/backup-password"]);
  });

  it("reports ciphertext the manifest does not know", async () => {
    copyFileSync(t.file("secrets/db/password.age"), t.file("secrets/db/password-old.age"));
    const r = await audit();
    expect(r.code).toBe(1);
    expect(r.findings).toMatchObject([{ ruleId: "unknown-secret-file", severity: "medium", file: "secrets/db/password-old.age", line: 1 }]);
    expect(r.findings[0]!.message).toMatch(/secrets\/db\/password-old\.age \(age\) is not a secret in nixsec\.yaml/);
  });

  it("reports a manifest secret without a file, at its line in nixsec.yaml", async () => {
    rmSync(t.file("secrets/api/token.age"));
    const r = await audit();
    expect(r.code).toBe(1);
    const line = readFileSync(t.file("nixsec.yaml"), "utf8").split("\n").findIndex((l) => /^ {2}api\/token:/.test(l)) + 1;
    expect(r.findings).toMatchObject([{ ruleId: "missing-secret-file", file: "nixsec.yaml", line }]);
    expect(r.findings[0]!.hint).toMatch(/nixsec add api\/token --force/);
    expect(r.notes).toContain("nixsec.yaml: generated Nix not checked: a secret has no file (see missing-secret-file)");
  });

  it("reports stale generated Nix: edited by hand, missing, or behind the manifest", async () => {
    write("nixsec/data.nix", readFileSync(t.file("nixsec/data.nix"), "utf8").replace("tokenFile", "tokenFil"));
    let r = await audit();
    expect(ids(r.findings)).toEqual(["stale-generated-nix nixsec/data.nix"]);
    rmSync(t.file("secrets/secrets.nix"));
    r = await audit();
    expect(ids(r.findings)).toEqual(["stale-generated-nix nixsec/data.nix", "stale-generated-nix secrets/secrets.nix"]);
    expect(r.findings[1]!.message).toMatch(/secrets\/secrets\.nix is missing/);
    git("checkout", "--", ".");
    expect((await t.nixsec(["wire", "db/password", "--option", "services.db.passwordFile"])).code).toBe(0);
    r = await audit();
    expect(ids(r.findings)).toEqual(["stale-generated-nix nixsec/data.nix"]);
    expect((await t.nixsec(["gen"])).code).toBe(0);
    expect((await audit()).code).toBe(0);
  });

  it("reports the recorded admin identity when others can read it", async () => {
    chmodSync(adminKey, 0o644);
    const r = await audit();
    expect(r.code).toBe(1);
    expect(r.findings).toMatchObject([{ ruleId: "identity-file-readable", severity: "high", file: adminKey }]);
    expect(r.findings[0]!.message).toMatch(/mode 0644: every user can read it/);
    chmodSync(adminKey, 0o640);
    expect((await audit()).findings[0]!.message).toMatch(/mode 0640: its group can read it/);
  });

  it("reports an identity file tracked by git; untracked it is a plain age-secret-key finding", async () => {
    write("keys/admin.key", readFileSync(adminKey));
    let r = await audit();
    expect(ids(r.findings)).toEqual(["age-secret-key keys/admin.key"]);
    git("add", "keys/admin.key");
    r = await audit();
    expect(ids(r.findings)).toEqual(["tracked-identity-file keys/admin.key"]);
    expect(r.findings[0]!.message).toBe("identity file tracked by git: an age identity");
    // an allow-list entry covers it, as any other finding
    write(".nixsec-audit.yaml", "allow:\n  - path: keys/\n    reason: test keys\n");
    expect((await audit()).code).toBe(0);
  });

  it("with --staged, checks the store as staged, and only when the commit touches it", async () => {
    // a plaintext secret and a deleted ciphertext on disk only: the commit is clean
    write("secrets/db/backup-password", "Db-Pass-9988-Quartz\n");
    rmSync(t.file("secrets/api/token.age"));
    write("hosts/hannibal.nix", "{ config, ... }: { imports = [ ../nixsec ]; networking.hostName = \"hannibal\"; }\n");
    git("add", "hosts/hannibal.nix");
    let r = await audit(["--staged"]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/scanned 1 staged file in/); // the store was not loaded
    // staging a manifest change checks the staged store: still complete, but data.nix is behind
    expect((await t.nixsec(["wire", "db/password", "--option", "services.db.passwordFile"])).code).toBe(0);
    git("add", "nixsec.yaml");
    r = await audit(["--staged"]);
    expect(r.err).toMatch(/scanned 2 staged files and the managed store/);
    expect(ids(r.findings)).toEqual(["stale-generated-nix nixsec/data.nix"]);
    // staging the plaintext and the deletion brings them in
    git("add", "-A", "secrets");
    r = await audit(["--staged"]);
    expect(ids(r.findings)).toEqual(["missing-secret-file nixsec.yaml", "secrets-dir-plaintext secrets/db/backup-password"]);
  });

  it("uses the manifest's secretsDir for the plaintext rules", async () => {
    const u = tempRepo("nixsec-audit-vault-");
    try {
      expect((await u.nixsec(["init", "--secrets-dir", "vault"])).code).toBe(0);
      expect((await u.nixsec(["gen"])).code).toBe(0);
      writeFileSync(path.join(u.repo, "vault", "grafana-admin"), "Grafana-Admin-Pw-9\n");
      const r = await u.nixsec(["audit", "--format", "json"]);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout.toString()).findings.map((f: { ruleId: string; file: string }) => `${f.ruleId} ${f.file}`)).toEqual(["secrets-dir-plaintext vault/grafana-admin"]);
    } finally {
      u.cleanup();
    }
  });

  // issue 12, item 1: a link in the store lets a commit redirect a rekey; each one is named
  it("names symbolic links, hard links and FIFOs in the secrets and generated directories", async () => {
    symlinkSync("password.age", t.file("secrets/db/x.age"));
    symlinkSync("/etc", t.file("secrets/outside"));
    linkSync(t.file("nixsec/data.nix"), t.file("nixsec/data-copy.nix"));
    execFileSync("mkfifo", [t.file("secrets/api/pipe.age")]);
    const r = await audit();
    expect(r.code).toBe(1);
    const special = r.findings.filter((f) => f.ruleId === "store-special-file");
    expect(special.map((f) => `${f.file}: ${f.message}`)).toEqual([
      "nixsec/data-copy.nix: link or special file in the managed store: nixsec/data-copy.nix is a hard link (2 names for one file)",
      "nixsec/data.nix: link or special file in the managed store: nixsec/data.nix is a hard link (2 names for one file)",
      "secrets/api/pipe.age: link or special file in the managed store: secrets/api/pipe.age is a FIFO",
      "secrets/db/x.age: link or special file in the managed store: secrets/db/x.age is a symbolic link to password.age",
      "secrets/outside: link or special file in the managed store: secrets/outside is a symbolic link to /etc",
    ]);
    expect(special.every((f) => f.severity === "high" && /nixsec add NAME --force --stdin/.test(f.hint))).toBe(true);
    rmSync(t.file("nixsec/data-copy.nix"));
    rmSync(t.file("secrets/api/pipe.age"));
  });

  it("names a symlinked secrets directory and a symlinked manifest, even when the store does not load through them", async () => {
    renameSync(t.file("secrets"), t.file("elsewhere"));
    symlinkSync("elsewhere", t.file("secrets"));
    renameSync(t.file("nixsec.yaml"), t.file("elsewhere/manifest.yaml"));
    symlinkSync("elsewhere/manifest.yaml", t.file("nixsec.yaml"));
    const r = await audit();
    expect(r.code).toBe(1);
    expect(r.findings.filter((f) => f.ruleId === "store-special-file").map((f) => f.file)).toEqual(["nixsec.yaml", "secrets"]);
    rmSync(t.file("secrets"));
    rmSync(t.file("nixsec.yaml"));
    renameSync(t.file("elsewhere/manifest.yaml"), t.file("nixsec.yaml"));
    renameSync(t.file("elsewhere"), t.file("secrets"));
  });

  it("with --staged, a commit that only adds a link into the secrets directory is checked and refused", async () => {
    symlinkSync("../db/password.age", t.file("secrets/api/x.age"));
    git("add", "secrets/api/x.age");
    const r = await audit(["--staged"]);
    expect(r.code).toBe(1);
    expect(ids(r.findings)).toContain("store-special-file secrets/api/x.age");
  });

  it("skips the store checks with a warning when nixsec.yaml does not load", async () => {
    write("nixsec.yaml", "version: 1\nadmins: {}\nbogus: true\n");
    const r = await t.nixsec(["audit"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/nixsec: warning: nixsec\.yaml: managed-store checks skipped: /);
  });
});
