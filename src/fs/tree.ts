// A repository as nixsec reads and writes it. A repository is input from
// other people (issue 12): a committed `secrets/x.age -> users/root/password.age`
// with `x` readable by another host made an ordinary rekey re-encrypt the root
// password to that host, in place. So, below the repository root:
//
// - no path component is a symbolic link: directories are checked with lstat,
//   the file itself is opened with O_NOFOLLOW (a link there fails to open);
// - a file nixsec reads or replaces is a regular file with one name: a FIFO
//   would block the open (O_NONBLOCK keeps it from doing so; lstat refuses it
//   before any open), a device would be read forever, and a hard link is the
//   same trick as a symlink for whoever can make one;
// - writes are atomic (fs/atomic.ts) into a directory checked as above, so
//   they never leave the tree.
// Every refusal is an error naming the path, relative to the root.
//
// The root itself may be reached through links (a home directory on another
// disk); only what is below it is checked. This guards against what a
// repository holds, not against someone changing the tree while nixsec runs:
// whoever can do that can edit the files anyway (README, "Threat model").
import fs, { type Stats } from "node:fs";
import path from "node:path";
import { NixsecError } from "../errors.js";
import { writeFileAtomic } from "./atomic.js";

const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = fs.constants.O_NONBLOCK ?? 0;
const O_CLOEXEC = (fs.constants as { O_CLOEXEC?: number }).O_CLOEXEC ?? 0;

function describeKind(st: Stats): string {
  if (st.isDirectory()) return "a directory";
  if (st.isFIFO()) return "a FIFO";
  if (st.isSocket()) return "a socket";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "a device";
  return "not a regular file";
}

export class RepoTree {
  /** Directories below the root already checked to be directories, not links. */
  private readonly checked = new Set<string>();

  private readonly rootSlash: string;

  /** `root`: the repository's directory (where nixsec.yaml is), absolute. */
  constructor(readonly root: string) {
    this.root = path.resolve(root);
    this.rootSlash = this.root.endsWith(path.sep) ? this.root : this.root + path.sep;
  }

  /** `abs` relative to the root, with `/`: how messages name it. */
  rel(abs: string): string {
    return path.relative(this.root, abs).split(path.sep).join("/") || ".";
  }

  private inside(abs: string): string {
    const p = path.isAbsolute(abs) ? path.normalize(abs) : path.resolve(this.root, abs);
    if (!p.startsWith(this.rootSlash) || p.length === this.rootSlash.length) {
      throw new NixsecError(`${p} is outside the repository ${this.root}`, { exitCode: 3, hint: "please report this: nixsec only touches files below its manifest" });
    }
    return p;
  }

  private linkError(abs: string): NixsecError {
    let to = "";
    try {
      to = ` to ${fs.readlinkSync(abs)}`;
    } catch { /* gone meanwhile */ }
    return new NixsecError(`${this.rel(abs)} is a symbolic link${to}; nixsec never reads or writes through links in a repository`, {
      hint: `a link can make nixsec read or replace a file other than the one the manifest names: check where it points (ls -l ${this.rel(abs)}), then replace it with the file itself or remove it`,
    });
  }

  /** Why `st` (of `abs`, from lstat or fstat) is not a file nixsec may read or replace; throws. */
  private checkFile(abs: string, st: Stats): void {
    if (st.isSymbolicLink()) throw this.linkError(abs);
    if (!st.isFile()) throw new NixsecError(`${this.rel(abs)} is ${describeKind(st)}, not a regular file`, { hint: `remove it or move it aside; nixsec expects a file there` });
    if (st.nlink > 1) {
      throw new NixsecError(`${this.rel(abs)} has ${st.nlink} hard links; nixsec only reads and replaces files with one name`, {
        hint: `give it a copy of its own: cp -p ${this.rel(abs)} ${this.rel(abs)}.copy && mv ${this.rel(abs)}.copy ${this.rel(abs)}`,
      });
    }
  }

  /**
   * Checks every directory between the root and `abs` (exclusive); with
   * `create`, makes the missing ones. Returns false when one is missing.
   */
  private checkParents(abs: string, create: boolean): boolean {
    const parent = path.dirname(abs);
    // Directories are added only after the ones above them: a checked parent means all are.
    if (parent === this.root || this.checked.has(parent)) return true;
    const parts = parent.slice(this.rootSlash.length).split(path.sep).filter((s) => s !== "");
    let dir = this.root;
    for (const part of parts) {
      dir = path.join(dir, part);
      if (this.checked.has(dir)) continue;
      let st: Stats;
      try {
        st = fs.lstatSync(dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw this.ioError("cannot read", dir, err);
        if (!create) return false;
        try {
          fs.mkdirSync(dir, 0o755);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw this.ioError("cannot create", dir, e);
        }
        st = fs.lstatSync(dir);
      }
      if (st.isSymbolicLink()) throw this.linkError(dir);
      if (!st.isDirectory()) throw new NixsecError(`${this.rel(dir)} is ${describeKind(st)}, not a directory`, { hint: "remove it or move it aside" });
      this.checked.add(dir);
    }
    return true;
  }

  private ioError(what: string, abs: string, err: unknown): NixsecError {
    return new NixsecError(`${what} ${this.rel(abs)} (${(err as NodeJS.ErrnoException).code ?? "error"})`, { hint: "check the permissions in the repository", cause: err });
  }

  /** What is at `abs`: undefined when missing; throws for a link or an irregular file on the way or there. */
  statFile(abs: string): Stats | undefined {
    const p = this.inside(abs);
    if (!this.checkParents(p, false)) return undefined;
    let st: Stats;
    try {
      st = fs.lstatSync(p);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw this.ioError("cannot read", p, err);
    }
    this.checkFile(p, st);
    return st;
  }

  /** The bytes of the regular file at `abs`, or undefined when it is missing. `maxBytes`: refuse larger files before reading. */
  readFile(abs: string, opts: { maxBytes?: number; what?: string } = {}): Buffer | undefined {
    const p = this.inside(abs);
    if (!this.checkParents(p, false)) return undefined;
    // O_NOFOLLOW: a link fails to open; O_NONBLOCK: a FIFO opens at once
    // (and is then refused by fstat) instead of waiting for a writer. One
    // open and one fstat, as readFileSync does: rekey reads every file.
    let fd: number;
    try {
      fd = fs.openSync(p, fs.constants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ELOOP" || code === "EMLINK") throw this.linkError(p);
      if (code === "ENOENT") return undefined;
      throw this.ioError("cannot read", p, err);
    }
    try {
      const st = fs.fstatSync(fd);
      this.checkFile(p, st);
      if (opts.maxBytes !== undefined && st.size > opts.maxBytes) {
        throw new NixsecError(`${this.rel(p)} is larger than ${opts.maxBytes} bytes${opts.what ? ` (the limit for ${opts.what})` : ""}`, { hint: "is this the right file?" });
      }
      const buf = Buffer.allocUnsafe(st.size);
      let n = 0;
      while (n < buf.length) {
        const got = fs.readSync(fd, buf, n, buf.length - n, n);
        if (got === 0) break;
        n += got;
      }
      return n === buf.length ? buf : buf.subarray(0, n);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Replaces (or creates) the regular file at `abs` atomically, making missing directories. */
  async writeFile(abs: string, data: string | Uint8Array, mode?: number): Promise<void> {
    const p = this.inside(abs);
    this.checkParents(p, true);
    this.statFile(p);
    await writeFileAtomic(p, data, mode);
  }

  /** Whether the directory `abs` exists (checked like the ones above it); false when missing. */
  isDirectory(abs: string): boolean {
    const p = this.inside(abs);
    return this.checkParents(path.join(p, "x"), false);
  }

  /**
   * Every entry below the directory `abs` that is not a directory (files,
   * links, FIFOs: the caller decides), as absolute paths; subdirectories
   * are entered, links to directories are not. The directories seen are
   * real ones, so later reads below them need no check of their own: a
   * rekey walks the store once and then reads every file (no lstat per
   * directory). Empty when `abs` is missing.
   */
  walk(abs: string): string[] {
    const out: string[] = [];
    if (!this.isDirectory(abs)) return out;
    const visit = (dir: string): void => {
      this.checked.add(dir);
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch (err) {
        throw this.ioError("cannot list", dir, err);
      }
      for (const e of entries) {
        const p = dir + path.sep + e.name;
        if (e.isDirectory()) visit(p);
        else out.push(p);
      }
    };
    visit(path.normalize(abs));
    return out;
  }

  /** Makes the directory `abs` and the missing ones above it, each checked. */
  mkdir(abs: string): void {
    const p = this.inside(abs);
    this.checkParents(path.join(p, "x"), true);
  }

  /** Removes the regular file at `abs`; false when it was missing. */
  remove(abs: string): boolean {
    const p = this.inside(abs);
    if (!this.statFile(p)) return false;
    try {
      fs.unlinkSync(p);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
      throw this.ioError("cannot remove", p, err);
    }
    return true;
  }
}
