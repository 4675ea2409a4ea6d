// Encrypting age files: a fresh file key wrapped for every recipient (SSH
// and X25519 here, post-quantum and tag through typage's recipient objects,
// plugins through recipient-v1), the header MAC, then the STREAM payload.
// Every file obeys the label rule (labels.ts) before a byte is written.
import { createHmac, randomBytes } from "node:crypto";
import { armorEncoder } from "./armor.js";
import { concatBytes, encodeB64NoPad, wipe } from "./bytes.js";
import { AgeError } from "./errors.js";
import { encodeHeaderNoMac } from "./header.js";
import { recipientLabels, type ParsedRecipient } from "./keys.js";
import { LabelCheck } from "./labels.js";
import { PluginRecipient, type PluginWrap } from "./plugin-recipient.js";
import { loadTypage, Stanza, type Recipient } from "./stanza.js";
import { encryptPayload, encryptPayloadBytes } from "./stream.js";
import { readAll, streamOf } from "./streams.js";
import { hkdfSha256 } from "./x25519.js";

export interface EncryptOptions {
  armor?: boolean;
  /**
   * The plugin stanzas of this file, wrapped beforehand with many other
   * files' (wrapPluginRecipients: one plugin session for a whole rekey);
   * its file key is this file's.
   */
  pluginWrap?: PluginWrap | null;
}

const NONCE_SIZE = 16;

const typageRecipients = new Map<string, Promise<Recipient>>();

/**
 * typage's Recipient for a string it implements (`age1pq1…`, `age1tag1…`,
 * `age1tagpq1…`). typage exports no class per type; an Encrypter holds the
 * object it parsed the string into, which wraps any file key we give it.
 */
function typageRecipient(s: string): Promise<Recipient> {
  let r = typageRecipients.get(s);
  if (!r) {
    r = loadTypage().then(({ Encrypter }) => {
      const e = new Encrypter();
      e.addRecipient(s);
      const held = (e as unknown as { recipients?: unknown[] }).recipients?.[0] as Recipient | undefined;
      if (typeof held?.wrapFileKey !== "function") throw new AgeError("key", "this version of age-encryption keeps its recipients elsewhere; nixsec needs an update");
      return held;
    });
    typageRecipients.set(s, r);
  }
  return r;
}

/**
 * The recipients of one file as objects, under the label rule: native
 * labels are checked now, a plugin's when it wraps (or from its batch).
 */
async function recipientsFor(recipients: ParsedRecipient[], wrap: PluginWrap | null | undefined): Promise<Recipient[]> {
  if (recipients.length === 0) throw new AgeError("key", "no recipients given");
  const check = new LabelCheck();
  for (const r of recipients) {
    const labels = recipientLabels(r);
    if (labels) check.add(r.text, labels);
  }
  const used = new Set<PluginWrap["sessions"][number]>();
  const out: Recipient[] = [];
  for (const r of recipients) {
    const inner = r.recipient;
    if (typeof inner === "string") out.push(await typageRecipient(inner));
    else if (!(inner instanceof PluginRecipient)) out.push(inner);
    else {
      const pre = wrap?.sessions.find((s) => s.texts.includes(r.text));
      if (pre) {
        check.add(r.text, pre.labels);
        if (!used.has(pre)) {
          used.add(pre);
          out.push({ wrapFileKey: () => pre.stanzas.map((s) => new Stanza(s.args, s.body)) });
        }
        continue;
      }
      out.push({
        async wrapFileKey(fileKey: Uint8Array): Promise<Stanza[]> {
          const w = await inner.wrapWithLabels(fileKey);
          check.add(r.text, w.labels);
          return w.stanzas;
        },
      });
    }
  }
  return out;
}

/** The file key wrapped for each recipient: the header, the nonce, and the payload key. */
async function headerFor(recipients: Recipient[], given?: Uint8Array): Promise<{ head: Uint8Array; payloadKey: Uint8Array }> {
  const fileKey = given ? new Uint8Array(given) : new Uint8Array(randomBytes(16));
  try {
    const stanzas: Stanza[] = [];
    for (const r of recipients) stanzas.push(...(await r.wrapFileKey(fileKey)));
    const headerNoMac = encodeHeaderNoMac(stanzas);
    const mac = createHmac("sha256", hkdfSha256(fileKey, new Uint8Array(0), "header")).update(headerNoMac).digest();
    const nonce = new Uint8Array(randomBytes(NONCE_SIZE));
    const head = concatBytes(headerNoMac, new Uint8Array(Buffer.from(" " + encodeB64NoPad(new Uint8Array(mac)) + "\n")), nonce);
    return { head, payloadKey: hkdfSha256(fileKey, nonce, "payload") };
  } finally {
    wipe(fileKey);
  }
}

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

/** Encrypts bytes in memory (secrets are small), without streams on the common path. */
export async function encryptBytes(plaintext: Uint8Array, recipients: ParsedRecipient[], opts: EncryptOptions = {}): Promise<Uint8Array> {
  if (opts.armor) return readAll(await encryptStream(streamOf(plaintext), recipients, opts));
  const { head, payloadKey } = await headerFor(await recipientsFor(recipients, opts.pluginWrap), opts.pluginWrap?.fileKey);
  return concatBytes(head, encryptPayloadBytes(payloadKey, plaintext));
}

/** Encrypts a stream with bounded memory (one 64 KiB chunk at a time). */
export async function encryptStream(input: ReadableStream<Uint8Array>, recipients: ParsedRecipient[], opts: EncryptOptions = {}): Promise<ReadableStream<Uint8Array>> {
  const { head, payloadKey } = await headerFor(await recipientsFor(recipients, opts.pluginWrap), opts.pluginWrap?.fileKey);
  const out = prepend(head, input.pipeThrough(encryptPayload(payloadKey)));
  return opts.armor ? out.pipeThrough(armorEncoder()) : out;
}
