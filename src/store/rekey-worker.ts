// Encryption spread over worker threads, for large rekeys. Wrapping a file
// key for 20 ssh-ed25519 hosts costs ~40 X25519 operations, all CPU, so a
// rekey of many files scales with cores (measured in bench/rekey.mjs).
//
// Plaintexts reach the workers by postMessage (memory only, never disk) and
// are wiped there after use. The worker runs encrypt-worker.ts, a separate
// entry of the bundle that loads only the age layer (loading the whole CLI in
// each worker cost ~0.2 s of CPU). Where a worker cannot start (running from
// TypeScript sources under the test runner, a platform without worker_threads)
// callers fall back to encrypting in this thread.
import { Worker } from "node:worker_threads";
import { encryptBytes } from "../crypto/index.js";
import { type EncryptJob, MARK, type Reply, type Request, recipientCache } from "./encrypt-worker.js";

export type { EncryptJob } from "./encrypt-worker.js";

export interface Encryptor {
  encrypt(job: EncryptJob): Promise<Uint8Array>;
  /**
   * Resolves as `p` does. Meanwhile, if `p` is pending, this thread
   * encrypts queued jobs itself instead of waiting idle (a pool that counts
   * this thread among its `threads`); an inline encryptor just waits.
   */
  helpUntil<T>(p: Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** Threads doing the encryption (1: this one). */
  readonly threads: number;
}

export function inlineEncryptor(): Encryptor {
  const parse = recipientCache();
  return {
    threads: 1,
    encrypt: (job) => encryptBytes(job.plaintext, parse(job.recipients), { armor: job.armor, pluginWrap: job.pluginWrap }),
    helpUntil: (p) => p,
    close: async () => {},
  };
}

function startWorker(): Promise<Worker> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      // The bundle's own small entry (scripts/build.mjs): the worker loads the
      // age layer only, not the CLI. From TypeScript sources there is no such
      // file, the Worker fails to start and callers encrypt in this thread.
      worker = new Worker(new URL("./encrypt-worker.js", import.meta.url), { workerData: MARK });
    } catch (err) {
      reject(err);
      return;
    }
    const onError = (err: unknown) => reject(err);
    const onExit = (code: number) => reject(new Error(`encryption worker exited (${code})`));
    worker.once("error", onError);
    worker.once("exit", onExit);
    worker.once("message", (m: Reply) => {
      worker.off("error", onError);
      worker.off("exit", onExit);
      if ("ready" in m) resolve(worker);
      else reject(new Error("encryption worker did not start"));
    });
  });
}

/**
 * Jobs a worker holds at once: enough that it never waits for this thread
 * (busy for a few milliseconds when it encrypts a file itself), few enough
 * that the queue's head is left for this thread to take.
 */
const WORKER_DEPTH = 8;

interface Queued {
  job: EncryptJob;
  resolve(c: Uint8Array): void;
  reject(e: Error): void;
}

/**
 * `n` worker threads fed from one queue, plus this thread, which encrypts
 * from the queue's head whenever it would otherwise wait (`helpUntil`). On
 * two cores that is one worker and this thread: a third isolate would only
 * add its start-up and its own JIT compilation of the same code (bench/README.md,
 * "Rekey"). Null when workers cannot run here.
 */
export async function workerEncryptor(n: number): Promise<Encryptor | null> {
  const started = await Promise.allSettled(Array.from({ length: n }, startWorker));
  const workers = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  if (workers.length < n) {
    await Promise.all(workers.map((w) => w.terminate()));
    return null;
  }
  const queue: Queued[] = [];
  let head = 0;
  const pending = new Map<number, Queued>();
  const load = new Map<Worker, number>(workers.map((w) => [w, 0]));
  let failure: Error | undefined;
  let closed = false;
  let next = 0;
  const inline = inlineEncryptor();
  const failAll = (err: Error) => {
    failure ??= err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
    for (; head < queue.length; head++) queue[head]!.reject(err);
  };
  const take = (): Queued | undefined => {
    if (head === queue.length) return undefined;
    const q = queue[head]!;
    queue[head++] = undefined as never; // the plaintext is not kept alive by the queue
    if (head === queue.length) {
      queue.length = 0;
      head = 0;
    }
    return q;
  };
  const feed = (w: Worker) => {
    while (!failure && load.get(w)! < WORKER_DEPTH) {
      const q = take();
      if (!q) return;
      const id = next++;
      pending.set(id, q);
      load.set(w, load.get(w)! + 1);
      w.postMessage({ id, ...q.job } satisfies Request);
    }
  };
  for (const w of workers) {
    w.on("message", (m: Reply) => {
      if ("ready" in m) return;
      load.set(w, load.get(w)! - 1);
      const p = pending.get(m.id);
      if (p) {
        pending.delete(m.id);
        if ("error" in m) p.reject(new Error(m.error));
        else p.resolve(m.ciphertext);
      }
      feed(w);
    });
    w.on("error", (err) => failAll(err instanceof Error ? err : new Error(String(err))));
    w.on("exit", (code) => failAll(new Error(`encryption worker exited (${code})`)));
  }
  // One queued job, encrypted in this thread.
  const helpOne = async (): Promise<boolean> => {
    const q = take();
    if (!q) return false;
    try {
      q.resolve(await inline.encrypt(q.job));
    } catch (err) {
      q.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return true;
  };
  const turn = () => new Promise<void>((r) => setImmediate(r));
  return {
    threads: n + 1,
    encrypt(job) {
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        queue.push({ job, resolve, reject });
        for (const w of workers) feed(w);
      });
    },
    async helpUntil(p) {
      let settled = false;
      const done = p.then(
        () => void (settled = true),
        () => void (settled = true),
      );
      // A turn of the event loop between jobs lets the workers' results
      // (and the writes in flight) be handled.
      while (!settled && !failure && (await helpOne())) await turn();
      await done;
      return p;
    },
    async close() {
      if (closed) return;
      closed = true;
      failAll(new Error("encryption workers closed"));
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
