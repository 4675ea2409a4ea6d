// Whole sops files: encrypt a tree to age recipients, decrypt with
// identities (MAC always verified), read recipients without a key, re-wrap
// the data key (sops updatekeys) and re-encrypt edited values under the same
// key (sops edit). Every write is read back and checked before it is
// returned, so an emitter bug can never hand the caller a file that does not
// open to the same values.
import type { LoadedIdentity, ParsedRecipient } from "../crypto/index.js";
import { SopsError } from "./errors.js";
import { unwrapDataKey, newDataKey, wrapDataKey } from "./datakey.js";
import { formatLastModified } from "./gotime.js";
import { encryptMac, verifyMac } from "./mac.js";
import { newMetadata, readMetadata, withAgeEntries, withMac, type SopsMetadata } from "./metadata.js";
import { normalizeRules, type EncryptionRules } from "./rules.js";
import { emitEncrypted, formatForPath, loadEncrypted, type EncryptedDocument, type Layout, type SopsFormat } from "./stores.js";
import type { Branch } from "./tree.js";
import { decryptBranches, encryptBranches, type IvStash } from "./walk.js";

export interface FileOptions {
  /** The file's name, for messages and (without `format`) its format, as sops decides by extension. */
  file: string;
  format?: SopsFormat;
}

export interface SopsInfo {
  format: SopsFormat;
  metadata: SopsMetadata;
  document: EncryptedDocument;
}

export interface DecryptedSops extends SopsInfo {
  /** The decrypted documents (one, or several for multi-document YAML), comments in place. */
  branches: Branch[];
  /** Which age recipient's entry opened the file. */
  openedBy: string;
  /** Encrypted comments that did not decrypt and were kept as written (sops warns about them). */
  undecryptedComments: number;
  /** @internal the data key and IVs, for reencryptSops. Never written anywhere. */
  readonly secret: { dataKey: Uint8Array; stash: IvStash };
}

const formatOf = (o: FileOptions): SopsFormat => o.format ?? formatForPath(o.file);

/** Parses a sops file without any key: its format, recipients, rules and lastmodified. */
export function inspectSops(bytes: Uint8Array, o: FileOptions): SopsInfo {
  const format = formatOf(o);
  const document = loadEncrypted(bytes, format, o.file);
  return { format, metadata: readMetadata(document.metadata, o.file), document };
}

/** The age recipients a file is encrypted to (of its one key group), as written in the file. */
export function sopsRecipients(bytes: Uint8Array, o: FileOptions): string[] {
  return inspectSops(bytes, o).metadata.keyGroups.flatMap((g) => g.age.map((e) => e.recipient));
}

/**
 * Decrypts with a known data key and verifies the MAC. The lower layer of
 * decryptSops; also how tests check files whose key came from elsewhere.
 */
export function decryptSopsWithKey(bytes: Uint8Array, dataKey: Uint8Array, o: FileOptions): Omit<DecryptedSops, "openedBy"> {
  const info = inspectSops(bytes, o);
  return decryptDocument(info, dataKey, o.file);
}

function decryptDocument(info: SopsInfo, dataKey: Uint8Array, file: string): Omit<DecryptedSops, "openedBy"> {
  const d = decryptBranches(info.document.branches, dataKey, info.metadata.rules, file, { binary: info.format === "binary" });
  verifyMac(info.metadata.mac, d.mac, dataKey, info.metadata.lastModified, file);
  return { ...info, branches: d.branches, undecryptedComments: d.undecryptedComments, secret: { dataKey, stash: d.stash } };
}

/** Decrypts a sops file with age identities; the MAC is verified or the call fails naming the file. */
export async function decryptSops(bytes: Uint8Array, identities: LoadedIdentity[], o: FileOptions): Promise<DecryptedSops> {
  const info = inspectSops(bytes, o);
  const { dataKey, recipient } = await unwrapDataKey(info.metadata, identities, o.file);
  return { ...decryptDocument(info, dataKey, o.file), openedBy: recipient };
}

export interface EncryptOptions extends FileOptions {
  /** Which values to encrypt; default sops' `unencrypted_suffix: _unencrypted`. */
  rules?: EncryptionRules;
  /** Indentation and the like of the plaintext, kept in the encrypted file. */
  layout?: Layout;
  /** The clock, for `lastmodified` (tests fix it). */
  now?: Date;
}

function seal(document: EncryptedDocument, dataKey: Uint8Array, file: string): Uint8Array {
  const out = emitEncrypted(document, file);
  // Read back what was written: the same values, MAC verified.
  decryptSopsWithKey(out, dataKey, { file, format: document.format });
  return out;
}

/** A new sops file: a fresh data key wrapped to each recipient, values encrypted, MAC computed. */
export async function encryptSops(branches: Branch[], recipients: ParsedRecipient[], o: EncryptOptions): Promise<Uint8Array> {
  const format = formatOf(o);
  if (recipients.length === 0) throw new SopsError("format", `${o.file}: no recipients to encrypt to`, { hint: "give at least one age recipient" });
  const rules = normalizeRules(o.rules ?? {}, o.file);
  const dataKey = newDataKey();
  const age = await wrapDataKey(dataKey, recipients);
  const enc = encryptBranches(branches, dataKey, rules, { binary: format === "binary" });
  const lastModified = formatLastModified(o.now ?? new Date());
  const metadata = newMetadata({ age, lastModified, mac: encryptMac(enc.mac, dataKey, lastModified, o.file), rules });
  return seal({ format, branches: enc.branches, metadata, layout: o.layout ?? {} }, dataKey, o.file);
}

/**
 * The file with new values under the same data key and recipients (sops
 * edit): unchanged values keep their ciphertext, lastmodified and the MAC
 * are renewed, so a diff shows the values that changed and those two lines.
 */
export function reencryptSops(previous: DecryptedSops, branches: Branch[], o: { file: string; now?: Date }): Uint8Array {
  const { dataKey, stash } = previous.secret;
  const enc = encryptBranches(branches, dataKey, previous.metadata.rules, { stash, binary: previous.format === "binary" });
  const lastModified = formatLastModified(o.now ?? new Date());
  const metadata = withMac(previous.document.metadata, lastModified, encryptMac(enc.mac, dataKey, lastModified, o.file));
  return seal({ ...previous.document, branches: enc.branches, metadata }, dataKey, o.file);
}

/**
 * The same file with the data key wrapped to `recipients` instead (sops
 * updatekeys): values, MAC, lastmodified and other master keys unchanged, so
 * a diff shows only the age entries. Unlike sops, the MAC is verified first:
 * a tampered file is never passed on to new readers.
 */
export async function rewrapSops(bytes: Uint8Array, identities: LoadedIdentity[], recipients: ParsedRecipient[], o: FileOptions): Promise<Uint8Array> {
  const d = await decryptSops(bytes, identities, o);
  if (recipients.length === 0) throw new SopsError("format", `${o.file}: no recipients to re-wrap to`, { hint: "a sops file needs at least one reader" });
  const age = await wrapDataKey(d.secret.dataKey, recipients);
  const metadata = withAgeEntries(d.document.metadata, age, o.file);
  return seal({ ...d.document, metadata }, d.secret.dataKey, o.file);
}
