// Replacing a file so that a crash or a full disk leaves either the old or the
// new contents, never a torn file: write a temporary file in the same
// directory (rename is only atomic within one file system), fsync it, rename
// it over the target, then fsync the directory so the rename itself is on disk.
import { randomBytes } from "node:crypto";
import type { Stats } from "node:fs";
import { type FileHandle, lstat, open, realpath, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { NixsecError } from "../errors.js";

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
  let handle: FileHandle | undefined;
  try {
    // O_EXCL ("wx"): never write into a file someone planted at the temp name.
    handle = await open(temp, "wx", finalMode ?? 0o666);
    if (finalMode !== undefined) await handle.chmod(finalMode);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, target);
  } catch (e) {
    await handle?.close().catch(() => {});
    await rm(temp, { force: true }).catch(() => {});
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
    st = await lstat(file);
  } catch {
    return { target: path.resolve(file), mode: undefined };
  }
  if (!st.isSymbolicLink()) return { target: path.resolve(file), mode: st.mode & 0o7777 };
  try {
    const target = await realpath(file);
    return { target, mode: (await stat(target)).mode & 0o7777 };
  } catch {
    return { target: path.resolve(file), mode: undefined };
  }
}

/** Makes the rename durable. Some platforms cannot fsync a directory; that is not an error there. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, "r");
    await handle.sync();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (!["EINVAL", "EISDIR", "EPERM", "ENOTSUP", "EBADF"].includes(code ?? "")) {
      throw new NixsecError(`cannot sync directory ${dir} (${code ?? "unknown error"})`, { cause: e });
    }
  } finally {
    await handle?.close();
  }
}
