// Planning a rekey: which files must be re-encrypted, and why. The manifest
// says who should read each secret, in which formats (store.ts formatsOf);
// the lock says who each file was written for; the file itself shows some or
// all of its readers without a key (format.ts summarize). Only files whose
// readers differ are rekeyed; a format a secret newly needs gets a file made
// from the value of another; a file in a format the secret no longer has is
// retired (removed once the others are written). `planRekey` is pure;
// `scanStore` reads the disk for it. Execution is in rekey-run.ts.
import path from "node:path";
import type { RepoTree } from "../fs/tree.js";
import type { ReaderSummary, SecretFormat } from "./format.js";
import { desiredReaders, idsOf, lockKey, pickEntry, readLock, sha256Hex, type LockEntry, type LockRead, type ReaderKeys } from "./lock.js";
import { FORMATS, formatsOf, formFile, type Store } from "./store.js";

export { idsOf } from "./lock.js";

export type ReasonKind =
  | "admin-added" | "admin-removed" | "admin-rekeyed"
  | "host-added" | "host-removed" | "host-rekeyed" | "host-moved"
  | "not-locked" | "file-changed" | "header-mismatch" | "unreadable" | "forced"
  | "new-format";

export interface Reason {
  kind: ReasonKind;
  /** The admin or host, for the reader kinds; the backend, for new-format. */
  name?: string;
}

export interface FileFacts {
  sha256: string;
  /** The readers the file shows without a key; null: not a valid file of its format. */
  header: ReaderSummary | null;
  bytes: Uint8Array;
}

/** One file of a secret, as planning sees it: a format the secret has, and what is on disk for it. */
export interface SecretState {
  secret: string;
  format: SecretFormat;
  desired: ReaderKeys;
  /** undefined: the file is missing. */
  file?: FileFacts;
  /** The lock entry for this file, duplicates already resolved. */
  lock?: LockEntry;
}

/** A file in a format its secret no longer has (its hosts moved to another backend, or left). */
export interface RetiredState {
  secret: string;
  format: SecretFormat;
  file: FileFacts;
  lock?: LockEntry;
}

export interface PlanItem {
  secret: string;
  format: SecretFormat;
  /** new-format: the format of the file whose value the new file is made of (else the file itself is re-encrypted). */
  from?: SecretFormat;
  reasons: Reason[];
  desired: ReaderKeys;
  /** Readers that can read the current file and will not read the new one ("host oldbox", "ssh-ed25519 key with tag AbCdEf"). */
  lost: string[];
  /** Old keys of re-keyed readers, which also stop reading ("old key of host hannibal"). */
  replaced: string[];
}

export interface LockOnlyUpdate {
  secret: string;
  format: SecretFormat;
  /** adopted: the header proves the readers (all SSH); renamed: same keys, new names. */
  why: "adopted" | "renamed";
  entry: LockEntry;
}

/** A retired file, removed after the secret's other files are written. */
export interface RetireItem {
  secret: string;
  format: SecretFormat;
  /** Readers of the file that read no other file of the secret ("host hannibal"). */
  lost: string[];
}

export interface RekeyPlan {
  rekey: PlanItem[];
  lockOnly: LockOnlyUpdate[];
  retire: RetireItem[];
  /** Secrets in the manifest without any file (nothing to rekey; set a value). */
  missing: string[];
  /** Lock entries (lockKey) of files no secret has any more. */
  dropped: string[];
  unchanged: number;
}

export interface PlanOptions {
  all?: boolean;
}

const READER_KINDS = [["admins", "admin"], ["hosts", "host"]] as const;

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Reader changes between what a file was written for and what the manifest
 * wants, by name; `lost` names the keys that read the old file and will not
 * read the new one (a renamed reader keeps its key and loses nothing).
 */
export function readerChanges(was: ReaderKeys, want: ReaderKeys): { reasons: Reason[]; lost: string[]; replaced: string[] } {
  const reasons: Reason[] = [];
  const lost: string[] = [];
  const replaced: string[] = [];
  const kept = new Set(idsOf(want));
  for (const [field, kind] of READER_KINDS) {
    const a = was[field];
    const b = want[field];
    for (const name of Object.keys(b).sort()) {
      if (!Object.hasOwn(a, name)) reasons.push({ kind: `${kind}-added`, name });
      else if (a[name] !== b[name]) {
        reasons.push({ kind: `${kind}-rekeyed`, name });
        if (!kept.has(a[name]!)) replaced.push(`old key of ${kind} ${name}`);
      }
    }
    for (const name of Object.keys(a).sort()) {
      if (!Object.hasOwn(b, name)) {
        reasons.push({ kind: `${kind}-removed`, name });
        if (!kept.has(a[name]!)) lost.push(`${kind} ${name}`);
      }
    }
  }
  return { reasons, lost, replaced };
}

function namesDiffer(a: ReaderKeys, b: ReaderKeys): boolean {
  for (const [field] of READER_KINDS) {
    const x = Object.keys(a[field]).sort();
    const y = Object.keys(b[field]).sort();
    if (!sameList(x, y)) return true;
  }
  return false;
}

/** Readers of `was` (by name) that `wanted` (every file the secret keeps) does not have. */
function lostNames(was: ReaderKeys, wanted: ReaderKeys[]): string[] {
  const lost: string[] = [];
  for (const [field, kind] of READER_KINDS) {
    for (const name of Object.keys(was[field]).sort()) if (!wanted.some((w) => Object.hasOwn(w[field], name))) lost.push(`${kind} ${name}`);
  }
  return lost;
}

/** The plan for `states` (every file of every secret of the manifest) and `retired` files, against a lock holding `lockedKeys`. Pure. */
export function planRekey(states: SecretState[], lockedKeys: Iterable<string>, opts: PlanOptions = {}, retired: RetiredState[] = []): RekeyPlan {
  const plan: RekeyPlan = { rekey: [], lockOnly: [], retire: [], missing: [], dropped: [], unchanged: 0 };
  const kept = new Set([...states, ...retired].map((s) => lockKey(s.secret, s.format.id)));
  plan.dropped = [...new Set(lockedKeys)].filter((k) => !kept.has(k)).sort();
  const order = (s: SecretState) => FORMATS.indexOf(s.format);
  const sorted = [...states].sort((a, b) => (a.secret < b.secret ? -1 : a.secret > b.secret ? 1 : order(a) - order(b)));
  for (const s of sorted) {
    const item = (reasons: Reason[], lost: string[] = [], replaced: string[] = []) => plan.rekey.push({ secret: s.secret, format: s.format, reasons, desired: s.desired, lost, replaced });
    if (!s.file) {
      // Made from the value in another of the secret's files (a new reader's backend, or a retired file).
      const source = [...states, ...retired].find((o) => o.secret === s.secret && o !== s && o.file?.header);
      if (source) plan.rekey.push({ secret: s.secret, format: s.format, from: source.format, reasons: [{ kind: "new-format", name: s.format.backend }], desired: s.desired, lost: [], replaced: [] });
      else if (!plan.missing.includes(s.secret)) plan.missing.push(s.secret);
      continue;
    }
    const want = idsOf(s.desired);
    const { header } = s.file;
    if (header === null) {
      item([{ kind: "unreadable" }]);
      continue;
    }
    const entry = s.lock;
    const trusted = entry !== undefined && entry.sha256 === s.file.sha256;
    if (trusted && s.format.fits(header, idsOf(entry))) {
      if (!sameList(idsOf(entry), want)) {
        const { reasons, lost, replaced } = readerChanges(entry, s.desired);
        item(reasons, lost, replaced);
      } else if (opts.all) item([{ kind: "forced" }]);
      else if (namesDiffer(entry, s.desired)) plan.lockOnly.push({ secret: s.secret, format: s.format, why: "renamed", entry: { ...entry, ...s.desired } });
      else plan.unchanged++;
      continue;
    }
    // The lock does not describe this file; only the file can tell who reads it.
    if (!opts.all && s.format.proves(header, want)) {
      const adopted: LockEntry = { secret: s.secret, sha256: s.file.sha256, ...s.desired };
      if (s.format.id !== "age") adopted.format = s.format.id;
      if (entry?.valueChanged) adopted.valueChanged = entry.valueChanged;
      plan.lockOnly.push({ secret: s.secret, format: s.format, why: "adopted", entry: adopted });
      continue;
    }
    const kind: ReasonKind = trusted ? "header-mismatch" : entry ? "file-changed" : "not-locked";
    item([{ kind }], s.format.strangers(header, want));
  }
  // A reader that left one file of a secret for another (a host moved to
  // another backend) has lost nothing.
  for (const item of plan.rekey) {
    const others = states.filter((o) => o.secret === item.secret && o.format !== item.format);
    const elsewhere = (kind: "admin" | "host", name: string) => others.some((o) => Object.hasOwn(kind === "admin" ? o.desired.admins : o.desired.hosts, name));
    item.lost = item.lost.filter((l) => {
      const [kind, name] = l.split(" ", 2) as ["admin" | "host", string];
      return !((kind === "admin" || kind === "host") && elsewhere(kind, name));
    });
    for (const r of item.reasons) if (r.kind === "host-removed" && r.name && elsewhere("host", r.name)) r.kind = "host-moved";
  }
  for (const r of retired) {
    const trusted = r.lock !== undefined && r.lock.sha256 === r.file.sha256;
    const wanted = states.filter((s) => s.secret === r.secret).map((s) => s.desired);
    plan.retire.push({ secret: r.secret, format: r.format, lost: trusted ? lostNames(r.lock!, wanted) : [] });
  }
  return plan;
}

export function planIsEmpty(p: RekeyPlan): boolean {
  return p.rekey.length === 0 && p.lockOnly.length === 0 && p.dropped.length === 0 && p.retire.length === 0;
}

/** Everything planning needs from disk, read once. */
export interface StoreScan {
  states: SecretState[];
  retired: RetiredState[];
  lock: LockRead;
  /** Encrypted files under the secrets directory that no secret names (relative paths). */
  orphans: string[];
  /** Temporary files an interrupted write left behind (absolute paths; ciphertext, never plaintext). */
  leftovers: string[];
}

/** The file's facts, read through `tree` (a link or irregular file is an error); undefined when missing. */
export function readFacts(tree: RepoTree, file: string, format: SecretFormat): FileFacts | undefined {
  const bytes = tree.readFile(file);
  if (!bytes) return undefined;
  const data = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { sha256: sha256Hex(data), header: format.summarize(data), bytes: data };
}

/** writeFileAtomic's temporary names (`.<name>.<12 hex>.tmp`) for the formats' files and the lock. */
const TEMP_FILE = new RegExp(`^\\.(.+(${FORMATS.map((f) => f.extension.replace(/\./g, "\\.")).join("|")})|nixsec\\.lock)\\.[0-9a-f]{12}\\.tmp$`);

const formatOfName = (name: string): SecretFormat | undefined => FORMATS.find((f) => name.endsWith(f.extension));

export async function scanStore(store: Store): Promise<StoreScan> {
  // The walk first: it never follows links (a linked secrets dir is an error)
  // and it vouches for the directories, so reading each file below needs no
  // check of its own (fs/tree.ts).
  const onDisk = new Map<string, SecretFormat>();
  const temp: string[] = [];
  for (const p of store.tree.walk(store.secretsDir)) {
    const name = path.basename(p);
    const format = formatOfName(name);
    if (TEMP_FILE.test(name)) temp.push(p);
    else if (format) onDisk.set(path.relative(store.secretsDir, p).split(path.sep).join("/"), format);
  }
  const names = Object.keys(store.manifest.data.secrets).sort();
  const wanted = new Map(names.map((n) => [n, formatsOf(store, n)]));
  // Each format in play reads its own files (the sops engine loads only for stores with sops files).
  const inPlay = new Set([...onDisk.values(), ...[...wanted.values()].flat()]);
  for (const f of inPlay) await f.ready();
  const lock = readLock(store);
  const states: SecretState[] = [];
  const retired: RetiredState[] = [];
  const known = new Set<string>();
  const formatsOnDisk = new Set(onDisk.values());
  const state = (secret: string, format: SecretFormat, mine: boolean): void => {
    const rel = `${secret}${format.extension}`;
    if (!mine && !onDisk.has(rel)) return;
    known.add(rel);
    const file = readFacts(store.tree, formFile(store, secret, format), format);
    const entry = pickEntry(lock.candidates.get(lockKey(secret, format.id)), file?.sha256);
    if (mine) {
      const s: SecretState = { secret, format, desired: desiredReaders(store, secret, format) };
      if (file) s.file = file;
      if (entry) s.lock = entry;
      states.push(s);
    } else if (file) {
      retired.push({ secret, format, file, ...(entry ? { lock: entry } : {}) });
    }
  };
  for (const secret of names) {
    const mine = wanted.get(secret)!;
    for (const format of mine) state(secret, format, true);
    // A file in a format the secret no longer has (looked for only where such files are).
    for (const format of formatsOnDisk) if (!mine.includes(format)) state(secret, format, false);
  }
  const orphans = [...onDisk.keys()].filter((p) => !known.has(p)).sort();
  return { states, retired, lock, orphans, leftovers: temp.sort() };
}

/** Whether the lock text needs rewriting even with nothing to rekey (merge leftovers, bad lines). */
export function lockIsDirty(lock: LockRead): boolean {
  return lock.problems.length > 0 || [...lock.candidates.values()].some((l) => l.length > 1);
}

export function planScan(scan: StoreScan, opts: PlanOptions = {}): RekeyPlan {
  return planRekey(scan.states, scan.lock.candidates.keys(), opts, scan.retired);
}

const REASON_TEXT: Record<ReasonKind, (name?: string) => string> = {
  "admin-added": (n) => `admin ${n} added`,
  "admin-removed": (n) => `admin ${n} removed`,
  "admin-rekeyed": (n) => `admin ${n} has a new key`,
  "host-added": (n) => `host ${n} added`,
  "host-removed": (n) => `host ${n} removed`,
  "host-rekeyed": (n) => `host ${n} has a new key`,
  "host-moved": (n) => `host ${n} reads the secret in another backend's file now`,
  "not-locked": () => "not in the lock (readers unknown)",
  "file-changed": () => "file changed since the lock was written",
  "header-mismatch": () => "header does not match the lock",
  unreadable: () => "not a valid file of its format",
  forced: () => "--all",
  "new-format": (n) => `first ${n} reader: a new file from the secret's value`,
};

export function describeReason(r: Reason): string {
  return REASON_TEXT[r.kind](r.name);
}
