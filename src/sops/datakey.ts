// The data key and its age entries (getsops/sops age/keysource.go): one
// armored age file per recipient, each holding the 32-byte key. Decryption
// tries identities against each entry's ciphertext; the recipient string is
// only a hint for which to try first (X25519 stanzas are anonymous).
import { randomBytes } from "node:crypto";
import { AgeError, decryptBytes, encryptBytes, type LoadedIdentity, type ParsedRecipient } from "../crypto/index.js";
import { SopsError } from "./errors.js";
import { keyGroupsError, type AgeEntry, type SopsMetadata } from "./metadata.js";

export const DATA_KEY_SIZE = 32;

export function newDataKey(): Uint8Array {
  return new Uint8Array(randomBytes(DATA_KEY_SIZE));
}

/** Wraps the data key to each recipient, as sops stores it: `recipient` as written (trimmed), `enc` armored. */
export async function wrapDataKey(dataKey: Uint8Array, recipients: ParsedRecipient[]): Promise<AgeEntry[]> {
  const out: AgeEntry[] = [];
  for (const r of recipients) {
    const armored = await encryptBytes(dataKey, [r], { armor: true });
    out.push({ recipient: r.text.trim(), enc: Buffer.from(armored).toString("utf8") });
  }
  return out;
}

/**
 * The identities to try: each as given and, for an OpenSSH ed25519 key, also
 * its ssh-to-age X25519 identity (what sops-nix hosts decrypt with, through
 * `sops.age.sshKeyPaths`), so one key file opens both kinds of entry.
 */
export function withSshToAge(ids: LoadedIdentity[]): LoadedIdentity[] {
  const out: LoadedIdentity[] = [];
  for (const id of ids) {
    out.push(id);
    if (id.x25519 && id.kind !== "x25519") {
      out.push({ kind: "x25519", source: `${id.source} (ssh-to-age)`, identity: id.x25519, recipient: id.x25519.recipient, x25519: id.x25519 });
    }
  }
  return out;
}

function noAgeError(md: SopsMetadata, file: string): SopsError {
  const others = md.keyGroups.flatMap((g) => g.others.map((o) => o.type));
  const kinds = [...new Set(others)].join(", ");
  return new SopsError("no-age-recipient", `${file}: no age recipient: the data key is wrapped only for ${kinds || "no key at all"}`, {
    hint: "nixsec opens sops files through age; decrypt this one with sops, or add an age recipient (sops updatekeys)",
  });
}

/**
 * Unwraps the data key with the first identity that opens an age entry.
 * Entries whose recipient matches an identity's are tried first. Throws
 * "no-age-recipient" for PGP/KMS-only files and "no-match" when no identity fits.
 */
export async function unwrapDataKey(md: SopsMetadata, identities: LoadedIdentity[], file: string): Promise<{ dataKey: Uint8Array; recipient: string }> {
  if (md.keyGroups.length > 1) throw keyGroupsError(file);
  const entries = md.keyGroups[0]!.age;
  if (entries.length === 0) throw noAgeError(md, file);
  const ids = withSshToAge(identities);
  const known = new Set(ids.map((i) => i.recipient).filter((r): r is string => r !== undefined));
  const ordered = [...entries.filter((e) => known.has(e.recipient)), ...entries.filter((e) => !known.has(e.recipient))];
  let damaged = 0;
  for (const e of ordered) {
    let key: Uint8Array;
    try {
      key = await decryptBytes(Buffer.from(e.enc, "utf8"), ids);
    } catch (err) {
      if (!(err instanceof AgeError) || err.kind === "passphrase") throw err;
      if (err.kind !== "no-match") damaged++;
      continue;
    }
    if (key.length !== DATA_KEY_SIZE) throw new SopsError("format", `${file}: the age entry for ${e.recipient} holds a ${key.length}-byte data key, not ${DATA_KEY_SIZE}`);
    return { dataKey: key, recipient: e.recipient };
  }
  const hints = [
    ids.length === 0
      ? "pass -i with an age key file or SSH key, or set SOPS_AGE_KEY_FILE / SOPS_AGE_KEY"
      : "nixsec sops inspect FILE lists the recipients; decrypt with the key of one of them",
  ];
  if (damaged > 0) hints.push(`${damaged} age entr${damaged === 1 ? "y is" : "ies are"} not valid age files (damaged metadata?)`);
  throw new SopsError("no-match", `${file}: none of the given identities opens the file (${entries.length} age recipient${entries.length === 1 ? "" : "s"})`, { hint: hints });
}
