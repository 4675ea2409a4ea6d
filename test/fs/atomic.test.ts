// writeFileAtomic: the target holds the old or the new contents, never a mix,
// with the mode the contract promises, and no temporary file is left behind.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { NixsecError } from "../../src/errors.js";
import { writeFileAtomic } from "../../src/fs/atomic.js";

const root = mkdtempSync(path.join(realpathSync(tmpdir()), "nixsec-atomic-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dir: string;
let n = 0;
beforeEach(() => {
  dir = path.join(root, String(n++));
  mkdirSync(dir);
});
const modeOf = (file: string) => statSync(file).mode & 0o7777;

describe("writeFileAtomic", () => {
  it("creates a file with the default mode (0666 minus umask)", async () => {
    const file = path.join(dir, "new.txt");
    await writeFileAtomic(file, "hello\n");
    expect(readFileSync(file, "utf8")).toBe("hello\n");
    expect(modeOf(file)).toBe(0o666 & ~process.umask());
    expect(readdirSync(dir)).toEqual(["new.txt"]);
  });

  it("gives exactly the requested mode, umask or not", async () => {
    const file = path.join(dir, "key.txt");
    await writeFileAtomic(file, new Uint8Array([1, 2, 3]), 0o600);
    expect(modeOf(file)).toBe(0o600);
    await writeFileAtomic(file, "x", 0o664);
    expect(modeOf(file)).toBe(0o664);
    expect(readFileSync(file)).toEqual(Buffer.from("x"));
  });

  it("replaces a file and keeps its mode", async () => {
    const file = path.join(dir, "nixsec.yaml");
    writeFileSync(file, "old");
    chmodSync(file, 0o640);
    await writeFileAtomic(file, "new");
    expect(readFileSync(file, "utf8")).toBe("new");
    expect(modeOf(file)).toBe(0o640);
  });

  it("writes through a symlink and keeps the link", async () => {
    writeFileSync(path.join(dir, "real.yaml"), "old");
    symlinkSync("real.yaml", path.join(dir, "link.yaml"));
    await writeFileAtomic(path.join(dir, "link.yaml"), "new");
    expect(readlinkSync(path.join(dir, "link.yaml"))).toBe("real.yaml");
    expect(readFileSync(path.join(dir, "real.yaml"), "utf8")).toBe("new");
  });

  it("removes its temporary file and leaves the target alone when the rename fails", async () => {
    const target = path.join(dir, "taken");
    mkdirSync(target);
    writeFileSync(path.join(target, "inside"), "keep");
    const attempt = writeFileAtomic(target, "data");
    await expect(attempt).rejects.toThrow(NixsecError);
    await expect(writeFileAtomic(target, "data")).rejects.toThrow(/^cannot write .*taken \(E[A-Z]+\)$/);
    expect(readdirSync(dir)).toEqual(["taken"]);
    expect(readFileSync(path.join(target, "inside"), "utf8")).toBe("keep");
  });

  it("fails cleanly when the directory does not exist", async () => {
    await expect(writeFileAtomic(path.join(dir, "missing/x"), "data")).rejects.toThrow(/cannot write .* \(ENOENT\)/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("writes exactly the bytes of a view into a larger buffer, and empty contents", async () => {
    const file = path.join(dir, "view.bin");
    const big = new Uint8Array(300_000).map((_, i) => i % 251);
    await writeFileAtomic(file, big.subarray(7, 200_007));
    expect(readFileSync(file).equals(Buffer.from(big.subarray(7, 200_007)))).toBe(true);
    await writeFileAtomic(file, new Uint8Array(0));
    expect(readFileSync(file).length).toBe(0);
    expect(readdirSync(dir)).toEqual(["view.bin"]);
  });
});
