// Age files (`<name>.age`), which agenix hosts decrypt with their SSH host
// keys: one file key wrapped in a stanza per reader, then the value.
//
// Without a key a header shows who reads the file only in part: an SSH
// stanza carries a tag (the first 4 bytes of SHA-256 of the key), an X25519
// stanza nothing (research/crypto.md §9.3). So a file is compared with a
// reader set by SSH tags and by the number of X25519 stanzas, and proves its
// readers by itself only when all of them are SSH keys; otherwise the lock
// (lock.ts) says whom nixsec wrote it for.
import { AgeError, decryptBytes, inspectAge, looksArmored, preloadFileKeys, type LoadedIdentity } from "../crypto/index.js";
import { keyIdOf, stanzaOfKeyId } from "./key-ids.js";
import { sameList, type HeaderSummary, type ReaderSummary, type SecretFormat, type Work } from "./format.js";

/** An X25519 key id (`age1…` with the plain `age` prefix), as opposed to tag, post-quantum and plugin keys. */
function isX25519Id(id: string): boolean {
  return id.startsWith("age1") && id.lastIndexOf("1") === 3;
}

/**
 * Whether the header is exactly what encrypting to `ids` writes (SSH by tag,
 * X25519 by count); a tag, post-quantum or plugin key writes at least one
 * stanza of another type (plugins choose their own, so only the count of
 * such stanzas can be checked).
 */
export function headerFits(h: HeaderSummary, ids: string[]): boolean {
  const ssh: string[] = [];
  let x25519 = 0;
  let other = 0;
  for (const id of ids) {
    const s = stanzaOfKeyId(id);
    if (s) ssh.push(s);
    else if (isX25519Id(id)) x25519++;
    else other++;
  }
  if (other === 0 ? h.other.length > 0 : h.other.length < other) return false;
  return x25519 === h.x25519 && sameList(ssh.sort(), h.ssh);
}

const VERSION_LINE = "age-encryption.org/v1\n";

/**
 * rage (and so ragenix, agenix-rekey) adds a random "grease" stanza to each
 * file it writes, type `…-grease`, which no identity opens: it is no reader.
 */
function isGrease(type: string): boolean {
  return type.endsWith("-grease");
}

/**
 * The stanza lines of a binary age header, read without decoding or checking
 * anything else: enough to plan, cheap for thousands of files. Decryption
 * parses strictly later. null when it does not look like an age file.
 */
export function scanHeader(bytes: Uint8Array): HeaderSummary | null {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1 << 20)).toString("latin1");
  if (!head.startsWith(VERSION_LINE)) return head.trimStart().startsWith("-----BEGIN AGE ENCRYPTED FILE-----") ? summarizeHeader(bytes) : null;
  const ssh: string[] = [];
  const other: string[] = [];
  let x25519 = 0;
  let at = VERSION_LINE.length;
  for (;;) {
    const end = head.indexOf("\n", at);
    if (end < 0) return null;
    if (head.startsWith("---", at)) return { ssh: ssh.sort(), x25519, other, armored: false };
    if (head.startsWith("-> ", at)) {
      const args = head.slice(at + 3, end).split(" ");
      const type = args[0]!;
      if ((type === "ssh-ed25519" || type === "ssh-rsa") && args[1]) ssh.push(`${type} ${args[1]}`);
      else if (type === "X25519") x25519++;
      else if (!isGrease(type)) other.push(type);
    }
    at = end + 1;
  }
}

/** The same summary from the strict parser. */
export function summarizeHeader(bytes: Uint8Array): HeaderSummary | null {
  try {
    const info = inspectAge(bytes);
    const ssh: string[] = [];
    const other: string[] = [];
    let x25519 = 0;
    for (const st of info.stanzas) {
      if (st.sshTag !== undefined) ssh.push(`${st.type} ${st.sshTag}`);
      else if (st.type === "X25519") x25519++;
      else if (!isGrease(st.type)) other.push(st.type);
    }
    return { ssh: ssh.sort(), x25519, other, armored: info.armored };
  } catch {
    return null;
  }
}

const header = (s: ReaderSummary): HeaderSummary => {
  if (!("ssh" in s)) throw new Error("internal: not an age header summary");
  return s;
};

function seal(value: Uint8Array, recipients: string[], armor: boolean): Work {
  return { job: { plaintext: value, recipients, armor }, finish: async (r) => r as Uint8Array };
}

export const ageFormat: SecretFormat = {
  id: "age",
  backend: "agenix",
  extension: ".age",
  noun: "age file",
  ready: async () => {},
  keyId: keyIdOf,
  // The manifest's key as it is: agenix hosts read ssh-ed25519/ssh-rsa stanzas with their host keys.
  recipient: (key) => key,
  seal: (value, recipients) => seal(value, recipients, false),
  async open(bytes, identities) {
    const value = await decryptBytes(bytes, identities);
    // An armored file stays armored.
    const armored = looksArmored(bytes);
    return {
      value,
      get summary() {
        return scanHeader(bytes)!;
      },
      rewrap: (recipients) => seal(value, recipients, armored),
    };
  },
  preload: (files, identities: LoadedIdentity[]) => preloadFileKeys(files, identities),
  summarize: scanHeader,
  fits: (s, ids) => headerFits(header(s), ids),
  // Only SSH stanzas name their key.
  proves: (s, ids) => ids.every((id) => stanzaOfKeyId(id) !== null) && headerFits(header(s), ids),
  strangers(s, ids) {
    const wanted = new Set(ids.map(stanzaOfKeyId).filter((x) => x !== null));
    return [...new Set(header(s).ssh.filter((x) => !wanted.has(x)))].map((x) => `${x.split(" ")[0]} key with tag ${x.split(" ")[1]}`);
  },
  failure(err) {
    if (!(err instanceof AgeError)) return null;
    if (err.kind === "no-match") return "no-match";
    return err.kind === "plugin" || err.kind === "passphrase" || err.kind === "key" ? null : "broken";
  },
};
