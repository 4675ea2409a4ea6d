// One value under the data key (getsops/sops aes/cipher.go): AES-256-GCM with
// a 32-byte random IV, the value's path as additional data, written as
// ENC[AES256_GCM,data:…,iv:…,tag:…,type:…] in standard padded base64.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { SopsError } from "./errors.js";

const IV_SIZE = 32;
const TAG_SIZE = 16;
// sops' own pattern, unanchored at the end and greedy, so a value it accepts
// parses the same here.
const ENC = /^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\]/;

export interface EncryptedValue {
  data: Uint8Array;
  iv: Uint8Array;
  tag: Uint8Array;
  type: string;
}

/** Whether a string is an ENC[…] value (what sops' parser accepts). */
export function isEncryptedValue(s: string): boolean {
  return ENC.test(s);
}

/**
 * Standard padded base64, canonical only (what Go's encoder writes): unlike
 * sops, a changed padding bit is refused, so every edit of an ENC[…] text is
 * an error rather than a silent no-op.
 */
function b64(s: string, what: string, where: string): Uint8Array {
  const bytes = /^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 === 0 ? Buffer.from(s, "base64") : null;
  if (!bytes || bytes.toString("base64") !== s) {
    throw new SopsError("value", `${where}: the ${what} of an encrypted value is not canonical base64`, { hint: "the file was edited by hand or is damaged" });
  }
  return new Uint8Array(bytes);
}

export function parseEncryptedValue(s: string, where: string): EncryptedValue {
  const m = ENC.exec(s);
  if (!m) throw new SopsError("value", `${where}: not an encrypted value`, { hint: "sops values look like ENC[AES256_GCM,data:…,iv:…,tag:…,type:…]" });
  const ev = { data: b64(m[1]!, "data", where), iv: b64(m[2]!, "iv", where), tag: b64(m[3]!, "tag", where), type: m[4]! };
  if (ev.iv.length === 0 || ev.tag.length !== TAG_SIZE) throw new SopsError("value", `${where}: an encrypted value has an invalid iv or tag length`, { hint: "the file was edited by hand or is damaged" });
  return ev;
}

function checkKey(key: Uint8Array): void {
  if (key.length !== 32) throw new SopsError("format", `data key is ${key.length} bytes, not 32`);
}

/**
 * Encrypts typed plaintext bytes. `iv` is given only to reproduce an
 * unchanged value's ciphertext under the same key (sops' IV stash);
 * otherwise a fresh random one is drawn.
 */
export function encryptValue(type: string, plaintext: Uint8Array, key: Uint8Array, aad: string, iv?: Uint8Array): string {
  checkKey(key);
  const nonce = iv ?? new Uint8Array(randomBytes(IV_SIZE));
  const c = createCipheriv("aes-256-gcm", key, nonce, { authTagLength: TAG_SIZE });
  c.setAAD(Buffer.from(aad, "utf8"));
  const data = Buffer.concat([c.update(plaintext), c.final()]);
  const tag = c.getAuthTag();
  return `ENC[AES256_GCM,data:${data.toString("base64")},iv:${Buffer.from(nonce).toString("base64")},tag:${tag.toString("base64")},type:${type}]`;
}

/** Decrypts an ENC[…] value; a wrong key, path or any changed byte fails authentication. */
export function decryptValue(s: string, key: Uint8Array, aad: string, where: string): { type: string; plaintext: Uint8Array; iv: Uint8Array } {
  checkKey(key);
  const ev = parseEncryptedValue(s, where);
  try {
    const d = createDecipheriv("aes-256-gcm", key, ev.iv, { authTagLength: TAG_SIZE });
    d.setAAD(Buffer.from(aad, "utf8"));
    d.setAuthTag(ev.tag);
    const plaintext = new Uint8Array(Buffer.concat([d.update(ev.data), d.final()]));
    return { type: ev.type, plaintext, iv: ev.iv };
  } catch {
    throw new SopsError("value", `${where}: an encrypted value does not authenticate`, {
      hint: "the value, its position in the file or the data key changed since it was encrypted",
    });
  }
}
