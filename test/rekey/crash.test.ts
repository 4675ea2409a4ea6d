// Crash safety of `nixsec rekey` (issue 6): over a store of 300 secrets, 20
// trials each change a host key and SIGKILL the rekey at a random moment
// (half of them with encryption in worker threads). After every kill each
// secret decrypts with the admin key to its original value and the lock
// parses; the next `nixsec rekey` finishes the job: nothing left to do, the
// lock matches every file, and the files are for the current host key.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, watch, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptBytes, parseIdentityFile } from "../../src/crypto/index.js";
import { keyIdOf, readLock, resolveLock, sha256Hex, stanzaOfKeyId } from "../../src/store/lock.js";
import { scanHeader } from "../../src/store/rekey.js";
import { secretFile } from "../../src/store/store.js";
import { nixsecBin, scrubbedEnv } from "../helpers/cli.js";
import { needTool } from "../helpers/tools.js";
import { makeFixture, type Fixture } from "./fixture.js";

const run = needTool("git") && needTool("ssh-keygen");
const SECRETS = 300;
const TRIALS = 20;
// Kills land at random moments, so how many of them hit a rekey while it is
// replacing files is chance. Rather than assert a count chance can miss, the
// test keeps going (up to MAX_TRIALS) until enough kills have landed mid-write.
const MID_WRITE_NEEDED = 8;
const MAX_TRIALS = 80;

describe.runIf(run)("SIGKILL during nixsec rekey", () => {
  let f: Fixture;
  let keys: string[];
  beforeAll(async () => {
    const secrets: Record<string, string[]> = {};
    for (let i = 0; i < SECRETS; i++) secrets[`crash/s${String(i).padStart(3, "0")}`] = i % 3 === 0 ? ["h1", "h2"] : ["h1"];
    f = await makeFixture({ hosts: ["h1", "h2"], secrets });
    keys = [f.hosts.h1!.key, readFileSync(f.t.sshKey("h1-b").pub, "utf8").trim()];
  });
  afterAll(() => f.t.cleanup());

  function setH1Key(key: string): void {
    const yaml = readFileSync(f.t.file("nixsec.yaml"), "utf8").replace(/( {2}h1:\n {4}key: )"[^"]*"/, `$1"${key}"`);
    writeFileSync(f.t.file("nixsec.yaml"), yaml);
  }

  /**
   * Runs `nixsec rekey`; kills it after `kill.ms`, counted from the start or,
   * with `kill.afterFirstWrite`, from the first file it creates in secrets/crash/.
   */
  function rekey(args: string[], kill?: { ms: number; afterFirstWrite?: boolean }): Promise<{ code: number | null; signal: string | null; ms: number; stderr: string }> {
    const child = spawn(process.execPath, [nixsecBin, "rekey", ...args], {
      cwd: f.t.repo,
      env: scrubbedEnv({ ...f.t.env, NIXSEC_IDENTITY: f.adminKeyFile }),
      stdio: ["ignore", "ignore", "pipe"],
    });
    const t0 = Date.now();
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    let timer: NodeJS.Timeout | undefined;
    const arm = () => (timer ??= setTimeout(() => child.kill("SIGKILL"), kill!.ms));
    const watcher = kill?.afterFirstWrite ? watch(f.t.file("secrets/crash"), (_, file) => {
      // A rename onto NAME.age is a file being replaced (not a leftover temp file being swept).
      if (String(file).endsWith(".age")) arm();
    }) : undefined;
    if (kill && !kill.afterFirstWrite) arm();
    return new Promise((resolve) => child.on("exit", (code, signal) => {
      clearTimeout(timer);
      watcher?.close();
      resolve({ code, signal, ms: Date.now() - t0, stderr });
    }));
  }

  interface FileState {
    sha: string;
    ssh: string[];
  }

  /** Each file's hash and SSH stanzas, read once. */
  function readStates(): Map<string, FileState> {
    return new Map(f.names.map((n) => {
      const data = readFileSync(f.t.file(`secrets/${n}.age`));
      return [n, { sha: sha256Hex(data), ssh: scanHeader(data)?.ssh ?? [] }];
    }));
  }

  /** Hashes of file versions already proven to decrypt to their value: identical bytes need no second proof. */
  const verified = new Set<string>();

  async function expectEveryValue(trial: string, states: Map<string, FileState>): Promise<void> {
    for (const n of f.names) {
      const { sha } = states.get(n)!;
      if (verified.has(sha)) continue;
      const data = readFileSync(f.t.file(`secrets/${n}.age`));
      expect(sha256Hex(data)).toBe(sha);
      let plain: string;
      try {
        plain = Buffer.from(await decryptBytes(data, f.admin)).toString();
      } catch (err) {
        throw new Error(`${trial}: ${n} does not decrypt: ${(err as Error).message}`);
      }
      expect(plain, `${trial}: ${n}`).toBe(f.value(n));
      verified.add(sha);
    }
    expect(readLock(await f.store()).problems, trial).toEqual([]);
  }

  async function expectFinished(trial: string, h1Key: string): Promise<void> {
    const store = await f.store();
    const entries = resolveLock(store, readLock(store));
    const tag = stanzaOfKeyId(keyIdOf(h1Key));
    for (const n of f.names) {
      const data = readFileSync(secretFile(store, n));
      expect(entries.get(n)?.sha256, `${trial}: lock entry of ${n}`).toBe(sha256Hex(data));
      expect(scanHeader(data)!.ssh, `${trial}: ${n} is for the current h1 key`).toContain(tag);
    }
    const leftovers = readdirSync(store.secretsDir, { recursive: true }).map(String).filter((p) => path.basename(p).endsWith(".tmp"));
    expect(leftovers, trial).toEqual([]);
  }

  it(`every secret survives ${TRIALS}+ kills at random moments (${MID_WRITE_NEEDED}+ mid-write), and the next rekey finishes`, async () => {
    const identity = await parseIdentityFile(readFileSync(f.adminKeyFile), "admin");
    expect(identity).toHaveLength(1);
    // Calibrate: how long a whole rekey of every h1 file takes here.
    setH1Key(keys[1]!);
    const full = await rekey([]);
    expect(full.code, full.stderr).toBe(0);
    expect(full.stderr).toMatch(new RegExp(`re-encrypted ${SECRETS} files`));
    await expectFinished("calibration", keys[1]!);
    console.log(`crash test: a full rekey of ${SECRETS} files takes ${full.ms} ms here`);
    let midWrite = 0;
    const t0 = Date.now();
    let states = readStates();
    let trial = 0;
    for (; trial < MAX_TRIALS && (trial < TRIALS || midWrite < MID_WRITE_NEEDED || trial % 5 !== 0); trial++) {
      // Each trial moves h1 to the key fewer files are on, so at least half the
      // files need rewriting (after a partial run, both kinds are present).
      const onFirst = f.names.filter((n) => states.get(n)!.ssh.includes(stanzaOfKeyId(keyIdOf(keys[0]!))!)).length;
      const key = keys[onFirst * 2 <= SECRETS ? 0 : 1]!;
      setH1Key(key);
      const name = `trial ${trial}`;
      // Even trials: a random moment of the whole run. Odd trials: a random
      // moment after the first file write (and with worker threads).
      const kill = trial % 2 ? { ms: Math.floor(Math.random() * full.ms * 0.5), afterFirstWrite: true } : { ms: Math.floor(Math.random() * full.ms * 1.1) };
      const killed = await rekey(trial % 2 ? ["--jobs", "2"] : [], kill);
      const after = readStates();
      await expectEveryValue(`${name} (killed ${kill.ms} ms after ${kill.afterFirstWrite ? "its first write" : "start"})`, after);
      const replaced = f.names.filter((n) => states.get(n)!.sha !== after.get(n)!.sha).length;
      if (killed.signal === "SIGKILL" && replaced > 0) midWrite++;
      if (process.env.CRASH_DEBUG) console.log(name, kill, killed.signal, killed.ms, replaced);
      states = after;
      if (trial % 5 === 4) {
        // The second rekey finishes the job.
        const finish = await rekey([]);
        expect(finish.code, `${name}: ${finish.stderr}`).toBe(0);
        await expectFinished(name, key);
        states = readStates();
        await expectEveryValue(`${name}, finished`, states);
      }
    }
    const noop = await rekey([]);
    expect(noop.stderr).toMatch(/nothing to rekey/);
    console.log(`crash test: ${trial} trials in ${Date.now() - t0} ms, ${midWrite} killed while files were being replaced`);
    // Kills must land while files are being replaced, or the test proves little;
    // MAX_TRIALS random kills all missing that window means the timing is broken.
    expect(midWrite).toBeGreaterThanOrEqual(MID_WRITE_NEEDED);
  }, 600_000);
});
