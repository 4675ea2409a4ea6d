// Encryption spread over worker threads, for large rekeys. Wrapping a file
// key for 20 ssh-ed25519 hosts costs ~40 X25519 operations, all CPU, so a
// rekey of many files scales with cores (measured in bench/rekey.mjs).
//
// Plaintexts reach the workers by postMessage (memory only, never disk) and
// are wiped there after use. The worker is this very module, started with
// `new Worker(import.meta.url)` and told apart by its workerData, so the
// bundle needs no separate entry point. Where a worker cannot start (running
// from TypeScript sources under the test runner, a platform without
// worker_threads) callers fall back to encrypting in this thread.
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { encryptBytes, parseRecipient, type ParsedRecipient } from "../crypto/index.js";

const MARK = "nixsec-encrypt-worker/v1";

export interface EncryptJob {
  plaintext: Uint8Array;
  /** Recipient strings as in the manifest. */
  recipients: string[];
  armor: boolean;
}

export interface Encryptor {
  encrypt(job: EncryptJob): Promise<Uint8Array>;
  close(): Promise<void>;
  /** Threads doing the encryption (1: this one). */
  readonly threads: number;
}

/** Parses each distinct recipient once: an ssh-ed25519 recipient costs a scalar multiplication to set up. */
function recipientCache(): (keys: string[]) => ParsedRecipient[] {
  const cache = new Map<string, ParsedRecipient>();
  return (keys) =>
    keys.map((k) => {
      let r = cache.get(k);
      if (!r) {
        r = parseRecipient(k);
        cache.set(k, r);
      }
      return r;
    });
}

export function inlineEncryptor(): Encryptor {
  const parse = recipientCache();
  return {
    threads: 1,
    encrypt: (job) => encryptBytes(job.plaintext, parse(job.recipients), { armor: job.armor }),
    close: async () => {},
  };
}

interface Request extends EncryptJob {
  id: number;
}
type Reply = { id: number; ciphertext: Uint8Array } | { id: number; error: string } | { ready: true };

function serve(): void {
  const port = parentPort!;
  const parse = recipientCache();
  port.on("message", (req: Request) => {
    encryptBytes(req.plaintext, parse(req.recipients), { armor: req.armor })
      .then((ciphertext) => port.postMessage({ id: req.id, ciphertext } satisfies Reply))
      // Crypto errors name keys and stanzas, never values.
      .catch((err: unknown) => port.postMessage({ id: req.id, error: err instanceof Error ? err.message : String(err) } satisfies Reply))
      .finally(() => req.plaintext.fill(0));
  });
  port.postMessage({ ready: true } satisfies Reply);
}

if (!isMainThread && workerData === MARK) serve();

function startWorker(): Promise<Worker> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(new URL(import.meta.url), { workerData: MARK });
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
