// Where the bytes come from. A Source lists relative paths and reads them;
// the detector never knows whether it sees the working tree or the index.
// WorktreeSource honours .gitignore (git ls-files --cached --others
// --exclude-standard) inside a git repository and walks the directory
// otherwise; StagedSource reads the blobs staged for commit (git cat-file), so
// a pre-commit hook audits what will be committed, not what is on disk.
import { execFileSync, spawnSync } from "node:child_process";
import { type Stats, lstatSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";

export interface SourceEntry {
  /** Relative to the source root, `/`-separated. */
  path: string;
  /** Size in bytes when known before reading (to skip large files unread). */
  size?: number;
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

/** The repository root holding `.git` for `dir`, or null outside a repository. */
export function findRepoRoot(dir: string): string | null {
  const out = git(dir, ["rev-parse", "--show-toplevel"]);
  if (out) return out.toString("utf8").trim();
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
      const out = git(this.root, ["ls-files", "--cached", "--others", "--exclude-standard", "-z", "--", ...(this.only.length ? this.only : ["."])]);
      if (!out) throw new SourceError(`git ls-files failed in ${this.root}`);
      const seen = new Set<string>();
      entries = [];
      for (const p of out.toString("utf8").split("\0")) if (p && !seen.has(p)) { seen.add(p); entries.push({ path: p }); }
    } else {
      entries = [];
      if (this.only.length === 0) walk(this.root, "", entries);
      else for (const o of this.only) {
        const st = statOrNull(path.join(this.root, o));
        if (st?.isDirectory()) walk(this.root, o.replace(/\/+$/, ""), entries);
        else if (st?.isFile()) entries.push({ path: o });
      }
    }
    for (const e of entries) {
      const st = statOrNull(path.join(this.root, e.path));
      if (st?.isFile()) e.size = st.size;
    }
    return entries.filter((e) => e.size !== undefined);
  }

  read(entry: SourceEntry): Uint8Array | null {
    try {
      return readFileSync(path.join(this.root, entry.path));
    } catch {
      return null;
    }
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
  constructor(readonly root: string, private readonly only: readonly string[] = []) {}

  list(): SourceEntry[] {
    const out = git(this.root, ["diff", "--cached", "--name-only", "--relative", "--diff-filter=ACMR", "-z", "--", ...(this.only.length ? this.only : ["."])]);
    if (!out) throw new SourceError("--staged needs a git repository", "run it inside the repository, or drop --staged to scan the working tree");
    const paths = out.toString("utf8").split("\0").filter((p) => p.length > 0);
    this.blobs = this.catFiles(paths);
    return paths.filter((p) => this.blobs!.has(p)).map((p) => ({ path: p, size: this.blobs!.get(p)!.length }));
  }

  read(entry: SourceEntry): Uint8Array | null {
    return this.blobs?.get(entry.path) ?? null;
  }

  /** One `git cat-file --batch` for all paths (`:path` names the staged blob); symlinks and submodules are skipped. */
  private catFiles(paths: readonly string[]): Map<string, Uint8Array> {
    const blobs = new Map<string, Uint8Array>();
    if (paths.length === 0) return blobs;
    const modes = new Map<string, string>();
    const ls = git(this.root, ["ls-files", "-s", "-z", "--", ...paths]);
    for (const rec of ls?.toString("utf8").split("\0") ?? []) {
      const m = /^(\d+) [0-9a-f]+ \d\t(.*)$/s.exec(rec);
      if (m) modes.set(m[2]!, m[1]!);
    }
    const wanted = paths.filter((p) => modes.get(p) === "100644" || modes.get(p) === "100755");
    // `:./path` names the staged blob relative to the working directory (the root).
    const r = spawnSync("git", ["cat-file", "--batch"], { cwd: this.root, input: wanted.map((p) => `:./${p}\n`).join(""), maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new SourceError("git cat-file failed while reading staged files");
    const buf = r.stdout;
    let off = 0;
    for (const p of wanted) {
      const nl = buf.indexOf(10, off);
      const header = buf.subarray(off, nl).toString("utf8");
      off = nl + 1;
      const m = /^[0-9a-f]+ blob (\d+)$/.exec(header);
      if (!m) continue; // "missing"
      const size = Number(m[1]);
      blobs.set(p, buf.subarray(off, off + size));
      off += size + 1;
    }
    return blobs;
  }
}
