// How readers are named when files are compared with the manifest: by key
// id, the manifest key without its comment (an SSH key by its fingerprint).
import { parseSshPublicKeyLine } from "../crypto/index.js";

const keyIds = new Map<string, string>();

/**
 * The key id of a manifest key: `age1…` as written (lower case, no comment),
 * or `ssh-ed25519 SHA256:…` / `ssh-rsa SHA256:…` (comments never count).
 */
export function keyIdOf(key: string): string {
  let id = keyIds.get(key);
  if (id === undefined) {
    const s = key.trim();
    if (s.startsWith("ssh-")) {
      const k = parseSshPublicKeyLine(s);
      id = `${k.type} ${k.fingerprint}`;
    } else {
      id = s.split(/\s+/)[0]!.toLowerCase();
    }
    keyIds.set(key, id);
  }
  return id;
}

const stanzas = new Map<string, string | null>();

/** The age stanza ("ssh-ed25519 TAG") an SSH key id stands for, or null for X25519 keys. */
export function stanzaOfKeyId(id: string): string | null {
  let s = stanzas.get(id);
  if (s === undefined) {
    const m = /^(ssh-ed25519|ssh-rsa) SHA256:([A-Za-z0-9+/]{43})$/.exec(id);
    s = m ? `${m[1]} ${Buffer.from(m[2]!, "base64").subarray(0, 4).toString("base64").replace(/=+$/, "")}` : null;
    stanzas.set(id, s);
  }
  return s;
}
