// libsodium (through sodium-native, an optional dependency) for the two
// operations a rekey does tens of thousands of times: X25519 and the
// ChaCha20-Poly1305 seal of a 16-byte file key.
//
// Why not node:crypto alone: every OpenSSL 3 call from Node goes through a
// KeyObject or cipher object, a provider lookup and a few allocations; at
// 32-byte inputs that glue costs as much as the arithmetic. A stanza wrap was
// ~106 µs on node:crypto and ~72 µs here (fixed-base 22 µs from libsodium's
// precomputed table, the AEAD in one call); bench/README.md, "Rekey".
//
// It is optional, and only for bulk work (x25519.ts, bulkCrypto: loading the
// package costs ~25 ms, about what a single-file command spends on crypto):
// where the package or its prebuilt binary is missing, or NIXSEC_NO_SODIUM=1
// is set, or the known-answer check below fails, node:crypto does the work
// and gives the same bytes.
import { createRequire } from "node:module";

/** The part of sodium-native nixsec uses. */
export interface Sodium {
  crypto_scalarmult(q: Uint8Array, n: Uint8Array, p: Uint8Array): void;
  crypto_scalarmult_base(q: Uint8Array, n: Uint8Array): void;
  crypto_aead_chacha20poly1305_ietf_encrypt(c: Uint8Array, m: Uint8Array, ad: null, nsec: null, npub: Uint8Array, k: Uint8Array): number;
  crypto_aead_chacha20poly1305_ietf_decrypt(m: Uint8Array, nsec: null, c: Uint8Array, ad: null, npub: Uint8Array, k: Uint8Array): number;
}

const hex = (s: string) => Buffer.from(s, "hex");

// RFC 7748 §6.1: Alice's key pair and her shared secret with Bob. The AEAD
// is checked against node:crypto's on the same input.
const ALICE_PRIVATE = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
const ALICE_PUBLIC = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
const BOB_PUBLIC = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
const SHARED = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";

function works(s: Sodium, sealWithNode: (key: Uint8Array, m: Uint8Array) => Uint8Array): boolean {
  try {
    const pub = new Uint8Array(32);
    s.crypto_scalarmult_base(pub, hex(ALICE_PRIVATE));
    const shared = new Uint8Array(32);
    s.crypto_scalarmult(shared, hex(ALICE_PRIVATE), hex(BOB_PUBLIC));
    const key = hex(SHARED);
    const m = hex(ALICE_PUBLIC).subarray(0, 16);
    const c = new Uint8Array(32);
    s.crypto_aead_chacha20poly1305_ietf_encrypt(c, m, null, null, new Uint8Array(12), key);
    return Buffer.from(pub).equals(hex(ALICE_PUBLIC)) && Buffer.from(shared).equals(key) && Buffer.from(c).equals(sealWithNode(key, m));
  } catch {
    return false;
  }
}

let loaded: Sodium | null | undefined;

/**
 * libsodium if it is installed, loads, and passes the known-answer checks;
 * else null. Decided once per thread. `sealWithNode` is the node:crypto
 * AEAD the result must equal.
 */
export function loadSodium(sealWithNode: (key: Uint8Array, m: Uint8Array) => Uint8Array): Sodium | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  if (process.env.NIXSEC_NO_SODIUM === "1") return loaded;
  let s: Sodium;
  try {
    s = createRequire(import.meta.url)("sodium-native") as Sodium;
  } catch {
    return loaded;
  }
  if (works(s, sealWithNode)) loaded = s;
  return loaded;
}
