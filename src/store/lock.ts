// The lock file, `<secretsDir>/nixsec.lock`: for each file of each secret,
// the recipient set it was last encrypted to, its SHA-256, and when the
// secret's value last changed. The manifest says who *should* read a secret;
// the lock says who *can*, which an age header alone cannot tell, because
// X25519 stanzas are anonymous (research/crypto.md §9.3). Rekey compares the
// two. A secret stored for both backends has two entries, one per file,
// with the same value date and value id.
//
// Format (JSON Lines, so that git merges it line by line):
//
//   {"nixsec-lock":1,"about":"…"}
//   {"secret":"samba/alice","sha256":"<hex of the .age file>","valueChanged":"2026-11-22T10:00:00Z",
//    "valueId":"<16 random base64url characters>",
//    "admins":{"alice":"age1…"},"hosts":{"hannibal":"ssh-ed25519 SHA256:…"}}      (one line)
//   {"secret":"samba/alice","format":"sops","sha256":"<hex of the .sops.bin file>",…,
//    "hosts":{"storage2":"age1…"}}
//
// - one line per file, sorted by secret name (the age file first); keys in a
//   fixed order; readers sorted by name. `format` is absent for age files
//   (locks from before sops files read as they did). A reader is named by
//   its key id in that file's format (format.ts keyId): in an age file an
//   X25519 key as its `age1…` string, an SSH key as its type and
//   `ssh-keygen -l` fingerprint (the age stanza tag is the first 4 bytes of
//   that hash, so headers can be checked); in a sops file the age recipient
//   the data key is wrapped to (an ssh-ed25519 key converted, ssh-to-age).
// - `sha256` ties the entry to one exact file: when the file on disk differs
//   (a crash between writing it and the lock, a merge, another tool), the
//   entry is not trusted and the file is rekeyed.
// - `valueChanged` is absent when unknown (a file nixsec did not write).
// - `valueId` is a random id drawn whenever the value changes (add, edit,
//   rotate) and kept when only the readers change (rekey, admin and host
//   changes, grant, revoke). Consumers restart when it changes: nixsec gen
//   copies it into the generated data as the restart trigger. It is never
//   derived from the value. An entry without one (older locks, files changed
//   outside nixsec) gets one the next time nixsec writes the file.
// - Merge conflicts need no hand resolution: conflict-marker lines are
//   skipped, and of several entries for one secret the one whose `sha256`
//   matches the file wins. The next write of the lock cleans the file up.
//
// Write order keeps the lock from claiming a state the files lack: the
// ciphertexts are written (atomically, fsynced) first, the lock last.
import { createHash, randomBytes } from "node:crypto";
import path from "node:path";
import { NixsecError } from "../errors.js";
import type { FormatId, SecretFormat } from "./format.js";
import { FORMATS, formFile, readersOf, type Store } from "./store.js";
export { keyIdOf, stanzaOfKeyId } from "./key-ids.js";

export const LOCK_FILE = "nixsec.lock";
export const LOCK_VERSION = 1;
const ABOUT = "for each file of each secret: the readers it was encrypted to, its sha256, when the value last changed and its value id (the restart trigger). Written by nixsec; commit it.";

/** Readers by name: key id per admin and per host. */
export interface ReaderKeys {
  admins: Record<string, string>;
  hosts: Record<string, string>;
}

export interface LockEntry extends ReaderKeys {
  secret: string;
  /** The file's format; absent: age. */
  format?: Exclude<FormatId, "age">;
  /** Lower-case hex SHA-256 of the file as written. */
  sha256: string;
  /** ISO 8601 (UTC, seconds) time the value was last set; undefined when unknown. */
  valueChanged?: string;
  /** Random id of the current value (the consumers' restart trigger); undefined when unknown. */
  valueId?: string;
}

export interface LockRead {
  /** Every entry found per file, by lockKey (several only after a merge). */
  candidates: Map<string, LockEntry[]>;
  /** Lines that could not be used, for warnings; never fatal. */
  problems: string[];
  /** The file's text, or null when there is none. */
  text: string | null;
}

export function lockFile(store: Store): string {
  return path.join(store.secretsDir, LOCK_FILE);
}

export function sha256Hex(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** A reader set's key ids, sorted: what a file written for it can be compared by. */
export function idsOf(r: ReaderKeys): string[] {
  return [...Object.values(r.admins), ...Object.values(r.hosts)].sort();
}

/** How the lock names a file: the secret's name, and for other formats than age its format (names cannot hold ":"). */
export function lockKey(secret: string, format: FormatId): string {
  return format === "age" ? secret : `${secret}:${format}`;
}

export function entryKey(e: LockEntry): string {
  return lockKey(e.secret, e.format ?? "age");
}

/** The entry's format. */
export function entryFormat(e: LockEntry): SecretFormat {
  return FORMATS.find((f) => f.id === (e.format ?? "age"))!;
}

const desiredCache = new WeakMap<object, Map<string, ReaderKeys>>();

/**
 * Who the manifest says reads `name`'s file in `format`, as that format's
 * key ids. Secrets with the same hosts share one (frozen) answer per
 * manifest: a fleet's secrets mostly repeat a few reader sets, and planning
 * asks for every one.
 */
export function desiredReaders(store: Store, name: string, format: SecretFormat): ReaderKeys {
  const hosts = store.manifest.data.secrets[name]?.hosts;
  const key = hosts ? `${format.id}\n${hosts.join("\n")}` : undefined;
  let cache = desiredCache.get(store.manifest.data);
  if (!cache) desiredCache.set(store.manifest.data, (cache = new Map()));
  const known = key === undefined ? undefined : cache.get(key);
  if (known) return known;
  const out: ReaderKeys = { admins: {}, hosts: {} };
  for (const r of readersOf(store, name, format)) {
    let id: string;
    try {
      id = format.keyId(r.key);
    } catch (err) {
      if (!(err instanceof NixsecError)) throw err;
      throw new NixsecError(`${store.manifest.path}: ${r.kind}s.${r.name}.key: ${err.message}`, { hint: err.hints });
    }
    (r.kind === "admin" ? out.admins : out.hosts)[r.name] = id;
  }
  Object.freeze(out.admins);
  Object.freeze(out.hosts);
  if (key !== undefined) cache.set(key, Object.freeze(out));
  return out;
}

function isReaderMap(v: unknown): v is Record<string, string> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && Object.values(v).every((k) => typeof k === "string");
}

function entryProblem(o: Record<string, unknown>): string | undefined {
  if (typeof o.secret !== "string" || o.secret === "") return "no secret name";
  if (o.format !== undefined && !FORMATS.some((f) => f.id === o.format && f.id !== "age")) return "format is not one this nixsec writes";
  if (typeof o.sha256 !== "string" || !/^[0-9a-f]{64}$/.test(o.sha256)) return "sha256 is not 64 hex digits";
  if (o.valueChanged !== undefined && (typeof o.valueChanged !== "string" || Number.isNaN(Date.parse(o.valueChanged)))) return "valueChanged is not a date";
  if (o.valueId !== undefined && (typeof o.valueId !== "string" || !VALUE_ID.test(o.valueId))) return "valueId is not an id";
  if (!isReaderMap(o.admins) || !isReaderMap(o.hosts)) return "admins and hosts must map names to key ids";
  return undefined;
}

const VALUE_ID = /^[A-Za-z0-9_-]{8,64}$/;

/** A new value id: 96 random bits, base64url. */
export function newValueId(): string {
  return randomBytes(12).toString("base64url");
}

/**
 * The value id of an entry rewritten without a new value: kept when `old`
 * described the file being replaced (`trusted`), else new, since a file
 * changed outside nixsec may hold another value.
 */
export function carriedValueId(old: LockEntry | undefined, trusted: boolean): string {
  return trusted && old?.valueId !== undefined ? old.valueId : newValueId();
}

const CONFLICT_MARKER = /^(<{7}|={7}|>{7}|\|{7})( |$)/;

/** Parses lock text. Bad lines become problems (their secrets then get rekeyed); a newer version is an error. */
export function parseLock(text: string, file: string): LockRead {
  const candidates = new Map<string, LockEntry[]>();
  const problems: string[] = [];
  let sawHeader = false;
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line === "") return;
    if (CONFLICT_MARKER.test(line)) {
      if (!problems.some((p) => p.includes("merge conflict"))) problems.push(`${file}: has merge conflict markers; the entries matching the files are used and the next write cleans it up`);
      return;
    }
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch {
      problems.push(`${file}:${i + 1}: not a JSON line; ignored`);
      return;
    }
    if (typeof o !== "object" || o === null || Array.isArray(o)) {
      problems.push(`${file}:${i + 1}: not a JSON object; ignored`);
      return;
    }
    const rec = o as Record<string, unknown>;
    if ("nixsec-lock" in rec) {
      if (rec["nixsec-lock"] !== LOCK_VERSION) {
        throw new NixsecError(`${file}: lock format ${JSON.stringify(rec["nixsec-lock"])} is not one this nixsec reads (${LOCK_VERSION})`, { hint: "update nixsec" });
      }
      sawHeader = true;
      return;
    }
    const problem = entryProblem(rec);
    if (problem) {
      problems.push(`${file}:${i + 1}: ${problem}; ignored`);
      return;
    }
    const entry: LockEntry = { secret: rec.secret as string, sha256: rec.sha256 as string, admins: rec.admins as Record<string, string>, hosts: rec.hosts as Record<string, string> };
    if (rec.format !== undefined) entry.format = rec.format as LockEntry["format"];
    if (rec.valueChanged !== undefined) entry.valueChanged = rec.valueChanged as string;
    if (rec.valueId !== undefined) entry.valueId = rec.valueId as string;
    const key = entryKey(entry);
    const list = candidates.get(key) ?? [];
    list.push(entry);
    candidates.set(key, list);
  });
  if (!sawHeader && candidates.size > 0) problems.push(`${file}: no header line; read anyway`);
  return { candidates, problems, text };
}

/**
 * The entry describing the file whose hash is `sha256`: the candidate with
 * that hash, else (the file changed) the one with the oldest value date, so
 * a maximum age is never under-reported.
 */
export function pickEntry(candidates: LockEntry[] | undefined, sha256: string | undefined): LockEntry | undefined {
  if (!candidates?.length) return undefined;
  if (candidates.length === 1) return candidates[0];
  const exact = candidates.find((c) => c.sha256 === sha256);
  if (exact) return exact;
  const date = (c: LockEntry) => (c.valueChanged ? Date.parse(c.valueChanged) : -Infinity);
  return [...candidates].sort((a, b) => date(a) - date(b))[0];
}

function sortedMap(m: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(m).sort()) out[k] = m[k]!;
  return out;
}

const rendered = new WeakMap<LockEntry, string>();

/** One line; entries are treated as immutable (a change is a new object), so lines are cached. */
export function renderEntry(e: LockEntry): string {
  const cached = rendered.get(e);
  if (cached !== undefined) return cached;
  const o: Record<string, unknown> = { secret: e.secret };
  if (e.format !== undefined) o.format = e.format;
  o.sha256 = e.sha256;
  if (e.valueChanged !== undefined) o.valueChanged = e.valueChanged;
  if (e.valueId !== undefined) o.valueId = e.valueId;
  o.admins = sortedMap(e.admins);
  o.hosts = sortedMap(e.hosts);
  const line = JSON.stringify(o);
  rendered.set(e, line);
  return line;
}

/** Deterministic text: the header, then one line per file, by secret name in code-unit order, age first. */
export function renderLock(entries: Iterable<LockEntry>): string {
  const order = (e: LockEntry) => FORMATS.findIndex((f) => f.id === (e.format ?? "age"));
  const sorted = [...entries].sort((a, b) => (a.secret < b.secret ? -1 : a.secret > b.secret ? 1 : order(a) - order(b)));
  return [JSON.stringify({ "nixsec-lock": LOCK_VERSION, about: ABOUT }), ...sorted.map(renderEntry)].join("\n") + "\n";
}

export function readLock(store: Store): LockRead {
  const file = lockFile(store);
  // Through the store's tree: a link there is an error, never followed (issue 12).
  const bytes = store.tree.readFile(file);
  if (!bytes) return { candidates: new Map(), problems: [], text: null };
  return parseLock(bytes.toString("utf8"), path.relative(store.root, file) || file);
}

/** Writes the lock atomically when its text would change; returns whether it did. */
export async function writeLock(store: Store, entries: Iterable<LockEntry>, previous: string | null): Promise<boolean> {
  const text = renderLock(entries);
  if (text === previous) return false;
  await store.tree.writeFile(lockFile(store), text, 0o644);
  return true;
}

function fileSha(store: Store, e: LockEntry): string | undefined {
  const bytes = store.tree.readFile(formFile(store, e.secret, entryFormat(e)));
  return bytes && sha256Hex(bytes);
}

/** One entry per file (by lockKey) of the lock as read, duplicates resolved against the files. */
export function resolveLock(store: Store, read: LockRead): Map<string, LockEntry> {
  const out = new Map<string, LockEntry>();
  for (const [key, list] of read.candidates) {
    const e = pickEntry(list, list.length > 1 ? fileSha(store, list[0]!) : undefined);
    if (e) out.set(key, e);
  }
  return out;
}

/** An ISO time in UTC, to the second. */
export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The value id the lock records for `name`'s file in `format` as it is on disk, if it describes that file. */
export function valueIdOf(entries: Map<string, LockEntry>, name: string, format: FormatId, fileSha256: string): string | undefined {
  const e = entries.get(lockKey(name, format));
  return e && e.sha256 === fileSha256 ? e.valueId : undefined;
}

/** When the value of `name` last changed, by the lock (the oldest of its files' entries); undefined when unknown. */
export function valueChangedOf(entries: Map<string, LockEntry>, name: string): string | undefined {
  const dates = FORMATS.flatMap((f) => entries.get(lockKey(name, f.id))?.valueChanged ?? []);
  return dates.sort()[0];
}

/** Drops a removed secret (all its files) from the lock. */
export async function recordRemoval(store: Store, name: string): Promise<void> {
  const read = readLock(store);
  const keys = FORMATS.map((f) => lockKey(name, f.id)).filter((k) => read.candidates.has(k));
  if (keys.length === 0) return;
  const entries = resolveLock(store, read);
  for (const k of keys) entries.delete(k);
  await writeLock(store, entries.values(), read.text);
}
