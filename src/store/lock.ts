// The lock file, `<secretsDir>/nixsec.lock`: for each secret, the recipient
// set its file was last encrypted to, the SHA-256 of that file, and when its
// value last changed. The manifest says who *should* read a secret; the lock
// says who *can*, which the age header alone cannot tell, because X25519
// stanzas are anonymous (research/crypto.md §9.3). Rekey compares the two.
//
// Format (JSON Lines, so that git merges it line by line):
//
//   {"nixsec-lock":1,"about":"…"}
//   {"secret":"samba/alice","sha256":"<hex of the .age file>","valueChanged":"2026-11-22T10:00:00Z",
//    "valueId":"<16 random base64url characters>",
//    "admins":{"alice":"age1…"},"hosts":{"storage2":"ssh-ed25519 SHA256:…"}}      (one line)
//
// - one line per secret, sorted by name; keys in a fixed order; readers sorted
//   by name. A reader is named by its key id: an X25519 key as its `age1…`
//   string, an SSH key as its type and `ssh-keygen -l` fingerprint (the age
//   stanza tag is the first 4 bytes of that hash, so headers can be checked).
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
import { parseSshPublicKeyLine } from "../crypto/index.js";
import { readersOf, secretFile, type Store } from "./store.js";

export const LOCK_FILE = "nixsec.lock";
export const LOCK_VERSION = 1;
const ABOUT = "for each secret: the readers its file was encrypted to, the file's sha256, when its value last changed and its value id (the restart trigger). Written by nixsec; commit it.";

/** Readers by name: key id per admin and per host. */
export interface ReaderKeys {
  admins: Record<string, string>;
  hosts: Record<string, string>;
}

export interface LockEntry extends ReaderKeys {
  secret: string;
  /** Lower-case hex SHA-256 of the .age file as written. */
  sha256: string;
  /** ISO 8601 (UTC, seconds) time the value was last set; undefined when unknown. */
  valueChanged?: string;
  /** Random id of the current value (the consumers' restart trigger); undefined when unknown. */
  valueId?: string;
}

export interface LockRead {
  /** Every entry found per secret (several only after a merge). */
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

/** Who the manifest says reads `name`, as key ids. */
export function desiredReaders(store: Store, name: string): ReaderKeys {
  const out: ReaderKeys = { admins: {}, hosts: {} };
  for (const r of readersOf(store, name)) (r.kind === "admin" ? out.admins : out.hosts)[r.name] = keyIdOf(r.key);
  return out;
}

function isReaderMap(v: unknown): v is Record<string, string> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && Object.values(v).every((k) => typeof k === "string");
}

function entryProblem(o: Record<string, unknown>): string | undefined {
  if (typeof o.secret !== "string" || o.secret === "") return "no secret name";
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
    if (rec.valueChanged !== undefined) entry.valueChanged = rec.valueChanged as string;
    if (rec.valueId !== undefined) entry.valueId = rec.valueId as string;
    const list = candidates.get(entry.secret) ?? [];
    list.push(entry);
    candidates.set(entry.secret, list);
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
  const o: Record<string, unknown> = { secret: e.secret, sha256: e.sha256 };
  if (e.valueChanged !== undefined) o.valueChanged = e.valueChanged;
  if (e.valueId !== undefined) o.valueId = e.valueId;
  o.admins = sortedMap(e.admins);
  o.hosts = sortedMap(e.hosts);
  const line = JSON.stringify(o);
  rendered.set(e, line);
  return line;
}

/** Deterministic text: the header, then one line per secret in code-unit order. */
export function renderLock(entries: Iterable<LockEntry>): string {
  const sorted = [...entries].sort((a, b) => (a.secret < b.secret ? -1 : a.secret > b.secret ? 1 : 0));
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

function fileSha(store: Store, name: string): string | undefined {
  const bytes = store.tree.readFile(secretFile(store, name));
  return bytes && sha256Hex(bytes);
}

/** One entry per secret of the lock as read, duplicates resolved against the files. */
export function resolveLock(store: Store, read: LockRead): Map<string, LockEntry> {
  const out = new Map<string, LockEntry>();
  for (const [name, list] of read.candidates) {
    const e = pickEntry(list, list.length > 1 ? fileSha(store, name) : undefined);
    if (e) out.set(name, e);
  }
  return out;
}

/** An ISO time in UTC, to the second. */
export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Records that nixsec just wrote `name`'s file for its current readers; with
 * `valueChanged`, that its value changed then (a new value id). Without it
 * the value id is kept when the old entry described the file written over
 * (`previousSha256`), else drawn anew. Call after the file write.
 */
export async function recordWrite(store: Store, name: string, opts: { valueChanged?: Date; previousSha256?: string } = {}): Promise<void> {
  const read = readLock(store);
  const entries = resolveLock(store, read);
  const sha = fileSha(store, name);
  if (sha === undefined) return;
  const old = entries.get(name);
  const entry: LockEntry = { secret: name, sha256: sha, ...desiredReaders(store, name) };
  const changed = opts.valueChanged ? isoSeconds(opts.valueChanged) : old?.valueChanged;
  if (changed !== undefined) entry.valueChanged = changed;
  entry.valueId = opts.valueChanged ? newValueId() : carriedValueId(old, old !== undefined && old.sha256 === opts.previousSha256);
  entries.set(name, entry);
  await writeLock(store, entries.values(), read.text);
}

/** The value id the lock records for `name`'s file as it is on disk, if it describes that file. */
export function valueIdOf(entries: Map<string, LockEntry>, name: string, fileSha256: string): string | undefined {
  const e = entries.get(name);
  return e && e.sha256 === fileSha256 ? e.valueId : undefined;
}

/** Drops a removed secret from the lock. */
export async function recordRemoval(store: Store, name: string): Promise<void> {
  const read = readLock(store);
  if (!read.candidates.has(name)) return;
  const entries = resolveLock(store, read);
  entries.delete(name);
  await writeLock(store, entries.values(), read.text);
}
