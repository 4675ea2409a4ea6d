// Small byte helpers shared by the crypto modules.

export const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder("utf-8", { fatal: true });

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let acc = 0;
  for (let i = 0; i < a.length; i++) acc |= a[i]! ^ b[i]!;
  return acc === 0;
}

export function isAllZero(a: Uint8Array): boolean {
  let acc = 0;
  for (let i = 0; i < a.length; i++) acc |= a[i]!;
  return acc === 0;
}

/** Unpadded standard base64 as the age header uses it; null if not canonical. */
const B64_CHARS = /^[A-Za-z0-9+/]*$/;

export function decodeB64NoPad(s: string): Uint8Array | null {
  // Node's decoder is native but lenient (padding, whitespace, stray bits):
  // only text isCanonicalB64NoPad accepts reaches it. Equal to @scure/base's
  // strict base64nopad on every input (test/crypto/x25519.test.ts).
  if (!isCanonicalB64NoPad(s)) return null;
  const b = Buffer.from(s, "base64");
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

const B64_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) B64_VALUE["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".charCodeAt(i)] = i;

/**
 * Whether `s` is canonical unpadded base64 (what decodeB64NoPad accepts),
 * without decoding it: the alphabet, a length that is not 1 mod 4, and zero
 * bits past the last whole byte in the final character.
 */
export function isCanonicalB64NoPad(s: string): boolean {
  const rem = s.length % 4;
  if (rem === 1 || !B64_CHARS.test(s)) return false;
  if (rem === 0) return true;
  const last = B64_VALUE[s.charCodeAt(s.length - 1)]!;
  return (last & (rem === 2 ? 0x0f : 0x03)) === 0;
}

export function encodeB64NoPad(b: Uint8Array): string {
  const t = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64");
  const pad = t.endsWith("==") ? 2 : t.endsWith("=") ? 1 : 0;
  return pad === 0 ? t : t.slice(0, t.length - pad);
}

/** Decodes UTF-8 strictly; null on invalid sequences. */
export function decodeUtf8(b: Uint8Array): string | null {
  try {
    return utf8Strict.decode(b);
  } catch {
    return null;
  }
}

/** Overwrites a buffer holding key material once it is no longer needed. */
export function wipe(b: Uint8Array | undefined | null): void {
  if (b) b.fill(0);
}
