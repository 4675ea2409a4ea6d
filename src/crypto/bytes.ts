// Small byte helpers shared by the crypto modules.
import { base64nopad } from "@scure/base";

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
export function decodeB64NoPad(s: string): Uint8Array | null {
  try {
    const out = base64nopad.decode(s);
    // @scure/base rejects non-zero trailing bits, which makes decoding canonical.
    return out;
  } catch {
    return null;
  }
}

export function encodeB64NoPad(b: Uint8Array): string {
  return base64nopad.encode(b);
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
