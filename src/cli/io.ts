// The process boundary: streams, environment and terminal facts that the
// command modules receive instead of touching `process` themselves.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { randomBytes } from "node:crypto";
import { NixsecError } from "../errors.js";

export interface Io {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdinIsTTY: boolean;
}

export function processIo(): Io {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    stdinIsTTY: Boolean(process.stdin.isTTY),
  };
}

export function webStream(input: NodeJS.ReadableStream): ReadableStream<Uint8Array> {
  const readable = input instanceof Readable ? input : Readable.from(input as AsyncIterable<Uint8Array>);
  return Readable.toWeb(readable) as unknown as ReadableStream<Uint8Array>;
}

/** Writes a web stream to a Node writable, respecting back-pressure. */
export async function pipeTo(src: ReadableStream<Uint8Array>, dst: NodeJS.WritableStream): Promise<void> {
  const reader = src.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    if (!dst.write(value)) await new Promise<void>((res) => dst.once("drain", () => res()));
  }
}

/**
 * Streams into `target` atomically: a temp file beside it, fsync, rename.
 * On any failure the temp file is removed and `target` is untouched.
 */
export async function writeStreamAtomic(target: string, src: ReadableStream<Uint8Array>, mode = 0o600): Promise<void> {
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString("hex")}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, "wx", mode);
  } catch (err) {
    throw new NixsecError(`cannot write ${target}: ${(err as NodeJS.ErrnoException).code ?? "error"}`, { hint: "check that the directory exists and is writable" });
  }
  try {
    const reader = src.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      let off = 0;
      while (off < value.length) off += writeSync(fd, value, off);
    }
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, target);
    const dfd = openSync(path.dirname(target), "r");
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch (err) {
    try {
      closeSync(fd);
    } catch {
      /* already closed */
    }
    rmSync(tmp, { force: true });
    throw err;
  }
}
