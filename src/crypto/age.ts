// Encrypting and decrypting age files. typage handles post-quantum, tag and
// scrypt stanzas; nixsec adds SSH and native X25519 recipients, plugins
// (plugin-*.ts), the recipient label rule (labels.ts), a strict header
// parser for classifying failures and for inspection, and streaming armor.
// Header failures never release plaintext.
import { createHash, createHmac, randomBytes } from "node:crypto";
import { loadTypage, type Identity, type Recipient, type Stanza } from "./stanza.js";
import { armorEncoder, decodeArmor, looksArmored } from "./armor.js";
import { concatBytes, encodeB64NoPad, equalBytes, wipe } from "./bytes.js";
import { AgeError } from "./errors.js";
import { encodeHeaderNoMac, findHeaderEnd, parseAgeHeader, type AgeHeader } from "./header.js";
import { decryptPayload, decryptPayloadBytes, encryptPayload, encryptPayloadBytes } from "./stream.js";
import { TypageIdentity, type LoadedIdentity } from "./identities.js";
import { recipientLabels, type ParsedRecipient } from "./keys.js";
import { LabelCheck } from "./labels.js";
import { askPlugins, pluginAnswer, PluginIdentity, type HeaderStanzas } from "./plugin-identity.js";
import { PluginRecipient } from "./plugin-recipient.js";
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

/**
 * The recipients of one file as typage and headerFor take them, under the
 * label rule: native labels are checked now, a plugin's when it wraps (it
 * reports them then), so a mixed file is refused before anything is written.
 */
function labelled(recipients: ParsedRecipient[]): Array<Recipient | string> {
  if (recipients.length === 0) throw new AgeError("key", "no recipients given");
  const check = new LabelCheck();
  for (const r of recipients) {
    const labels = recipientLabels(r);
    if (labels) check.add(r.text, labels);
  }
  return recipients.map((r) => {
    const plugin = r.recipient;
    if (!(plugin instanceof PluginRecipient)) return plugin;
    return {
      async wrapFileKey(fileKey: Uint8Array): Promise<Stanza[]> {
        const w = await plugin.wrapWithLabels(fileKey);
        check.add(r.text, w.labels);
        return w.stanzas;
      },
    };
  });
}

async function encryptRaw(input: ReadableStream<Uint8Array>, recipients: ParsedRecipient[]): Promise<ReadableStream<Uint8Array>> {
  const list = labelled(recipients);
  if (list.some((r) => typeof r === "string")) {
    // Post-quantum and tag recipients live inside typage; let it write the whole file.
    const { Encrypter } = await loadTypage();
    const e = new Encrypter();
    for (const r of list) e.addRecipient(r);
    return e.encrypt(input);
  }
  const { head, payloadKey } = await headerFor(list as Recipient[]);
  return prepend(head, input.pipeThrough(encryptPayload(payloadKey)));
}

/** Encrypts bytes in memory (secrets are small), without streams on the common path. */
export async function encryptBytes(plaintext: Uint8Array, recipients: ParsedRecipient[], opts: EncryptOptions = {}): Promise<Uint8Array> {
  if (opts.armor || recipients.some((r) => typeof r.recipient === "string")) {
    return readAll(await encryptStream(streamOf(plaintext), recipients, opts));
  }
  const { head, payloadKey } = await headerFor(labelled(recipients) as Recipient[]);
  return concatBytes(head, encryptPayloadBytes(payloadKey, plaintext));
}

/** A fresh file key wrapped for each recipient: the header, the nonce, and the payload key. */
async function headerFor(recipients: Recipient[]): Promise<{ head: Uint8Array; payloadKey: Uint8Array }> {
  const fileKey = new Uint8Array(randomBytes(16));
  const stanzas: Stanza[] = [];
  for (const r of recipients) stanzas.push(...(await r.wrapFileKey(fileKey)));
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

/** The identities that run in this process, and the plugins. */
function split(identities: LoadedIdentity[]): { natives: LoadedIdentity[]; plugins: PluginIdentity[] } {
  const natives: LoadedIdentity[] = [];
  const plugins: PluginIdentity[] = [];
  for (const id of identities) {
    if (id.identity instanceof PluginIdentity) plugins.push(id.identity);
    else natives.push(id);
  }
  return { natives, plugins };
}

/** The identities that need no plugin: for checking files just written without asking a hardware key again. */
export function localIdentities(identities: LoadedIdentity[]): LoadedIdentity[] {
  return split(identities).natives;
}

/** The first native identity's file key, or null. */
async function unwrapNative(header: Uint8Array, parsed: AgeHeader, natives: LoadedIdentity[]): Promise<Uint8Array | null> {
  for (const id of natives) {
    let fileKey: Uint8Array | null;
    if (id.identity instanceof TypageIdentity) {
      fileKey = await id.identity.unwrapWithHeader(header.subarray(0, parsed.length));
    } else {
      try {
        fileKey = await (id.identity as Identity).unwrapFileKey(parsed.stanzas);
      } catch (err) {
        if (err instanceof AgeError) throw err;
        throw new AgeError("header", `invalid stanza: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (fileKey !== null) return fileKey;
  }
  return null;
}

/** Names a header for the plugin answers cache: SHA-256 of its bytes. */
function headerDigest(header: Uint8Array, parsed: AgeHeader): string {
  return createHash("sha256").update(header.subarray(0, parsed.length)).digest("hex");
}

/**
 * Unwraps the file key, then checks the header MAC. Identities that run
 * here go first; plugins (which may want a touch or a PIN) only when none
 * of them opens the file, and through the answers of a preload when there
 * was one.
 */
async function unwrapFileKey(header: Uint8Array, identities: LoadedIdentity[]): Promise<Uint8Array> {
  const parsed = parseAgeHeader(header);
  const { natives, plugins } = split(identities);
  let fileKey = await unwrapNative(header, parsed, natives);
  if (fileKey === null && plugins.length > 0) {
    const digest = headerDigest(header, parsed);
    await askPlugins(plugins, [{ digest, stanzas: parsed.stanzas }]);
    fileKey = pluginAnswer(plugins, digest);
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

/**
 * Prepares the decryption of many files at once: every file no native
 * identity opens goes to the plugin identities in one session per plugin,
 * so a hardware key asks once for the whole batch. The decryptBytes (or
 * decryptStream) calls that follow use the answers. Files that do not parse
 * are left for those calls to report. A plugin that fails (not found, a
 * crash, a refusal) throws here.
 */
export async function preloadFileKeys(files: Uint8Array[], identities: LoadedIdentity[]): Promise<void> {
  const { natives, plugins } = split(identities);
  if (plugins.length === 0) return;
  const todo: HeaderStanzas[] = [];
  for (const file of files) {
    let bin: Uint8Array;
    let parsed: AgeHeader;
    try {
      bin = looksArmored(file) ? decodeArmor(file) : file;
      parsed = parseAgeHeader(bin);
      const native = await unwrapNative(bin, parsed, natives);
      if (native !== null) {
        wipe(native);
        continue;
      }
    } catch {
      continue; // reported by the decryption itself
    }
    todo.push({ digest: headerDigest(bin, parsed), stanzas: parsed.stanzas });
  }
  if (todo.length > 0) await askPlugins(plugins, todo);
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
