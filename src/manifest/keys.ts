// Syntax of the recipient keys a manifest may name: the public half only.
// Accepted are exactly the recipient types agenix hosts can decrypt with
// (anchors §2 and "Interop facts"): age X25519 (`age1…`, bech32, 32 bytes),
// and OpenSSH `ssh-ed25519` / `ssh-rsa` public keys, whose base64 blob is an
// SSH wire-format key (RFC 4253 §6.6, RFC 8709 §4) that must name the same type.
import { bech32 } from "@scure/base";
import { WireError, WireReader } from "../crypto/ssh-wire.js";

export type RecipientType = "x25519" | "ssh-ed25519" | "ssh-rsa";

export interface Recipient {
  type: RecipientType;
  /** The key without its comment, for comparing two recipients. */
  canonical: string;
}

/** A loose pattern for editors (JSON schema); `parseRecipient` is the real check. */
export const RECIPIENT_PATTERN = "^\\s*(age1[0-9a-z]+|ssh-ed25519\\s+[A-Za-z0-9+/=]+|ssh-rsa\\s+[A-Za-z0-9+/=]+)(\\s.*)?$";

/** Smallest RSA modulus accepted; NixOS and OpenSSH generate 3072 or 4096 bits. */
export const MIN_RSA_BITS = 2048;

/** Parses a recipient, or returns the reason it is not one. Never echoes the input. */
export function parseRecipient(text: string): Recipient | { problem: string } {
  const trimmed = text.trim();
  if (/^(AGE-SECRET-KEY-|-----BEGIN)/i.test(trimmed)) {
    return { problem: "this is a private key; put only the public key (age1… or ssh-…) in the manifest" };
  }
  if (/^age1/i.test(trimmed)) return parseAge(trimmed);
  const [type = "", blob = ""] = trimmed.split(/\s+/);
  if (type === "ssh-ed25519" || type === "ssh-rsa") return parseSsh(type, blob);
  if (/^(ssh-|sk-|ecdsa-)/.test(type)) {
    return { problem: `unsupported key type ${JSON.stringify(type)}; age accepts ssh-ed25519 and ssh-rsa keys` };
  }
  return { problem: "expected an age recipient (age1…) or an ssh public key (ssh-ed25519 … or ssh-rsa …)" };
}

function parseAge(text: string): Recipient | { problem: string } {
  if (text !== text.toLowerCase()) return { problem: "age recipients are written in lower case" };
  if (text.startsWith("age1pq1")) {
    // age refuses to mix post-quantum and classic recipients in one file, and
    // every secret has an ssh host key or X25519 admin among its recipients.
    return { problem: "post-quantum recipients (age1pq1…) cannot be mixed with ssh host keys; use an X25519 key (age1…)" };
  }
  let prefix: string;
  let bytes: Uint8Array;
  try {
    const decoded = bech32.decode(text as `${string}1${string}`, 1024);
    prefix = decoded.prefix;
    bytes = bech32.fromWords(decoded.words);
  } catch (e) {
    const checksum = e instanceof Error && /checksum/i.test(e.message);
    return { problem: checksum ? "age recipient has a bad checksum (a typo?)" : "age recipient is not valid bech32" };
  }
  if (prefix !== "age") {
    const plugin = prefix.replace(/^age1/, "");
    return { problem: `age plugin recipients (age1${plugin}1…) are not supported; use an X25519 or ssh key` };
  }
  if (bytes.length !== 32) return { problem: `age recipient holds ${bytes.length} bytes, expected 32` };
  return { type: "x25519", canonical: text };
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
