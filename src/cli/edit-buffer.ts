// The one place plaintext touches a disk: the `nixsec edit` buffer. It lives
// on tmpfs (RAM), in a 0700 directory, as a 0600 file, and is overwritten and
// removed afterwards: when the editor is done, when it or nixsec fails, and
// when nixsec is ended by a signal (issue 12: SIGHUP left the buffer in
// /dev/shm, and SIGINT/SIGTERM during the editor were swallowed, ending in
// exit 0 "unchanged"). A signal ends the editor too and exits 130.
//
// "On tmpfs" is asked of the file system itself (statfs of the real path, then
// of the buffer's own directory), never read from the path's text: a link
// under /dev/shm may point at a disk.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, fsyncSync, mkdtempSync, openSync, readFileSync, realpathSync, rmSync, statfsSync, statSync, writeFileSync, writeSync } from "node:fs";
import path from "node:path";
import { ExitCode, NixsecError } from "../errors.js";

// statfs(2) f_type values (linux/magic.h).
const TMPFS_MAGIC = 0x01021994;
const RAMFS_MAGIC = 0x858458f6;

function isRamBacked(dir: string): boolean {
  try {
    const type = statfsSync(dir).type;
    return type === TMPFS_MAGIC || type === RAMFS_MAGIC;
  } catch {
    return false;
  }
}

/** Where edit buffers may live: $NIXSEC_EDIT_DIR, $XDG_RUNTIME_DIR, /dev/shm, /run/user/UID; the first on tmpfs, as its real path. */
export function editBufferDir(env: NodeJS.ProcessEnv): string {
  const candidates = [env.NIXSEC_EDIT_DIR, env.XDG_RUNTIME_DIR, "/dev/shm", "/run/user/" + (process.getuid?.() ?? "")].filter((d): d is string => Boolean(d));
  for (const d of candidates) {
    try {
      const real = realpathSync(d);
      if (statSync(real).isDirectory() && isRamBacked(real)) return real;
    } catch {
      /* try the next */
    }
  }
  throw new NixsecError("no tmpfs directory for the edit buffer; refusing to write plaintext to disk", {
    hint: "mount a tmpfs (e.g. /dev/shm) or set XDG_RUNTIME_DIR to one",
  });
}

function shred(file: string): void {
  try {
    const size = statSync(file).size;
    const fd = openSync(file, "r+");
    try {
      writeSync(fd, Buffer.alloc(size));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* already gone */
  }
}

/** The editor running now, ended with nixsec. */
let editorChild: ChildProcess | undefined;

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"] as const;

/**
 * Runs `editor` (a shell word list, as $EDITOR may be "code --wait") on
 * `file`, without blocking the event loop, so signals reach nixsec meanwhile.
 */
export function runEditor(editor: string, file: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", `${editor} "$1"`, "nixsec-editor", file], { stdio: "inherit", env });
    editorChild = child;
    child.on("error", (err) => {
      editorChild = undefined;
      reject(new NixsecError(`cannot start the editor (${editor}): ${err.message}`, { hint: "set $VISUAL or $EDITOR" }));
    });
    child.on("exit", (code, signal) => {
      editorChild = undefined;
      if (code === 0) return resolve();
      const how = signal ?? `status ${code}`;
      reject(new NixsecError(`the editor (${editor}) exited with ${how}; nothing was changed`, { hint: "set $VISUAL or $EDITOR", exitCode: signal ? ExitCode.interrupted : ExitCode.usage }));
    });
  });
}

/**
 * Writes `value` to a private buffer file, runs `edit(path)`, and returns the
 * file's new contents. The buffer is removed in every case, a signal included.
 */
export async function withEditBuffer(env: NodeJS.ProcessEnv, name: string, value: Uint8Array, edit: (file: string) => void | Promise<void>): Promise<Uint8Array> {
  const dir = mkdtempSync(path.join(editBufferDir(env), "nixsec-edit-"));
  const file = path.join(dir, path.basename(name));
  const cleanup = (): void => {
    editorChild?.kill("SIGTERM");
    shred(file);
    rmSync(dir, { recursive: true, force: true });
  };
  // process.exit (Ctrl-C's handler in main.ts, or the one below) runs 'exit' listeners, synchronously.
  const onSignal = (): void => process.exit(ExitCode.interrupted);
  process.once("exit", cleanup);
  for (const s of SIGNALS) process.once(s, onSignal);
  try {
    if (!isRamBacked(dir)) throw new NixsecError(`${dir} is not on tmpfs; refusing to write plaintext there`, { hint: "set XDG_RUNTIME_DIR to a tmpfs directory" });
    writeFileSync(file, value, { mode: 0o600, flag: "wx" });
    await edit(file);
    return new Uint8Array(readFileSync(file));
  } finally {
    cleanup();
    process.removeListener("exit", cleanup);
    for (const s of SIGNALS) process.removeListener(s, onSignal);
  }
}
