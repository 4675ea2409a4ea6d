// The node:crypto shortcuts in src/crypto/x25519.ts against references: the
// HMAC-based HKDF against crypto.hkdfSync, and X25519(s, 9) taken from the
// public half OpenSSL derives on import against @noble/curves' ladder, and
// the base64 codec on Node's Buffer against @scure/base's strict one.
import { x25519 as noble } from "@noble/curves/ed25519.js";
import { base64nopad } from "@scure/base";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { decodeB64NoPad, encodeB64NoPad, isCanonicalB64NoPad } from "../../src/crypto/bytes.js";
import { createCipheriv } from "node:crypto";
import { createRequire } from "node:module";
import {
  ephemeralX25519,
  hkdfSha256,
  hkdfSha256Reference,
  importPoint,
  importScalar,
  openFileKey,
  sealFileKey,
  setX25519BackendForTests,
  x25519,
  x25519Backend,
  x25519Base,
  type X25519Backend,
} from "../../src/crypto/x25519.js";

function loadsSodium(): boolean {
  try {
    createRequire(import.meta.url)("sodium-native");
    return true;
  } catch {
    return false;
  }
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

describe("hkdfSha256", () => {
  it("matches crypto.hkdfSync", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.uint8Array({ maxLength: 80 }), fc.string({ maxLength: 40 }), fc.integer({ min: 1, max: 100 }), (ikm, salt, info, len) => {
        expect(Buffer.from(hkdfSha256(ikm, salt, info, len)).equals(Buffer.from(hkdfSha256Reference(ikm, salt, info, len)))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

const BACKENDS: X25519Backend[] = ["sodium", "openssl", "noble"];

// Low-order points (and their non-canonical encodings): every backend must
// give "no shared secret" (null), as age requires. From the list libsodium
// and the X25519 literature block.
const LOW_ORDER = [
  "0000000000000000000000000000000000000000000000000000000000000000",
  "0100000000000000000000000000000000000000000000000000000000000000",
  "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
  "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
  "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
];

describe.each(BACKENDS)("X25519 on %s", (b) => {
  beforeAll(() => setX25519BackendForTests(b));
  afterAll(() => setX25519BackendForTests(undefined));

  it("x25519Base equals the reference ladder for random and edge scalars (clamping included)", () => {
    expect(x25519Backend()).toBe(b);
    const edges = [new Uint8Array(32), new Uint8Array(32).fill(0xff), Uint8Array.from({ length: 32 }, (_, i) => i), new Uint8Array(32).fill(7)];
    for (const s of edges) expect(hex(x25519Base(importScalar(s)))).toBe(hex(noble.scalarMultBase(s)));
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (s) => {
        expect(hex(x25519Base(importScalar(s)))).toBe(hex(noble.scalarMultBase(s)));
      }),
      { numRuns: 300 },
    );
  });

  it("gives ephemeral pairs whose share and DH agree with the reference", () => {
    const peer = noble.utils.randomSecretKey();
    const peerPoint = noble.getPublicKey(peer);
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const { scalar, share } = ephemeralX25519();
      expect(hex(share)).toBe(hex(noble.scalarMultBase(scalar.bytes)));
      expect(hex(x25519(scalar, importPoint(peerPoint))!)).toBe(hex(noble.scalarMult(peer, share)));
      seen.add(hex(share));
    }
    expect(seen.size).toBe(200);
  });

  it("DH equals the reference on any 32-byte point, high bit and non-canonical values included", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (s, p) => {
        let want: string | null;
        try {
          const r = noble.scalarMult(s, p);
          want = r.every((x) => x === 0) ? null : hex(r);
        } catch {
          want = null;
        }
        const got = x25519(importScalar(s), importPoint(p));
        expect(got === null ? null : hex(got)).toBe(want);
      }),
      { numRuns: 300 },
    );
  });

  it("gives no shared secret for low-order points", () => {
    const s = noble.utils.randomSecretKey();
    for (const p of LOW_ORDER) expect(x25519(importScalar(s), importPoint(Buffer.from(p, "hex"))), p).toBeNull();
  });

  it("seals and opens stanza bodies as node:crypto's ChaCha20-Poly1305 does", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 16, maxLength: 16 }), (key, fileKey) => {
        const body = sealFileKey(key, fileKey);
        const c = createCipheriv("chacha20-poly1305", key, new Uint8Array(12), { authTagLength: 16 });
        expect(hex(body)).toBe(hex(Buffer.concat([c.update(fileKey), c.final(), c.getAuthTag()])));
        expect(hex(openFileKey(key, body)!)).toBe(hex(fileKey));
        const bad = Uint8Array.from(body);
        bad[bad.length - 1]! ^= 1;
        expect(openFileKey(key, bad)).toBeNull();
      }),
      { numRuns: 100 },
    );
  });
});

describe("X25519 backend choice", () => {
  it("uses node:crypto by default, libsodium for bulk work where sodium-native is installed (always in CI), not with NIXSEC_NO_SODIUM=1", async () => {
    vi.resetModules();
    const fresh = await import("../../src/crypto/x25519.js");
    expect(fresh.x25519Backend()).toBe("openssl");
    if (process.env.CI === "true" || loadsSodium()) expect(fresh.bulkCrypto()).toBe("sodium");
    vi.resetModules();
    process.env.NIXSEC_NO_SODIUM = "1";
    try {
      const off = await import("../../src/crypto/x25519.js");
      expect(off.bulkCrypto()).toBe("openssl");
    } finally {
      delete process.env.NIXSEC_NO_SODIUM;
      vi.resetModules();
    }
  });
});

describe("decodeB64NoPad / encodeB64NoPad (Node's codec plus strictness)", () => {
  const ref = (s: string): string | null => {
    try {
      return Buffer.from(base64nopad.decode(s)).toString("hex");
    } catch {
      return null;
    }
  };
  const mine = (s: string): string | null => {
    const d = decodeB64NoPad(s);
    return d === null ? null : Buffer.from(d).toString("hex");
  };

  it("agrees with @scure/base's strict base64nopad on random and mutated text", () => {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=- _\n";
    const text = fc.array(fc.constantFrom(...alphabet), { maxLength: 50 }).map((a) => a.join(""));
    const valid = fc.uint8Array({ maxLength: 48 }).map((b) => base64nopad.encode(b));
    const mutated = fc.tuple(valid, fc.nat(), fc.constantFrom(...alphabet)).map(([s, i, c]) => (s.length ? s.slice(0, i % s.length) + c + s.slice((i % s.length) + 1) : c));
    fc.assert(fc.property(fc.oneof(text, valid, mutated), (s) => {
      expect(mine(s)).toBe(ref(s));
    }), { numRuns: 3000 });
    for (const s of ["", "A", "AA", "AB", "AAA", "AAB", "AAAA", "AA==", "AAA=", "YQ", "YR", "YWI", "YWJ", "Y Q", "YQ\n"]) expect(mine(s)).toBe(ref(s));
  });

  it("isCanonicalB64NoPad accepts exactly what the decoder accepts", () => {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=- _\n";
    const text = fc.array(fc.constantFrom(...alphabet), { maxLength: 50 }).map((a) => a.join(""));
    const valid = fc.uint8Array({ maxLength: 48 }).map((b) => base64nopad.encode(b));
    const lastChanged = fc.tuple(valid, fc.constantFrom(...alphabet)).map(([s, c]) => s.slice(0, -1) + c);
    fc.assert(fc.property(fc.oneof(text, valid, lastChanged), (s) => {
      expect(isCanonicalB64NoPad(s)).toBe(ref(s) !== null);
    }), { numRuns: 3000 });
  });

  it("encodes as @scure/base does", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), (b) => {
      expect(encodeB64NoPad(b)).toBe(base64nopad.encode(b));
    }), { numRuns: 500 });
  });
});
