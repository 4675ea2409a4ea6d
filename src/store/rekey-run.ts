// Carrying out a rekey plan, so that a crash at any moment leaves every
// secret readable by the admins with its value, and a second run finishes:
//
// 1. Decrypt every planned file with the admin identity, in memory (one pass;
//    a passphrase-protected key is unlocked once). Any failure stops the run
//    before anything is written.
// 2. `beforeWrite` (the caller saves a changed manifest here, so a failed
//    decryption leaves the manifest as it was).
// 3. Encrypt each value to the secret's readers (worker threads when the job
//    is large), check the new header has exactly those readers and that the
//    ciphertext decrypts to the value, then replace the file atomically
//    (temporary file, fsync, rename, fsync of the directory).
// 4. Record the written files in the lock, last and at most every half second,
//    so the lock never names a file state that is not on disk. A file written
//    but not yet recorded no longer matches its lock hash and is rekeyed again.
import { AgeError, bulkCrypto, decryptBytes, localIdentities, preloadFileKeys, wrapPluginRecipients, type LoadedIdentity, type PluginWrap } from "../crypto/index.js";
import { recipientCache } from "./encrypt-worker.js";
import { NixsecError } from "../errors.js";
import { carriedValueId, lockFile, renderLock, resolveLock, sha256Hex, type LockEntry } from "./lock.js";
import { headerFits, idsOf, scanHeader, type PlanItem, type ReasonKind, type RekeyPlan, type StoreScan } from "./rekey.js";
import { inlineEncryptor, workerEncryptor, type Encryptor } from "./rekey-worker.js";
import { readersOf, secretFile, type Store } from "./store.js";

export interface RekeyProgress {
  phase: "decrypt" | "write";
  done: number;
  total: number;
}

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
  written: string[];
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

/** Reasons under which the old lock entry did not describe the file (its value may differ). */
const UNTRUSTED: ReadonlySet<ReasonKind> = new Set(["not-locked", "file-changed", "unreadable"]);

interface Job {
  item: PlanItem;
  recipients: string[];
  armor: boolean;
  pluginWrap?: PluginWrap | null;
  old?: LockEntry;
  value?: Uint8Array;
  ciphertext?: Promise<Uint8Array>;
}

/**
 * Decrypts every planned file, handing each value to the encryptor as soon as
 * it is known (encryption overlaps decryption). Throws, listing the files,
 * if any cannot be decrypted.
 */
async function decryptAll(scan: StoreScan, jobs: Job[], ids: LoadedIdentity[], encryptor: Encryptor, progress?: RunOptions["onProgress"]): Promise<void> {
  const byName = new Map(scan.states.map((s) => [s.secret, s]));
  const failed: string[] = [];
  const kinds = new Set<string>();
  // One plugin session for every file a plugin identity must open: a
  // hardware key asks for its PIN or touch once per run, not once per file.
  await preloadFileKeys(jobs.flatMap((j) => byName.get(j.item.secret)?.file?.bytes ?? []), ids);
  // Likewise one session per plugin recipient (a hardware-key admin) for all the new files' keys.
  const parse = recipientCache();
  const wraps = await wrapPluginRecipients(jobs.map((j) => parse(j.recipients)));
  wraps.forEach((w, i) => (jobs[i]!.pluginWrap = w));
  for (const [i, job] of jobs.entries()) {
    const file = byName.get(job.item.secret)?.file;
    try {
      if (!file) throw new AgeError("header", "missing");
      job.value = await decryptBytes(file.bytes, ids);
      if (failed.length === 0) {
        job.ciphertext = encryptor.encrypt({ plaintext: job.value, recipients: job.recipients, armor: job.armor, pluginWrap: job.pluginWrap });
        job.ciphertext.catch(() => undefined); // awaited in order by the writer
      }
    } catch (err) {
      if (!(err instanceof AgeError) || err.kind === "plugin") throw err; // a plugin's failure is the news, not the files
      failed.push(job.item.secret);
      kinds.add(err.kind === "no-match" ? "no-match" : "broken");
    }
    progress?.({ phase: "decrypt", done: i + 1, total: jobs.length });
    // Decryption resolves through microtasks only; yield now and then so the
    // workers' messages (ready, results) are handled while this loop runs.
    if (i % 8 === 7) await new Promise<void>((r) => setImmediate(r));
  }
  if (failed.length === 0) return;
  const shown = failed.slice(0, 5).join(", ") + (failed.length > 5 ? ` and ${failed.length - 5} more` : "");
  throw new NixsecError(`cannot decrypt ${failed.length} secret${failed.length === 1 ? "" : "s"} to rekey: ${shown}; nothing was written`, {
    hint: [
      ...(kinds.has("no-match") ? [`identities tried: ${ids.map((i) => i.source).join(", ") || "none"}; pass -i/--identity with an admin key that reads them (several -i are fine)`] : []),
      ...(kinds.has("broken") ? ["a file is damaged or not an age file: set a new value with `nixsec add NAME --force`"] : []),
    ],
  });
}

/** Executes `plan` (from `scan`); see the file comment for the order of writes. */
export async function executeRekey(store: Store, scan: StoreScan, plan: RekeyPlan, opts: RunOptions): Promise<RunResult> {
  const entries = resolveLock(store, scan.lock);
  const result: RunResult = { written: [], headerOnly: [], lockWritten: false, threads: 1 };
  const byName = new Map(scan.states.map((s) => [s.secret, s]));
  const verifyWith = opts.verifyWith ?? opts.identities;
  const jobs: Job[] = plan.rekey.map((item) => ({
    item,
    recipients: readersOf(store, item.secret).map((r) => r.key),
    armor: byName.get(item.secret)?.file?.header?.armored ?? false,
    old: entries.get(item.secret),
  }));
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
    await decryptAll(scan, jobs, opts.identities, encryptor, opts.onProgress);
    result.threads = (await starting).threads;
    await opts.beforeWrite?.();
    for (const u of plan.lockOnly) entries.set(u.secret, u.entry);
    for (const name of plan.dropped) entries.delete(name);
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
        if (!(await checkCiphertext(j.item, ciphertext, j.value!, verifyWith))) result.headerOnly.push(j.item.secret);
        j.value!.fill(0);
        const write = store.tree.writeFile(secretFile(store, j.item.secret), ciphertext).then(
          () => {
            const entry: LockEntry = { secret: j.item.secret, sha256: sha256Hex(ciphertext), ...j.item.desired };
            if (j.old?.valueChanged) entry.valueChanged = j.old.valueChanged;
            // Same value, new readers: the consumers' restart trigger stays (lock.ts, valueId).
            entry.valueId = carriedValueId(j.old, !j.item.reasons.some((r) => UNTRUSTED.has(r.kind)));
            entries.set(j.item.secret, entry);
            result.written.push(j.item.secret);
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
  } finally {
    for (const j of jobs) {
      j.value?.fill(0);
      j.pluginWrap?.fileKey.fill(0);
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

/**
 * Checks a new ciphertext before it replaces a file: its header has exactly
 * the planned readers, and it decrypts to the value with an admin identity.
 * Returns false when no given identity is among the readers (an admin
 * removing their own key) or the only readers are plugins (a hardware key,
 * not asked again per file): then only the header could be checked.
 */
export async function checkCiphertext(item: Pick<PlanItem, "secret" | "desired">, ciphertext: Uint8Array, value: Uint8Array, ids: LoadedIdentity[]): Promise<boolean> {
  const bad = (why: string) =>
    new NixsecError(`${item.secret}: the new ciphertext ${why}; the old file was kept`, { exitCode: 3, hint: "please report this; run `nixsec rekey` again to retry" });
  // The decryption below parses the header strictly; this only reads the stanza lines.
  const header = scanHeader(ciphertext);
  if (!header || !headerFits(header, idsOf(item.desired))) throw bad("does not have the planned recipients");
  let back: Uint8Array;
  try {
    // Never a plugin: a hardware key is asked once per run (to read), not per file written.
    back = await decryptBytes(ciphertext, localIdentities(ids));
  } catch (err) {
    if (err instanceof AgeError && err.kind === "no-match") return false;
    throw bad("does not decrypt");
  }
  const same = Buffer.compare(back, value) === 0;
  back.fill(0);
  if (!same) throw bad("does not decrypt to the value");
  return true;
}

