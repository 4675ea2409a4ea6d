// A small, fast, non-cryptographic hash for baseline fingerprints. What it
// hashes is never secret (an attribute path or a redacted line), so it needs
// stability, not preimage resistance; and the audit path stays free of the
// crypto stack, which keeps the pre-commit start-up lean.

/** 64 bits as 16 hex digits: two FNV-1a-style 32-bit lanes with different seeds. */
export function fingerprintHash(s: string): string {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= a >>> 13;
  a = Math.imul(a, 0xc2b2ae35);
  b = Math.imul(b ^ (a >>> 7), 0x27d4eb2f);
  return (a >>> 0).toString(16).padStart(8, "0") + (b >>> 0).toString(16).padStart(8, "0");
}
