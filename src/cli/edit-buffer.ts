// The one place plaintext touches a disk: the `nixsec edit` buffer. It lives
// on tmpfs (RAM), in a 0700 directory, as a 0600 file, and is overwritten and
// removed afterwards even when the editor or nixsec fails.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, openSync, writeSync, closeSync, fsyncSync } from "node:fs";
import path from "node:path";
import { NixsecError } from "../errors.js";

interface Mount {
  point: string;
  type: string;
}

function mounts(): Mount[] {
  try {
    return readFileSync("/proc/mounts", "utf8")
      .split("\n")
      .map((l) => l.split(" "))
      .filter((f) => f.length > 2)
      .map((f) => ({ point: f[1]!.replace(/\\040/g, " "), type: f[2]! }));
  } catch {
    return [];
  }
}

/** Whether the file system holding `dir` (its longest containing mount point) is RAM-backed. */
function isOnTmpfs(dir: string, all: Mount[]): boolean {
  const abs = path.resolve(dir);
  let best: Mount | undefined;
  for (const m of all) {
    const inside = abs === m.point || abs.startsWith(m.point.endsWith("/") ? m.point : m.point + "/");
    if (inside && (!best || m.point.length >= best.point.length)) best = m;
  }
  return best !== undefined && (best.type === "tmpfs" || best.type === "ramfs");
}

/** Where edit buffers may live: $XDG_RUNTIME_DIR, then /dev/shm, if tmpfs. */
export function editBufferDir(env: NodeJS.ProcessEnv): string {
  const all = mounts();
  const candidates = [env.NIXSEC_EDIT_DIR, env.XDG_RUNTIME_DIR, "/dev/shm", "/run/user/" + (process.getuid?.() ?? "")].filter((d): d is string => Boolean(d));
  for (const d of candidates) {
    try {
      if (statSync(d).isDirectory() && isOnTmpfs(d, all)) return d;
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

/**
 * Writes `value` to a private buffer file, runs `edit(path)`, and returns the
 * file's new contents. The buffer is removed in every case.
 */
export async function withEditBuffer(env: NodeJS.ProcessEnv, name: string, value: Uint8Array, edit: (file: string) => void | Promise<void>): Promise<Uint8Array> {
  const dir = mkdtempSync(path.join(editBufferDir(env), "nixsec-edit-"));
  const file = path.join(dir, path.basename(name));
  const cleanup = (): void => {
    shred(file);
    rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = (): void => {
    cleanup();
    process.exit(130);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    writeFileSync(file, value, { mode: 0o600, flag: "wx" });
    await edit(file);
    return new Uint8Array(readFileSync(file));
  } finally {
    cleanup();
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
  }
}
