// readEntries (src/audit/read-ahead.ts): a walk of many files is read ahead on
// a thread; whatever path a file takes, the caller sees every entry once, in
// order, with its exact bytes, a size for files over the cap, and null for
// files that vanished after the listing.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type Got, READ_AHEAD_MIN_FILES, readEntries } from "../../src/audit/read-ahead.js";
import { WorktreeSource } from "../../src/audit/source.js";

const CAP = 4096;
const root = mkdtempSync(path.join(tmpdir(), "nixsec-readahead-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function content(i: number): Buffer {
  // sizes from 0 to well past the cap; every 37th file is over it
  const size = i % 37 === 0 ? CAP + 1 + i : (i * 97) % CAP;
  return Buffer.from(Array.from({ length: size }, (_, k) => (i * 31 + k) % 251));
}

describe("readEntries", () => {
  const n = READ_AHEAD_MIN_FILES * 3 + 5;
  for (let i = 0; i < n; i++) {
    const dir = path.join(root, `d${i % 7}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `f${i}.nix`), content(i));
  }
  symlinkSync(path.join(root, "d0", "f0.nix"), path.join(root, "link.nix"));

  for (const [name, expectThread] of [["a walk of many files (read ahead)", true], ["a short list (read here)", false]] as const) {
    it(name, () => {
      const source = new WorktreeSource(root);
      let entries = source.list();
      expect(entries.some((e) => e.path === "link.nix")).toBe(false); // symlinks are not followed
      if (!expectThread) entries = entries.slice(0, READ_AHEAD_MIN_FILES - 1);
      // one file vanishes after the listing
      const gone = entries[Math.floor(entries.length / 2)]!.path;
      const goneBytes = content(Number(/f(\d+)/.exec(gone)![1]));
      rmSync(path.join(root, gone));
      const seen: number[] = [];
      const got: Got[] = [];
      readEntries(source, entries, CAP, (i, g) => {
        seen.push(i);
        got.push(g === null || typeof g === "number" ? g : Buffer.from(g));
      });
      writeFileSync(path.join(root, gone), goneBytes);
      expect(seen).toEqual(entries.map((_, i) => i));
      entries.forEach((e, i) => {
        const want = e.path === gone ? null : content(Number(/f(\d+)/.exec(e.path)![1]));
        if (want === null) expect(got[i], e.path).toBeNull();
        else if (want.length > CAP) expect(got[i], e.path).toBe(want.length);
        else expect(Buffer.compare(got[i] as Buffer, want), e.path).toBe(0);
      });
    });
  }
});
