// Issue 12's defects, each from its repro, run against the built binary:
// symlinks in the store, lost concurrent updates, an amplifying manifest, a
// planted manifest cache, adoption of a hand-written store, and the `edit`
// buffer under signals. Each failed before its fix.
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statfsSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AgeError, decryptBytes, parseIdentityFile } from "../../src/crypto/index.js";
import { nixsecBin, scrubbedEnv } from "../helpers/cli.js";
import { tempRepo, type TempRepo } from "../helpers/repo.js";
import { needTool } from "../helpers/tools.js";

const run = needTool("git") && needTool("ssh-keygen");

async function adminIds(t: TempRepo) {
  return parseIdentityFile(readFileSync(path.join(t.home, ".config/nixsec/keys/repo-alice.key")), "admin");
}

async function readableBy(file: string, priv: string): Promise<boolean> {
  const ids = await parseIdentityFile(readFileSync(priv), priv);
  try {
    await decryptBytes(readFileSync(file), ids);
    return true;
  } catch (err) {
    if (err instanceof AgeError && err.kind === "no-match") return false;
    throw err;
  }
}

describe.runIf(run)("1. symlinks in the store are refused, never followed", () => {
  let t: TempRepo;
  let evil: { priv: string; pub: string };
  let rootPassword: Buffer;
  beforeEach(async () => {
    t = tempRepo();
    evil = t.sshKey("evilhost");
    expect((await t.nixsec(["init"])).code).toBe(0);
    expect((await t.nixsec(["host", "add", "evilhost", "--key-file", evil.pub])).code).toBe(0);
    expect((await t.nixsec(["add", "users/root/password", "--stdin"], { input: "hunter2-root" })).code).toBe(0);
    rootPassword = readFileSync(t.file("secrets/users/root/password.age"));
  });
  afterEach(() => t.cleanup());

  async function expectRefusedLink(args: string[], link: RegExp, input = ""): Promise<void> {
    const r = await t.nixsec(args, { input });
    expect(r.stderr).toMatch(link);
    expect(r.stderr).toMatch(/link/);
    expect(r.code).toBe(2);
    expect(readFileSync(t.file("secrets/users/root/password.age"))).toEqual(rootPassword);
    expect(await readableBy(t.file("secrets/users/root/password.age"), evil.priv)).toBe(false);
  }

  it("secrets/x.age -> users/root/password.age with x readable by evilhost: rekey refuses", async () => {
    expect((await t.nixsec(["add", "x", "--host", "evilhost", "--stdin"], { input: "x" })).code).toBe(0);
    rmSync(t.file("secrets/x.age"));
    symlinkSync("users/root/password.age", t.file("secrets/x.age"));
    await expectRefusedLink(["rekey"], /secrets\/x\.age/);
  });

  it("a symlinked directory under secrets/", async () => {
    expect((await t.nixsec(["add", "svc/password", "--host", "evilhost", "--stdin"], { input: "x" })).code).toBe(0);
    rmSync(t.file("secrets/svc"), { recursive: true });
    symlinkSync("users/root", t.file("secrets/svc"));
    await expectRefusedLink(["rekey"], /secrets\/svc/);
  });

  it("a link out of the tree: the file outside is never rewritten", async () => {
    expect((await t.nixsec(["add", "out", "--host", "evilhost", "--stdin"], { input: "x" })).code).toBe(0);
    const outside = path.join(t.root, "outside.age");
    writeFileSync(outside, rootPassword);
    rmSync(t.file("secrets/out.age"));
    symlinkSync(outside, t.file("secrets/out.age"));
    await expectRefusedLink(["rekey"], /secrets\/out\.age/);
    expect(readFileSync(outside)).toEqual(rootPassword);
  });

  it("a symlinked nixsec/data.nix: gen does not write through it", async () => {
    expect((await t.nixsec(["gen"])).code).toBe(0);
    const outside = path.join(t.root, "outside-data.nix");
    writeFileSync(outside, "precious\n");
    rmSync(t.file("nixsec/data.nix"));
    symlinkSync(outside, t.file("nixsec/data.nix"));
    await expectRefusedLink(["gen"], /nixsec\/data\.nix/);
    expect(readFileSync(outside, "utf8")).toBe("precious\n");
  });

  it("a symlinked secrets/nixsec.lock: add does not write through it", async () => {
    const outside = path.join(t.root, "outside.lock");
    writeFileSync(outside, "precious\n");
    rmSync(t.file("secrets/nixsec.lock"));
    symlinkSync(outside, t.file("secrets/nixsec.lock"));
    await expectRefusedLink(["add", "y", "--stdin"], /secrets\/nixsec\.lock/, "y");
    expect(readFileSync(outside, "utf8")).toBe("precious\n");
  });
});

describe.runIf(run)("2. concurrent writers do not lose updates", () => {
  let t: TempRepo;
  beforeEach(async () => {
    t = tempRepo();
    expect((await t.nixsec(["init"])).code).toBe(0);
  });
  afterEach(() => t.cleanup());

  it("ten `nixsec add` at once: each is in the manifest with its value, or was refused naming the holder", async () => {
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => t.nixsec(["add", `c/s${i}`, "--stdin"], { input: `value-${i}`, env: { NIXSEC_LOCK_WAIT: "120" } })));
    const manifest = t.read("nixsec.yaml");
    const admin = await adminIds(t);
    for (const [i, r] of results.entries()) {
      if (r.code === 0) {
        expect(manifest).toContain(`c/s${i}:`);
        expect(Buffer.from(await decryptBytes(readFileSync(t.file(`secrets/c/s${i}.age`)), admin)).toString()).toBe(`value-${i}`);
        expect(t.read("secrets/nixsec.lock")).toContain(`"secret":"c/s${i}"`);
      } else {
        expect(r.stderr).toMatch(/locked by .*pid \d+/);
        expect(manifest).not.toContain(`c/s${i}:`);
      }
    }
    expect(results.filter((r) => r.code === 0).length).toBeGreaterThan(0);
  }, 180_000);
});

describe.runIf(run)("3. an amplifying manifest is refused quickly", () => {
  let t: TempRepo;
  beforeEach(() => {
    t = tempRepo();
  });
  afterEach(() => t.cleanup());

  it("4 MB with `base: &b {…}` and 2000 × `*b`", async () => {
    // Valid to the schema, so the lean reader took it and every consumer (the
    // cache, the generator) expanded 2000 copies of a 4 MB map.
    const secrets = Array.from({ length: 2000 }, (_, i) => `  s${i}: *b`).join("\n");
    const hosts = `hosts:\n  h:\n    key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO+xERPbV0N3g2HEoLyhbufu4PHuu/+4W8TSm2dulpD3 h"\n`;
    const text = `version: 1\nadmins:\n  a:\n    key: age1v0vprzzns83u47cd0hdjpemfd6zaxgxgter0vqfqfjepvh6egpwq4m02mx\n${hosts}secrets:\n  base: &b\n    hosts: [h]\n    description: "${"x".repeat(3_900_000)}"\n${secrets}\n`;
    expect(text.length).toBeGreaterThan(3_800_000);
    writeFileSync(t.file("nixsec.yaml"), text);
    // A small heap: before the fix `list` ran out of it (and `gen` took 45 s and 2 GB).
    const r = await t.nixsec(["list"], { env: { NODE_OPTIONS: "--max-old-space-size=384" } });
    expect(r.stderr).toMatch(/nixsec\.yaml: .*(expands|aliases)/);
    expect(r.code).toBe(2);
  }, 60_000);
});

describe.runIf(run)("4. the manifest cache is not trusted blindly", () => {
  let t: TempRepo;
  beforeEach(async () => {
    t = tempRepo();
    expect((await t.nixsec(["init"])).code).toBe(0);
    expect((await t.nixsec(["add", "svc/token", "--stdin"], { input: "v" })).code).toBe(0);
  });
  afterEach(() => t.cleanup());

  function plant(dirMode: number): void {
    const dir = path.join(t.home, ".cache/nixsec/manifests");
    for (const f of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
      const entry = JSON.parse(readFileSync(path.join(dir, f), "utf8"));
      entry.data.secrets["../../../x"] = entry.data.secrets["svc/token"];
      writeFileSync(path.join(dir, f), JSON.stringify(entry));
      chmodSync(path.join(dir, f), dirMode & 0o666);
    }
    chmodSync(dir, dirMode);
  }

  it("an entry planted in a world-writable cache directory is not used", async () => {
    expect((await t.nixsec(["list", "--json"])).code).toBe(0); // cached now
    plant(0o777);
    const r = await t.nixsec(["list", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.toString()).map((s: { name: string }) => s.name)).toEqual(["svc/token"]);
  });

  it("names from a cache entry are validated as strictly as from the file", async () => {
    expect((await t.nixsec(["list", "--json"])).code).toBe(0);
    plant(0o700);
    const r = await t.nixsec(["list", "--json"]);
    expect(JSON.parse(r.stdout.toString()).map((s: { name: string }) => s.name)).toEqual(["svc/token"]);
    const rot = await t.nixsec(["rotate", "../../../x", "--stdin"], { input: "new" });
    expect(rot.code).toBe(2);
    expect(rot.stderr).toMatch(/no secret named|NAME/);
  });
});

describe.runIf(run)("6. adoption never loses a hand-written store", () => {
  let t: TempRepo;
  beforeEach(() => {
    t = tempRepo();
  });
  afterEach(() => t.cleanup());

  it("init refuses a secrets/ holding files it did not create", async () => {
    mkdirSync(t.file("secrets"));
    writeFileSync(t.file("secrets/secrets.nix"), `let alice = "age1…"; in { "a.age".publicKeys = [ alice ]; }\n`);
    writeFileSync(t.file("secrets/a.age"), "age-encryption.org/v1\n");
    const r = await t.nixsec(["init"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/secrets.* already holds/);
    expect(r.stderr).toMatch(/hint:/);
    expect(existsSync(t.file("nixsec.yaml"))).toBe(false);
  });

  it("gen never overwrites a secrets.nix it did not generate", async () => {
    expect((await t.nixsec(["init"])).code).toBe(0);
    const hand = `# hand-written agenix rules\n{ "a.age".publicKeys = [ "age1…" ]; }\n`;
    writeFileSync(t.file("secrets/secrets.nix"), hand);
    const r = await t.nixsec(["gen"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/secrets\/secrets\.nix.*not generated by nixsec/);
    expect(t.read("secrets/secrets.nix")).toBe(hand);
    expect(existsSync(t.file("nixsec/data.nix"))).toBe(false); // all or none
  });

  it("init below an existing nixsec repository refuses and names its nixsec.yaml", async () => {
    expect((await t.nixsec(["init"])).code).toBe(0);
    mkdirSync(t.file("hosts"));
    const r = await t.nixsec(["init", "--dir", "hosts"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(t.file("nixsec.yaml"));
    expect(existsSync(t.file("hosts/nixsec.yaml"))).toBe(false);
  });
});

describe.runIf(run)("7. the edit buffer under signals and links", () => {
  let t: TempRepo;
  beforeEach(async () => {
    t = tempRepo();
    expect((await t.nixsec(["init"])).code).toBe(0);
    expect((await t.nixsec(["add", "svc/secret", "--stdin"], { input: "plain-value" })).code).toBe(0);
  });
  afterEach(() => t.cleanup());

  /** Starts `nixsec edit` with an editor that records the buffer's path and its own pid, then waits. */
  function startEdit(extraEnv: Record<string, string> = {}) {
    const mark = path.join(t.root, "editor.mark");
    const editor = path.join(t.root, "slow-editor.sh");
    writeFileSync(editor, `#!/bin/sh\nprintf '%s\\n%s\\n' "$1" "$$" > ${mark}.tmp && mv ${mark}.tmp ${mark}\nexec sleep 30\n`, { mode: 0o755 });
    const child = spawn(process.execPath, [nixsecBin, "edit", "svc/secret"], { cwd: t.repo, env: scrubbedEnv({ ...t.env, EDITOR: editor, ...extraEnv }), stdio: ["ignore", "ignore", "pipe"] });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const waitMark = async (): Promise<{ buffer: string; editorPid: number }> => {
      for (let i = 0; i < 200 && !existsSync(mark); i++) await new Promise((r) => setTimeout(r, 50));
      const [buffer, pid] = readFileSync(mark, "utf8").trim().split("\n");
      return { buffer: buffer!, editorPid: Number(pid) };
    };
    return { child, exited, waitMark };
  }

  for (const signal of ["SIGTERM", "SIGHUP", "SIGINT"] as const) {
    it(`${signal} while the editor runs: buffer removed, exit 130`, async () => {
      const { child, exited, waitMark } = startEdit();
      const { buffer, editorPid } = await waitMark();
      expect(existsSync(buffer)).toBe(true);
      child.kill(signal);
      const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r("still running"), 5000))]);
      try {
        process.kill(editorPid, "SIGKILL");
      } catch { /* gone */ }
      if (code === "still running") child.kill("SIGKILL");
      expect(code).toBe(130);
      expect(existsSync(buffer)).toBe(false);
      expect(existsSync(path.dirname(buffer))).toBe(false);
    }, 20_000);
  }

  it("a link under /dev/shm to a disk directory does not put the buffer on disk", async () => {
    const disk = path.join(t.root, "on-disk");
    mkdirSync(disk);
    const link = `/dev/shm/nixsec-test-link-${process.pid}-${Date.now()}`;
    symlinkSync(disk, link);
    try {
      const { child, exited, waitMark } = startEdit({ NIXSEC_EDIT_DIR: link });
      const first = await Promise.race([waitMark(), exited.then(() => null)]);
      if (first) {
        expect(statfsSync(path.dirname(first.buffer)).type).toBe(0x01021994); // tmpfs
        expect(readdirSync(disk)).toEqual([]);
        process.kill(first.editorPid, "SIGKILL"); // nixsec sees the editor fail and cleans up
      }
      await exited;
    } finally {
      rmSync(link, { force: true });
    }
  }, 20_000);
});
