// RepoTree: what a repository may hold where nixsec reads and writes, as a
// table of trees and what each operation must do with them.
import { execFileSync } from "node:child_process";
import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { NixsecError } from "../../src/errors.js";
import { RepoTree } from "../../src/fs/tree.js";

const base = mkdtempSync(path.join(realpathSync(tmpdir()), "nixsec-tree-"));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let root: string;
let outside: string;
let n = 0;
beforeEach(() => {
  root = path.join(base, `r${n}`);
  outside = path.join(base, `o${n++}`);
  mkdirSync(path.join(root, "secrets/svc"), { recursive: true });
  mkdirSync(outside);
  writeFileSync(path.join(root, "secrets/svc/ok.age"), "ok");
  writeFileSync(path.join(outside, "target.age"), "outside");
});

type Setup = (r: string, o: string) => void;
const cases: Array<{ what: string; setup: Setup; file: string; error: RegExp }> = [
  { what: "a file that is a link inside the tree", setup: (r) => symlinkSync("svc/ok.age", path.join(r, "secrets/x.age")), file: "secrets/x.age", error: /^secrets\/x\.age is a symbolic link to svc\/ok\.age/ },
  { what: "a link out of the tree", setup: (r, o) => symlinkSync(path.join(o, "target.age"), path.join(r, "secrets/x.age")), file: "secrets/x.age", error: /^secrets\/x\.age is a symbolic link/ },
  { what: "a dangling link", setup: (r) => symlinkSync("nowhere", path.join(r, "secrets/x.age")), file: "secrets/x.age", error: /^secrets\/x\.age is a symbolic link/ },
  { what: "a linked directory", setup: (r, o) => symlinkSync(o, path.join(r, "secrets/linked")), file: "secrets/linked/target.age", error: /^secrets\/linked is a symbolic link/ },
  { what: "a linked secrets directory", setup: (r, o) => { rmSync(path.join(r, "secrets"), { recursive: true }); symlinkSync(o, path.join(r, "secrets")); }, file: "secrets/target.age", error: /^secrets is a symbolic link/ },
  { what: "a hard link", setup: (r) => linkSync(path.join(r, "secrets/svc/ok.age"), path.join(r, "secrets/x.age")), file: "secrets/x.age", error: /^secrets\/x\.age has 2 hard links/ },
  { what: "a FIFO (must not block)", setup: (r) => execFileSync("mkfifo", [path.join(r, "secrets/x.age")]), file: "secrets/x.age", error: /^secrets\/x\.age is a FIFO, not a regular file/ },
  { what: "a directory where a file is expected", setup: (r) => mkdirSync(path.join(r, "secrets/x.age")), file: "secrets/x.age", error: /^secrets\/x\.age is a directory, not a regular file/ },
  { what: "a file where a directory is expected", setup: (r) => writeFileSync(path.join(r, "secrets/dir"), "x"), file: "secrets/dir/x.age", error: /^secrets\/dir is not a regular file|^secrets\/dir is .*not a directory/ },
];

describe("RepoTree refuses, naming the path", () => {
  for (const c of cases) {
    it(`${c.what}: read, write and remove`, async () => {
      c.setup(root, outside);
      const file = path.join(root, c.file);
      const before = readFileSync(path.join(outside, "target.age"), "utf8");
      expect(() => new RepoTree(root).readFile(file)).toThrow(c.error);
      await expect(new RepoTree(root).writeFile(file, "new")).rejects.toThrow(c.error);
      expect(() => new RepoTree(root).remove(file)).toThrow(c.error);
      expect(readFileSync(path.join(outside, "target.age"), "utf8")).toBe(before);
      const err = (() => {
        try {
          new RepoTree(root).readFile(file);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(NixsecError);
      expect((err as NixsecError).hints.length).toBeGreaterThan(0);
    });
  }
});

describe("RepoTree does its job on a plain tree", () => {
  it("reads, writes (making directories), removes; missing is undefined, not an error", async () => {
    const tree = new RepoTree(root);
    expect(tree.readFile(path.join(root, "secrets/svc/ok.age"))?.toString()).toBe("ok");
    expect(tree.readFile(path.join(root, "secrets/none.age"))).toBeUndefined();
    expect(tree.readFile(path.join(root, "secrets/nodir/none.age"))).toBeUndefined();
    await tree.writeFile(path.join(root, "secrets/a/b/c.age"), "abc", 0o644);
    expect(readFileSync(path.join(root, "secrets/a/b/c.age"), "utf8")).toBe("abc");
    expect(tree.remove(path.join(root, "secrets/a/b/c.age"))).toBe(true);
    expect(tree.remove(path.join(root, "secrets/a/b/c.age"))).toBe(false);
    expect(tree.isDirectory(path.join(root, "secrets"))).toBe(true);
    expect(tree.isDirectory(path.join(root, "none"))).toBe(false);
  });

  it("walk lists what is below a directory without entering linked directories", () => {
    symlinkSync(outside, path.join(root, "secrets/linked"));
    symlinkSync("svc/ok.age", path.join(root, "secrets/x.age"));
    const listed = new RepoTree(root).walk(path.join(root, "secrets")).map((p) => path.relative(root, p)).sort();
    expect(listed).toEqual(["secrets/linked", "secrets/svc/ok.age", "secrets/x.age"]);
    expect(new RepoTree(root).walk(path.join(root, "none"))).toEqual([]);
    rmSync(path.join(root, "secrets/svc"), { recursive: true });
    symlinkSync(outside, path.join(root, "secrets/svc"));
    expect(() => new RepoTree(path.join(root)).walk(path.join(root, "secrets/svc"))).toThrow(/^secrets\/svc is a symbolic link/);
  });

  it("refuses paths outside the root, whatever their spelling", () => {
    const tree = new RepoTree(root);
    for (const p of [path.join(root, "../x"), "/etc/passwd", root, path.join(root, "secrets/../../x")]) {
      expect(() => tree.readFile(p)).toThrow(/outside the repository/);
    }
  });

  it("refuses a file over maxBytes before reading it", () => {
    writeFileSync(path.join(root, "big"), Buffer.alloc(2048));
    expect(() => new RepoTree(root).readFile(path.join(root, "big"), { maxBytes: 1024, what: "a test" })).toThrow(/^big is larger than 1024 bytes \(the limit for a test\)/);
  });

  it("a root reached through a link is fine: only what is below it is checked", () => {
    const alias = path.join(base, `alias${n}`);
    symlinkSync(root, alias);
    expect(new RepoTree(alias).readFile(path.join(alias, "secrets/svc/ok.age"))?.toString()).toBe("ok");
    expect(existsSync(alias)).toBe(true);
  });
});
