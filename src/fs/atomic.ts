// Replacing a file so that a crash or a full disk leaves either the old or the
// new contents, never a torn file: write a temporary file in the same
// directory (rename is only atomic within one file system), fsync it, rename
// it over the target, then fsync the directory so the rename itself is on disk.
// This is the primitive, for the user's own files (config, `age -o`); files in
// a repository are written through RepoTree (tree.ts), which refuses links
// before it calls this.
import { randomBytes } from "node:crypto";
import fs, { type Stats } from "node:fs";
import path from "node:path";
import { NixsecError } from "../errors.js";

// The callback API, not fs/promises: a FileHandle per file and the promise
// plumbing cost about a third more CPU (half of it on this thread) over a
// rekey's thousand replacements (bench/README.md, "Rekey").
function call<T>(fn: (...args: never[]) => void, ...args: unknown[]): Promise<T> {
  return new Promise((resolve, reject) => {
    (fn as (...a: unknown[]) => void)(...args, (err: Error | null, value: T) => (err ? reject(err) : resolve(value)));
  });
}

/**
 * Writes `data` to `file` atomically.
 *
 * - `mode` given: the file ends up with exactly that mode (umask ignored), and
 *   is never more permissive while being written.
 * - `mode` omitted: an existing file keeps its mode; a new one gets 0666 minus umask.
 * - A symlink at `file` is followed, so the link stays and its target is replaced.
 * - On failure the temporary file is removed and the target is untouched.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, mode?: number): Promise<void> {
  const { target, mode: oldMode } = await existing(file);
  const dir = path.dirname(target);
  const finalMode = mode ?? oldMode;
  const temp = path.join(dir, `.${path.basename(target)}.${randomBytes(6).toString("hex")}.tmp`);
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  let fd: number | undefined;
  try {
    // O_EXCL ("wx"): never write into a file someone planted at the temp name.
    fd = await call<number>(fs.open, temp, "wx", finalMode ?? 0o666);
    if (finalMode !== undefined) await call(fs.fchmod, fd, finalMode);
    for (let off = 0; off < bytes.length; ) off += await call<number>(fs.write, fd, bytes, off, bytes.length - off, null);
    await call(fs.fsync, fd);
    const closing = fd;
    fd = undefined;
    await call(fs.close, closing);
    await call(fs.rename, temp, target);
  } catch (e) {
    if (fd !== undefined) await call(fs.close, fd).catch(() => {});
    await call(fs.rm, temp, { force: true }).catch(() => {});
    const code = (e as NodeJS.ErrnoException).code ?? "unknown error";
    throw new NixsecError(`cannot write ${file} (${code})`, { cause: e });
  }
  await syncDirectory(dir);
}

/**
 * Where to write and the mode to keep: one lstat for a plain file (the common
 * case: realpath costs an lstat per path component), realpath and stat only
 * for a symlink. A missing file (or a dangling link, which is replaced) has no mode.
 */
async function existing(file: string): Promise<{ target: string; mode: number | undefined }> {
  let st: Stats;
  try {
    st = await call<Stats>(fs.lstat, file);
  } catch {
    return { target: path.resolve(file), mode: undefined };
  }
  if (!st.isSymbolicLink()) return { target: path.resolve(file), mode: st.mode & 0o7777 };
  try {
    const target = await call<string>(fs.realpath, file);
    return { target, mode: (await call<Stats>(fs.stat, target)).mode & 0o7777 };
  } catch {
    return { target: path.resolve(file), mode: undefined };
  }
}

/** Makes the rename durable. Some platforms cannot fsync a directory; that is not an error there. */
async function syncDirectory(dir: string): Promise<void> {
  let fd: number | undefined;
  try {
    fd = await call<number>(fs.open, dir, "r");
    await call(fs.fsync, fd);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (!["EINVAL", "EISDIR", "EPERM", "ENOTSUP", "EBADF"].includes(code ?? "")) {
      throw new NixsecError(`cannot sync directory ${dir} (${code ?? "unknown error"})`, { cause: e });
    }
  } finally {
    if (fd !== undefined) await call(fs.close, fd);
  }
}
