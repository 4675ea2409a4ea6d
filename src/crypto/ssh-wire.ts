// The SSH wire encoding (RFC 4251 §5): uint32 lengths, strings and mpints.
// Used for authorized_keys lines, key tags and openssh-key-v1 containers.
import { createHash } from "node:crypto";
import { encodeB64NoPad } from "./bytes.js";

export class WireReader {
  private off = 0;
  constructor(
    private readonly buf: Uint8Array,
    private readonly what: string,
  ) {}

  private fail(): never {
    throw new WireError(`${this.what}: truncated or malformed`);
  }

  get remaining(): number {
    return this.buf.length - this.off;
  }

  uint32(): number {
    if (this.remaining < 4) this.fail();
    const b = this.buf;
    const o = this.off;
    this.off += 4;
    return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
  }

  bytes(n: number): Uint8Array {
    if (n < 0 || this.remaining < n) this.fail();
    const out = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    return out;
  }

  string(): Uint8Array {
    return this.bytes(this.uint32());
  }

  text(): string {
    return Buffer.from(this.string()).toString("latin1");
  }

  /** An mpint as unsigned big-endian bytes without leading zeros. */
  mpint(): Uint8Array {
    const b = this.string();
    if (b.length > 0 && (b[0]! & 0x80) !== 0) throw new WireError(`${this.what}: negative mpint`);
    let i = 0;
    while (i < b.length && b[i] === 0) i++;
    return b.subarray(i);
  }

  rest(): Uint8Array {
    return this.bytes(this.remaining);
  }
}

export class WireError extends Error {
  override name = "WireError";
}

/** The age key tag: first 4 bytes of SHA-256 of the wire public key, unpadded base64. */
export function sshKeyTag(wirePublicKey: Uint8Array): string {
  return encodeB64NoPad(createHash("sha256").update(wirePublicKey).digest().subarray(0, 4));
}

export function sshFingerprint(wirePublicKey: Uint8Array): string {
  return "SHA256:" + createHash("sha256").update(wirePublicKey).digest("base64").replace(/=+$/, "");
}

export function encodeWireString(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += 4 + p.length;
  const out = new Uint8Array(n);
  const view = new DataView(out.buffer);
  let off = 0;
  for (const p of parts) {
    view.setUint32(off, p.length);
    out.set(p, off + 4);
    off += 4 + p.length;
  }
  return out;
}

/** Unsigned big-endian bytes as an SSH mpint body (a leading zero when the top bit is set). */
export function toMpint(unsigned: Uint8Array): Uint8Array {
  let i = 0;
  while (i < unsigned.length && unsigned[i] === 0) i++;
  const v = unsigned.subarray(i);
  if (v.length > 0 && (v[0]! & 0x80) !== 0) {
    const out = new Uint8Array(v.length + 1);
    out.set(v, 1);
    return out;
  }
  return v;
}
