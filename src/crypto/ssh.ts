// ssh-ed25519 and ssh-rsa recipients and identities, which typage lacks
// (FiloSottile/typage#26). agenix hosts decrypt with their raw SSH host keys,
// so these stanzas are what makes nixsec files readable there.
// Construction follows age's agessh package; see research/crypto.md §4.
import { constants, createHash, createPublicKey, privateDecrypt, publicEncrypt, type KeyObject } from "node:crypto";
import { ed25519 } from "@noble/curves/ed25519.js";
import { Stanza, type Identity, type Recipient } from "./stanza.js";
import { concatBytes, decodeB64NoPad, encodeB64NoPad, wipe } from "./bytes.js";
import { AgeError } from "./errors.js";
import { sshFingerprint, sshKeyTag, WireError, WireReader } from "./ssh-wire.js";
import { ephemeralX25519, hkdfSha256, importPoint, importScalar, openFileKey, sealFileKey, x25519, x25519Base, type X25519Key } from "./x25519.js";

const ED25519_LABEL = "age-encryption.org/v1/ssh-ed25519";
const RSA_LABEL = "age-encryption.org/v1/ssh-rsa";
const MIN_RSA_BITS = 2048;

export type SshKeyType = "ssh-ed25519" | "ssh-rsa";

/** A parsed SSH public key (one authorized_keys line). */
export interface SshPublicKey {
  type: SshKeyType;
  /** The wire encoding: the base64-decoded second field. */
  wire: Uint8Array;
  comment: string;
  /** The age stanza tag of this key. */
  tag: string;
  fingerprint: string;
  /** ed25519: the 32-byte public point. */
  ed25519?: Uint8Array;
  /** rsa: modulus size in bits. */
  rsaBits?: number;
  rsaKey?: KeyObject;
}

function b64url(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64url");
}

export function rsaPublicKeyObject(n: Uint8Array, e: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: "RSA", n: b64url(n), e: b64url(e) }, format: "jwk" });
}

function bitLength(n: Uint8Array): number {
  if (n.length === 0) return 0;
  return (n.length - 1) * 8 + (32 - Math.clz32(n[0]!));
}

/** Parses the wire form of an ssh-ed25519 or ssh-rsa public key. */
export function parseSshWirePublicKey(wire: Uint8Array, comment = ""): SshPublicKey {
  try {
    const r = new WireReader(wire, "ssh public key");
    const type = r.text();
    if (type === "ssh-ed25519") {
      const pk = r.string();
      if (pk.length !== 32 || r.remaining !== 0) throw new AgeError("key", "malformed ssh-ed25519 public key");
      try {
        ed25519.Point.fromBytes(pk); // rejects encodings that are not curve points, as Go does
      } catch {
        throw new AgeError("key", "malformed ssh-ed25519 public key: not a valid curve point");
      }
      return { type, wire, comment, tag: sshKeyTag(wire), fingerprint: sshFingerprint(wire), ed25519: pk };
    }
    if (type === "ssh-rsa") {
      const e = r.mpint();
      const n = r.mpint();
      if (r.remaining !== 0) throw new AgeError("key", "malformed ssh-rsa public key");
      const bits = bitLength(n);
      let rsaKey: KeyObject;
      try {
        rsaKey = rsaPublicKeyObject(n, e);
      } catch {
        throw new AgeError("key", "malformed ssh-rsa public key");
      }
      return { type, wire, comment, tag: sshKeyTag(wire), fingerprint: sshFingerprint(wire), rsaBits: bits, rsaKey };
    }
    throw new AgeError("key", `unsupported SSH key type "${type.slice(0, 40)}"`, {
      hint: "age supports ssh-ed25519 and ssh-rsa keys only (no ECDSA, DSA or FIDO keys)",
    });
  } catch (err) {
    if (err instanceof WireError) throw new AgeError("key", "malformed SSH public key");
    throw err;
  }
}

/** Parses `ssh-ed25519 AAAA… [comment]` (an authorized_keys line without options). */
export function parseSshPublicKeyLine(line: string): SshPublicKey {
  const fields = line.trim().split(/[ \t]+/);
  const [type, data] = fields;
  if (!type || !data) throw new AgeError("key", "malformed SSH public key: expected \"TYPE BASE64 [COMMENT]\"");
  const wire = Buffer.from(data, "base64");
  if (wire.length === 0 || wire.toString("base64").replace(/=+$/, "") !== data.replace(/=+$/, "")) {
    throw new AgeError("key", "malformed SSH public key: invalid base64");
  }
  const key = parseSshWirePublicKey(new Uint8Array(wire), fields.slice(2).join(" "));
  if (key.type !== type) throw new AgeError("key", `malformed SSH public key: says "${type}" but holds "${key.type}"`);
  return key;
}

/** The Montgomery u-coordinate of an Ed25519 public point (ssh-to-age's conversion). */
export function ed25519PublicToX25519(pk: Uint8Array): Uint8Array {
  return ed25519.utils.toMontgomery(pk);
}

/** The X25519 scalar of an Ed25519 seed: SHA-512(seed)[0:32], unclamped. */
export function ed25519SeedToX25519(seed: Uint8Array): Uint8Array {
  return new Uint8Array(createHash("sha512").update(seed).digest().subarray(0, 32));
}

function ed25519Tweak(wire: Uint8Array): X25519Key {
  return importScalar(hkdfSha256(new Uint8Array(0), wire, ED25519_LABEL));
}

export class SshEd25519Recipient implements Recipient {
  private readonly u: Uint8Array;
  /** X25519(tweak, u): scalar multiplication commutes, so age's
   * X25519(tweak, X25519(e, u)) equals X25519(e, tweakedU), one DH per wrap less. */
  private readonly tweakedU: X25519Key;

  constructor(readonly key: SshPublicKey) {
    if (key.type !== "ssh-ed25519" || !key.ed25519) throw new TypeError("not an ssh-ed25519 key");
    this.u = ed25519PublicToX25519(key.ed25519);
    const tweaked = x25519(ed25519Tweak(key.wire), importPoint(this.u));
    if (tweaked === null) throw new AgeError("key", "ssh-ed25519 recipient is a low-order point");
    this.tweakedU = importPoint(tweaked);
  }

  wrapFileKey(fileKey: Uint8Array): Stanza[] {
    const { scalar: ephemeral, share } = ephemeralX25519();
    const tweaked = x25519(ephemeral, this.tweakedU);
    wipe(ephemeral.bytes);
    if (tweaked === null) throw new AgeError("key", "ssh-ed25519 recipient is a low-order point");
    const key = hkdfSha256(tweaked, concatBytes(share, this.u), ED25519_LABEL);
    wipe(tweaked);
    const body = sealFileKey(key, fileKey);
    wipe(key);
    return [new Stanza(["ssh-ed25519", this.key.tag, encodeB64NoPad(share)], body)];
  }
}

export class SshEd25519Identity implements Identity {
  private readonly scalar: X25519Key;
  private readonly u: Uint8Array;
  private readonly tweak: X25519Key;

  constructor(
    readonly key: SshPublicKey,
    seed: Uint8Array,
  ) {
    this.scalar = importScalar(ed25519SeedToX25519(seed));
    this.u = x25519Base(this.scalar);
    this.tweak = ed25519Tweak(key.wire);
  }

  unwrapFileKey(stanzas: Stanza[]): Uint8Array | null {
    for (const s of stanzas) {
      if (s.args[0] !== "ssh-ed25519") continue;
      if (s.args.length !== 3) throw new AgeError("header", "invalid ssh-ed25519 stanza: wrong number of arguments");
      if (s.args[1] !== this.key.tag) continue;
      const share = decodeB64NoPad(s.args[2]!);
      if (share === null || share.length !== 32) throw new AgeError("header", "invalid ssh-ed25519 stanza: bad ephemeral share");
      if (s.body.length !== 32) throw new AgeError("header", "invalid ssh-ed25519 stanza: bad body length");
      const shared = x25519(this.scalar, importPoint(share));
      if (shared === null) throw new AgeError("header", "invalid ssh-ed25519 stanza: low-order ephemeral share");
      const tweaked = x25519(this.tweak, importPoint(shared));
      if (tweaked === null) throw new AgeError("header", "invalid ssh-ed25519 stanza");
      const key = hkdfSha256(tweaked, concatBytes(share, this.u), ED25519_LABEL);
      const fileKey = openFileKey(key, s.body);
      // The tag matched, so a failure here is a broken file, not another key (as in age).
      if (fileKey === null) throw new AgeError("header", "failed to decrypt the ssh-ed25519 stanza addressed to this key");
      return fileKey;
    }
    return null;
  }
}

export class SshRsaRecipient implements Recipient {
  constructor(readonly key: SshPublicKey) {
    if (key.type !== "ssh-rsa" || !key.rsaKey) throw new TypeError("not an ssh-rsa key");
    if ((key.rsaBits ?? 0) < MIN_RSA_BITS) {
      throw new AgeError("key", `ssh-rsa key has ${key.rsaBits} bits; age requires at least ${MIN_RSA_BITS}`, {
        hint: "generate a larger key (ssh-keygen -t ed25519, or -t rsa -b 4096)",
      });
    }
  }

  wrapFileKey(fileKey: Uint8Array): Stanza[] {
    const body = publicEncrypt(
      { key: this.key.rsaKey!, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256", oaepLabel: Buffer.from(RSA_LABEL) },
      fileKey,
    );
    return [new Stanza(["ssh-rsa", this.key.tag], new Uint8Array(body))];
  }
}

export class SshRsaIdentity implements Identity {
  constructor(
    readonly key: SshPublicKey,
    private readonly privateKey: KeyObject,
  ) {}

  unwrapFileKey(stanzas: Stanza[]): Uint8Array | null {
    for (const s of stanzas) {
      if (s.args[0] !== "ssh-rsa") continue;
      if (s.args.length !== 2) throw new AgeError("header", "invalid ssh-rsa stanza: wrong number of arguments");
      if (s.args[1] !== this.key.tag) continue;
      try {
        const fileKey = privateDecrypt(
          { key: this.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256", oaepLabel: Buffer.from(RSA_LABEL) },
          s.body,
        );
        if (fileKey.length !== 16) throw new Error("bad length");
        return new Uint8Array(fileKey);
      } catch {
        throw new AgeError("header", "failed to decrypt the ssh-rsa stanza addressed to this key");
      }
    }
    return null;
  }
}

