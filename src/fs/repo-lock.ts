// The repository lock: one nixsec writes to a repository at a time (issue 12:
// ten concurrent `add`s all said "added" and most were lost; a `rotate` during
// a `rekey` was silently undone). Every writing command holds it from before
// it reads the manifest and the store until its last write; readers (`show`,
// `list`, `status`, `audit`) never take it and never wait, and see each file
// whole because every write is an atomic rename.
//
// Where: `<git dir>/nixsec-write.lock` (the git dir of the repository holding
// nixsec.yaml, found as git finds it, `.git` or a `.git` file's `gitdir:`),
// else `<root>/.nixsec-write.lock`. Nothing in the git dir is ever committed,
// and a committer cannot plant anything there; the lock is created with
// O_EXCL (which never follows a link, dangling or not) and read with
// O_NOFOLLOW, so a link at its path is an error, never a redirection.
//
// How: hand-written, because Node has no flock(2) and the libraries that
// would give it are native addons; `proper-lockfile` (mkdir plus an mtime
// refreshed by a timer) names no holder and would take a live lock for stale
// when a long synchronous step starves its timer. The lock file is written
// whole under a temporary name and hard-linked into place (link(2) fails if
// the name exists), so it is never seen half-written. It records the holder:
// pid, command, since when, host, boot id and the process's start time.
//
// Stale locks (a holder killed by SIGKILL or a power cut) are taken over at
// once when the holder is provably gone: same host, and another boot, or no
// such pid, or a pid now belonging to a process started at another time. A
// lock from another host (a shared file system) is never broken: the error
// names the host and the file to remove. Breaking goes through a second
// O_EXCL file, so two processes that both found the lock stale cannot both
// break it, and one never removes the fresh lock of a third.
//
// Waiting: a second writer polls for `waitMs` (the CLI's default: 10 s,
// NIXSEC_LOCK_WAIT), then fails naming the holder.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { NixsecError } from "../errors.js";

export const LOCK_NAME = "nixsec-write.lock";

const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = fs.constants.O_NONBLOCK ?? 0;
/** A break file older than this was left by a process killed while breaking (which takes microseconds). */
const BREAK_STALE_MS = 10_000;
/** An unreadable lock younger than this may be one written without link(2) support, still being written. */
const YOUNG_MS = 5_000;

export interface LockHolder {
  pid: number;
  command: string;
  /** ISO time the lock was taken. */
  since: string;
  host: string;
  boot?: string;
  /** The holder's start time in clock ticks since boot (/proc/PID/stat field 22), when known. */
  start?: string;
  nonce: string;
}

export interface RepoLockOptions {
  /** What the holder is doing, for the message a waiting writer shows: "rekey", "add db/password". */
  command: string;
  /** How long to wait for another holder, in ms. */
  waitMs: number;
  pid?: number;
  now?: () => number;
}

export interface RepoLock {
  readonly file: string;
  /** Removes the lock if it is still this holder's; safe to call twice, synchronous (usable at exit). */
  release(): void;
}

/** The git directory of `dir` or of the nearest directory above it that has one; null outside git. */
function gitDirOf(dir: string): string | null {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const dotGit = path.join(d, ".git");
    try {
      const st = fs.statSync(dotGit);
      if (st.isDirectory()) return dotGit;
      if (st.isFile()) {
        const m = /^gitdir:\s*(.+?)\s*$/m.exec(fs.readFileSync(dotGit, "utf8"));
        if (m) {
          const target = path.resolve(d, m[1]!);
          if (fs.statSync(target).isDirectory()) return target;
        }
      }
    } catch { /* none here */ }
    if (path.dirname(d) === d) return null;
  }
}

/** Where the lock of the repository rooted at `root` lives (see the file comment). */
export function repoLockFile(root: string): string {
  const git = gitDirOf(root);
  return git ? path.join(git, LOCK_NAME) : path.join(root, `.${LOCK_NAME}`);
}

function readProc(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

const bootId = (): string | undefined => readProc("/proc/sys/kernel/random/boot_id")?.trim();

/** Field 22 of /proc/PID/stat (start time); the command name before it may hold spaces and parentheses. */
function startTimeOf(pid: number): string | undefined {
  const stat = readProc(`/proc/${pid}/stat`);
  return stat?.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
}

/** Whether `h` is provably no longer running (see the file comment); false when it cannot be known. */
export function holderIsGone(h: LockHolder): boolean {
  if (h.host !== os.hostname()) return false;
  const boot = bootId();
  if (h.boot && boot && h.boot !== boot) return true;
  try {
    process.kill(h.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ESRCH") return true;
  }
  const start = h.start ? startTimeOf(h.pid) : undefined;
  return start !== undefined && start !== h.start;
}

function parseHolder(text: string): LockHolder | null {
  try {
    const o = JSON.parse(text) as Partial<LockHolder>;
    if (typeof o.pid !== "number" || typeof o.command !== "string" || typeof o.since !== "string" || typeof o.host !== "string" || typeof o.nonce !== "string") return null;
    return o as LockHolder;
  } catch {
    return null;
  }
}

/** The lock file's text and age, null when there is none; a link or non-file there is an error. */
function readLockFile(file: string, now: number): { text: string; ageMs: number } | null {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return null;
    if (code === "ELOOP" || code === "EMLINK") throw new NixsecError(`${file} is a symbolic link`, { hint: `nixsec's repository lock is never a link: remove ${file}` });
    throw new NixsecError(`cannot read the repository lock ${file} (${code ?? "error"})`, { hint: "check the permissions of that directory" });
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new NixsecError(`${file} is not a regular file`, { hint: `nixsec's repository lock is a small file: remove ${file}` });
    const buf = Buffer.alloc(Math.min(st.size, 4096));
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    return { text: buf.subarray(0, n).toString("utf8"), ageMs: now - st.mtimeMs };
  } finally {
    fs.closeSync(fd);
  }
}

function createExclusive(file: string, text: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | O_NOFOLLOW, 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  }
  try {
    fs.writeSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

/** One attempt: true when this process now holds the lock. */
function tryCreate(file: string, text: string): boolean {
  const temp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    createExclusive(temp, text);
    try {
      fs.linkSync(temp, file);
      return true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EEXIST") return false;
      // A file system without hard links: create in place (a reader may then see it empty for a moment: YOUNG_MS).
      if (code === "EPERM" || code === "ENOTSUP" || code === "EOPNOTSUPP" || code === "EXDEV") return createExclusive(file, text);
      throw err;
    }
  } catch (err) {
    if (err instanceof NixsecError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    throw new NixsecError(`cannot create the repository lock ${file} (${code})`, { hint: "nixsec writes it beside git's own files; check that the directory is writable", cause: err });
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

/**
 * Removes the lock whose text was `seen`, unless someone changed it
 * meanwhile (see the file comment); false when another process is breaking it.
 */
function breakStale(file: string, seen: string, now: number): boolean {
  const breaker = `${file}.break`;
  if (!createExclusive(breaker, String(process.pid))) {
    try {
      if (now - fs.lstatSync(breaker).mtimeMs > BREAK_STALE_MS) fs.rmSync(breaker, { force: true });
    } catch { /* gone */ }
    return false;
  }
  try {
    if (readLockFile(file, now)?.text === seen) fs.rmSync(file, { force: true });
  } finally {
    fs.rmSync(breaker, { force: true });
  }
  return true;
}

function describeHolder(h: LockHolder | null, now: number): string {
  if (!h) return "another process (its lock file is unreadable)";
  const secs = Math.max(0, Math.round((now - Date.parse(h.since)) / 1000));
  return `pid ${h.pid} (\`nixsec ${h.command}\`${h.host !== os.hostname() ? ` on host ${h.host}` : ""}), since ${h.since} (${secs} s ago)`;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Takes the lock of the repository rooted at `root`, waiting up to `opts.waitMs` for another holder. */
export async function acquireRepoLock(root: string, opts: RepoLockOptions): Promise<RepoLock> {
  const file = repoLockFile(root);
  const now = opts.now ?? Date.now;
  const pid = opts.pid ?? process.pid;
  const me: LockHolder = { pid, command: opts.command, since: new Date(now()).toISOString(), host: os.hostname(), nonce: randomBytes(8).toString("hex") };
  const boot = bootId();
  if (boot) me.boot = boot;
  const start = startTimeOf(pid);
  if (start) me.start = start;
  const text = JSON.stringify(me) + "\n";
  const deadline = now() + opts.waitMs;
  for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
    if (tryCreate(file, text)) return held(file, text);
    const seen = readLockFile(file, now());
    if (!seen) continue; // released meanwhile
    const holder = parseHolder(seen.text);
    if (holder ? holderIsGone(holder) : seen.ageMs > YOUNG_MS) {
      if (!breakStale(file, seen.text, now())) await sleep(delay);
      continue;
    }
    if (now() >= deadline) {
      const waited = opts.waitMs >= 1000 ? `; waited ${Math.round(opts.waitMs / 1000)} s` : "";
      throw new NixsecError(`the repository is locked by ${describeHolder(holder, now())}${waited}`, {
        hint: [
          "another nixsec is writing to this repository: let it finish, then run this again (NIXSEC_LOCK_WAIT=SECONDS waits longer)",
          `if no nixsec is running there, remove ${file}`,
        ],
      });
    }
    await sleep(delay / 2 + Math.random() * delay);
  }
}

function held(file: string, text: string): RepoLock {
  let released = false;
  return {
    file,
    release() {
      if (released) return;
      released = true;
      try {
        if (readLockFile(file, Date.now())?.text === text) fs.rmSync(file, { force: true });
      } catch { /* nothing to release */ }
    },
  };
}
