// The sops MAC (sops.go Tree.Encrypt/Decrypt, cmd/sops/common DecryptTree):
// SHA-512 over every value's plaintext bytes in document order (only the
// encrypted ones with mac_only_encrypted, which first feeds SHA-256("sops")),
// as upper-case hex, stored encrypted under the data key with the file's
// `lastmodified` as additional data.
import { createHash, type Hash } from "node:crypto";
import { decryptValue, encryptValue } from "./cipher.js";
import { SopsError } from "./errors.js";
import { normalizeRfc3339 } from "./gotime.js";

// SHA-256("sops"), the first 32 bytes hashed when mac_only_encrypted is set,
// so such a MAC never equals one over all values.
const MAC_ONLY_ENCRYPTED_INIT = Buffer.from("8a3fd2ad54ce66527b1034f3d147be0b0b975b3bf44f72c6fdadec8176f27d69", "hex");

export class MacHasher {
  private readonly hash: Hash = createHash("sha512");

  constructor(macOnlyEncrypted: boolean) {
    if (macOnlyEncrypted) this.hash.update(MAC_ONLY_ENCRYPTED_INIT);
  }

  add(bytes: Uint8Array): void {
    this.hash.update(bytes);
  }

  /** The MAC text: 128 upper-case hex digits. */
  digest(): string {
    return this.hash.digest("hex").toUpperCase();
  }
}

/** The additional data for the MAC: `lastmodified` as Go re-formats it after parsing. */
export function macAad(lastModified: string, file: string): string {
  const aad = normalizeRfc3339(lastModified);
  if (aad === null) throw new SopsError("format", `${file}: sops.lastmodified "${lastModified.slice(0, 40)}" is not an RFC 3339 time`, { hint: "sops writes it as 2006-01-02T15:04:05Z" });
  return aad;
}

export function encryptMac(mac: string, key: Uint8Array, lastModified: string, file: string): string {
  return encryptValue("str", Buffer.from(mac, "latin1"), key, macAad(lastModified, file));
}

/**
 * Checks the computed MAC against the file's. A missing or undecryptable MAC,
 * or a different one, is an error naming the file: values are never returned
 * unverified.
 */
export function verifyMac(stored: string, computed: string, key: Uint8Array, lastModified: string, file: string): void {
  if (stored === "") {
    throw new SopsError("mac", `${file}: the file has no MAC, so its values cannot be verified`, { hint: "re-encrypt it with sops or nixsec; sops itself refuses it without --ignore-mac" });
  }
  let fileMac: string;
  try {
    const d = decryptValue(stored, key, macAad(lastModified, file), `${file}: sops.mac`);
    if (d.type !== "str") throw new Error("the MAC is not a str value");
    fileMac = Buffer.from(d.plaintext).toString("latin1");
  } catch (err) {
    if (err instanceof SopsError && err.kind === "format") throw err;
    throw new SopsError("mac", `${file}: the MAC does not decrypt: the file's MAC or lastmodified was changed`, { hint: "restore the file from git, or re-encrypt it from a trusted copy" });
  }
  if (fileMac !== computed) {
    throw new SopsError("mac", `${file}: MAC mismatch: the values were changed, added, removed or reordered since the file was encrypted`, {
      hint: "restore the file from git, or re-encrypt it from a trusted copy",
    });
  }
}
