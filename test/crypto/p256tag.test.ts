// The native p256tag recipient (src/crypto/p256tag.ts): its stanzas have the
// shape age.md requires, and open with the matching private key through an
// HPKE receiver written here on @noble/curves (a second implementation of
// the key schedule). Go age 1.3's age-plugin-tagtest opens them too
// (test/plugins/go-age13.test.ts).
import { createDecipheriv, createHash, createHmac, randomBytes } from "node:crypto";
import { p256 } from "@noble/curves/nist.js";
import { bech32 } from "@scure/base";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseRecipient } from "../../src/crypto/index.js";
import type { Recipient } from "../../src/crypto/stanza.js";

const hmac = (key: Uint8Array, ...parts: Uint8Array[]) => {
  const h = createHmac("sha256", key);
  for (const p of parts) h.update(p);
  return h.digest();
};
const u16 = (n: number) => Uint8Array.of(n >> 8, n & 0xff);
const txt = (s: string) => new TextEncoder().encode(s);

/** HPKE OpenBase for DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305 (RFC 9180 §§4-5), for one-block outputs. */
function open(sk: Uint8Array, pkR: Uint8Array, enc: Uint8Array, info: string, ct: Uint8Array): Buffer {
  const kem = Buffer.concat([txt("KEM"), u16(0x10)]);
  const hpke = Buffer.concat([txt("HPKE"), u16(0x10), u16(1), u16(3)]);
  const lx = (suite: Uint8Array, salt: Uint8Array, label: string, ikm: Uint8Array) => hmac(salt, txt("HPKE-v1"), suite, txt(label), ikm);
  const le = (suite: Uint8Array, prk: Uint8Array, label: string, inf: Uint8Array, n: number) => hmac(prk, u16(n), txt("HPKE-v1"), suite, txt(label), inf, Uint8Array.of(1)).subarray(0, n);
  const dh = p256.getSharedSecret(sk, enc, true).subarray(1);
  const shared = le(kem, lx(kem, new Uint8Array(0), "eae_prk", dh), "shared_secret", Buffer.concat([enc, pkR]), 32);
  const ctx = Buffer.concat([Uint8Array.of(0), lx(hpke, new Uint8Array(0), "psk_id_hash", new Uint8Array(0)), lx(hpke, new Uint8Array(0), "info_hash", txt(info))]);
  const secret = lx(hpke, shared, "secret", new Uint8Array(0));
  const d = createDecipheriv("chacha20-poly1305", le(hpke, secret, "key", ctx, 32), le(hpke, secret, "base_nonce", ctx, 12), { authTagLength: 16 });
  d.setAuthTag(ct.subarray(ct.length - 16));
  return Buffer.concat([d.update(ct.subarray(0, ct.length - 16)), d.final()]);
}

describe("p256tag recipient", () => {
  it("wraps file keys that the matching P-256 key opens, with the stanza age.md specifies", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 16, maxLength: 16 }), async (fileKey) => {
        const sk = p256.utils.randomSecretKey();
        const compressed = p256.getPublicKey(sk, true);
        const r = parseRecipient(bech32.encode("age1tag", bech32.toWords(compressed), false));
        expect(r.kind).toBe("p256tag");
        const [st, ...more] = await (r.recipient as Recipient).wrapFileKey(fileKey);
        expect(more).toEqual([]);
        const [type, tag, encB64] = st!.args;
        expect(type).toBe("p256tag");
        const enc = Buffer.from(encB64!, "base64");
        expect([Buffer.from(tag!, "base64").length, enc.length, enc[0], st!.body.length]).toEqual([4, 65, 4, 32]);
        const hint = createHash("sha256").update(compressed).digest().subarray(0, 4);
        expect(hmac(txt("age-encryption.org/p256tag"), enc, hint).subarray(0, 4).toString("base64").replace(/=+$/, "")).toBe(tag);
        const uncompressed = p256.getPublicKey(sk, false);
        expect(new Uint8Array(open(sk, uncompressed, enc, "age-encryption.org/p256tag", st!.body))).toEqual(fileKey);
      }),
      { numRuns: 20 },
    );
  });

  it("each wrap has a fresh ephemeral key", async () => {
    const r = parseRecipient(bech32.encode("age1tag", bech32.toWords(p256.getPublicKey(p256.utils.randomSecretKey(), true)), false));
    const fk = new Uint8Array(randomBytes(16));
    const a = await (r.recipient as Recipient).wrapFileKey(fk);
    const b = await (r.recipient as Recipient).wrapFileKey(fk);
    expect(a[0]!.args[2]).not.toBe(b[0]!.args[2]);
  });
});
