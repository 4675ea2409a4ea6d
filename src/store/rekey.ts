// Planning a rekey: which files must be re-encrypted, and why. The manifest
// says who should read each secret; the lock says who the file was written
// for; the file's header says, for SSH keys, who can read it (a stanza's tag
// is the first 4 bytes of SHA-256 of the key; X25519 stanzas are anonymous).
// Only files whose readers differ are rekeyed. `planRekey` is pure; `scanStore`
// reads the disk for it. Execution is in rekey-run.ts.
import path from "node:path";
import { inspectAge } from "../crypto/index.js";
import type { RepoTree } from "../fs/tree.js";
import { desiredReaders, pickEntry, readLock, sha256Hex, stanzaOfKeyId, type LockEntry, type LockRead, type ReaderKeys } from "./lock.js";
import { secretFile, type Store } from "./store.js";

export type ReasonKind =
  | "admin-added" | "admin-removed" | "admin-rekeyed"
  | "host-added" | "host-removed" | "host-rekeyed"
  | "not-locked" | "file-changed" | "header-mismatch" | "unreadable" | "forced";

export interface Reason {
  kind: ReasonKind;
  /** The admin or host, for the reader kinds. */
  name?: string;
}

/** What an age header shows without a key. */
export interface HeaderSummary {
  /** "ssh-ed25519 TAG" per SSH stanza, sorted. */
  ssh: string[];
  x25519: number;
  /** Other stanza types (scrypt, mlkem768x25519, plugins). */
  other: string[];
  armored: boolean;
}

export interface FileFacts {
  sha256: string;
  /** null: not a valid age file. */
  header: HeaderSummary | null;
  bytes: Uint8Array;
}

/** One secret as planning sees it. */
export interface SecretState {
  secret: string;
  desired: ReaderKeys;
  /** undefined: the file is missing. */
  file?: FileFacts;
  /** The lock entry for this file, duplicates already resolved. */
  lock?: LockEntry;
}

export interface PlanItem {
  secret: string;
  reasons: Reason[];
  desired: ReaderKeys;
  /** Readers that can read the current file and will not read the new one ("host oldbox", "ssh-ed25519 key with tag AbCdEf"). */
  lost: string[];
  /** Old keys of re-keyed readers, which also stop reading ("old key of host hannibal"). */
  replaced: string[];
}

export interface LockOnlyUpdate {
  secret: string;
  /** adopted: the header proves the readers (all SSH); renamed: same keys, new names. */
  why: "adopted" | "renamed";
  entry: LockEntry;
}

export interface RekeyPlan {
  rekey: PlanItem[];
  lockOnly: LockOnlyUpdate[];
  /** Secrets in the manifest without a file (nothing to rekey; set a value). */
  missing: string[];
  /** Lock entries of secrets no longer in the manifest. */
  dropped: string[];
  unchanged: number;
}

export interface PlanOptions {
  all?: boolean;
}

const READER_KINDS = [["admins", "admin"], ["hosts", "host"]] as const;

/** A reader set's key ids, sorted: what a file written for it can be compared by. */
export function idsOf(r: ReaderKeys): string[] {
  return [...Object.values(r.admins), ...Object.values(r.hosts)].sort();
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

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

/** Whether the header alone proves the file is for exactly `ids`: only possible when all are SSH keys. */
function headerProves(h: HeaderSummary, ids: string[]): boolean {
  return ids.every((id) => stanzaOfKeyId(id) !== null) && headerFits(h, ids);
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

/** SSH stanzas in the header that no desired reader accounts for. */
function unknownSshReaders(h: HeaderSummary, ids: string[]): string[] {
  const wanted = new Set(ids.map(stanzaOfKeyId).filter((s) => s !== null));
  return [...new Set(h.ssh.filter((s) => !wanted.has(s)))].map((s) => `${s.split(" ")[0]} key with tag ${s.split(" ")[1]}`);
}

/** The plan for `states` (every secret of the manifest) against a lock holding `lockedNames`. Pure. */
export function planRekey(states: SecretState[], lockedNames: Iterable<string>, opts: PlanOptions = {}): RekeyPlan {
  const plan: RekeyPlan = { rekey: [], lockOnly: [], missing: [], dropped: [], unchanged: 0 };
  const inManifest = new Set(states.map((s) => s.secret));
  plan.dropped = [...new Set(lockedNames)].filter((n) => !inManifest.has(n)).sort();
  for (const s of [...states].sort((a, b) => (a.secret < b.secret ? -1 : 1))) {
    if (!s.file) {
      plan.missing.push(s.secret);
      continue;
    }
    const want = idsOf(s.desired);
    const { header } = s.file;
    const item = (reasons: Reason[], lost: string[] = [], replaced: string[] = []) => plan.rekey.push({ secret: s.secret, reasons, desired: s.desired, lost, replaced });
    if (header === null) {
      item([{ kind: "unreadable" }]);
      continue;
    }
    const entry = s.lock;
    const trusted = entry !== undefined && entry.sha256 === s.file.sha256;
    if (trusted && headerFits(header, idsOf(entry))) {
      if (!sameList(idsOf(entry), want)) {
        const { reasons, lost, replaced } = readerChanges(entry, s.desired);
        item(reasons, lost, replaced);
      } else if (opts.all) item([{ kind: "forced" }]);
      else if (namesDiffer(entry, s.desired)) plan.lockOnly.push({ secret: s.secret, why: "renamed", entry: { ...entry, ...s.desired } });
      else plan.unchanged++;
      continue;
    }
    // The lock does not describe this file; only the header can tell who reads it.
    if (!opts.all && headerProves(header, want)) {
      const adopted: LockEntry = { secret: s.secret, sha256: s.file.sha256, ...s.desired };
      if (entry?.valueChanged) adopted.valueChanged = entry.valueChanged;
      plan.lockOnly.push({ secret: s.secret, why: "adopted", entry: adopted });
      continue;
    }
    const kind: ReasonKind = trusted ? "header-mismatch" : entry ? "file-changed" : "not-locked";
    item([{ kind }], unknownSshReaders(header, want));
  }
  return plan;
}

export function planIsEmpty(p: RekeyPlan): boolean {
  return p.rekey.length === 0 && p.lockOnly.length === 0 && p.dropped.length === 0;
}

const VERSION_LINE = "age-encryption.org/v1\n";

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
      else other.push(type);
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
      else other.push(st.type);
    }
    return { ssh: ssh.sort(), x25519, other, armored: info.armored };
  } catch {
    return null;
  }
}

/** Everything planning needs from disk, read once. */
export interface StoreScan {
  states: SecretState[];
  lock: LockRead;
  /** .age files under the secrets directory that no secret names (relative paths). */
  orphans: string[];
  /** Temporary files an interrupted write left behind (absolute paths; ciphertext, never plaintext). */
  leftovers: string[];
}

/** The file's facts, read through `tree` (a link or irregular file is an error); undefined when missing. */
export function readFacts(tree: RepoTree, file: string): FileFacts | undefined {
  const bytes = tree.readFile(file);
  if (!bytes) return undefined;
  const data = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { sha256: sha256Hex(data), header: scanHeader(data), bytes: data };
}

/** writeFileAtomic's temporary names (`.<name>.<12 hex>.tmp`) for .age files and the lock. */
const TEMP_FILE = /^\.(.+\.age|nixsec\.lock)\.[0-9a-f]{12}\.tmp$/;

export function scanStore(store: Store): StoreScan {
  // The walk first: it never follows links (a linked secrets dir is an error)
  // and it vouches for the directories, so reading each file below needs no
  // check of its own (fs/tree.ts).
  const files = { age: [] as string[], temp: [] as string[] };
  for (const p of store.tree.walk(store.secretsDir)) {
    const name = path.basename(p);
    if (TEMP_FILE.test(name)) files.temp.push(p);
    else if (name.endsWith(".age")) files.age.push(path.relative(store.secretsDir, p));
  }
  const lock = readLock(store);
  const names = Object.keys(store.manifest.data.secrets).sort();
  const states = names.map((secret): SecretState => {
    const file = readFacts(store.tree, secretFile(store, secret));
    const state: SecretState = { secret, desired: desiredReaders(store, secret) };
    if (file) state.file = file;
    const entry = pickEntry(lock.candidates.get(secret), file?.sha256);
    if (entry) state.lock = entry;
    return state;
  });
  const known = new Set(names.map((n) => `${n}.age`));
  const orphans = files.age.map((p) => p.split(path.sep).join("/")).filter((p) => !known.has(p)).sort();
  return { states, lock, orphans, leftovers: files.temp.sort() };
}

/** Whether the lock text needs rewriting even with nothing to rekey (merge leftovers, bad lines). */
export function lockIsDirty(lock: LockRead): boolean {
  return lock.problems.length > 0 || [...lock.candidates.values()].some((l) => l.length > 1);
}

export function planScan(scan: StoreScan, opts: PlanOptions = {}): RekeyPlan {
  return planRekey(scan.states, scan.lock.candidates.keys(), opts);
}

const REASON_TEXT: Record<ReasonKind, (name?: string) => string> = {
  "admin-added": (n) => `admin ${n} added`,
  "admin-removed": (n) => `admin ${n} removed`,
  "admin-rekeyed": (n) => `admin ${n} has a new key`,
  "host-added": (n) => `host ${n} added`,
  "host-removed": (n) => `host ${n} removed`,
  "host-rekeyed": (n) => `host ${n} has a new key`,
  "not-locked": () => "not in the lock (readers unknown)",
  "file-changed": () => "file changed since the lock was written",
  "header-mismatch": () => "header does not match the lock",
  unreadable: () => "not a valid age file",
  forced: () => "--all",
};

export function describeReason(r: Reason): string {
  return REASON_TEXT[r.kind](r.name);
}
