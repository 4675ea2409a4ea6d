// Crash safety and secrecy of values:
// - SIGKILL during `add` and during manifest updates leaves the old state or
//   the new one, never a torn manifest or .age file;
// - a canary value given to add, edit and show appears in no argv,
//   environment, log line, error message or leftover file.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AgeError, decryptBytes, inspectAge, parseIdentityFile } from "../../src/crypto/index.js";
import { parseManifest } from "../../src/manifest/index.js";
import { nixsecBin, scrubbedEnv } from "../helpers/cli.js";
import { tempRepo, type TempRepo } from "../helpers/repo.js";
import { needTool } from "../helpers/tools.js";

const run = needTool("git") && needTool("ssh-keygen");

function walk(dir: string, skip: (p: string) => boolean = () => false): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (skip(p)) continue;
    if (e.isDirectory()) out.push(...walk(p, skip));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

describe.runIf(run)("crash safety", () => {
  let t: TempRepo;
  beforeAll(async () => {
    t = tempRepo();
    await t.nixsec(["init"]);
    await t.nixsec(["host", "add", "h1", "--key-file", t.sshKey("h1").pub]);
    for (let i = 0; i < 5; i++) await t.nixsec(["add", `seed/s${i}`, "--host", "h1", "--stdin"], { input: `seed-${i}` });
  });
  afterAll(() => t.cleanup());

  async function killAfter(args: string[], ms: number, input: string): Promise<void> {
    const child = spawn(process.execPath, [nixsecBin, ...args], { cwd: t.repo, env: scrubbedEnv(t.env), stdio: ["pipe", "ignore", "ignore"] });
    child.stdin.end(input);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill("SIGKILL"), ms);
      child.on("exit", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  async function checkConsistent(admin: Awaited<ReturnType<typeof parseIdentityFile>>): Promise<void> {
    // The manifest parses and validates: never a torn file.
    const m = parseManifest(t.read("nixsec.yaml"), "nixsec.yaml");
    // Every .age file is a whole age file that decrypts with the admin key.
    for (const f of walk(t.file("secrets")).filter((p) => p.endsWith(".age"))) {
      const data = readFileSync(f);
      inspectAge(data);
      const plain = Buffer.from(await decryptBytes(data, admin)).toString();
      expect(plain).toMatch(/^(seed|value)-/);
    }
    // Every secret the manifest names (except one being added) has its value.
    for (const name of Object.keys(m.data.secrets).filter((n) => n.startsWith("seed/"))) {
      expect(statSync(t.file(`secrets/${name}.age`)).size).toBeGreaterThan(0);
    }
  }

  it("SIGKILL at random moments of add and of manifest edits (20 trials)", async () => {
    const admin = await parseIdentityFile(readFileSync(path.join(t.home, ".config/nixsec/keys/repo-alice.key")), "admin");
    for (let i = 0; i < 20; i++) {
      const delay = 60 + Math.floor(Math.random() * 400);
      if (i % 2 === 0) await killAfter(["add", `crash/c${i}`, "--host", "h1", "--stdin"], delay, `value-${i}`);
      else await killAfter(["add", `seed/s${i % 5}`, "--force", "--host", "h1", "--owner", `user${i}`, "--stdin"], delay, `seed-${i % 5}`);
      try {
        await checkConsistent(admin);
      } catch (err) {
        if (err instanceof AgeError) throw new Error(`trial ${i} (kill after ${delay} ms) left a broken file: ${err.message}`);
        throw err;
      }
    }
  });
});

describe.runIf(run)("a canary value leaks nowhere", () => {
  const CANARY = "canary-9d1c7e-VALUE";
  let t: TempRepo;
  const outputs: string[] = [];
  beforeAll(async () => {
    t = tempRepo();
    await t.nixsec(["init"]);
  });
  afterAll(() => t.cleanup());

  it("add, edit, show and errors never expose it", async () => {
    const record = (r: { stdout: Buffer; stderr: string }, stdoutToo = true) => outputs.push(r.stderr, stdoutToo ? r.stdout.toString() : "");
    record(await t.nixsec(["add", "svc/secret", "--stdin"], { input: CANARY }));
    record(await t.nixsec(["add", "svc/secret", "--stdin"], { input: CANARY })); // error: exists
    record(await t.nixsec(["add", "svc/bad name", "--stdin"], { input: CANARY })); // error: name
    const spy = path.join(t.root, "spy.log");
    const editor = path.join(t.root, "spy-editor.sh");
    // While nixsec waits for the editor, dump every process's argv and environment.
    writeFileSync(editor, `#!/bin/sh\nfor p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline; echo; tr '\\0' '\\n' < $p/environ 2>/dev/null; done > ${spy}\nprintf '%s-edited' "$(cat "$1")" > "$1"\n`, { mode: 0o755 });
    record(await t.nixsec(["edit", "svc/secret"], { env: { EDITOR: editor } }));
    const shown = await t.nixsec(["show", "svc/secret"]);
    expect(shown.stdout.toString()).toBe(`${CANARY}-edited`);
    record(shown, false);
    record(await t.nixsec(["list", "--json"]));
    const spyLog = readFileSync(spy, "utf8");
    expect(spyLog).toContain("nixsec"); // the spy saw the nixsec process
    expect(spyLog).not.toContain(CANARY);
    for (const o of outputs) expect(o).not.toContain(CANARY);
    // No file anywhere in the repo, HOME or tmpfs holds it in clear.
    const files = [...walk(t.root, (p) => p.endsWith(".git") || p === spy), ...walk("/dev/shm")];
    for (const f of files) {
      let data: Buffer;
      try {
        data = readFileSync(f);
      } catch {
        continue;
      }
      expect(data.includes(CANARY), `${f} holds the canary`).toBe(false);
    }
  });
});
