// What people read: the progress line on a terminal (and nothing without
// one), the grouped plan, and the rotate lines.
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { parseManifest } from "../../src/manifest/index.js";
import { printPlan, progressDisplay, rotateLines } from "../../src/cli/commands/rekey.js";
import type { Io } from "../../src/cli/io.js";
import type { RekeyPlan, StoreScan } from "../../src/store/rekey.js";
import { ageFormat } from "../../src/store/format-age.js";
import { storeOf } from "../../src/store/store.js";

function fakeIo(tty: boolean): { io: Io; err: () => string } {
  let text = "";
  const stderr = Object.assign(new PassThrough(), { isTTY: tty });
  stderr.on("data", (d: Buffer) => (text += d.toString()));
  const io: Io = { stdin: new PassThrough(), stdout: new PassThrough(), stderr, env: { NO_COLOR: "1" }, cwd: "/", stdinIsTTY: false };
  return { io, err: () => text };
}

describe("progress display", () => {
  it("on a terminal: one rewritten line, at most every 100 ms, always the last, cleared at the end", async () => {
    const { io, err } = fakeIo(true);
    const p = progressDisplay(io);
    for (let i = 1; i <= 500; i++) p.update({ phase: "write", done: i, total: 500 });
    p.done();
    await new Promise((r) => setImmediate(r));
    const out = err();
    const frames = out.split("\r\x1b[K").filter(Boolean);
    expect(frames[0]).toBe("nixsec: rekey: 1/500 written");
    expect(frames.at(-1)).toBe("nixsec: rekey: 500/500 written");
    expect(frames.length).toBeLessThan(10);
    expect(out.endsWith("\r\x1b[K")).toBe(true);
    expect(out).not.toContain("\n");
  });

  it("without a terminal: nothing", async () => {
    const { io, err } = fakeIo(false);
    const p = progressDisplay(io);
    p.update({ phase: "decrypt", done: 1, total: 1 });
    p.done();
    await new Promise((r) => setImmediate(r));
    expect(err()).toBe("");
  });
});

const MANIFEST = `version: 1
admins:
  alice:
    key: "age1809vxyragv2ugxh0l4l0l30e0sup5ktmrcgupa50zu9h30zux4lqc2cq8x"
secrets:
  a/gen:
    hosts: []
    generate: {kind: hex}
  b/typed:
    hosts: []
  c/gen:
    hosts: []
    generate: {kind: password}
`;

describe("plan and rotate lines", () => {
  const store = storeOf(parseManifest(MANIFEST, "/repo/nixsec.yaml"));

  it("rotate lines: generated secrets with --generate, typed ones without, unknown names dropped", () => {
    expect(rotateLines(store, ["c/gen", "b/typed", "a/gen", "gone/x", "a/gen"])).toEqual(["nixsec rotate a/gen c/gen --generate", "nixsec rotate b/typed"]);
    expect(rotateLines(store, ["b/typed"])).toEqual(["nixsec rotate b/typed"]);
  });

  it("groups the plan by reason and truncates long lists", async () => {
    const { io, err } = fakeIo(false);
    const names = Array.from({ length: 14 }, (_, i) => `s/${String(i).padStart(2, "0")}`);
    const plan: RekeyPlan = {
      rekey: names.map((secret, i) => ({
        secret,
        format: ageFormat,
        desired: { admins: {}, hosts: {} },
        lost: [],
        replaced: [],
        reasons: i < 2 ? [{ kind: "host-rekeyed", name: "h1" }, { kind: "admin-added", name: "bob" }] : [{ kind: "admin-added", name: "bob" }],
      })),
      lockOnly: [],
      retire: [],
      missing: ["x/missing"],
      dropped: [],
      unchanged: 3,
    };
    const scan = { states: [], retired: [], lock: { candidates: new Map(), problems: [], text: null }, orphans: ["old.age"], leftovers: [] } as StoreScan;
    printPlan(io, plan, scan);
    await new Promise((r) => setImmediate(r));
    const out = err();
    expect(out).toContain("rekey plan: 14 files to re-encrypt, 3 unchanged");
    expect(out).toContain("  host h1 has a new key (2): s/00, s/01\n");
    expect(out).toContain("  admin bob added (14): s/00, s/01, s/02, s/03, s/04, s/05, s/06, s/07, s/08, s/09 and 4 more\n");
    expect(out).toMatch(/warning: 1 secret without a file: x\/missing/);
    expect(out).toMatch(/warning: encrypted files no secret names: old\.age/);
  });
});
