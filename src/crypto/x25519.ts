// X25519, HKDF and ChaCha20-Poly1305 for age stanzas: on node:crypto, else
// (no X25519 there) on @noble/curves; for bulk work on libsodium when the
// optional sodium-native loads (bulkCrypto; sodium.ts says why). Chosen per
// thread by known-answer checks; the three are checked against each other
// and against @noble/curves by test/crypto/x25519.test.ts.
//
// On node:crypto: typage imports both keys through WebCrypto on every
// operation (~2 ms per recipient, research/crypto.md §5); importing each key
// once as a KeyObject and calling crypto.diffieHellman is ~10x faster. Keys
// are imported raw or as JWK where the Node allows, not DER: OpenSSL 3's DER
// decoder is ~10x slower on Node 20 (crypto.md §9.6; SCALAR_IMPORTS). We never export freshly *generated* keys as JWK, which can
// deadlock Node 20 (crypto.md §9.5: the hang is in a KeyGenJob's GC callback):
// scalars come from randomBytes and are imported instead. X25519(s, 9) is not
// computed as a Diffie-Hellman with the base point: OpenSSL derives the public
// half whenever a private key is imported, and the key's JWK carries it, so a
// stanza costs one import and one DH (≈82 µs here) instead of an import and
// two DHs (≈180 µs).
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from "node:crypto";
import { x25519 as nobleX25519 } from "@noble/curves/ed25519.js";
import { isAllZero } from "./bytes.js";
import { loadSodium, type Sodium } from "./sodium.js";

/** An imported X25519 scalar or point, ready for repeated use. */
export interface X25519Key {
  readonly bytes: Uint8Array;
  /** The KeyObject, on the node:crypto backend. */
  readonly native?: KeyObject;
}

/**
 * Where the arithmetic happens: libsodium when it loads (sodium.ts), else
 * node:crypto (OpenSSL), else @noble/curves in JS. All give the same bytes.
 */
export type X25519Backend = "sodium" | "openssl" | "noble";

const BASEPOINT = new Uint8Array(32);
BASEPOINT[0] = 9;

let backend: X25519Backend | undefined;
let sodium: Sodium | null | undefined;
let basepointKey: X25519Key | undefined;

function b64url(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64url");
}

// RFC 7748 §5.2, the second X25519 test vector: a known answer, so the
// self-check costs one native DH instead of a pure-JS ladder per thread.
const KAT_SCALAR = "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d";
const KAT_POINT = "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493";
const KAT_OUT = "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957";

// RFC 7748 §6.1: Alice's key pair, so the check also covers the public half
// OpenSSL derives on import (publicHalf reads it).
const KAT_ALICE_PRIVATE = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
const KAT_ALICE_PUBLIC = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";

/**
 * The ways to import a private scalar, fastest first where each works
 * (per import, measured on this machine): Node 24 takes the raw scalar
 * (`raw-private`, 33 µs) and rejects a JWK whose `x` is not the key's own
 * public half ("Invalid JWK OKP key"). Node 20 and 22 lack `raw-private`
 * and accept a JWK with a placeholder `x`, which they ignore (38 µs);
 * deriving the real `x` first would cost the base multiplication the import
 * is meant to save. PKCS#8 DER works everywhere but costs ~360 µs on Node 20
 * (crypto.md §9.6), 40 µs on 22 and 24.
 */
const PLACEHOLDER_X = Buffer.alloc(32).toString("base64url");
// RFC 8410 §7: PrivateKeyInfo { version 0, id-X25519 (1.3.101.110), OCTET STRING { OCTET STRING(32) } }.
const PKCS8_X25519_PREFIX = Buffer.from("302e020100300506032b656e04220420", "hex");
const SCALAR_IMPORTS: ReadonlyArray<(scalar: Uint8Array) => KeyObject> = [
  // Not in @types/node 20's option types; recent Node 24 releases read it.
  (d) => createPrivateKey({ key: d, format: "raw-private", asymmetricKeyType: "x25519" } as unknown as Parameters<typeof createPrivateKey>[0]),
  (d) => createPrivateKey({ key: { kty: "OKP", crv: "X25519", d: b64url(d), x: PLACEHOLDER_X }, format: "jwk" }),
  (d) => createPrivateKey({ key: Buffer.concat([PKCS8_X25519_PREFIX, d]), format: "der", type: "pkcs8" }),
];

let scalarImport: ((scalar: Uint8Array) => KeyObject) | undefined;

/** True when one of SCALAR_IMPORTS gives keys that pass both known answers (it is kept). */
function opensslWorks(): boolean {
  for (const importer of SCALAR_IMPORTS) {
    try {
      const priv = importer(Buffer.from(KAT_SCALAR, "hex"));
      const pub = createPublicKey({ key: { kty: "OKP", crv: "X25519", x: Buffer.from(KAT_POINT, "hex").toString("base64url") }, format: "jwk" });
      const alice = importer(Buffer.from(KAT_ALICE_PRIVATE, "hex")).export({ format: "jwk" }).x;
      if (diffieHellman({ privateKey: priv, publicKey: pub }).toString("hex") !== KAT_OUT) continue;
      if (typeof alice !== "string" || Buffer.from(alice, "base64url").toString("hex") !== KAT_ALICE_PUBLIC) continue;
      scalarImport = importer;
      return true;
    } catch {
      // this Node does not take the format; try the next
    }
  }
  return false;
}

/** The backend this thread uses: node:crypto (else noble) until bulkCrypto(). */
export function x25519Backend(): X25519Backend {
  backend ??= opensslWorks() ? "openssl" : "noble";
  return backend;
}

/**
 * Moves this thread to libsodium when it loads: for work of thousands of
 * operations (a rekey, an encryption worker), where it saves ~30 µs each.
 * Loading it costs ~25 ms, more than a single-file command's few operations
 * save, so those stay on node:crypto. Safe at any moment: libsodium works on
 * the key bytes every X25519Key carries, whichever backend imported it.
 */
export function bulkCrypto(): X25519Backend {
  sodium ??= loadSodium(nodeSeal);
  if (sodium) backend = "sodium";
  return x25519Backend();
}

/** Test hook: use `b` from now on (undefined: the default again). */
export function setX25519BackendForTests(b: X25519Backend | undefined): void {
  backend = undefined;
  basepointKey = undefined;
  if (b === "sodium" && bulkCrypto() !== "sodium") throw new Error("libsodium is not available here");
  if (b !== undefined) backend = b;
}

export function importScalar(scalar: Uint8Array): X25519Key {
  if (scalar.length !== 32) throw new RangeError("X25519 scalar must be 32 bytes");
  if (x25519Backend() !== "openssl") return { bytes: scalar };
  if (scalarImport === undefined) opensslWorks(); // the backend was set by a test hook
  return { bytes: scalar, native: scalarImport?.(scalar) };
}

export function importPoint(point: Uint8Array): X25519Key {
  if (point.length !== 32) throw new RangeError("X25519 point must be 32 bytes");
  if (x25519Backend() !== "openssl") return { bytes: point };
  return { bytes: point, native: createPublicKey({ key: { kty: "OKP", crv: "X25519", x: b64url(point) }, format: "jwk" }) };
}

/**
 * X25519(scalar, point). Returns null when the result is all zeros (a
 * low-order point), which age requires callers to reject.
 */
export function x25519(scalar: X25519Key, point: X25519Key): Uint8Array | null {
  let out: Uint8Array;
  const b = x25519Backend();
  if (b === "sodium" && sodium) {
    out = Buffer.alloc(32);
    try {
      sodium.crypto_scalarmult(out, scalar.bytes, point.bytes);
    } catch {
      return null; // libsodium refuses low-order points and an all-zero result
    }
  } else if (b === "openssl" && scalar.native && point.native) {
    try {
      out = new Uint8Array(diffieHellman({ privateKey: scalar.native, publicKey: point.native }));
    } catch {
      return null; // OpenSSL refuses an all-zero shared secret
    }
  } else {
    try {
      out = nobleX25519.scalarMult(scalar.bytes, point.bytes);
    } catch {
      return null;
    }
  }
  return isAllZero(out) ? null : out;
}

export function x25519Base(scalar: X25519Key): Uint8Array {
  return publicHalf(scalar, false);
}

/**
 * X25519(s, 9). libsodium has a fixed-base table for it; OpenSSL derived it
 * when the key was imported, and a long-lived key's half is read through a
 * public KeyObject, an ephemeral's from the private key's own JWK (which
 * also holds the scalar as text, as its import did, but saves building a
 * public KeyObject, ~3 µs per stanza).
 */
function publicHalf(scalar: X25519Key, ephemeral: boolean): Uint8Array {
  if (x25519Backend() === "sodium" && sodium) {
    const out = Buffer.alloc(32);
    sodium.crypto_scalarmult_base(out, scalar.bytes);
    return out;
  }
  if (!scalar.native) return nobleX25519.scalarMultBase(scalar.bytes);
  const x = (ephemeral ? scalar.native : createPublicKey(scalar.native)).export({ format: "jwk" }).x;
  const out = typeof x === "string" ? new Uint8Array(Buffer.from(x, "base64url")) : null;
  if (out === null || out.length !== 32) {
    // Not expected from any OpenSSL; the generic ladder is always right.
    basepointKey ??= importPoint(BASEPOINT);
    const viaLadder = x25519(scalar, basepointKey);
    if (viaLadder === null) throw new RangeError("X25519 base multiplication gave zero");
    return viaLadder;
  }
  return out;
}

// Ephemeral scalars are cut from one randomBytes call per 64 of them (a call
// costs as much as several slices); each slice is copied out and wiped.
const POOL_BYTES = 32 * 64;
let pool: Buffer | null = null;
let poolAt = POOL_BYTES;

function freshScalar(): Uint8Array {
  if (pool === null || poolAt === POOL_BYTES) {
    pool = randomBytes(POOL_BYTES);
    poolAt = 0;
  }
  const s = new Uint8Array(pool.subarray(poolAt, poolAt + 32));
  pool.fill(0, poolAt, poolAt + 32);
  poolAt += 32;
  return s;
}

/** A fresh ephemeral key pair for one stanza: the imported scalar and its share X25519(e, 9). */
export function ephemeralX25519(): { scalar: X25519Key; share: Uint8Array } {
  const scalar = importScalar(freshScalar());
  return { scalar, share: publicHalf(scalar, true) };
}

/**
 * HKDF-SHA-256 (RFC 5869) from two HMACs per 32-byte block: 2-3x faster than
 * crypto.hkdfSync for age's short outputs, which matters at one call per
 * recipient per file. An empty salt means 32 zero bytes, as in the RFC.
 */
export function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: string, length = 32): Uint8Array {
  const prk = createHmac("sha256", salt.length > 0 ? salt : ZERO_SALT).update(ikm).digest();
  const infoBytes = Buffer.from(info, "utf8");
  const out = Buffer.alloc(length);
  let prev = Buffer.alloc(0);
  for (let i = 0, off = 0; off < length; i++) {
    prev = createHmac("sha256", prk).update(prev).update(infoBytes).update(Uint8Array.of(i + 1)).digest();
    off += prev.copy(out, off);
  }
  return new Uint8Array(out.buffer, out.byteOffset, length);
}

const ZERO_SALT = new Uint8Array(32);

/** The reference implementation, for tests. */
export function hkdfSha256Reference(ikm: Uint8Array, salt: Uint8Array, info: string, length = 32): Uint8Array {
  return new Uint8Array(hkdfSync("sha256", ikm, salt, info, length));
}

const ZERO_NONCE = new Uint8Array(12);

function nodeSeal(key: Uint8Array, fileKey: Uint8Array): Uint8Array {
  const c = createCipheriv("chacha20-poly1305", key, ZERO_NONCE, { authTagLength: 16 });
  return Buffer.concat([c.update(fileKey), c.final(), c.getAuthTag()]);
}

/** ChaCha20-Poly1305 with the all-zero nonce, as every age stanza uses it. */
export function sealFileKey(key: Uint8Array, fileKey: Uint8Array): Uint8Array {
  if (x25519Backend() === "sodium" && sodium) {
    const body = new Uint8Array(fileKey.length + 16);
    sodium.crypto_aead_chacha20poly1305_ietf_encrypt(body, fileKey, null, null, ZERO_NONCE, key);
    return body;
  }
  return new Uint8Array(nodeSeal(key, fileKey));
}

/** Opens a stanza body; null when authentication fails. */
export function openFileKey(key: Uint8Array, body: Uint8Array): Uint8Array | null {
  if (body.length < 16) return null;
  if (x25519Backend() === "sodium" && sodium) {
    const out = new Uint8Array(body.length - 16);
    try {
      sodium.crypto_aead_chacha20poly1305_ietf_decrypt(out, null, body, null, ZERO_NONCE, key);
    } catch {
      return null;
    }
    return out;
  }
  const d = createDecipheriv("chacha20-poly1305", key, ZERO_NONCE, { authTagLength: 16 });
  d.setAuthTag(body.subarray(body.length - 16));
  try {
    return new Uint8Array(Buffer.concat([d.update(body.subarray(0, body.length - 16)), d.final()]));
  } catch {
    return null;
  }
}
