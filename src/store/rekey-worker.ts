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
  close(): Promise<void>;
  /** Threads doing the encryption (1: this one). */
  readonly threads: number;
}

export function inlineEncryptor(): Encryptor {
  const parse = recipientCache();
  return {
    threads: 1,
    encrypt: (job) => encryptBytes(job.plaintext, parse(job.recipients), { armor: job.armor }),
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

/** A pool of `n` worker threads, or null when workers cannot run here. */
export async function workerEncryptor(n: number): Promise<Encryptor | null> {
  const started = await Promise.allSettled(Array.from({ length: n }, startWorker));
  const workers = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  if (workers.length < n) {
    await Promise.all(workers.map((w) => w.terminate()));
    return null;
  }
  const pending = new Map<number, { resolve(c: Uint8Array): void; reject(e: Error): void }>();
  let failure: Error | undefined;
  const failAll = (err: Error) => {
    failure ??= err;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  for (const w of workers) {
    w.on("message", (m: Reply) => {
      if ("ready" in m) return;
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if ("error" in m) p.reject(new Error(m.error));
      else p.resolve(m.ciphertext);
    });
    w.on("error", (err) => failAll(err instanceof Error ? err : new Error(String(err))));
    w.on("exit", (code) => failAll(new Error(`encryption worker exited (${code})`)));
  }
  let next = 0;
  let closed = false;
  return {
    threads: n,
    encrypt(job) {
      if (failure) return Promise.reject(failure);
      const id = next++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        workers[id % n]!.postMessage({ id, ...job } satisfies Request);
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      failure ??= new Error("encryption workers closed");
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
