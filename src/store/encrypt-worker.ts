// The body of an encryption worker thread (see rekey-worker.ts). It is its own
// entry in the bundle (scripts/build.mjs) so that a worker loads the age layer
// and nothing else. Plaintexts arrive by postMessage and are wiped after use.
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { bulkCrypto, encryptBytes, parseRecipient, type ParsedRecipient, type PluginWrap } from "../crypto/index.js";

export const MARK = "nixsec-encrypt-worker/v1";

export interface EncryptJob {
  plaintext: Uint8Array;
  /** Recipient strings (as the file's format writes them: src/store/format.ts). */
  recipients: string[];
  armor: boolean;
  /** Plugin recipients' stanzas, wrapped beforehand in one session for the whole run (the plugin runs in the main thread). */
  pluginWrap?: PluginWrap | null;
  /**
   * One age file per recipient instead of one for all (a sops data key's
   * entries: format-sops.ts); `pluginWraps` then holds each one's plugin
   * stanzas, in the order of `recipients`.
   */
  perRecipient?: boolean;
  pluginWraps?: Array<PluginWrap | null>;
}

/** One file, or one per recipient (perRecipient). */
export type EncryptResult = Uint8Array | Uint8Array[];

export interface Request extends EncryptJob {
  id: number;
}
export type Reply = { id: number; ciphertext: EncryptResult } | { id: number; error: string } | { ready: true };

/** Does one job, in whichever thread. */
export async function runJob(job: EncryptJob, parse: (keys: string[]) => ParsedRecipient[]): Promise<EncryptResult> {
  const recipients = parse(job.recipients);
  if (!job.perRecipient) return encryptBytes(job.plaintext, recipients, { armor: job.armor, pluginWrap: job.pluginWrap });
  const out: Uint8Array[] = [];
  for (const [i, r] of recipients.entries()) out.push(await encryptBytes(job.plaintext, [r], { armor: job.armor, pluginWrap: job.pluginWraps?.[i] }));
  return out;
}

/** Wipes the secrets a job carries (its plaintext, the file keys of its plugin wraps). */
export function wipeJob(job: EncryptJob): void {
  job.plaintext.fill(0);
  job.pluginWrap?.fileKey.fill(0);
  for (const w of job.pluginWraps ?? []) w?.fileKey.fill(0);
}

/** Parses each distinct recipient once: an ssh-ed25519 recipient costs a scalar multiplication to set up. */
export function recipientCache(): (keys: string[]) => ParsedRecipient[] {
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

function ownsBuffer(b: Uint8Array): boolean {
  return b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer;
}

function serve(): void {
  bulkCrypto(); // a worker exists only for work large enough to pay for loading libsodium
  const port = parentPort!;
  const parse = recipientCache();
  port.on("message", (req: Request) => {
    // A bad recipient rejects this job only (parse throws synchronously).
    Promise.resolve()
      .then(() => runJob(req, parse))
      // A ciphertext that owns its whole buffer moves to the main thread
      // instead of being copied (never a view into a shared pool).
      .then((ciphertext) => {
        const owned = (Array.isArray(ciphertext) ? ciphertext : [ciphertext]).filter(ownsBuffer).map((c) => c.buffer as ArrayBuffer);
        port.postMessage({ id: req.id, ciphertext } satisfies Reply, owned);
      })
      // Crypto errors name keys and stanzas, never values.
      .catch((err: unknown) => port.postMessage({ id: req.id, error: err instanceof Error ? err.message : String(err) } satisfies Reply))
      .finally(() => wipeJob(req));
  });
  port.postMessage({ ready: true } satisfies Reply);
}

if (!isMainThread && workerData === MARK) serve();
