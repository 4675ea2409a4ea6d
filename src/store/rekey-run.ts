// Carrying out a rekey plan, so that a crash at any moment leaves every
// secret readable by the admins with its value, and a second run finishes:
//
// 1. Open every planned file with the admin identity, in memory (one pass;
//    a passphrase-protected key is unlocked once, a hardware key asked once).
//    Any failure stops the run before anything is written.
// 2. `beforeWrite` (the caller saves a changed manifest here, so a failed
//    decryption leaves the manifest as it was).
// 3. Write each file for the secret's readers of its format (the key wraps
//    on worker threads when the job is large): an age file anew, a sops
//    file's data key re-wrapped, a file in a format the secret newly has made
//    from the value of another. Check each new file shows exactly those
//    readers and opens to the value, then replace the file atomically
//    (temporary file, fsync, rename, fsync of the directory).
// 4. Record the written files in the lock, last and at most every two
//    seconds, so the lock never names a file state that is not on disk. A
//    file written but not yet recorded no longer matches its lock hash and is
//    rekeyed again.
// 5. Remove retired files (a format the secret no longer has), only once
//    every file the secret keeps is on disk; then the lock drops them.
import path from "node:path";
import { bulkCrypto, type LoadedIdentity } from "../crypto/index.js";
import { carriedValueId, lockFile, lockKey, renderLock, resolveLock, sha256Hex, type LockEntry } from "./lock.js";
import type { RekeyPlan, StoreScan } from "./rekey.js";
import { decryptAll, UNTRUSTED, type Job, type RekeyProgress } from "./rekey-open.js";
import { inlineEncryptor, workerEncryptor, type Encryptor } from "./rekey-worker.js";
import { formatsOf, formFile, recipientsOf, type Store } from "./store.js";
import { checkWritten } from "./values.js";

export type { RekeyProgress } from "./rekey-open.js";

export interface RunOptions {
  /** Identities that decrypt the current files. */
  identities: LoadedIdentity[];
  /** Identities that check the new files (default: `identities`). */
  verifyWith?: LoadedIdentity[];
  /** Encryption threads, this one included; default: `cores` when the job is large, else 1. */
  jobs?: number;
  /** The machine's cores (the CLI passes os.availableParallelism()); default 1. */
  cores?: number;
  onProgress?(p: RekeyProgress): void;
  /** Runs after every decryption succeeded and before the first write. */
  beforeWrite?(): Promise<void>;
  /**
   * An encryptor started before the plan (startEncryptor), when the caller
   * knows the work is large: its workers load while the store is read.
   * executeRekey closes it.
   */
  encryptor?: Promise<Encryptor>;
}

export interface RunResult {
  /** Secrets a file was written for (once per file: a secret with two files is named twice). */
  written: string[];
  /** Secrets whose file in a format they no longer have was removed. */
  retired: string[];
  /** Written files no verifying identity reads: checked by header only. */
  headerOnly: string[];
  lockWritten: boolean;
  threads: number;
}

/** Below this many recipient wraps (~0.1 s of work) worker start-up does not pay. */
const WORKER_THRESHOLD = 1500;
/** From this many wraps on, libsodium saves (~30 µs each) more than loading it costs (~25 ms). */
const BULK_WRAPS = 1000;
// The lock is written when no replacement is in flight, so each flush stalls
// the pipeline: every 2 s (a crash loses at most that much progress to a
// re-run, never a value). 32 replacements in flight keep the disk busy while
// this thread checks the next ciphertexts (8 left the tail of a 1000-file
// rekey waiting on fsyncs: bench/README.md, "Rekey").
const LOCK_FLUSH_MS = 2000;
const WRITES_IN_FLIGHT = 32;

let tamperForTests: ((secret: string, ciphertext: Uint8Array) => Uint8Array) | undefined;
/** Test hook: alter new ciphertexts before they are checked (to prove the check stops a bad write). */
export function setCiphertextTamperForTests(fn: typeof tamperForTests): void {
  tamperForTests = fn;
}

/**
 * The encryptor for `files` files needing `wraps` recipient wraps in all:
 * `jobs` threads (default: `cores` when the job is large, else 1), that is
 * one fewer worker, as this thread encrypts too (rekey-worker.ts).
 */
export async function startEncryptor(wraps: number, files: number, jobs: number | undefined, cores: number): Promise<Encryptor> {
  const n = Math.min(jobs ?? (wraps >= WORKER_THRESHOLD ? cores : 1), files);
  if (n > 1) {
    const pool = await workerEncryptor(n - 1);
    if (pool) return pool;
  }
  return inlineEncryptor();
}

/** Executes `plan` (from `scan`); see the file comment for the order of writes. */
export async function executeRekey(store: Store, scan: StoreScan, plan: RekeyPlan, opts: RunOptions): Promise<RunResult> {
  const entries = resolveLock(store, scan.lock);
  const result: RunResult = { written: [], headerOnly: [], retired: [], lockWritten: false, threads: 1 };
  const files = new Map([...scan.states, ...scan.retired].map((s) => [lockKey(s.secret, s.format.id), s]));
  const verifyWith = opts.verifyWith ?? opts.identities;
  const jobs: Job[] = plan.rekey.map((item) => {
    const format = item.from ?? item.format;
    const state = files.get(lockKey(item.secret, format.id));
    const file = formFile(store, item.secret, item.format);
    const job: Job = { item, file, rel: path.relative(store.root, file), recipients: recipientsOf(store, item.secret, item.format) };
    if (state?.file) job.source = { format, facts: state.file, ...(state.lock ? { entry: state.lock } : {}) };
    return job;
  });
  // Workers start while this thread decrypts (or earlier: opts.encryptor);
  // jobs queue until they are ready.
  const wraps = jobs.reduce((n, j) => n + j.recipients.length, 0);
  if (wraps >= BULK_WRAPS) bulkCrypto();
  const starting = opts.encryptor ?? (jobs.length > 0 ? startEncryptor(wraps, jobs.length, opts.jobs, opts.cores ?? 1) : Promise.resolve(inlineEncryptor()));
  const encryptor: Encryptor = {
    threads: 1,
    encrypt: (job) => starting.then((e) => e.encrypt(job)),
    helpUntil: (p) => starting.then((e) => e.helpUntil(p)),
    close: () => starting.then((e) => e.close()),
  };
  let lockText = scan.lock.text;
  const flush = async () => {
    const text = renderLock(entries.values());
    if (text === lockText) return;
    await store.tree.writeFile(lockFile(store), text, 0o644);
    lockText = text;
    result.lockWritten = true;
  };
  try {
    await decryptAll(store, jobs, opts.identities, encryptor, opts.onProgress);
    result.threads = (await starting).threads;
    await opts.beforeWrite?.();
    for (const u of plan.lockOnly) entries.set(lockKey(u.secret, u.format.id), u.entry);
    for (const key of plan.dropped) entries.delete(key);
    // Up to WRITES_IN_FLIGHT atomic replacements at once: their fsyncs overlap
    // each other and the checking of the next files. The lock is flushed only
    // when no write is in flight, so it records completed writes only.
    const inFlight = new Set<Promise<void>>();
    let writeError: unknown;
    let lastFlush = Date.now();
    const settle = async () => {
      await Promise.all(inFlight);
      if (writeError !== undefined) throw writeError;
    };
    // Files are checked and written as their ciphertexts arrive, in any
    // order: this thread, when it also encrypts, checks its own results at
    // once instead of leaving them for a tail after the workers are done.
    const arrivals = completionQueue(jobs);
    try {
      for (let n = 1; n <= jobs.length; n++) {
        const j = await arrivals.next(encryptor);
        let ciphertext = await j.ciphertext!;
        if (tamperForTests) ciphertext = tamperForTests(j.item.secret, ciphertext);
        const { format, secret } = j.item;
        const file = j.file;
        if (!(await checkWritten(format, secret, j.rel, ciphertext, j.value!, j.item.desired, verifyWith)) && !result.headerOnly.includes(secret)) result.headerOnly.push(secret);
        j.value!.fill(0);
        const write = store.tree.writeFile(file, ciphertext).then(
          () => {
            const entry: LockEntry = { secret, sha256: sha256Hex(ciphertext), ...j.item.desired };
            if (format.id !== "age") entry.format = format.id;
            // The value's date and id come from the file the value was read from.
            const old = j.source?.entry;
            if (old?.valueChanged) entry.valueChanged = old.valueChanged;
            // Same value, new readers: the consumers' restart trigger stays (lock.ts, valueId).
            const trusted = j.item.from ? old?.sha256 === j.source?.facts.sha256 : !j.item.reasons.some((r) => UNTRUSTED.has(r.kind));
            entry.valueId = carriedValueId(old, trusted);
            entries.set(lockKey(secret, format.id), entry);
            result.written.push(secret);
            opts.onProgress?.({ phase: "write", done: result.written.length, total: jobs.length });
          },
          (err: unknown) => {
            writeError ??= err;
          },
        );
        const tracked: Promise<void> = write.finally(() => inFlight.delete(tracked));
        inFlight.add(tracked);
        if (inFlight.size >= WRITES_IN_FLIGHT) await Promise.race(inFlight);
        if (writeError !== undefined) throw writeError;
        if (Date.now() - lastFlush >= LOCK_FLUSH_MS || n === jobs.length) {
          await settle();
          await flush();
          lastFlush = Date.now();
        }
      }
    } finally {
      // Record what was written, also when a later file failed.
      await Promise.allSettled(inFlight);
      await flush();
    }
    // Retired files go only when every file their secret keeps is on disk:
    // the value is never left in no file.
    for (const r of plan.retire) {
      if (!formatsOf(store, r.secret).every((f) => store.tree.statFile(formFile(store, r.secret, f)))) continue;
      store.tree.remove(formFile(store, r.secret, r.format));
      entries.delete(lockKey(r.secret, r.format.id));
      result.retired.push(r.secret);
    }
    await flush();
  } finally {
    for (const j of jobs) {
      j.value?.fill(0);
      if (j.work) {
        j.work.job.plaintext.fill(0); // the value, or a copy of a sops data key
        j.work.job.pluginWrap?.fileKey.fill(0);
        for (const w of j.work.job.pluginWraps ?? []) w?.fileKey.fill(0);
      }
    }
    await encryptor.close();
  }
  result.written.sort();
  result.headerOnly.sort();
  return result;
}

/**
 * Jobs in the order their ciphertexts settle. `next` waits for the next one;
 * while none is there, the encryptor may have this thread encrypt instead.
 */
function completionQueue(jobs: Job[]): { next(encryptor: Encryptor): Promise<Job> } {
  const arrived: Job[] = [];
  let taken = 0;
  let wake: (() => void) | undefined;
  for (const j of jobs) {
    const arrive = () => {
      arrived.push(j);
      wake?.();
    };
    j.ciphertext!.then(arrive, arrive);
  }
  return {
    async next(encryptor) {
      while (taken === arrived.length) await encryptor.helpUntil(new Promise<void>((r) => (wake = r)));
      wake = undefined;
      return arrived[taken++]!;
    },
  };
}
