// The p256tag recipient type (C2SP age.md, "The tagged recipient types"):
// HPKE base-mode SealBase (RFC 9180) with DHKEM(P-256, HKDF-SHA256),
// HKDF-SHA256 and ChaCha20-Poly1305, info "age-encryption.org/p256tag".
//
// typage implements it too (TagRecipient, reached through its Encrypter),
// in pure JS: some milliseconds per wrap, most of a 1000-file rekey whose
// admin is a hardware key (bench/README.md, "Rekey through a plugin"). The
// same arithmetic on node:crypto's native P-256 takes a fraction of a
// millisecond, so this one is written out. Checked against
// Go age 1.3's own age-plugin-tagtest (test/plugins/go-age13.test.ts).
// The hybrid age1tagpq1… type stays with typage (ML-KEM has no native path).
import { createCipheriv, createECDH, createHash, createHmac, ECDH } from "node:crypto";
import { encodeB64NoPad } from "./bytes.js";
import { Stanza, type Recipient } from "./stanza.js";

const LABEL = "age-encryption.org/p256tag";
const KEM_ID = 0x0010; // DHKEM(P-256, HKDF-SHA256)
const KDF_ID = 0x0001; // HKDF-SHA256
const AEAD_ID = 0x0003; // ChaCha20Poly1305

const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const KEM_SUITE = Buffer.concat([Buffer.from("KEM"), u16(KEM_ID)]);
const HPKE_SUITE = Buffer.concat([Buffer.from("HPKE"), u16(KEM_ID), u16(KDF_ID), u16(AEAD_ID)]);
const V1 = Buffer.from("HPKE-v1");

function extract(salt: Uint8Array, ikm: Uint8Array): Buffer {
  return createHmac("sha256", salt).update(ikm).digest();
}

/** HKDF-Expand for at most one block (every output here is ≤ 32 bytes). */
function expand(prk: Uint8Array, info: Uint8Array, length: number): Buffer {
  return createHmac("sha256", prk).update(info).update(Uint8Array.of(1)).digest().subarray(0, length);
}

// RFC 9180 §4: LabeledExtract and LabeledExpand.
function labeledExtract(suite: Buffer, salt: Uint8Array, label: string, ikm: Uint8Array): Buffer {
  return extract(salt, Buffer.concat([V1, suite, Buffer.from(label), ikm]));
}

function labeledExpand(suite: Buffer, prk: Uint8Array, label: string, info: Uint8Array, length: number): Buffer {
  return expand(prk, Buffer.concat([u16(length), V1, suite, Buffer.from(label), info]), length);
}

const EMPTY = new Uint8Array(0);
// The key schedule's context depends only on the mode and the info: computed once.
const SCHEDULE_CONTEXT = Buffer.concat([Uint8Array.of(0), labeledExtract(HPKE_SUITE, EMPTY, "psk_id_hash", EMPTY), labeledExtract(HPKE_SUITE, EMPTY, "info_hash", Buffer.from(LABEL))]);

export class P256TagRecipient implements Recipient {
  /** The recipient's point, uncompressed (HPKE serializes it so). */
  private readonly point: Buffer;
  /** SHA-256 of the compressed point, first 4 bytes: part of every stanza's tag. */
  private readonly hint: Buffer;

  /** `compressed`: the 33-byte point of an `age1tag1…` recipient (validated by the caller). */
  constructor(compressed: Uint8Array) {
    this.point = ECDH.convertKey(compressed, "prime256v1", undefined, undefined, "uncompressed") as Buffer;
    this.hint = createHash("sha256").update(compressed).digest().subarray(0, 4);
  }

  wrapFileKey(fileKey: Uint8Array): Stanza[] {
    // Encap (RFC 9180 §4.1): an ephemeral key, the DH, the KEM's shared secret.
    const eph = createECDH("prime256v1");
    const enc = eph.generateKeys(); // uncompressed, 65 bytes
    const dh = eph.computeSecret(this.point);
    const eaePrk = labeledExtract(KEM_SUITE, EMPTY, "eae_prk", dh);
    const shared = labeledExpand(KEM_SUITE, eaePrk, "shared_secret", Buffer.concat([enc, this.point]), 32);
    // KeySchedule, base mode, then the first (and only) Seal.
    const secret = labeledExtract(HPKE_SUITE, shared, "secret", EMPTY);
    const key = labeledExpand(HPKE_SUITE, secret, "key", SCHEDULE_CONTEXT, 32);
    const nonce = labeledExpand(HPKE_SUITE, secret, "base_nonce", SCHEDULE_CONTEXT, 12);
    const c = createCipheriv("chacha20-poly1305", key, nonce, { authTagLength: 16 });
    const body = Buffer.concat([c.update(fileKey), c.final(), c.getAuthTag()]);
    for (const b of [dh, eaePrk, shared, secret, key]) b.fill(0);
    const tag = extract(Buffer.from(LABEL), Buffer.concat([enc, this.hint])).subarray(0, 4);
    return [new Stanza(["p256tag", encodeB64NoPad(tag), encodeB64NoPad(enc)], new Uint8Array(body))];
  }
}
