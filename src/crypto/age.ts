// Encrypting and decrypting age files. typage handles post-quantum and
// scrypt stanzas; nixsec adds SSH and native X25519 recipients, a strict
// header parser for classifying failures and for inspection, and streaming
// armor. Header failures never release plaintext.
import { createHmac, randomBytes } from "node:crypto";
import { loadTypage, type Identity, type Recipient, type Stanza } from "./stanza.js";
import { armorEncoder, decodeArmor, looksArmored } from "./armor.js";
import { concatBytes, encodeB64NoPad, equalBytes, wipe } from "./bytes.js";
import { AgeError } from "./errors.js";
import { encodeHeaderNoMac, findHeaderEnd, parseAgeHeader } from "./header.js";
import { decryptPayload, decryptPayloadBytes, encryptPayload, encryptPayloadBytes } from "./stream.js";
import { TypageIdentity, type LoadedIdentity, type ParsedRecipient } from "./keys.js";
import { hkdfSha256 } from "./x25519.js";

export interface EncryptOptions {
  armor?: boolean;
}

/** Largest header nixsec reads before giving up (a real one is a few KiB). */
const MAX_HEADER = 16 << 20;
const NONCE_SIZE = 16;

function prepend(head: Uint8Array, body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let sentHead = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!sentHead) {
        sentHead = true;
        controller.enqueue(head);
        return;
      }
      const r = await reader.read();
      if (r.done) controller.close();
      else controller.enqueue(r.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

async function encryptRaw(input: ReadableStream<Uint8Array>, recipients: ParsedRecipient[]): Promise<ReadableStream<Uint8Array>> {
  if (recipients.length === 0) throw new AgeError("key", "no recipients given");
  if (recipients.some((r) => typeof r.recipient === "string")) {
    // Post-quantum recipients live inside typage; let it write the whole file.
    const { Encrypter } = await loadTypage();
    const e = new Encrypter();
    for (const r of recipients) e.addRecipient(r.recipient);
    return e.encrypt(input);
  }
  const { head, payloadKey } = await headerFor(recipients as Array<ParsedRecipient & { recipient: Recipient }>);
  return prepend(head, input.pipeThrough(encryptPayload(payloadKey)));
}

/** Encrypts bytes in memory (secrets are small), without streams on the common path. */
export async function encryptBytes(plaintext: Uint8Array, recipients: ParsedRecipient[], opts: EncryptOptions = {}): Promise<Uint8Array> {
  if (opts.armor || recipients.some((r) => typeof r.recipient === "string")) {
    return readAll(await encryptStream(streamOf(plaintext), recipients, opts));
  }
  if (recipients.length === 0) throw new AgeError("key", "no recipients given");
  const { head, payloadKey } = await headerFor(recipients as Array<ParsedRecipient & { recipient: Recipient }>);
  return concatBytes(head, encryptPayloadBytes(payloadKey, plaintext));
}

/** A fresh file key wrapped for each recipient: the header, the nonce, and the payload key. */
async function headerFor(recipients: Array<{ recipient: Recipient }>): Promise<{ head: Uint8Array; payloadKey: Uint8Array }> {
  const fileKey = new Uint8Array(randomBytes(16));
  const stanzas: Stanza[] = [];
  for (const r of recipients) stanzas.push(...(await r.recipient.wrapFileKey(fileKey)));
  const headerNoMac = encodeHeaderNoMac(stanzas);
  const mac = createHmac("sha256", hkdfSha256(fileKey, new Uint8Array(0), "header")).update(headerNoMac).digest();
  const nonce = new Uint8Array(randomBytes(NONCE_SIZE));
  const head = concatBytes(headerNoMac, new Uint8Array(Buffer.from(" " + encodeB64NoPad(new Uint8Array(mac)) + "\n")), nonce);
  const payloadKey = hkdfSha256(fileKey, nonce, "payload");
  wipe(fileKey);
  return { head, payloadKey };
}

/** Encrypts a stream with bounded memory (one 64 KiB chunk at a time). */
export async function encryptStream(input: ReadableStream<Uint8Array>, recipients: ParsedRecipient[], opts: EncryptOptions = {}): Promise<ReadableStream<Uint8Array>> {
  const out = await encryptRaw(input, recipients);
  return opts.armor ? out.pipeThrough(armorEncoder()) : out;
}

/** Unwraps the file key with the first identity that opens a stanza, then checks the header MAC. */
async function unwrapFileKey(header: Uint8Array, identities: LoadedIdentity[]): Promise<Uint8Array> {
  const parsed = parseAgeHeader(header);
  const stanzas: Stanza[] = parsed.stanzas;
  let fileKey: Uint8Array | null = null;
  for (const id of identities) {
    if (id.identity instanceof TypageIdentity) {
      fileKey = await id.identity.unwrapWithHeader(header.subarray(0, parsed.length));
    } else {
      try {
        fileKey = await (id.identity as Identity).unwrapFileKey(stanzas);
      } catch (err) {
        if (err instanceof AgeError) throw err;
        throw new AgeError("header", `invalid stanza: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (fileKey !== null) break;
  }
  if (fileKey === null) {
    throw new AgeError("no-match", "no identity matched any of the file's recipients", {
      hint: "check that the file was encrypted to this key: nixsec age inspect FILE lists its recipient stanzas",
    });
  }
  if (fileKey.length !== 16) throw new AgeError("header", "invalid file key length");
  const mac = createHmac("sha256", hkdfSha256(fileKey, new Uint8Array(0), "header")).update(parsed.headerNoMac).digest();
  if (!equalBytes(new Uint8Array(mac), parsed.mac)) throw new AgeError("hmac", "header MAC does not match: the file was modified or corrupted");
  return fileKey;
}

/** Decrypts a whole file in memory; throws AgeError with the failure kind. All or nothing. */
export async function decryptBytes(file: Uint8Array, identities: LoadedIdentity[]): Promise<Uint8Array> {
  const bin = looksArmored(file) ? decodeArmor(file) : file;
  const headerEnd = findHeaderEnd(bin);
  if (headerEnd < 0) {
    parseAgeHeader(bin); // throws the precise header error
    throw new AgeError("header", "invalid age header: unexpected end of header");
  }
  const fileKey = await unwrapFileKey(bin, identities);
  if (bin.length < headerEnd + NONCE_SIZE) throw new AgeError("header", "invalid age file: missing payload nonce");
  const payloadKey = hkdfSha256(fileKey, bin.subarray(headerEnd, headerEnd + NONCE_SIZE), "payload");
  wipe(fileKey);
  return decryptPayloadBytes(payloadKey, bin.subarray(headerEnd + NONCE_SIZE));
}

/**
 * Decrypts a stream. The header is read and authenticated before this
 * resolves, so header failures release nothing; the returned stream releases
 * plaintext chunk by chunk as each is authenticated, and errors with a
 * "payload" AgeError on tampering. Armored input is buffered whole (armored
 * files are small in practice).
 */
export async function decryptStream(input: ReadableStream<Uint8Array>, identities: LoadedIdentity[]): Promise<ReadableStream<Uint8Array>> {
  const reader = input.getReader();
  let buf: Uint8Array = new Uint8Array(0);
  let done = false;
  let headerEnd = -1;
  const readMore = async (): Promise<void> => {
    const r = await reader.read();
    if (r.done) done = true;
    else buf = buf.length === 0 ? r.value : concatBytes(buf, r.value);
  };
  while (!done) {
    await readMore();
    if (looksArmored(buf) || (done && looksArmored(buf))) {
      while (!done) await readMore();
      return decryptStream(streamOf(decodeArmor(buf)), identities);
    }
    headerEnd = findHeaderEnd(buf);
    if (headerEnd >= 0) break;
    if (buf.length > MAX_HEADER) throw new AgeError("header", "invalid age header: too large");
  }
  const fileKey = await unwrapFileKey(buf, identities);
  while (!done && buf.length < headerEnd + NONCE_SIZE) await readMore();
  if (buf.length < headerEnd + NONCE_SIZE) throw new AgeError("header", "invalid age file: missing payload nonce");
  const payloadKey = hkdfSha256(fileKey, buf.subarray(headerEnd, headerEnd + NONCE_SIZE), "payload");
  wipe(fileKey);
  const first = buf.subarray(headerEnd + NONCE_SIZE);
  const srcDone = done;
  let sentFirst = false;
  const rest = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!sentFirst) {
        sentFirst = true;
        if (first.length > 0) controller.enqueue(first);
        if (srcDone) controller.close();
        if (first.length > 0 || srcDone) return;
      }
      const r = await reader.read();
      if (r.done) controller.close();
      else controller.enqueue(r.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return decryptPayload(payloadKey, rest.getReader());
}
export async function readAll(s: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const r = s.getReader();
  for (;;) {
    const { done, value } = await r.read();
    if (done) break;
    parts.push(value);
  }
  return concatBytes(...parts);
}

export function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (bytes.length > 0) controller.enqueue(bytes);
      controller.close();
    },
  });
}
