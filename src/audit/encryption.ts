// Recognising ciphertext by its header, for the secrets-directory rules
// (research/audit.md §3 row 17). Cheap: only the first bytes, or a search for
// sops metadata in text.

export type Envelope = "age" | "age-armor" | "pgp" | "sops" | "git-crypt" | "ansible-vault";

const td = new TextDecoder("utf-8", { fatal: false });

function startsWith(b: Uint8Array, s: string): boolean {
  if (b.length < s.length) return false;
  for (let i = 0; i < s.length; i++) if (b[i] !== s.charCodeAt(i)) return false;
  return true;
}

/** The encryption envelope of a file's bytes, or null for plaintext. */
export function envelopeOf(bytes: Uint8Array, text: string | null): Envelope | null {
  if (startsWith(bytes, "age-encryption.org/v1\n")) return "age";
  const head = text ?? td.decode(bytes.subarray(0, 256));
  if (/^\s*-----BEGIN AGE ENCRYPTED FILE-----/.test(head)) return "age-armor";
  if (/^\s*-----BEGIN PGP MESSAGE-----/.test(head)) return "pgp";
  if (startsWith(bytes, "\0GITCRYPT\0")) return "git-crypt";
  if (startsWith(bytes, "$ANSIBLE_VAULT;")) return "ansible-vault";
  if (bytes.length > 0 && (bytes[0]! & 0x80) !== 0) {
    // OpenPGP binary packet: new format tag in the low 6 bits, old format in bits 2..5.
    const b = bytes[0]!;
    const tag = (b & 0x40) !== 0 ? b & 0x3f : (b >> 2) & 0x0f;
    if (tag === 1 || tag === 3 || tag === 18 || tag === 20) return "pgp";
  }
  if (text !== null && hasSopsMetadata(text)) return "sops";
  return null;
}

/** sops metadata in YAML (`sops:`), JSON (`"sops":`), dotenv/INI (`sops_version=`). */
export function hasSopsMetadata(text: string): boolean {
  return /^sops:\s*$/m.test(text) || /"sops"\s*:\s*\{/.test(text) || /^sops_(?:version|mac|lastmodified)\s*=/m.test(text) || /^\[sops\]\s*$/m.test(text);
}

/** Whether a name claims encryption: `.age`, `.gpg`, `x.sops.yaml`, `x.enc.json`. */
export function claimedEnvelope(path: string): "age" | "pgp" | "sops" | null {
  const base = path.slice(path.lastIndexOf("/") + 1).toLowerCase();
  if (base.endsWith(".age")) return "age";
  if (/\.(?:gpg|pgp)$/.test(base)) return "pgp";
  if (/\.(?:sops|enc)\.(?:ya?ml|json|env|ini|bin)$/.test(base) || /^secrets?\.(?:ya?ml|json)$/.test(base)) return "sops";
  return null;
}

/** A text file that holds only public material (recipients, public keys, certificates) and comments. */
export function onlyPublicMaterial(text: string): boolean {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0 && !l.startsWith("#"));
  if (lines.length === 0) return true;
  if (/^-----BEGIN (?:CERTIFICATE|PUBLIC KEY|PGP PUBLIC KEY BLOCK)-----/.test(lines[0]!) && !/PRIVATE KEY/.test(text)) return true;
  return lines.every((l) => /^(?:age1[0-9a-z]{20,}|(?:ssh-(?:ed25519|rsa)|ecdsa-sha2-nistp\d+) AAAA[0-9A-Za-z+/=]+(?: .*)?)$/.test(l));
}
