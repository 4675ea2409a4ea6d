// Writing commands run under the repository lock (src/fs/repo-lock.ts): it is
// taken before the manifest and the store are read, so what a command decides
// from is what it writes over. Reading commands never take it.
import { existsSync } from "node:fs";
import path from "node:path";
import { acquireRepoLock, type RepoLock } from "../fs/repo-lock.js";
import { findManifest, MANIFEST_FILE } from "../manifest/read.js";
import { NixsecError } from "../errors.js";
import type { StoreOptions } from "./context.js";
import type { Io } from "./io.js";

/** How long a writer waits for another one: NIXSEC_LOCK_WAIT seconds, default 10. */
export function lockWaitMs(io: Io): number {
  const v = io.env.NIXSEC_LOCK_WAIT;
  if (v === undefined || v === "") return 10_000;
  if (!/^\d+(\.\d+)?$/.test(v)) throw new NixsecError(`NIXSEC_LOCK_WAIT must be a number of seconds, got ${JSON.stringify(v)}`, { hint: "e.g. NIXSEC_LOCK_WAIT=60" });
  return Number(v) * 1000;
}

/** Holds the lock of the repository at `root` while `fn` runs; released on return, on error and at exit. */
export async function withRootLock<T>(io: Io, root: string, command: string, fn: () => Promise<T>): Promise<T> {
  const lock: RepoLock = await acquireRepoLock(root, { command, waitMs: lockWaitMs(io) });
  // Ctrl-C ends the process through process.exit (main.ts): release there too.
  // A SIGKILL leaves the file; the next writer sees its holder is gone.
  const atExit = () => lock.release();
  process.once("exit", atExit);
  try {
    return await fn();
  } finally {
    process.removeListener("exit", atExit);
    lock.release();
  }
}

/** The root of the store a command would open (as openCliStore finds it), or null when there is none. */
async function storeRoot(io: Io, opts: StoreOptions): Promise<string | null> {
  const file = opts.dir ? path.join(path.resolve(io.cwd, opts.dir), MANIFEST_FILE) : await findManifest(io.cwd);
  return file && existsSync(path.dirname(file)) ? path.dirname(file) : null;
}

/**
 * Runs a writing command under the lock of its repository. Without a store
 * the command runs unlocked and reports the missing manifest itself.
 */
export async function withWriteLock<T>(io: Io, opts: StoreOptions, command: string, fn: () => Promise<T>): Promise<T> {
  const root = await storeRoot(io, opts);
  return root ? withRootLock(io, root, command, fn) : fn();
}
