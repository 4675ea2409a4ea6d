// The age payload: STREAM with ChaCha20-Poly1305 in 64 KiB chunks, on
// node:crypto (typage's pure-JS ChaCha is several times slower on large
// files). Decryption follows the reference implementation's rules: a chunk is
// released once authenticated, a full-size chunk at EOF may be the last one,
// an empty last chunk is only valid as the sole chunk, and data after the
// last chunk is an error raised after that chunk is released.
// Spec: https://github.com/C2SP/C2SP/blob/main/age.md#payload
import { createCipheriv, createDecipheriv } from "node:crypto";
import { AgeError } from "./errors.js";

export const CHUNK_SIZE = 64 * 1024;
const TAG_SIZE = 16;
const ENC_CHUNK_SIZE = CHUNK_SIZE + TAG_SIZE;

function nonceFor(counter: number, last: boolean): Buffer {
  const n = Buffer.alloc(12);
  // 11-byte big-endian counter; 2^53 chunks is far beyond any file.
  n.writeUIntBE(Math.floor(counter / 2 ** 32), 3, 4);
  n.writeUInt32BE(counter >>> 0, 7);
  n[11] = last ? 1 : 0;
  return n;
}

function seal(key: Uint8Array, counter: number, last: boolean, plain: Uint8Array): Buffer {
  const c = createCipheriv("chacha20-poly1305", key, nonceFor(counter, last), { authTagLength: TAG_SIZE });
  return Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
}

function open(key: Uint8Array, counter: number, last: boolean, enc: Uint8Array): Buffer | null {
  if (enc.length < TAG_SIZE) return null;
  const d = createDecipheriv("chacha20-poly1305", key, nonceFor(counter, last), { authTagLength: TAG_SIZE });
  d.setAuthTag(enc.subarray(enc.length - TAG_SIZE));
  try {
    return Buffer.concat([d.update(enc.subarray(0, enc.length - TAG_SIZE)), d.final()]);
  } catch {
    return null;
  }
}

function payloadFail(msg: string): AgeError {
  return new AgeError("payload", `payload does not decrypt: ${msg}`, { hint: "the file is truncated or was modified after encryption" });
}

/** Encrypts a plaintext stream; the last chunk is flagged, an empty input gives one empty chunk. */
export function encryptPayload(key: Uint8Array): TransformStream<Uint8Array, Uint8Array> {
  let pending = Buffer.alloc(0);
  let counter = 0;
  return new TransformStream({
    transform(chunk, controller) {
      pending = pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([pending, chunk]);
      // Keep at least one byte back: only at flush do we know which chunk is last.
      while (pending.length > CHUNK_SIZE) {
        controller.enqueue(seal(key, counter++, false, pending.subarray(0, CHUNK_SIZE)));
        pending = pending.subarray(CHUNK_SIZE);
      }
    },
    flush(controller) {
      controller.enqueue(seal(key, counter++, true, pending));
    },
  });
}

/**
 * Decrypts an encrypted payload (the bytes after the nonce) pulled from
 * `source`. A failure is raised on the read after the last good chunk, so a
 * caller sees exactly the authenticated plaintext before it, as age does.
 */
export function decryptPayload(key: Uint8Array, source: ReadableStreamDefaultReader<Uint8Array>): ReadableStream<Uint8Array> {
  let buf = Buffer.alloc(0);
  let srcDone = false;
  let counter = 0;
  let finished = false;
  let deferred: AgeError | null = null;

  const fill = async (want: number): Promise<void> => {
    while (!srcDone && buf.length < want) {
      const r = await source.read();
      if (r.done) srcDone = true;
      else buf = buf.length === 0 ? Buffer.from(r.value) : Buffer.concat([buf, r.value]);
    }
  };

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (deferred) return controller.error(deferred);
      if (finished) {
        await fill(1);
        return buf.length > 0 ? controller.error(payloadFail("trailing data after the end of the file")) : controller.close();
      }
      // A chunk is known not to be the last only when more bytes follow it.
      await fill(ENC_CHUNK_SIZE + 1);
      if (buf.length === 0) return controller.error(payloadFail("the file is truncated (no final chunk)"));
      const atEof = buf.length <= ENC_CHUNK_SIZE;
      const enc = buf.subarray(0, Math.min(buf.length, ENC_CHUNK_SIZE));
      buf = buf.subarray(enc.length);
      let last = atEof && enc.length < ENC_CHUNK_SIZE;
      if (last && counter > 0 && enc.length === TAG_SIZE) return controller.error(payloadFail("last chunk is empty"));
      let out = open(key, counter, last, enc);
      if (out === null && !last) {
        last = true; // a full-length final chunk
        out = open(key, counter, true, enc);
      }
      if (out === null) return controller.error(payloadFail("a chunk failed to authenticate"));
      counter++;
      if (last) finished = true;
      else if (atEof) deferred = payloadFail("the file is truncated (no final chunk)");
      if (out.length > 0) controller.enqueue(out);
      else if (finished) {
        await fill(1);
        return buf.length > 0 ? controller.error(payloadFail("trailing data after the end of the file")) : controller.close();
      }
    },
    cancel(reason) {
      return source.cancel(reason);
    },
  });
}

/** encryptPayload for a buffer in memory: the same chunks, without streams. */
export function encryptPayloadBytes(key: Uint8Array, plain: Uint8Array): Uint8Array {
  const parts: Buffer[] = [];
  let counter = 0;
  let off = 0;
  do {
    const end = Math.min(off + CHUNK_SIZE, plain.length);
    parts.push(seal(key, counter++, end === plain.length, plain.subarray(off, end)));
    off = end;
  } while (off < plain.length);
  return new Uint8Array(Buffer.concat(parts));
}

/**
 * decryptPayload for a buffer in memory, with the same rules; all or
 * nothing, since a caller of the in-memory API gets no partial plaintext.
 */
export function decryptPayloadBytes(key: Uint8Array, enc: Uint8Array): Uint8Array {
  const parts: Buffer[] = [];
  let counter = 0;
  let off = 0;
  if (enc.length === 0) throw payloadFail("the file is truncated (no final chunk)");
  while (off < enc.length) {
    const remaining = enc.length - off;
    const chunk = enc.subarray(off, off + Math.min(remaining, ENC_CHUNK_SIZE));
    off += chunk.length;
    const atEof = off === enc.length;
    let last = atEof && chunk.length < ENC_CHUNK_SIZE;
    if (last && counter > 0 && chunk.length === TAG_SIZE) throw payloadFail("last chunk is empty");
    let out = open(key, counter, last, chunk);
    if (out === null && !last) {
      last = true;
      out = open(key, counter, true, chunk);
    }
    if (out === null) throw payloadFail("a chunk failed to authenticate");
    counter++;
    parts.push(out);
    if (last && !atEof) throw payloadFail("trailing data after the end of the file");
    if (!last && atEof) throw payloadFail("the file is truncated (no final chunk)");
  }
  return new Uint8Array(Buffer.concat(parts));
}
