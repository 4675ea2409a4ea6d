// A secret's value, read from and written to its files. A secret has a file
// per format (store.ts, formatsOf); all hold the one value. Writing a value
// (add, edit, rotate) writes every file anew, each with a fresh file or data
// key and checked before anything replaces the old files, then the lock
// gives them one new value date and value id. Reading takes the first file
// an identity opens.
import path from "node:path";
import { localIdentities, type LoadedIdentity } from "../crypto/index.js";
import { NixsecError } from "../errors.js";
import type { Opened, ReaderSummary, SecretFormat } from "./format.js";
import { desiredReaders, idsOf, isoSeconds, lockKey, newValueId, readLock, resolveLock, sha256Hex, writeLock, type LockEntry, type ReaderKeys } from "./lock.js";
import { inlineEncryptor } from "./rekey-worker.js";
import { FORMATS, formatsOf, formFile, recipientsOf, unknownSecret, type Store } from "./store.js";

/** One of a secret's files as it is on disk. */
export interface SecretFileBytes {
  format: SecretFormat;
  /** Absolute path. */
  path: string;
  bytes: Uint8Array;
}

/**
 * The files of `name` on disk: those of its formats first, then any left in
 * a format it no longer has (a host moved to another backend; `nixsec
 * rekey` removes them), read without following links (fs/tree.ts).
 */
export function secretFiles(store: Store, name: string): SecretFileBytes[] {
  const wanted = formatsOf(store, name);
  const out: SecretFileBytes[] = [];
  for (const format of [...wanted, ...FORMATS.filter((f) => !wanted.includes(f))]) {
    const file = formFile(store, name, format);
    const bytes = store.tree.readFile(file);
    if (bytes) out.push({ format, path: file, bytes });
  }
  return out;
}

/** The value of secret `name`, from the first of its files an identity opens. */
export async function readSecretValue(store: Store, name: string, identities: LoadedIdentity[]): Promise<Uint8Array> {
  if (!store.manifest.data.secrets[name]) throw unknownSecret(store, name);
  const files = secretFiles(store, name);
  if (files.length === 0) {
    const expected = formatsOf(store, name).map((f) => path.relative(store.root, formFile(store, name, f)));
    throw new NixsecError(`cannot read ${expected.join(" or ")}: the file is missing`, { hint: `set a value with \`nixsec add ${name} --force\`` });
  }
  const unopened: string[] = [];
  for (const f of files) {
    const rel = path.relative(store.root, f.path);
    try {
      await f.format.ready();
      return (await f.format.open(f.bytes, identities, rel)).value;
    } catch (err) {
      const why = f.format.failure(err);
      if (why === "no-match") {
        unopened.push(f.path);
        continue;
      }
      // A damaged or truncated file names itself; a plugin's or passphrase's failure is passed on.
      if (why === "broken" && err instanceof NixsecError) {
        const message = err.message.startsWith(rel) ? err.message : `${f.path}: ${err.message}`;
        throw new NixsecError(message, { hint: err.hints.length ? err.hints : `the file is damaged: restore it from git, or set a new value with \`nixsec add ${name} --force\`` });
      }
      throw err;
    }
  }
  throw new NixsecError(`${unopened.join(", ")}: none of your identities can decrypt ${unopened.length === 1 ? "it" : "them"}`, {
    hint: [
      `identities tried: ${identities.map((i) => i.source).join(", ") || "none"}`,
      "pass -i/--identity with an admin key, or set NIXSEC_IDENTITY to its path",
    ],
  });
}

/**
 * Prepares reading many secrets (readSecretValue each, afterwards): the
 * files a plugin identity must open go to it in one session per format, so
 * a hardware key asks once for all of them. Unreadable files are left for
 * readSecretValue to report.
 */
export async function preloadSecrets(store: Store, names: string[], identities: LoadedIdentity[]): Promise<void> {
  const byFormat = new Map<SecretFormat, Uint8Array[]>();
  for (const name of names) {
    try {
      const first = secretFiles(store, name)[0];
      if (first) byFormat.set(first.format, [...(byFormat.get(first.format) ?? []), first.bytes]);
    } catch {
      // a link or an odd file there: reported by readSecretValue
    }
  }
  for (const [format, files] of byFormat) await format.preload(files, identities);
}

/**
 * Checks a new file before it replaces one: the readers it shows are exactly
 * the planned ones, and it opens to the value with an identity that needs no
 * plugin. Returns false when none of `identities` reads it (an admin
 * removing their own key, or only a hardware key at hand, which is not
 * asked again per file): then only the readers could be checked.
 */
export async function checkWritten(format: SecretFormat, secret: string, file: string, bytes: Uint8Array, value: Uint8Array, desired: ReaderKeys, identities: LoadedIdentity[]): Promise<boolean> {
  const bad = (why: string) =>
    new NixsecError(`${secret}: the new ${format.noun} ${why}; the old file was kept`, { exitCode: 3, hint: "please report this; run `nixsec rekey` again to retry" });
  const fits = (summary: ReaderSummary | null) => {
    if (!summary || !format.fits(summary, idsOf(desired))) throw bad("does not have the planned recipients");
  };
  let opened: Opened;
  try {
    opened = await format.open(bytes, localIdentities(identities), file);
  } catch (err) {
    if (format.failure(err) !== "no-match") throw bad("does not decrypt");
    fits(format.summarize(bytes));
    return false;
  }
  // The readers as opening the file read them (one parse of the file for both checks).
  fits(opened.summary);
  const same = Buffer.compare(opened.value, value) === 0;
  opened.value.fill(0);
  if (!same) throw bad("does not decrypt to the value");
  return true;
}

export interface NewValue {
  secret: string;
  value: Uint8Array;
}

export interface WriteResult {
  /** The files written (absolute paths). */
  files: string[];
  /** Secrets with a file none of the verifying identities reads: checked by its readers only. */
  headerOnly: string[];
}

/**
 * Writes new values: every file of each secret anew (fresh keys), each
 * checked with `verifyWith` before any file is replaced; then files left in
 * a format the secret no longer has are removed (they hold the old value),
 * `afterFiles` runs (add saves the manifest there), and the lock records the
 * files with `now` as the time the value changed and a new value id per
 * secret, shared by its files.
 */
export async function writeValues(store: Store, values: NewValue[], verifyWith: LoadedIdentity[], now: Date, afterFiles?: () => Promise<void>): Promise<WriteResult> {
  const result: WriteResult = { files: [], headerOnly: [] };
  const prepared: SealedFile[] = [];
  for (const v of values) {
    const sealed = await sealValue(store, v.secret, v.value, verifyWith);
    if (sealed.some((f) => !f.checked) && !result.headerOnly.includes(v.secret)) result.headerOnly.push(v.secret);
    prepared.push(...sealed);
  }
  for (const p of prepared) {
    await store.tree.writeFile(p.file, p.bytes, 0o644);
    result.files.push(p.file);
  }
  for (const v of values) {
    const wanted = formatsOf(store, v.secret);
    for (const f of FORMATS) if (!wanted.includes(f) && store.tree.statFile(formFile(store, v.secret, f))) store.tree.remove(formFile(store, v.secret, f));
  }
  await afterFiles?.();
  const read = readLock(store);
  const entries = resolveLock(store, read);
  for (const v of values) {
    for (const f of FORMATS) entries.delete(lockKey(v.secret, f.id));
    recordSealed(entries, prepared.filter((x) => x.secret === v.secret), now);
  }
  await writeLock(store, entries.values(), read.text);
  return result;
}

/** One file of a new value, encrypted and checked, not written yet. */
export interface SealedFile {
  secret: string;
  format: SecretFormat;
  /** Absolute path. */
  file: string;
  bytes: Uint8Array;
  desired: ReaderKeys;
  /** Whether an identity checked it opens to the value (else only its readers were checked). */
  checked: boolean;
}

/** A new value in every format secret `name` has, each a fresh file (fresh keys), checked with `verifyWith`; nothing written. */
export async function sealValue(store: Store, name: string, value: Uint8Array, verifyWith: LoadedIdentity[]): Promise<SealedFile[]> {
  const encryptor = inlineEncryptor();
  const out: SealedFile[] = [];
  for (const format of formatsOf(store, name)) {
    await format.ready();
    const file = formFile(store, name, format);
    const rel = path.relative(store.root, file);
    const work = format.seal(value, recipientsOf(store, name, format), rel);
    const bytes = await work.finish(await encryptor.encrypt(work.job));
    const desired = desiredReaders(store, name, format);
    const checked = await checkWritten(format, name, rel, bytes, value, desired, verifyWith);
    out.push({ secret: name, format, file, bytes, desired, checked });
  }
  return out;
}

/** Lock entries for a secret's new files: the value changed `now`, one new value id for all of them. */
export function recordSealed(entries: Map<string, LockEntry>, files: SealedFile[], now: Date): void {
  const valueId = newValueId();
  for (const p of files) {
    const entry: LockEntry = { secret: p.secret, sha256: sha256Hex(p.bytes), valueChanged: isoSeconds(now), valueId, ...p.desired };
    if (p.format.id !== "age") entry.format = p.format.id;
    entries.set(lockKey(p.secret, p.format.id), entry);
  }
}
