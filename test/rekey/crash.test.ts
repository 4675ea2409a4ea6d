// Crash safety of `nixsec rekey` (issue 6; sops stores, issue 11): over a
// store of age files, and one of sops files, trials each change a host key
// and SIGKILL the rekey at a random moment (half of them with encryption in
// worker threads). After every kill each secret decrypts with the admin key
// to its original value and the lock parses; the next `nixsec rekey`
// finishes the job: nothing left to do, the lock matches every file, and the
// files are for the current host key.
//
// A random kill may land before or after the writes; trials go on until
// enough of them landed while files were being replaced (MAX_TRIALS bounds
// the run), so the test never rests on a count chance can miss.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, watch, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseIdentityFile } from "../../src/crypto/index.js";
import { desiredReaders, idsOf, lockKey, readLock, resolveLock, sha256Hex } from "../../src/store/lock.js";
import { formatsOf, formFile, type Store } from "../../src/store/store.js";
import { readSecretValue } from "../../src/store/values.js";
import { nixsecBin, scrubbedEnv } from "../helpers/cli.js";
import { needTool } from "../helpers/tools.js";
import { makeFixture, type Fixture } from "./fixture.js";

const run = needTool("git") && needTool("ssh-keygen");
const SECRETS = 300;
const TRIALS = 20;
// Kills land at random moments, so how many of them hit a rekey while it is
// replacing files is chance. Rather than assert a count chance can miss, the
// test keeps going (up to MAX_TRIALS) until enough kills have landed mid-write.
const MID_WRITE = 8;
const MAX_TRIALS = 80;

for (const backend of ["agenix", "sops-nix"] as const) {
  describe.runIf(run)(`SIGKILL during nixsec rekey (${backend} store)`, () => {
    let f: Fixture;
    let keys: string[];
    beforeAll(async () => {
      const secrets: Record<string, string[]> = {};
      for (let i = 0; i < SECRETS; i++) secrets[`crash/s${String(i).padStart(3, "0")}`] = i % 3 === 0 ? ["h1", "h2"] : ["h1"];
      f = await makeFixture({ hosts: ["h1", "h2"], secrets, backend });
      keys = [f.hosts.h1!.key, readFileSync(f.t.sshKey("h1-b").pub, "utf8").trim()];
    }, 60_000);
    afterAll(() => f.t.cleanup());

    function setH1Key(key: string): void {
      const yaml = readFileSync(f.t.file("nixsec.yaml"), "utf8").replace(/( {2}h1:\n {4}key: )"[^"]*"/, `$1"${key}"`);
      writeFileSync(f.t.file("nixsec.yaml"), yaml);
    }

    /** The one file of each secret (a fixture secret has one format). */
    function fileOf(store: Store, n: string): string {
      return formFile(store, n, formatsOf(store, n)[0]!);
    }

    /**
     * Runs `nixsec rekey`; kills it after `kill.ms`, counted from the start or,
     * with `kill.afterFirstWrite`, from the first file it replaces in secrets/crash/.
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
        // A rename onto NAME.age / NAME.sops.bin is a file being replaced (not a leftover temp file being swept).
        if (/\.(age|sops\.bin)$/.test(String(file))) arm();
      }) : undefined;
      if (kill && !kill.afterFirstWrite) arm();
      return new Promise((resolve) => child.on("exit", (code, signal) => {
        clearTimeout(timer);
        watcher?.close();
        resolve({ code, signal, ms: Date.now() - t0, stderr });
      }));
    }

    /** Each file's hash, read once. */
    async function readStates(): Promise<Map<string, string>> {
      const store = await f.store();
      return new Map(f.names.map((n) => [n, sha256Hex(readFileSync(fileOf(store, n)))]));
    }

    /** Hashes of file versions already proven to decrypt to their value: identical bytes need no second proof. */
    const verified = new Set<string>();

    async function expectEveryValue(trial: string, states: Map<string, string>): Promise<void> {
      const store = await f.store();
      for (const n of f.names) {
        const sha = states.get(n)!;
        if (verified.has(sha)) continue;
        expect(sha256Hex(readFileSync(fileOf(store, n)))).toBe(sha);
        let plain: string;
        try {
          plain = Buffer.from(await readSecretValue(store, n, f.admin)).toString();
        } catch (err) {
          throw new Error(`${trial}: ${n} does not decrypt: ${(err as Error).message}`);
        }
        expect(plain, `${trial}: ${n}`).toBe(f.value(n));
        verified.add(sha);
      }
      expect(readLock(store).problems, trial).toEqual([]);
    }

    /** The lock matches every file and every file is for the manifest's readers (h1's current key). */
    async function expectFinished(trial: string): Promise<void> {
      const store = await f.store();
      const entries = resolveLock(store, readLock(store));
      for (const n of f.names) {
        const format = formatsOf(store, n)[0]!;
        const data = readFileSync(formFile(store, n, format));
        expect(entries.get(lockKey(n, format.id))?.sha256, `${trial}: lock entry of ${n}`).toBe(sha256Hex(data));
        expect(format.fits(format.summarize(data)!, idsOf(desiredReaders(store, n, format))), `${trial}: ${n} is for the current readers`).toBe(true);
      }
      const leftovers = readdirSync(store.secretsDir, { recursive: true }).map(String).filter((p) => path.basename(p).endsWith(".tmp"));
      expect(leftovers, trial).toEqual([]);
    }

    it(`every secret survives ${TRIALS}+ kills at random moments (${MID_WRITE}+ mid-write), and the next rekey finishes`, async () => {
      expect(await parseIdentityFile(readFileSync(f.adminKeyFile), "admin")).toHaveLength(1);
      // Calibrate: how long a whole rekey of every h1 file takes here.
      setH1Key(keys[1]!);
      const full = await rekey([]);
      expect(full.code, full.stderr).toBe(0);
      expect(full.stderr).toMatch(new RegExp(`re-encrypted ${SECRETS} files`));
      await expectFinished("calibration");
      console.log(`crash test (${backend}): a full rekey of ${SECRETS} files takes ${full.ms} ms here`);
      let midWrite = 0;
      let trial = 0;
      let onKey = 1;
      const t0 = Date.now();
      let states = await readStates();
      for (; trial < MAX_TRIALS && (trial < TRIALS || midWrite < MID_WRITE); trial++) {
        // Each trial moves h1 to the other key, so the files on the current
        // one (after a partial run, some are on each) need rewriting.
        onKey = 1 - onKey;
        setH1Key(keys[onKey]!);
        const name = `trial ${trial}`;
        // Even trials: a random moment of the whole run. Odd trials: a random
        // moment after the first file write (and with worker threads).
        const kill = trial % 2 ? { ms: Math.floor(Math.random() * full.ms * 0.5), afterFirstWrite: true } : { ms: Math.floor(Math.random() * full.ms * 1.1) };
        const killed = await rekey(trial % 2 ? ["--jobs", "2"] : [], kill);
        const after = await readStates();
        await expectEveryValue(`${name} (killed ${kill.ms} ms after ${kill.afterFirstWrite ? "its first write" : "start"})`, after);
        const replaced = f.names.filter((n) => states.get(n) !== after.get(n)).length;
        if (killed.signal === "SIGKILL" && replaced > 0) midWrite++;
        if (process.env.CRASH_DEBUG) console.log(name, kill, killed.signal, killed.ms, replaced);
        states = after;
        if (trial % 5 === 4) {
          // The second rekey finishes the job.
          const finish = await rekey([]);
          expect(finish.code, `${name}: ${finish.stderr}`).toBe(0);
          await expectFinished(name);
          states = await readStates();
          await expectEveryValue(`${name}, finished`, states);
        }
      }
      const last = await rekey([]);
      expect(last.code, last.stderr).toBe(0);
      await expectFinished("end");
      expect((await rekey([])).stderr).toMatch(/nothing to rekey/);
      console.log(`crash test (${backend}): ${trial} trials in ${Date.now() - t0} ms, ${midWrite} killed while files were being replaced`);
      // MAX_TRIALS random kills all missing that window means the timing is broken.
      expect(midWrite, `only ${midWrite} of ${trial} kills landed mid-write`).toBeGreaterThanOrEqual(MID_WRITE);
    }, 600_000);
  });
}
