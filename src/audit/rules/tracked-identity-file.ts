// Catalogue row 18 (identities), managed-store check: a whole identity file
// committed to git. More specific than `private-key`/`age-secret-key` (which
// still report keys inside other files, and untracked key files).
import type { Rule } from "../rule.js";
import { PLACEHOLDER_AGE_KEY } from "./age-secret-key.js";
import { fake } from "./fake.js";

const AGE_LINE = /^AGE-SECRET-KEY-(?:PQ-)?1[0-9A-Z]{58,}$/;
const PRIVATE_BLOCK = /^-----BEGIN ((?:RSA |DSA |EC |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----\r?\n[\s\S]+\r?\n-----END \1-----$/;

/**
 * Where the key starts when the whole text is an identity file: an age
 * identity file (comments, `AGE-SECRET-KEY-` and `AGE-PLUGIN-` lines, at least
 * one real secret key), one PEM/OpenSSH/PGP private key block, or a PuTTY key.
 */
export function identityKeyOffset(text: string): { at: number; kind: string } | null {
  const t = text.trim();
  if (t.startsWith("-----BEGIN ")) {
    const m = PRIVATE_BLOCK.exec(t);
    return m ? { at: text.indexOf("-----BEGIN "), kind: m[1]!.startsWith("OPENSSH") ? "an OpenSSH private key" : m[1]!.startsWith("PGP") ? "a PGP private key" : "a PEM private key" } : null;
  }
  if (t.startsWith("PuTTY-User-Key-File-")) return { at: text.indexOf("PuTTY-User-Key-File-"), kind: "a PuTTY private key" };
  if (!t.includes("AGE-SECRET-KEY-")) return null;
  let first: number | null = null;
  let offset = 0;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("AGE-SECRET-KEY-")) {
      if (!AGE_LINE.test(line)) return null;
      if (first === null && !PLACEHOLDER_AGE_KEY.test(line)) first = offset + raw.indexOf(line);
    } else if (line !== "" && !line.startsWith("#") && !/^AGE-PLUGIN-[0-9A-Z-]+1[0-9A-Z]+$/.test(line)) {
      return null;
    }
    offset += raw.length + 1;
  }
  return first === null ? null : { at: first, kind: "an age identity" };
}

export const trackedIdentityFile: Rule = {
  id: "tracked-identity-file",
  severity: "high",
  title: "identity file tracked by git",
  description:
    "A file that is a private key (an age identity file, an OpenSSH or PEM private key) is tracked by git. Everyone with a clone can decrypt what " +
    "is encrypted to it (every secret, for an admin key), and in a flake the file is copied into the world-readable store too.",
  hint: "git rm --cached the file and add it to .gitignore; the key is in git history, so replace it: nixsec age keygen -o ~/.config/nixsec/keys/NEW.key " +
    "then nixsec admin set-key NAME --key age1… (re-encrypts what it reads), or for a host key a new host key then nixsec host set-key HOST --key-file NEW.pub",
  catalogue: [18],
  matcher: {
    on: "file",
    trackedOnly: true,
    applies: (path) => !path.endsWith(".nix") && !path.endsWith(".pub"),
    check: (f) => {
      if (f.text === null) return [];
      const key = identityKeyOffset(f.text);
      if (key === null) return [];
      return [{ start: key.at, end: f.text.length, detail: key.kind }];
    },
  },
  examples: {
    leaks: [
      { path: "keys/admin.key", text: `# created: 2024-05-01T10:00:00Z\n# public key: age1xyz\n${fake.age("tif1")}\n`, tracked: true },
      { path: "hosts/nas/ssh_host_ed25519_key", text: fake.pem("OPENSSH", "tif2") + "\n", tracked: true },
    ],
    safe: [
      // not tracked: reported by the generic rules instead (it is one `git add` away)
      { path: "keys/admin.key", text: `${fake.age("tif3")}\n` },
      // a key inside other text is the generic rules' business
      { path: "notes.txt", text: `the old key was ${fake.age("tif4")}, now rotated\n`, tracked: true },
      { path: "hosts/nas/ssh_host_ed25519_key.pub", text: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGvqZYlyhJaUXS8FJzEVosV4Lw1IFQUEujLNJ+qgZnWV root@nas\n", tracked: true },
      { path: "test/fixtures/zero.key", text: `AGE-SECRET-KEY-1${"Q".repeat(58)}\n`, tracked: true },
    ],
  },
};
