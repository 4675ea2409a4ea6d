// The body of an encryption worker thread (see rekey-worker.ts). It is its own
// entry in the bundle (scripts/build.mjs) so that a worker loads the age layer
// and nothing else. Plaintexts arrive by postMessage and are wiped after use.
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { bulkCrypto, encryptBytes, parseRecipient, type ParsedRecipient, type PluginWrap } from "../crypto/index.js";

export const MARK = "nixsec-encrypt-worker/v1";

export interface EncryptJob {
  plaintext: Uint8Array;
  /** Recipient strings as in the manifest. */
  recipients: string[];
  armor: boolean;
  /** Plugin recipients' stanzas, wrapped beforehand in one session for the whole run (the plugin runs in the main thread). */
  pluginWrap?: PluginWrap | null;
}

export interface Request extends EncryptJob {
  id: number;
}
export type Reply = { id: number; ciphertext: Uint8Array } | { id: number; error: string } | { ready: true };

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
      .then(() => encryptBytes(req.plaintext, parse(req.recipients), { armor: req.armor, pluginWrap: req.pluginWrap }))
      // A ciphertext that owns its whole buffer moves to the main thread
      // instead of being copied (never a view into a shared pool).
      .then((ciphertext) => port.postMessage({ id: req.id, ciphertext } satisfies Reply, ownsBuffer(ciphertext) ? [ciphertext.buffer as ArrayBuffer] : []))
      // Crypto errors name keys and stanzas, never values.
      .catch((err: unknown) => port.postMessage({ id: req.id, error: err instanceof Error ? err.message : String(err) } satisfies Reply))
      .finally(() => {
        req.plaintext.fill(0);
        req.pluginWrap?.fileKey.fill(0);
      });
  });
  port.postMessage({ ready: true } satisfies Reply);
}

if (!isMainThread && workerData === MARK) serve();
