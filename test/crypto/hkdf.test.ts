// The HMAC-based HKDF equals node:crypto's hkdfSync on random inputs.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hkdfSha256, hkdfSha256Reference } from "../../src/crypto/x25519.js";

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
