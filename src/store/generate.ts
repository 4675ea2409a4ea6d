// Value generators for `nixsec add --generate` and `nixsec rotate`. Every
// value comes from node:crypto's CSPRNG; passwords use rejection sampling so
// each character of the alphabet is equally likely.
import { createHash, generateKeyPairSync, randomBytes, randomInt } from "node:crypto";
import { NixsecError } from "../errors.js";
import { utf8 } from "../crypto/bytes.js";
import { encodeWireString } from "../crypto/ssh-wire.js";
import { readSshPrivateKey } from "../crypto/openssh-key.js";
import { importScalar, x25519Base } from "../crypto/x25519.js";

export const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export type GenerateKind = "password" | "hex" | "base64" | "wireguard" | "ssh-ed25519" | "password-hash";
export const GENERATE_KINDS: readonly GenerateKind[] = ["password", "hex", "base64", "wireguard", "ssh-ed25519", "password-hash"];

export interface GenerateRequest {
  kind: GenerateKind;
  length?: number;
  alphabet?: string;
  bytes?: number;
  /** password-hash: the plaintext password to hash. */
  password?: string;
  /** ssh-ed25519: the key comment. */
  comment?: string;
}

export interface Generated {
  value: Uint8Array;
  /** Public information worth showing (a public key); never secret. */
  publicInfo?: string;
}

export function generatePassword(length: number, alphabet = ALPHANUMERIC): string {
  const chars = [...new Set(alphabet)];
  if (chars.length < 2) throw new NixsecError("the password alphabet needs at least 2 distinct characters", { hint: "pass --alphabet with more characters" });
  if (!Number.isInteger(length) || length < 8 || length > 1024) throw new NixsecError("password length must be between 8 and 1024", { hint: "pass --length N" });
  let out = "";
  for (let i = 0; i < length; i++) out += chars[randomInt(chars.length)];
  return out;
}

/** A WireGuard private key as `wg genkey` makes it (clamped), with its public key. */
export function generateWireguardKey(): { privateKey: string; publicKey: string } {
  const k = new Uint8Array(randomBytes(32));
  k[0]! &= 248;
  k[31]! &= 127;
  k[31]! |= 64;
  const pub = x25519Base(importScalar(k));
  return { privateKey: Buffer.from(k).toString("base64"), publicKey: Buffer.from(pub).toString("base64") };
}

/** An unencrypted openssh-key-v1 ed25519 private key, as `ssh-keygen -N ''` writes it. */
export function generateSshEd25519(comment: string): { privateKey: string; publicKey: string } {
  const { privateKey } = generateKeyPairSync("ed25519");
  // One-off export of an Ed25519 key; the Node 20 JWK hang concerns x25519 loops (crypto.md §9.5).
  const jwk = privateKey.export({ format: "jwk" });
  const seed = new Uint8Array(Buffer.from(jwk.d!, "base64url"));
  const pk = new Uint8Array(Buffer.from(jwk.x!, "base64url"));
  const type = utf8.encode("ssh-ed25519");
  const pubWire = encodeWireString([type, pk]);
  const check = randomBytes(4);
  let priv = Buffer.concat([check, check, encodeWireString([type, pk, Buffer.concat([seed, pk]), utf8.encode(comment)])]);
  const pad: number[] = [];
  for (let i = 1; (priv.length + pad.length) % 8 !== 0; i++) pad.push(i);
  priv = Buffer.concat([priv, Buffer.from(pad)]);
  const none = utf8.encode("none");
  const body = Buffer.concat([
    Buffer.from("openssh-key-v1\0", "latin1"),
    encodeWireString([none, none, new Uint8Array(0)]),
    Buffer.from([0, 0, 0, 1]),
    encodeWireString([pubWire, priv]),
  ]);
  const b64 = body.toString("base64").replace(/(.{70})/g, "$1\n").replace(/\n$/, "");
  seed.fill(0);
  return {
    privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\n${b64}\n-----END OPENSSH PRIVATE KEY-----\n`,
    publicKey: `ssh-ed25519 ${Buffer.from(pubWire).toString("base64")}${comment ? " " + comment : ""}`,
  };
}

/** A crypt(3) SHA-512 hash ("$6$…"), which users.users.<name>.hashedPasswordFile accepts. */
export async function hashPassword(password: string): Promise<string> {
  const { encrypt } = await import("unixcrypt");
  const salt = randomBytes(12).toString("base64").replace(/[^A-Za-z0-9./]/g, ".").slice(0, 16);
  return encrypt(password, `$6$${salt}`);
}

export async function generateValue(req: GenerateRequest): Promise<Generated> {
  const text = (s: string): Uint8Array => utf8.encode(s);
  const bytes = req.bytes ?? 32;
  if ((req.kind === "hex" || req.kind === "base64") && (!Number.isInteger(bytes) || bytes < 16 || bytes > 1024)) {
    throw new NixsecError("--bytes must be between 16 and 1024", { hint: "pass --bytes 32 for a 256-bit token" });
  }
  switch (req.kind) {
    case "password":
      return { value: text(generatePassword(req.length ?? 32, req.alphabet)) };
    case "hex":
      return { value: text(randomBytes(bytes).toString("hex")) };
    case "base64":
      return { value: text(randomBytes(bytes).toString("base64")) };
    case "wireguard": {
      const k = generateWireguardKey();
      return { value: text(k.privateKey), publicInfo: `wireguard public key: ${k.publicKey}` };
    }
    case "ssh-ed25519": {
      const k = generateSshEd25519(req.comment ?? "");
      return { value: text(k.privateKey), publicInfo: `ssh public key: ${k.publicKey}` };
    }
    case "password-hash": {
      if (req.password === undefined) throw new NixsecError("password-hash needs a password to hash", { hint: "pass --from SECRET naming the secret that holds the password" });
      return { value: text(await hashPassword(req.password)) };
    }
  }
}

/**
 * The public half of a generated key pair, derived from the private key (it
 * is not stored): a WireGuard key (`wg pubkey`), or an SSH private key's
 * public key line. `kind` is the secret's generator, when it has one.
 */
export async function publicKeyOf(name: string, value: Uint8Array, kind?: GenerateKind): Promise<{ kind: "wireguard" | "ssh"; publicKey: string }> {
  const text = Buffer.from(value).toString("utf8");
  if (kind === "ssh-ed25519" || (kind === undefined && /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text))) {
    try {
      const k = await readSshPrivateKey(text, name);
      const pub = k.publicKey;
      return { kind: "ssh", publicKey: `${pub.type} ${Buffer.from(pub.wire).toString("base64")}${pub.comment ? " " + pub.comment : ""}` };
    } catch (err) {
      throw new NixsecError(`${name} is not an SSH private key nixsec can read: ${(err as Error).message}`, { hint: "--public works for unencrypted ssh-ed25519 and ssh-rsa keys" });
    }
  }
  const trimmed = text.trim();
  const raw = /^[A-Za-z0-9+/]{43}=$/.test(trimmed) ? Buffer.from(trimmed, "base64") : undefined;
  if (raw?.length === 32 && (kind === undefined || kind === "wireguard")) {
    return { kind: "wireguard", publicKey: Buffer.from(x25519Base(importScalar(new Uint8Array(raw)))).toString("base64") };
  }
  throw new NixsecError(`${name} holds neither a WireGuard nor an SSH private key, so it has no public key to show`, {
    hint: "--public is for secrets made with --generate wireguard or --generate ssh-ed25519 (or holding such a key)",
  });
}

/** A short, non-reversible fingerprint of a value, for logs and lock files. */
export function valueFingerprint(value: Uint8Array): string {
  return createHash("sha256").update(value).digest("base64url").slice(0, 12);
}
