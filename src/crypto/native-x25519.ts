// The age X25519 recipient type on native X25519 (see x25519.ts for why).
// Spec: https://github.com/C2SP/C2SP/blob/main/age.md#the-x25519-recipient-type
import { bech32 } from "@scure/base";
import { Stanza, type Identity, type Recipient } from "./stanza.js";
import { concatBytes, decodeB64NoPad, encodeB64NoPad, wipe } from "./bytes.js";
import { AgeError } from "./errors.js";
import { ephemeralX25519, hkdfSha256, importPoint, importScalar, openFileKey, sealFileKey, x25519, x25519Base, type X25519Key } from "./x25519.js";

const LABEL = "age-encryption.org/v1/X25519";

/** Decodes `age1…` to its 32-byte point, or throws a key error. */
export function decodeX25519Recipient(s: string): Uint8Array {
  let decoded;
  try {
    decoded = bech32.decodeToBytes(s);
  } catch {
    throw new AgeError("key", "malformed X25519 recipient: invalid bech32 encoding");
  }
  if (decoded.prefix !== "age") throw new AgeError("key", `malformed X25519 recipient: unexpected prefix "${decoded.prefix}"`);
  if (decoded.bytes.length !== 32) throw new AgeError("key", "malformed X25519 recipient: wrong key length");
  return decoded.bytes;
}

export function encodeX25519Recipient(point: Uint8Array): string {
  return bech32.encode("age", bech32.toWords(point));
}

/** Decodes `AGE-SECRET-KEY-1…` to its 32-byte scalar, or throws a key error. */
export function decodeX25519Identity(s: string): Uint8Array {
  if (s !== s.toUpperCase()) throw new AgeError("key", "malformed age identity: must be upper case");
  let decoded;
  try {
    decoded = bech32.decodeToBytes(s.toLowerCase());
  } catch {
    throw new AgeError("key", "malformed age identity: invalid bech32 encoding");
  }
  if (decoded.prefix !== "age-secret-key-" || decoded.bytes.length !== 32) {
    throw new AgeError("key", "malformed age identity: not an X25519 secret key");
  }
  return decoded.bytes;
}

export function encodeX25519Identity(scalar: Uint8Array): string {
  return bech32.encode("age-secret-key-", bech32.toWords(scalar)).toUpperCase();
}

export class X25519Recipient implements Recipient {
  private readonly point: X25519Key;

  constructor(point: Uint8Array) {
    this.point = importPoint(point);
  }

  wrapFileKey(fileKey: Uint8Array): Stanza[] {
    const { scalar: ephemeral, share } = ephemeralX25519();
    const shared = x25519(ephemeral, this.point);
    wipe(ephemeral.bytes);
    if (shared === null) throw new AgeError("key", "X25519 recipient is a low-order point");
    const key = hkdfSha256(shared, concatBytes(share, this.point.bytes), LABEL);
    wipe(shared);
    const body = sealFileKey(key, fileKey);
    wipe(key);
    return [new Stanza(["X25519", encodeB64NoPad(share)], body)];
  }
}

export class X25519Identity implements Identity {
  private readonly scalar: X25519Key;
  readonly publicKey: Uint8Array;

  constructor(scalar: Uint8Array) {
    this.scalar = importScalar(scalar);
    this.publicKey = x25519Base(this.scalar);
  }

  get recipient(): string {
    return encodeX25519Recipient(this.publicKey);
  }

  unwrapFileKey(stanzas: Stanza[]): Uint8Array | null {
    for (const s of stanzas) {
      if (s.args[0] !== "X25519") continue;
      // A malformed stanza of our type makes the whole file invalid (spec).
      if (s.args.length !== 2) throw new AgeError("header", "invalid X25519 stanza: wrong number of arguments");
      const share = decodeB64NoPad(s.args[1]!);
      if (share === null || share.length !== 32) throw new AgeError("header", "invalid X25519 stanza: bad ephemeral share");
      if (s.body.length !== 32) throw new AgeError("header", "invalid X25519 stanza: bad body length");
      const shared = x25519(this.scalar, importPoint(share));
      if (shared === null) throw new AgeError("header", "invalid X25519 stanza: low-order ephemeral share");
      const key = hkdfSha256(shared, concatBytes(share, this.publicKey), LABEL);
      const fileKey = openFileKey(key, s.body);
      if (fileKey !== null) return fileKey;
    }
    return null;
  }
}
