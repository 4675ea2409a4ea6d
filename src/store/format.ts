// The encrypted-file formats of the store, behind one interface. A secret is
// stored once per backend among its readers: an age file for agenix hosts
// (format-age.ts), a sops file for sops-nix hosts (format-sops.ts). Commands,
// rekey, rotate, the lock and status work through this interface and never
// ask which format a file is in.
//
// The expensive part of writing any file, wrapping a key for each reader, is
// an EncryptJob (age layer only), so the rekey pool runs it on its threads
// for either format; `finish` turns the job's result into the file.
import type { LoadedIdentity } from "../crypto/index.js";
import type { EncryptJob, EncryptResult } from "./encrypt-worker.js";

export type FormatId = "age" | "sops";
/** The NixOS module that decrypts on a host (settings.backend, hosts.NAME.backend). */
export type Backend = "agenix" | "sops-nix";

/** An age header's readers, as far as they show without a key (SSH stanzas by tag, X25519 ones by count). */
export interface HeaderSummary {
  /** "ssh-ed25519 TAG" per SSH stanza, sorted. */
  ssh: string[];
  x25519: number;
  /** Other stanza types (scrypt, mlkem768x25519, plugins). */
  other: string[];
  armored: boolean;
}

/** A sops file's readers: its age recipients as written (sorted), and anything else that wraps the data key. */
export interface SopsSummary {
  recipients: string[];
  /** Key groups beyond one, and PGP/KMS keys: never what nixsec writes. */
  foreign: number;
}

/** What a file shows of its readers without a key. */
export type ReaderSummary = HeaderSummary | SopsSummary;

/** Writing one file: the key wraps (for the pool), then `finish` makes the file from their result. */
export interface Work {
  job: EncryptJob;
  finish(result: EncryptResult): Promise<Uint8Array>;
}

/** A file opened with an identity: its value, and the same file for other readers. */
export interface Opened {
  value: Uint8Array;
  /** What summarize gives for this file (read while opening it). */
  summary: ReaderSummary;
  /**
   * The file for `recipients` (the format's recipient strings). age writes a
   * new file; sops re-wraps its data key, leaving values, MAC and
   * lastmodified as they are (`sops updatekeys`), and keeps the entries of
   * recipients it already has unless `fresh` (a file nixsec did not write
   * as the lock says, or `rekey --all`).
   */
  rewrap(recipients: string[], fresh: boolean): Work;
}

export interface SecretFormat {
  readonly id: FormatId;
  /**
   * Loads what the format's file reader needs (the sops engine is loaded only
   * for stores that have sops files); before `summarize`, once per process.
   */
  ready(): Promise<void>;
  /** Whose hosts read files of this format. */
  readonly backend: Backend;
  /** Appended to the secret's name: `<secretsDir>/<name><extension>`. */
  readonly extension: string;
  /** "age file", "sops file". */
  readonly noun: string;
  /**
   * How the lock and the planner name a manifest key in files of this format
   * (what the file's readers are compared by). Throws a NixsecError, saying
   * why and what to do, for a key this format cannot be encrypted to.
   */
  keyId(key: string): string;
  /** The recipient string files of this format are encrypted to for a manifest key. */
  recipient(key: string): string;
  /** A new file holding `value`: a fresh file key (age) or data key (sops). */
  seal(value: Uint8Array, recipients: string[], file: string): Work;
  open(bytes: Uint8Array, identities: LoadedIdentity[], file: string): Promise<Opened>;
  /** Before opening many files: one plugin session for everything only a plugin identity opens. */
  preload(files: Uint8Array[], identities: LoadedIdentity[]): Promise<void>;
  /** Readers as the file shows them without a key; null when it is not a file of this format. */
  summarize(bytes: Uint8Array): ReaderSummary | null;
  /** Whether the file is what encrypting to `ids` (key ids) writes, as far as a summary can tell. */
  fits(summary: ReaderSummary, ids: string[]): boolean;
  /** Whether the summary alone proves the file is for exactly `ids` (no lock needed). */
  proves(summary: ReaderSummary, ids: string[]): boolean;
  /** Readers in the file that none of `ids` accounts for, described for people. */
  strangers(summary: ReaderSummary, ids: string[]): string[];
  /**
   * Why `open` failed, for messages: no identity fits, or the file is
   * damaged; null for anything else (a plugin's or a passphrase's failure is
   * the news itself, and is passed on).
   */
  failure(err: unknown): "no-match" | "broken" | null;
}

export function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
