// Whether a leaked value was ever committed, for the hints' rotation advice
// (hints.ts {rotate}). Reads git's objects; the audit's pure core never calls
// it: the CLI (and a worker thread of a parallel scan) hands it to the detector.
import { execFileSync, spawnSync } from "node:child_process";

function git(cwd: string, args: string[]): Buffer | null {
  try {
    return execFileSync("git", args, { cwd, stdio: ["ignore", "pipe", "ignore"], maxBuffer: 1 << 30 });
  } catch {
    return null;
  }
}

/**
 * Whether a value was ever committed, for the hints' rotation advice (issue
 * 15: "rotate it: it is in git history" only when it is). Looks at every
 * committed version of the file (at most 200, all refs) for the text; the
 * text is given to git on no command line, only compared here. Null when the
 * root is not in a git repository.
 */
export class GitHistory {
  private cache = new Map<string, Uint8Array[] | null>();
  constructor(readonly root: string) {}

  committed(file: string, secrets: readonly string[]): boolean | null {
    const needles = secrets.map((s) => s.trim()).filter((s) => s.length >= 3);
    if (needles.length === 0) return null;
    let versions = this.cache.get(file);
    if (versions === undefined) {
      versions = this.versions(file);
      this.cache.set(file, versions);
    }
    if (versions === null) return null;
    const bytes = needles.map((n) => Buffer.from(n));
    return versions.some((v) => bytes.some((b) => Buffer.from(v.buffer, v.byteOffset, v.byteLength).includes(b)));
  }

  private versions(file: string): Uint8Array[] | null {
    const revs = git(this.root, ["rev-list", "--all", "-n", "200", "--", file]);
    if (revs === null) return null;
    const list = revs.toString("utf8").split("\n").filter(Boolean);
    if (list.length === 0) return [];
    const r = spawnSync("git", ["cat-file", "--batch"], { cwd: this.root, input: list.map((c) => `${c}:./${file}\n`).join(""), maxBuffer: 1 << 30 });
    if (r.status !== 0) return null;
    const out: Uint8Array[] = [];
    const buf = r.stdout;
    let off = 0;
    for (let k = 0; k < list.length && off < buf.length; k++) {
      const nl = buf.indexOf(10, off);
      if (nl < 0) break;
      const m = /^[0-9a-f]+ blob (\d+)$/.exec(buf.subarray(off, nl).toString("utf8"));
      off = nl + 1;
      if (!m) continue; // the file did not exist in that commit (renamed, deleted)
      const size = Number(m[1]);
      out.push(buf.subarray(off, off + size));
      off += size + 1;
    }
    return out;
  }
}
