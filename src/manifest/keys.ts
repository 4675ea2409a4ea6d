// Syntax of the recipient keys a manifest may name: the public half only.
// Accepted are the recipient types the hosts' and admins' tools decrypt
// (anchors §2 and "Interop facts"): age X25519 (`age1…`, bech32, 32 bytes);
// for admins with hardware keys, the age 1.3 tag types (`age1tag1…`,
// `age1tagpq1…`) and plugin recipients (`age1yubikey1…`: any `age1NAME1…`);
// post-quantum `age1pq1…`; and OpenSSH `ssh-ed25519` / `ssh-rsa` public keys,
// whose base64 blob is an SSH wire-format key (RFC 4253 §6.6, RFC 8709 §4)
// that must name the same type. Which keys may share a file is the label
// rule (recipientLabelIssues, below; src/crypto/labels.ts).
import { ECDH } from "node:crypto";
import { bech32 } from "@scure/base";
import { isPluginName } from "../crypto/plugin-name.js";
import { WireError, WireReader } from "../crypto/ssh-wire.js";
import type { Issue } from "./issues.js";

export type RecipientType = "x25519" | "mlkem768x25519" | "p256tag" | "mlkem768p256tag" | "plugin" | "ssh-ed25519" | "ssh-rsa";

export interface Recipient {
  type: RecipientType;
  /** The key without its comment, for comparing two recipients. */
  canonical: string;
}

/** A loose pattern for editors (JSON schema); `parseRecipient` is the real check. */
export const RECIPIENT_PATTERN = "^\\s*(age1[0-9a-z._+-]+|ssh-ed25519\\s+[A-Za-z0-9+/=]+|ssh-rsa\\s+[A-Za-z0-9+/=]+)(\\s.*)?$";

/** Smallest RSA modulus accepted; NixOS and OpenSSH generate 3072 or 4096 bits. */
export const MIN_RSA_BITS = 2048;

/** Parses a recipient, or returns the reason it is not one. Never echoes the input. */
export function parseRecipient(text: string): Recipient | { problem: string } {
  const trimmed = text.trim();
  if (/^(AGE-SECRET-KEY-|-----BEGIN)/i.test(trimmed)) {
    return { problem: "this is a private key; put only the public key (age1… or ssh-…) in the manifest" };
  }
  if (/^AGE-PLUGIN-/i.test(trimmed)) {
    return { problem: "this is a plugin identity; put its recipient (age1…, printed by the plugin) in the manifest" };
  }
  if (/^age1/i.test(trimmed)) return parseAge(trimmed);
  const [type = "", blob = ""] = trimmed.split(/\s+/);
  if (type === "ssh-ed25519" || type === "ssh-rsa") return parseSsh(type, blob);
  if (/^(ssh-|sk-|ecdsa-)/.test(type)) {
    return { problem: `unsupported key type ${JSON.stringify(type)}; age accepts ssh-ed25519 and ssh-rsa keys` };
  }
  return { problem: "expected an age recipient (age1…) or an ssh public key (ssh-ed25519 … or ssh-rsa …)" };
}

/** Bytes of each native age type; plugins' payloads are theirs to judge. */
const AGE_TYPES: Record<string, { type: RecipientType; bytes: number; point?: number }> = {
  age: { type: "x25519", bytes: 32 },
  age1pq: { type: "mlkem768x25519", bytes: 1216 },
  age1tag: { type: "p256tag", bytes: 33, point: 0 },
  age1tagpq: { type: "mlkem768p256tag", bytes: 1249, point: 1184 },
};

function parseAge(text: string): Recipient | { problem: string } {
  if (text !== text.toLowerCase()) return { problem: "age recipients are written in lower case" };
  let prefix: string;
  let bytes: Uint8Array;
  try {
    const decoded = bech32.decode(text as `${string}1${string}`, false);
    prefix = decoded.prefix;
    bytes = bech32.fromWords(decoded.words);
  } catch (e) {
    const checksum = e instanceof Error && /checksum/i.test(e.message);
    return { problem: checksum ? "age recipient has a bad checksum (a typo?)" : "age recipient is not valid bech32" };
  }
  const native = AGE_TYPES[prefix];
  if (!native) {
    const plugin = prefix.slice(4);
    if (!isPluginName(plugin)) return { problem: `age recipient names an invalid plugin ${JSON.stringify(plugin)}` };
    return { type: "plugin", canonical: text };
  }
  if (bytes.length !== native.bytes) return { problem: `age recipient holds ${bytes.length} bytes, expected ${native.bytes}` };
  if (native.point !== undefined) {
    try {
      ECDH.convertKey(bytes.subarray(native.point), "prime256v1", undefined, undefined, "uncompressed");
    } catch {
      return { problem: "tag recipient is not a P-256 point" };
    }
  }
  return { type: native.type, canonical: text };
}

/** A recipient type's labels (crypto/labels.ts): post-quantum or classic; undefined for plugins, which say when they wrap. */
function postQuantum(type: RecipientType): boolean | undefined {
  if (type === "plugin") return undefined;
  return type === "mlkem768x25519" || type === "mlkem768p256tag";
}

type Principals = Record<string, unknown>;

/**
 * The label rule over the readers of each secret (every admin, and the
 * secret's hosts): age refuses to write a file for post-quantum and classic
 * recipients at once, so a post-quantum key beside a classic one is an
 * error naming both. Admins read every secret, so two admins of different
 * kinds always clash; a host clashes with the admins of the secrets it reads.
 */
export function recipientLabelIssues(admins: Principals, hosts: Principals, secrets: Record<string, unknown>): Issue[] {
  const kind = (entry: unknown): { pq: boolean; type: RecipientType } | undefined => {
    const key = typeof entry === "object" && entry !== null ? (entry as { key?: unknown }).key : undefined;
    if (typeof key !== "string") return undefined;
    const r = parseRecipient(key);
    if ("problem" in r) return undefined;
    const pq = postQuantum(r.type);
    return pq === undefined ? undefined : { pq, type: r.type };
  };
  const issues: Issue[] = [];
  const reported = new Set<string>();
  const clash = (pq: [string, string], classic: [string, string], type: RecipientType, secret?: string) => {
    const id = `${pq.join(".")} ${classic.join(".")}`;
    if (reported.has(id)) return;
    reported.add(id);
    const who = `${classic[0] === "admins" ? "admin" : "host"} ${classic[1]}`;
    const where = secret === undefined ? "every secret" : `secret ${JSON.stringify(secret)}`;
    issues.push({
      path: [pq[0], pq[1], "key"],
      message: `this post-quantum key and ${who}'s classic ${type} key would both read ${where}; age refuses to mix post-quantum and classic recipients in one file (the file would be vulnerable to quantum computers): give both post-quantum keys, or both classic ones`,
    });
  };
  const adminKinds = Object.entries(admins).map(([n, e]) => [n, kind(e)] as const);
  for (const [a, ka] of adminKinds) {
    for (const [b, kb] of adminKinds) if (ka?.pq && kb && !kb.pq) clash(["admins", a], ["admins", b], kb.type);
  }
  for (const [name, secret] of Object.entries(secrets)) {
    const list = typeof secret === "object" && secret !== null ? (secret as { hosts?: unknown }).hosts : undefined;
    if (!Array.isArray(list)) continue;
    for (const h of list) {
      if (typeof h !== "string" || !Object.hasOwn(hosts, h)) continue;
      const kh = kind(hosts[h]);
      if (!kh) continue;
      for (const [a, ka] of adminKinds) {
        if (!ka || ka.pq === kh.pq) continue;
        if (ka.pq) clash(["admins", a], ["hosts", h], kh.type, name);
        else clash(["hosts", h], ["admins", a], ka.type, name);
      }
    }
  }
  return issues;
}

function parseSsh(type: "ssh-ed25519" | "ssh-rsa", blob: string): Recipient | { problem: string } {
  const bytes = Buffer.from(blob, "base64");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(blob) || bytes.toString("base64") !== blob) {
    return { problem: `${type} key data is not valid base64` };
  }
  // The same RFC 4251 reader the age layer uses; truncation throws WireError.
  try {
    const wire = new WireReader(new Uint8Array(bytes), "key");
    const inner = Buffer.from(wire.string()).toString("latin1");
    if (inner !== type) return { problem: `key line says ${type} but its data is ${JSON.stringify(inner)}` };
    if (type === "ssh-ed25519") {
      const point = wire.string();
      if (point.length !== 32 || wire.remaining !== 0) return { problem: "ssh-ed25519 key data has the wrong length" };
    } else {
      const e = Buffer.from(wire.string());
      const n = Buffer.from(wire.string());
      // mpints are two's complement: a set top bit would make them negative.
      const malformed = [e, n].some((m) => m.length === 0 || m[0]! >= 0x80);
      if (malformed || wire.remaining !== 0) return { problem: "ssh-rsa key data is malformed" };
      const exponent = BigInt("0x0" + e.toString("hex"));
      if (exponent < 3n || exponent % 2n === 0n) return { problem: "ssh-rsa key has an invalid public exponent" };
      const bits = BigInt("0x0" + n.toString("hex")).toString(2).length;
      if (bits < MIN_RSA_BITS) return { problem: `ssh-rsa key has ${bits} bits; use at least ${MIN_RSA_BITS}` };
    }
  } catch (err) {
    if (!(err instanceof WireError)) throw err;
    return { problem: type === "ssh-ed25519" ? "ssh-ed25519 key data has the wrong length" : "ssh-rsa key data is malformed" };
  }
  return { type, canonical: `${type} ${blob}` };
}
