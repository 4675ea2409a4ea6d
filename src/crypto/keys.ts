// Recipient strings and files, as the age CLI reads them (`-r`, `-R`):
// age1… (X25519), age1pq1… (post-quantum hybrid), age1tag1… / age1tagpq1…
// (the tag types made for hardware keys), age1NAME1… (a plugin's), and
// ssh-ed25519 / ssh-rsa public key lines. Identities are in identities.ts.
import { ECDH } from "node:crypto";
import { bech32 } from "@scure/base";
import type { Recipient } from "./stanza.js";
import { AgeError } from "./errors.js";
import { nativeLabels } from "./labels.js";
import { decodeX25519Recipient, X25519Recipient } from "./native-x25519.js";
import { P256TagRecipient } from "./p256tag.js";
import { hrpOf } from "./plugin-name.js";
import { PluginRecipient } from "./plugin-recipient.js";
import { parseSshPublicKeyLine, SshEd25519Recipient, SshRsaRecipient, type SshPublicKey } from "./ssh.js";

export type RecipientKind = "x25519" | "mlkem768x25519" | "p256tag" | "mlkem768p256tag" | "ssh-ed25519" | "ssh-rsa" | "plugin";

export interface ParsedRecipient {
  kind: RecipientKind;
  /** The recipient as written (trimmed; comment kept for SSH keys). */
  text: string;
  /** What typage's Encrypter.addRecipient takes: an object, or a string typage implements (post-quantum, tag). */
  recipient: Recipient | string;
  ssh?: SshPublicKey;
}

/**
 * Parses one recipient string. Throws AgeError kind "key" with a hint.
 * A plugin recipient runs its plugin with the run's PluginContext
 * (setPluginContext) when it wraps a key.
 */
export function parseRecipient(input: string): ParsedRecipient {
  const s = input.trim();
  if (s.startsWith("ssh-")) {
    const ssh = parseSshPublicKeyLine(s);
    const recipient = ssh.type === "ssh-ed25519" ? new SshEd25519Recipient(ssh) : new SshRsaRecipient(ssh);
    return { kind: ssh.type, text: s, recipient, ssh };
  }
  if (/^age1/i.test(s)) {
    if (s !== s.toLowerCase()) throw new AgeError("key", "age recipients are written in lower case");
    const hrp = hrpOf(s);
    if (hrp === "age") return { kind: "x25519", text: s, recipient: new X25519Recipient(decodeX25519Recipient(s)) };
    // typage implements the post-quantum ones (and validates their ML-KEM keys when encrypting).
    if (hrp === "age1pq") {
      checkedBech32(s, "age1pq", 1216, "post-quantum recipient (age1pq1…)");
      return { kind: "mlkem768x25519", text: s, recipient: s };
    }
    if (hrp === "age1tag") return { kind: "p256tag", text: s, recipient: new P256TagRecipient(checkedTag(s, "age1tag", 33, 0)) };
    if (hrp === "age1tagpq") {
      checkedTag(s, "age1tagpq", 1249, 1184);
      return { kind: "mlkem768p256tag", text: s, recipient: s };
    }
    return { kind: "plugin", text: s, recipient: new PluginRecipient(s, false) };
  }
  throw new AgeError("key", `unknown recipient "${s.slice(0, 20)}${s.length > 20 ? "…" : ""}"`, {
    hint: "a recipient is an age1… key (X25519, age1pq1…, age1tag1…, or a plugin's age1NAME1…), or an \"ssh-ed25519 AAAA…\" / \"ssh-rsa AAAA…\" public key line",
  });
}

/** The labels a native recipient carries, for the label rule (labels.ts); undefined for plugins. */
export function recipientLabels(r: ParsedRecipient): string[] | undefined {
  return nativeLabels(r.kind);
}

function checkedBech32(s: string, prefix: string, length: number, what: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    const d = bech32.decode(s as `${string}1${string}`, false);
    if (d.prefix !== prefix) throw new Error("prefix");
    bytes = bech32.fromWords(d.words);
  } catch {
    throw new AgeError("key", `malformed ${what}: invalid bech32 encoding`);
  }
  if (bytes.length !== length) throw new AgeError("key", `malformed ${what}: ${bytes.length} bytes, expected ${length}`);
  return bytes;
}

/** A tag recipient's bytes, once its P-256 point (at `pointAt`; compressed or uncompressed) is on the curve. */
function checkedTag(s: string, prefix: string, length: number, pointAt: number): Uint8Array {
  const what = `tag recipient (${prefix}1…)`;
  const bytes = checkedBech32(s, prefix, length, what);
  try {
    ECDH.convertKey(bytes.subarray(pointAt), "prime256v1", undefined, undefined, "uncompressed");
  } catch {
    throw new AgeError("key", `malformed ${what}: not a P-256 point`);
  }
  return bytes;
}

/**
 * Parses a recipients file: one recipient per line, `#` comments and blank
 * lines ignored. Errors name the file and line.
 */
export function parseRecipientsFile(text: string, name: string): ParsedRecipient[] {
  const out: ParsedRecipient[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    try {
      out.push(parseRecipient(line));
    } catch (err) {
      if (err instanceof AgeError) throw new AgeError("key", `${name}:${i + 1}: ${err.message}`, { hint: err.hints });
      throw err;
    }
  });
  if (out.length === 0) throw new AgeError("key", `${name}: no recipients found`);
  return out;
}
