// Decrypting age files (encrypt.ts writes them). typage handles
// post-quantum and scrypt stanzas; nixsec adds SSH and native X25519
// identities, plugins (plugin-*.ts: native identities first, plugins only
// for what they leave, batched by preloadFileKeys), a strict header parser
// for classifying failures and for inspection, and streaming armor. Header
// failures never release plaintext.
import { createHash, createHmac } from "node:crypto";
import type { Identity } from "./stanza.js";
import { decodeArmor, looksArmored } from "./armor.js";
import { concatBytes, equalBytes, wipe } from "./bytes.js";
import { AgeError } from "./errors.js";
import { findHeaderEnd, parseAgeHeader, type AgeHeader } from "./header.js";
import { decryptPayload, decryptPayloadBytes } from "./stream.js";
import { TypageIdentity, type LoadedIdentity } from "./identities.js";
import { askPlugins, pluginAnswer, PluginIdentity, type HeaderStanzas } from "./plugin-identity.js";
import { readAll, streamOf } from "./streams.js";
import { hkdfSha256 } from "./x25519.js";

export { readAll, streamOf };

/** Largest header nixsec reads before giving up (a real one is a few KiB). */
const MAX_HEADER = 16 << 20;
const NONCE_SIZE = 16;

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
