// What in the managed store is not a plain file: symbolic links (to a file, a
// directory or out of the repository), hard links, FIFOs, sockets and device
// nodes, in the secrets directory, the generated directory and the manifest
// itself. A link there lets a commit point a secret's path at another secret
// (issue 12: `secrets/x.age -> users/root/password.age` and an ordinary rekey
// re-encrypts the root password to the attacker's host), so the audit names
// every one. Gathered by lstat, never by following: the source listings skip
// non-regular files, so these checks walk the directories themselves.
import { type Stats, lstatSync, readdirSync, readlinkSync } from "node:fs";
import path from "node:path";

export type SpecialKind = "symlink" | "hardlink" | "fifo" | "socket" | "device";

export interface SpecialEntry {
  /** Relative to the scanned root, `/`-separated (a directory link without a trailing `/`). */
  path: string;
  kind: SpecialKind;
  /** For a symlink: where it points, as written (safe to show: a path, never file content). */
  target?: string;
  /** For a hard link: the number of names the file has. */
  links?: number;
}

function kindOf(st: Stats): SpecialKind | null {
  if (st.isSymbolicLink()) return "symlink";
  if (st.isFIFO()) return "fifo";
  if (st.isSocket()) return "socket";
  if (st.isBlockDevice() || st.isCharacterDevice()) return "device";
  if (st.isFile() && st.nlink > 1) return "hardlink";
  return null;
}

function lstatOrNull(p: string): Stats | null {
  try {
    return lstatSync(p);
  } catch {
    return null;
  }
}

/**
 * The special entries among `files` (the manifest) and under `dirs` (relative,
 * `/`-terminated), below `root`. A walk stops at a symlinked directory (it is
 * itself the finding) and at 20 levels or 100,000 entries.
 */
export function findSpecials(root: string, dirs: readonly string[], files: readonly string[]): SpecialEntry[] {
  const out: SpecialEntry[] = [];
  const seen = new Set<string>();
  let budget = 100_000;
  const note = (rel: string, st: Stats): boolean => {
    const kind = kindOf(st);
    if (!kind || seen.has(rel)) return kind !== null;
    seen.add(rel);
    const e: SpecialEntry = { path: rel, kind };
    if (kind === "symlink") {
      try { e.target = readlinkSync(path.join(root, rel)); } catch { /* vanished */ }
    }
    if (kind === "hardlink") e.links = st.nlink;
    out.push(e);
    return true;
  };
  const walk = (rel: string, depth: number): void => {
    if (depth > 20 || budget <= 0) return;
    let names: string[];
    try {
      names = readdirSync(path.join(root, rel)).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (--budget <= 0) return;
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatOrNull(path.join(root, r));
      if (!st) continue;
      if (note(r, st)) continue;
      if (st.isDirectory()) walk(r, depth + 1);
    }
  };
  for (const f of files) {
    const st = lstatOrNull(path.join(root, f));
    if (st) note(f, st);
  }
  for (const d of dirs) {
    const rel = d.replace(/\/+$/, "");
    // the directory itself, and each of its parents inside the root, may be a link
    const parts = rel.split("/").filter(Boolean);
    let linked = false;
    for (let i = 1; i <= parts.length && !linked; i++) {
      const p = parts.slice(0, i).join("/");
      const st = lstatOrNull(path.join(root, p));
      if (!st) { linked = true; break; } // missing: nothing to walk
      if (st.isSymbolicLink()) { note(p, st); linked = true; }
    }
    if (!linked) walk(rel, 0);
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
