// Concurrent nixsec runs on one repository (issue 12): every write survives,
// or is refused with an error naming the lock's holder; none is lost. Readers
// never wait; a holder killed with SIGKILL does not block the next writer.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AgeError, decryptBytes, encryptBytes, parseIdentityFile, parseRecipient, type LoadedIdentity } from "../../src/crypto/index.js";
import { parseManifest } from "../../src/manifest/index.js";
import { nixsecBin, scrubbedEnv } from "../helpers/cli.js";
import { tempRepo, type TempRepo } from "../helpers/repo.js";
import { needTool } from "../helpers/tools.js";

const run = needTool("git") && needTool("ssh-keygen");
const LOCK = (t: TempRepo) => t.file(".git/nixsec-write.lock");

async function adminIds(t: TempRepo): Promise<LoadedIdentity[]> {
  return parseIdentityFile(readFileSync(path.join(t.home, ".config/nixsec/keys/repo-alice.key")), "admin");
}

async function valueOf(file: string, ids: LoadedIdentity[]): Promise<string | null> {
  try {
    return Buffer.from(await decryptBytes(readFileSync(file), ids)).toString();
  } catch (err) {
    if (err instanceof AgeError) return null;
    throw err;
  }
}

/** Starts nixsec without waiting for it. */
function start(t: TempRepo, args: string[], opts: { input?: string; env?: Record<string, string>; keepStdinOpen?: boolean } = {}) {
  const child: ChildProcess = spawn(process.execPath, [nixsecBin, ...args], { cwd: t.repo, env: scrubbedEnv({ ...t.env, ...(opts.env ?? {}) }), stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  child.stdout!.resume();
  if (opts.input !== undefined) child.stdin!.write(opts.input);
  if (!opts.keepStdinOpen) child.stdin!.end();
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on("close", (code) => resolve({ code, stderr })));
  return { child, done };
}

async function until(cond: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not reached");
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A store of `n` secrets readable by host h1, written directly (as another tool or an old nixsec would): the first `rekey` re-encrypts all of them. */
async function bigStore(t: TempRepo, n: number, hostPub: string): Promise<void> {
  const adminKey = /^# public key: (age1\S+)$/m.exec(readFileSync(path.join(t.home, ".config/nixsec/keys/repo-alice.key"), "utf8"))![1]!;
  const names = Array.from({ length: n }, (_, i) => `bulk/s${String(i).padStart(4, "0")}`);
  const text = t.read("nixsec.yaml").replace(/^secrets:.*$/m, `secrets:\n${names.map((s) => `  ${s}:\n    hosts: [h1]`).join("\n")}`);
  parseManifest(text, "nixsec.yaml");
  writeFileSync(t.file("nixsec.yaml"), text);
  const recipients = [parseRecipient(adminKey), parseRecipient(readFileSync(hostPub, "utf8").trim())];
  const { mkdirSync } = await import("node:fs");
  mkdirSync(t.file("secrets/bulk"), { recursive: true });
  for (const s of names) writeFileSync(t.file(`secrets/${s}.age`), await encryptBytes(new TextEncoder().encode(`value-of-${s}`), recipients));
}

describe.runIf(run)("concurrent writers", () => {
  let t: TempRepo;
  beforeEach(async () => {
    t = tempRepo();
    expect((await t.nixsec(["init"])).code).toBe(0);
  });
  afterEach(() => t.cleanup());

  for (const [what, wait] of [["waiting their turn", "300"], ["not waiting (NIXSEC_LOCK_WAIT=0)", "0"]] as const) {
    it(`20 parallel adds, ${what}: each is complete (manifest, file, lock) or refused naming the holder`, async () => {
      const runs = Array.from({ length: 20 }, (_, i) => start(t, ["add", `par/s${i}`, "--stdin"], { input: `v${i}`, env: { NIXSEC_LOCK_WAIT: wait } }));
      const results = await Promise.all(runs.map((r) => r.done));
      const ids = await adminIds(t);
      const manifest = parseManifest(t.read("nixsec.yaml"), "nixsec.yaml").data.secrets;
      const lock = t.read("secrets/nixsec.lock");
      for (const [i, r] of results.entries()) {
        const name = `par/s${i}`;
        if (r.code === 0) {
          expect(Object.hasOwn(manifest, name), `${name} said added`).toBe(true);
          expect(await valueOf(t.file(`secrets/${name}.age`), ids)).toBe(`v${i}`);
          expect(lock).toContain(`"secret":"${name}"`);
        } else {
          expect(r.code, r.stderr).toBe(2);
          expect(r.stderr).toMatch(/the repository is locked by pid \d+ \(`nixsec add par\/s\d+`\), since /);
          expect(Object.hasOwn(manifest, name)).toBe(false);
          expect(existsSync(t.file(`secrets/${name}.age`))).toBe(false);
        }
      }
      if (wait !== "0") expect(results.every((r) => r.code === 0)).toBe(true);
      expect(results.some((r) => r.code === 0)).toBe(true);
      expect(existsSync(LOCK(t))).toBe(false);
    }, 300_000);
  }

  it("a rotate racing a 300-secret rekey waits for it, and its new value stays", async () => {
    const h1 = t.sshKey("h1");
    expect((await t.nixsec(["host", "add", "h1", "--key-file", h1.pub])).code).toBe(0);
    await bigStore(t, 300, h1.pub);
    const rekey = start(t, ["rekey", "--jobs", "1"]);
    await until(() => existsSync(LOCK(t)));
    expect(readFileSync(LOCK(t), "utf8")).toContain('"command":"rekey"');
    const refused = await start(t, ["rotate", "bulk/s0150", "--stdin"], { input: "new", env: { NIXSEC_LOCK_WAIT: "0" } }).done;
    const rotate = start(t, ["rotate", "bulk/s0150", "--stdin"], { input: "rotated-value", env: { NIXSEC_LOCK_WAIT: "300" } });
    const [rk, rt] = await Promise.all([rekey.done, rotate.done]);
    expect(rk.code, rk.stderr).toBe(0);
    expect(rk.stderr).toMatch(/re-encrypted 300 files/);
    expect(rt.code, rt.stderr).toBe(0);
    if (refused.code !== 0) expect(refused.stderr).toMatch(/locked by pid \d+ \(`nixsec rekey`\)/);
    const ids = await adminIds(t);
    // The waiting rotate ran after the rekey (and after the first rotate, whatever became of it).
    expect(await valueOf(t.file("secrets/bulk/s0150.age"), ids)).toBe("rotated-value");
    expect(await valueOf(t.file("secrets/bulk/s0150.age"), await parseIdentityFile(readFileSync(h1.priv), "h1"))).toBe("rotated-value");
    // Nothing left to do, and the lock records the rotation.
    const plan = JSON.parse((await t.nixsec(["rekey", "--dry-run", "--json"])).stdout.toString());
    expect(plan.rekey).toEqual([]);
    expect(t.read("secrets/nixsec.lock")).toMatch(/"secret":"bulk\/s0150","sha256":"[0-9a-f]{64}","valueChanged":/);
  }, 300_000);

  it("host set-key racing add: the new secret ends up readable by the new key only", async () => {
    const h1 = t.sshKey("h1");
    const h1new = t.sshKey("h1new");
    expect((await t.nixsec(["host", "add", "h1", "--key-file", h1.pub])).code).toBe(0);
    await bigStore(t, 100, h1.pub);
    expect((await t.nixsec(["rekey"])).code).toBe(0);
    const setKey = start(t, ["host", "set-key", "h1", "--key-file", h1new.pub], { env: { NIXSEC_LOCK_WAIT: "300" } });
    const add = start(t, ["add", "race/x", "--host", "h1", "--stdin"], { input: "raced", env: { NIXSEC_LOCK_WAIT: "300" } });
    const [sk, ad] = await Promise.all([setKey.done, add.done]);
    expect(sk.code, sk.stderr).toBe(0);
    expect(ad.code, ad.stderr).toBe(0);
    const m = parseManifest(t.read("nixsec.yaml"), "nixsec.yaml").data;
    expect(m.hosts.h1!.key).toBe(readFileSync(h1new.pub, "utf8").trim());
    expect(m.secrets["race/x"]!.hosts).toEqual(["h1"]);
    const newIds = await parseIdentityFile(readFileSync(h1new.priv), "h1new");
    const oldIds = await parseIdentityFile(readFileSync(h1.priv), "h1");
    expect(await valueOf(t.file("secrets/race/x.age"), newIds)).toBe("raced");
    expect(await valueOf(t.file("secrets/race/x.age"), oldIds)).toBe(null);
    expect(await valueOf(t.file("secrets/bulk/s0042.age"), newIds)).toBe("value-of-bulk/s0042");
    expect(await valueOf(t.file("secrets/bulk/s0042.age"), oldIds)).toBe(null);
    expect(JSON.parse((await t.nixsec(["rekey", "--dry-run", "--json"])).stdout.toString()).rekey).toEqual([]);
  }, 300_000);
});

describe.runIf(run)("the lock's holder", () => {
  let t: TempRepo;
  beforeEach(async () => {
    t = tempRepo();
    expect((await t.nixsec(["init"])).code).toBe(0);
    expect((await t.nixsec(["add", "a/b", "--stdin"], { input: "v" })).code).toBe(0);
  });
  afterEach(() => t.cleanup());

  it("readers never wait for it; a holder killed with SIGKILL does not block the next writer", async () => {
    // `add --stdin` holds the lock while it reads its value: keep stdin open.
    const holder = start(t, ["add", "held/x", "--stdin"], { keepStdinOpen: true, input: "partial" });
    await until(() => existsSync(LOCK(t)));
    for (const args of [["list"], ["show", "a/b"], ["status"], ["rekey", "--dry-run"], ["gen", "--check"], ["wire", "a/b", "--list"]]) {
      const r = await t.nixsec(args, { env: { NIXSEC_LOCK_WAIT: "0" } });
      expect([0, 1], `${args.join(" ")}: ${r.stderr}`).toContain(r.code);
      expect(r.stderr).not.toMatch(/locked/);
    }
    const blocked = await t.nixsec(["add", "c/d", "--stdin"], { input: "w", env: { NIXSEC_LOCK_WAIT: "0" } });
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toMatch(/locked by pid \d+ \(`nixsec add held\/x`\), since .* s ago\)/);
    expect(blocked.stderr).toContain(LOCK(t));
    holder.child.kill("SIGKILL");
    await holder.done;
    expect(existsSync(LOCK(t))).toBe(true); // left behind by the SIGKILL
    const next = await t.nixsec(["add", "c/d", "--stdin"], { input: "w", env: { NIXSEC_LOCK_WAIT: "0" } });
    expect(next.code, next.stderr).toBe(0);
    expect(t.read("nixsec.yaml")).not.toContain("held/x");
  }, 120_000);

  it("edit holds no lock while the editor is open, and does not write over a change made meanwhile", async () => {
    const editor = path.join(t.root, "racing-editor.sh");
    // While the editor is open, another nixsec replaces the value.
    writeFileSync(editor, `#!/bin/sh\nprintf other | NIXSEC_LOCK_WAIT=0 ${process.execPath} ${nixsecBin} add a/b --force --stdin || exit 9\nprintf edited > "$1"\n`, { mode: 0o755 });
    const r = await t.nixsec(["edit", "a/b"], { env: { EDITOR: editor } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/a\/b was changed or removed by another nixsec while you edited it; your edit was not written/);
    expect(await valueOf(t.file("secrets/a/b.age"), await adminIds(t))).toBe("other");
  }, 60_000);

  it("Ctrl-C (SIGINT) releases it", async () => {
    const holder = start(t, ["add", "held/x", "--stdin"], { keepStdinOpen: true });
    await until(() => existsSync(LOCK(t)));
    holder.child.kill("SIGINT");
    expect((await holder.done).code).toBe(130);
    expect(existsSync(LOCK(t))).toBe(false);
  }, 60_000);
});
