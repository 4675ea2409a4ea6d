// SSH private keys as ssh-keygen writes them: the openssh-key-v1 container
// (PROTOCOL.key in OpenSSH), unencrypted or passphrase-protected with bcrypt_pbkdf
// and AES, plus PEM PKCS#1/PKCS#8 keys, which node:crypto reads itself.
//
// Hand-written because no maintained npm package parses openssh-key-v1 into
// node:crypto keys without pulling a large dependency (sshpk); bcrypt_pbkdf
// itself comes from the bcrypt-pbkdf package.
import { createDecipheriv, createPrivateKey, type KeyObject } from "node:crypto";
import { type Identity } from "./stanza.js";
import { utf8, wipe } from "./bytes.js";
import { AgeError } from "./errors.js";
import { parseSshWirePublicKey, SshEd25519Identity, SshRsaIdentity, type SshPublicKey } from "./ssh.js";
import { encodeWireString, toMpint, WireError, WireReader } from "./ssh-wire.js";

const MAGIC = "openssh-key-v1\0";
const CIPHERS: Record<string, { algo: string; keyLen: number; ivLen: number }> = {
  "aes256-ctr": { algo: "aes-256-ctr", keyLen: 32, ivLen: 16 },
  "aes192-ctr": { algo: "aes-192-ctr", keyLen: 24, ivLen: 16 },
  "aes128-ctr": { algo: "aes-128-ctr", keyLen: 16, ivLen: 16 },
  "aes256-cbc": { algo: "aes-256-cbc", keyLen: 32, ivLen: 16 },
  "aes128-cbc": { algo: "aes-128-cbc", keyLen: 16, ivLen: 16 },
};

/** Asks for a key's passphrase. `name` identifies the key file to the user. */
export type PassphraseProvider = (name: string) => Promise<string>;

export interface SshPrivateKey {
  publicKey: SshPublicKey;
  /** ed25519 only: the 32-byte seed, for ssh-to-age. */
  ed25519Seed?: Uint8Array;
  rsaKey?: KeyObject;
}

/** An openssh-key-v1 container read up to (not into) its private section. */
interface Container {
  publicKey: SshPublicKey;
  cipher: string;
  kdf: string;
  kdfOptions: Uint8Array;
  privateBlob: Uint8Array;
}

export function isSshPrivateKeyPem(text: string): boolean {
  return /^-----BEGIN (OPENSSH |RSA |ENCRYPTED )?PRIVATE KEY-----/m.test(text);
}

function pemBody(text: string, label: string, name: string): Uint8Array {
  const m = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`).exec(text);
  if (!m) throw new AgeError("key", `${name}: malformed ${label} block`);
  return new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ""), "base64"));
}

function readContainer(text: string, name: string): Container {
  const data = pemBody(text, "OPENSSH PRIVATE KEY", name);
  try {
    if (Buffer.from(data.subarray(0, MAGIC.length)).toString("latin1") !== MAGIC) {
      throw new AgeError("key", `${name}: not an openssh-key-v1 private key`);
    }
    const r = new WireReader(data.subarray(MAGIC.length), name);
    const cipher = r.text();
    const kdf = r.text();
    const kdfOptions = r.string();
    const count = r.uint32();
    if (count !== 1) throw new AgeError("key", `${name}: holds ${count} keys; expected exactly one`);
    const publicKey = parseSshWirePublicKey(r.string());
    const privateBlob = r.string();
    return { publicKey, cipher, kdf, kdfOptions, privateBlob };
  } catch (err) {
    if (err instanceof WireError) throw new AgeError("key", `${name}: malformed OpenSSH private key`);
    throw err;
  }
}

async function decryptBlob(c: Container, passphrase: string, name: string): Promise<Uint8Array> {
  const spec = CIPHERS[c.cipher];
  if (!spec) {
    throw new AgeError("key", `${name}: unsupported key encryption "${c.cipher}"`, {
      hint: `re-encrypt it with: ssh-keygen -p -Z aes256-ctr -f ${name}`,
    });
  }
  if (c.kdf !== "bcrypt") throw new AgeError("key", `${name}: unsupported key derivation "${c.kdf}"`);
  const opts = new WireReader(c.kdfOptions, name);
  const salt = opts.string();
  const rounds = opts.uint32();
  if (rounds < 1 || rounds > 1 << 16) throw new AgeError("key", `${name}: implausible bcrypt rounds ${rounds}`);
  const { default: bcryptPbkdf } = await import("bcrypt-pbkdf"); // only for protected keys
  const pass = utf8.encode(passphrase);
  const keyIv = new Uint8Array(spec.keyLen + spec.ivLen);
  bcryptPbkdf.pbkdf(pass, pass.length, salt, salt.length, keyIv, keyIv.length, rounds);
  const d = createDecipheriv(spec.algo, keyIv.subarray(0, spec.keyLen), keyIv.subarray(spec.keyLen));
  d.setAutoPadding(false);
  const out = new Uint8Array(Buffer.concat([d.update(c.privateBlob), d.final()]));
  wipe(keyIv);
  wipe(pass);
  return out;
}

function b64url(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64url");
}

function toBig(b: Uint8Array): bigint {
  return b.length === 0 ? 0n : BigInt("0x" + Buffer.from(b).toString("hex"));
}

function fromBig(n: bigint): Uint8Array {
  let hex = n.toString(16);
  if (hex.length % 2) hex = "0" + hex;
  return new Uint8Array(Buffer.from(hex, "hex"));
}

function parsePrivateSection(blob: Uint8Array, c: Container, name: string, encrypted: boolean): SshPrivateKey {
  const r = new WireReader(blob, name);
  const check1 = r.uint32();
  const check2 = r.uint32();
  if (check1 !== check2) {
    if (encrypted) throw new AgeError("passphrase", `${name}: incorrect passphrase`);
    throw new AgeError("key", `${name}: corrupt private key (check bytes differ)`);
  }
  const type = r.text();
  if (type !== c.publicKey.type) throw new AgeError("key", `${name}: private key type "${type}" does not match its public key`);
  if (type === "ssh-ed25519") {
    const pk = r.string();
    const sk = r.string();
    if (sk.length !== 64 || Buffer.compare(sk.subarray(32), pk) !== 0 || Buffer.compare(pk, c.publicKey.ed25519!) !== 0) {
      throw new AgeError("key", `${name}: inconsistent ssh-ed25519 private key`);
    }
    return { publicKey: c.publicKey, ed25519Seed: new Uint8Array(sk.subarray(0, 32)) };
  }
  const n = r.mpint();
  const e = r.mpint();
  const d = r.mpint();
  const iqmp = r.mpint();
  const p = r.mpint();
  const q = r.mpint();
  const dBig = toBig(d);
  const jwk = {
    kty: "RSA",
    n: b64url(n),
    e: b64url(e),
    d: b64url(d),
    p: b64url(p),
    q: b64url(q),
    dp: b64url(fromBig(dBig % (toBig(p) - 1n))),
    dq: b64url(fromBig(dBig % (toBig(q) - 1n))),
    qi: b64url(iqmp),
  };
  const wantWire = encodeWireString([utf8.encode("ssh-rsa"), toMpint(e), toMpint(n)]);
  if (Buffer.compare(wantWire, c.publicKey.wire) !== 0) throw new AgeError("key", `${name}: inconsistent ssh-rsa private key`);
  try {
    return { publicKey: c.publicKey, rsaKey: createPrivateKey({ key: jwk, format: "jwk" }) };
  } catch {
    throw new AgeError("key", `${name}: malformed ssh-rsa private key`);
  }
}

function fromNodeKey(key: KeyObject, name: string): SshPrivateKey {
  const jwk = key.export({ format: "jwk" });
  if (key.asymmetricKeyType === "ed25519") {
    const pk = new Uint8Array(Buffer.from(jwk.x!, "base64url"));
    const wire = encodeWireString([utf8.encode("ssh-ed25519"), pk]);
    return { publicKey: parseSshWirePublicKey(wire), ed25519Seed: new Uint8Array(Buffer.from(jwk.d!, "base64url")) };
  }
  if (key.asymmetricKeyType === "rsa") {
    const n = new Uint8Array(Buffer.from(jwk.n!, "base64url"));
    const e = new Uint8Array(Buffer.from(jwk.e!, "base64url"));
    const wire = encodeWireString([utf8.encode("ssh-rsa"), toMpint(e), toMpint(n)]);
    return { publicKey: parseSshWirePublicKey(wire), rsaKey: key };
  }
  throw new AgeError("key", `${name}: unsupported private key type "${key.asymmetricKeyType}"`, {
    hint: "age supports ssh-ed25519 and ssh-rsa keys only",
  });
}

/**
 * Reads an SSH private key. An encrypted key asks `passphrase` once; a
 * wrong passphrase throws an AgeError of kind "passphrase".
 */
export async function readSshPrivateKey(text: string, name: string, passphrase?: PassphraseProvider): Promise<SshPrivateKey> {
  if (text.includes("-----BEGIN OPENSSH PRIVATE KEY-----")) {
    const c = readContainer(text, name);
    if (c.cipher === "none") {
      if (c.kdf !== "none") throw new AgeError("key", `${name}: malformed OpenSSH private key`);
      return parseSafely(c.privateBlob, c, name, false);
    }
    if (!passphrase) throw new AgeError("key", `${name}: the key is passphrase-protected and no passphrase can be asked here`);
    const blob = await decryptBlob(c, await passphrase(name), name);
    try {
      return parseSafely(blob, c, name, true);
    } finally {
      wipe(blob);
    }
  }
  const encrypted = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(text);
  let key: KeyObject;
  try {
    key = createPrivateKey(encrypted ? { key: text, format: "pem", passphrase: await askOrFail(passphrase, name) } : { key: text, format: "pem" });
  } catch (err) {
    if (err instanceof AgeError) throw err;
    throw new AgeError(encrypted ? "passphrase" : "key", encrypted ? `${name}: incorrect passphrase or malformed key` : `${name}: malformed private key`);
  }
  return fromNodeKey(key, name);
}

async function askOrFail(p: PassphraseProvider | undefined, name: string): Promise<string> {
  if (!p) throw new AgeError("key", `${name}: the key is passphrase-protected and no passphrase can be asked here`);
  return p(name);
}

function parseSafely(blob: Uint8Array, c: Container, name: string, encrypted: boolean): SshPrivateKey {
  try {
    return parsePrivateSection(blob, c, name, encrypted);
  } catch (err) {
    if (err instanceof WireError) {
      throw new AgeError(encrypted ? "passphrase" : "key", encrypted ? `${name}: incorrect passphrase` : `${name}: malformed private key`);
    }
    throw err;
  }
}

export function identityFromSshKey(key: SshPrivateKey): Identity {
  if (key.ed25519Seed) return new SshEd25519Identity(key.publicKey, key.ed25519Seed);
  return new SshRsaIdentity(key.publicKey, key.rsaKey!);
}

/**
 * The public key of an SSH private key file without decrypting it, when the
 * format allows (openssh-key-v1 stores it in clear). Null otherwise.
 */
export function peekSshPublicKey(text: string, name: string): SshPublicKey | null {
  if (!text.includes("-----BEGIN OPENSSH PRIVATE KEY-----")) return null;
  return readContainer(text, name).publicKey;
}
