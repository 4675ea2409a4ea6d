// Where the bytes come from. A Source lists relative paths and reads them;
// the detector never knows whether it sees the working tree or the index.
// WorktreeSource honours .gitignore (git ls-files --cached --others
// --exclude-standard) inside a git repository and walks the directory
// otherwise; StagedSource reads the blobs staged for commit (git cat-file), so
// a pre-commit hook audits what will be committed, not what is on disk.
import { execFileSync, spawnSync } from "node:child_process";
import { type Stats, closeSync, fstatSync, lstatSync, openSync, readFileSync, readSync, readdirSync } from "node:fs";
import path from "node:path";

export interface SourceEntry {
  /** Relative to the source root, `/`-separated. */
  path: string;
  /**
   * Size in bytes when known before reading (to skip large files unread).
   * A directory walk leaves it unset: the size comes with the read (readCapped).
   */
  size?: number;
  /** Tracked by git (for a staged source: every entry, since it is about to be committed). */
  tracked?: boolean;
}

export interface Source {
  readonly kind: "worktree" | "staged";
  /** Absolute directory that finding paths are relative to. */
  readonly root: string;
  list(): SourceEntry[];
  /** The bytes of an entry, or null when it vanished or is not a regular file. */
  read(entry: SourceEntry): Uint8Array | null;
}

export class SourceError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = "SourceError";
  }
}

function git(cwd: string, args: string[], input?: string): Buffer | null {
  try {
    return execFileSync("git", args, { cwd, stdio: ["pipe", "pipe", "ignore"], maxBuffer: 1 << 30, input });
  } catch {
    return null;
  }
}

/**
 * The repository root holding `.git` for `dir`, or null outside a repository.
 * The nearest `.git` (a directory, or the file of a worktree or submodule) is
 * what `git rev-parse --show-toplevel` answers too, without a process; with
 * `askGit` (GIT_DIR or GIT_WORK_TREE set) git itself is asked.
 */
export function findRepoRoot(dir: string, askGit = false): string | null {
  if (askGit) {
    const out = git(dir, ["rev-parse", "--show-toplevel"]);
    if (out) return out.toString("utf8").trim();
  }
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    try {
      lstatSync(path.join(d, ".git"));
      return d;
    } catch { /* keep looking */ }
    if (path.dirname(d) === d) return null;
  }
}

const SKIP_DIRS = new Set([".git", "node_modules", ".direnv", ".jj", ".hg"]);

function walk(root: string, rel: string, out: SourceEntry[]): void {
  let ents;
  try {
    ents = readdirSync(path.join(root, rel), { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of ents) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) walk(root, p, out);
    } else if (e.isFile()) {
      out.push({ path: p });
    }
    // symlinks (result, result-*, links into /nix/store) are not followed
  }
}

/** Files in the working tree under `root`, optionally limited to `only` (relative paths or directories). */
export class WorktreeSource implements Source {
  readonly kind = "worktree";
  constructor(readonly root: string, private readonly only: readonly string[] = []) {}

  list(): SourceEntry[] {
    const inRepo = git(this.root, ["rev-parse", "--is-inside-work-tree"])?.toString().trim() === "true";
    let entries: SourceEntry[];
    if (inRepo) {
      // -t tags each path: `? ` for untracked, a letter for what is in the index.
      const out = git(this.root, ["ls-files", "-t", "--cached", "--others", "--exclude-standard", "-z", "--", ...(this.only.length ? this.only : ["."])]);
      if (!out) throw new SourceError(`git ls-files failed in ${this.root}`);
      const seen = new Set<string>();
      entries = [];
      for (const rec of out.toString("utf8").split("\0")) {
        const p = rec.slice(2);
        if (p && !seen.has(p)) { seen.add(p); entries.push({ path: p, tracked: rec[0] !== "?" }); }
      }
      // git lists paths that are not regular files in the working tree
      // (deleted, symlinks, submodules): one lstat each tells.
      for (const e of entries) {
        const st = statOrNull(path.join(this.root, e.path));
        if (st?.isFile()) e.size = st.size;
      }
      return entries.filter((e) => e.size !== undefined);
    }
    // A walk sees the type of each entry in its directory listing already; an
    // lstat per file only for its size cost a tenth of a whole scan, so
    // walked entries have no size until they are read (readCapped, measure).
    entries = [];
    if (this.only.length === 0) walk(this.root, "", entries);
    else for (const o of this.only) {
      const st = statOrNull(path.join(this.root, o));
      if (st?.isDirectory()) walk(this.root, o.replace(/\/+$/, ""), entries);
      else if (st?.isFile()) entries.push({ path: o }); // no size either: all walked entries alike
    }
    return entries;
  }

  /** Sets the size of entries listed without one; drops those that are no longer regular files. */
  measure(entries: readonly SourceEntry[]): SourceEntry[] {
    const out: SourceEntry[] = [];
    for (const e of entries) {
      if (e.size === undefined) {
        const st = statOrNull(path.join(this.root, e.path));
        if (!st?.isFile()) continue;
        e.size = st.size;
      }
      out.push(e);
    }
    return out;
  }

  read(entry: SourceEntry): Uint8Array | null {
    try {
      return readFileSync(path.join(this.root, entry.path));
    } catch {
      return null;
    }
  }

  /**
   * Like read, but a file larger than `maxBytes` is not read: its size is
   * returned instead (and set on the entry), as a listed size would have been.
   */
  readCapped(entry: SourceEntry, maxBytes: number): Uint8Array | number | null {
    const r = readCapped(path.join(this.root, entry.path), maxBytes);
    if (typeof r === "number") entry.size = r;
    return r;
  }
}

/** The bytes of a regular file, its size when larger than `maxBytes` (unread), or null when it cannot be read. */
export function readCapped(file: string, maxBytes: number): Uint8Array | number | null {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return null;
  }
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes) return size;
    // As readFileSync: the size fstat gave, or less if the file shrank meanwhile.
    const buf = Buffer.allocUnsafe(size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, buf, got, size - got, null);
      if (n === 0) break;
      got += n;
    }
    return got === size ? buf : buf.subarray(0, got);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** The first `n` bytes of an entry (to tell a binary file from text without reading all of it), or null. */
export function headOf(source: Source, entry: SourceEntry, n = 8000): Uint8Array | null {
  if (source instanceof StagedSource) return source.read(entry)?.subarray(0, n) ?? null;
  let fd: number;
  try {
    fd = openSync(path.join(source.root, entry.path), "r");
  } catch {
    return null;
  }
  try {
    const buf = Buffer.alloc(n);
    return buf.subarray(0, readSync(fd, buf, 0, n, 0));
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

function statOrNull(p: string): Stats | null {
  try {
    return lstatSync(p);
  } catch {
    return null;
  }
}

/** The blobs staged for commit (added, copied, modified, renamed), read from the index. */
export class StagedSource implements Source {
  readonly kind = "staged";
  private blobs: Map<string, Uint8Array> | null = null;
  /** Index paths read along with the staged blobs (readIndexed), so a hook spawns git three times in all. */
  private extra = new Map<string, Uint8Array | null>();
  /** Staged paths that are symbolic links or submodules (not scanned, but the managed-store checks look at them). */
  private links: string[] = [];
  constructor(readonly root: string, private readonly only: readonly string[] = [], private readonly alsoRead: readonly string[] = []) {}

  list(): SourceEntry[] {
    // One `git diff --cached --raw` gives paths, modes and blob ids; one `git cat-file --batch` reads them.
    const out = git(this.root, ["diff", "--cached", "--raw", "-z", "--no-abbrev", "--no-renames", "--relative", "--diff-filter=ACM", "--", ...(this.only.length ? this.only : ["."])]);
    if (!out) throw new SourceError("--staged needs a git repository", "run it inside the repository, or drop --staged to scan the working tree");
    const staged: { path: string; blob: string }[] = [];
    const recs = out.toString("utf8").split("\0");
    for (let i = 0; i + 1 < recs.length; i += 2) {
      const m = /^:\d+ (\d+) [0-9a-f]+ ([0-9a-f]+) [ACM]$/.exec(recs[i]!);
      // regular files only: symlinks (120000) and submodules (160000) have no content to scan
      if (m && (m[1] === "100644" || m[1] === "100755")) staged.push({ path: recs[i + 1]!, blob: m[2]! });
      else if (m) this.links.push(recs[i + 1]!);
    }
    const wanted = [...staged.map((x) => x.blob), ...this.alsoRead.map((p) => `:./${p}`)];
    const got = this.catFiles(wanted);
    this.blobs = new Map();
    staged.forEach((x, k) => { if (got[k]) this.blobs!.set(x.path, got[k]!); });
    this.alsoRead.forEach((p, k) => this.extra.set(p, got[staged.length + k] ?? null));
    return staged.filter((x) => this.blobs!.has(x.path)).map((x) => ({ path: x.path, size: this.blobs!.get(x.path)!.length, tracked: true }));
  }

  read(entry: SourceEntry): Uint8Array | null {
    return this.blobs?.get(entry.path) ?? null;
  }

  /** Staged symbolic links and submodules (after list()). */
  stagedLinks(): readonly string[] {
    return this.links;
  }

  /** The contents of each object name (a blob id, or `:./path` for the index), null where missing. */
  private catFiles(names: readonly string[]): (Uint8Array | null)[] {
    if (names.length === 0) return [];
    const r = spawnSync("git", ["cat-file", "--batch"], { cwd: this.root, input: names.map((n) => `${n}\n`).join(""), maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new SourceError("git cat-file failed while reading staged files");
    const buf = r.stdout;
    const out: (Uint8Array | null)[] = [];
    let off = 0;
    for (let k = 0; k < names.length; k++) {
      const nl = buf.indexOf(10, off);
      if (nl < 0) { out.push(null); continue; }
      const header = buf.subarray(off, nl).toString("utf8");
      off = nl + 1;
      const m = /^[0-9a-f]+ blob (\d+)$/.exec(header);
      if (!m) { out.push(null); continue; } // "missing", or not a blob
      const size = Number(m[1]);
      out.push(buf.subarray(off, off + size));
      off += size + 1;
    }
    return out;
  }

  /** The index's version of a file (not necessarily a staged change), or null when it is not in the index. */
  readIndexed(rel: string): Uint8Array | null {
    if (this.extra.has(rel)) return this.extra.get(rel)!;
    return git(this.root, ["cat-file", "blob", `:./${rel}`]);
  }

  /**
   * Writes the index's version of the files under `pathspecs` below `dir`
   * (for checks that need a directory, such as the managed-store checks).
   * Returns the directory that stands for the root, and the relative paths.
   */
  checkout(dir: string, pathspecs: readonly string[]): { root: string; paths: string[] } {
    const out = git(this.root, ["ls-files", "-z", "--", ...pathspecs]);
    const paths = (out?.toString("utf8").split("\0") ?? []).filter((p) => p.length > 0);
    // checkout-index writes paths from the top of the repository, below the prefix.
    const sub = git(this.root, ["rev-parse", "--show-prefix"])?.toString("utf8").trim() ?? "";
    const root = path.join(dir, sub);
    if (paths.length === 0) return { root, paths };
    const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
    const r = spawnSync("git", ["checkout-index", "-z", "--stdin", `--prefix=${prefix}`], { cwd: this.root, input: paths.join("\0") });
    if (r.status !== 0) throw new SourceError("git checkout-index failed while reading the staged store");
    return { root, paths };
  }
}

