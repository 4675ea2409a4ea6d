// Hostile input: the lexer never throws, the parser throws only NixParseError,
// and both finish quickly (no quadratic rescans, no unbounded recursion).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Node, NixParseError, parse, showNix, tokenize, walk } from "../../src/nix/index.js";
import { tortureDir } from "../helpers/tools.js";

const fixturesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");
const seeds = [tortureDir, fixturesDir].flatMap((d) =>
  fs.existsSync(d) ? fs.readdirSync(d).filter((f) => f.endsWith(".nix")).map((f) => fs.readFileSync(path.join(d, f), "utf8")) : [],
);

/** Runs tokenize and parse on `src`; fails on any other exception or a slow call. */
function check(src: string, budgetMs = 250): void {
  const t0 = performance.now();
  const toks = tokenize(src, { comments: true });
  let ast: Node | null = null, error: unknown = null;
  try {
    ast = parse(src);
  } catch (e) {
    error = e;
  }
  const elapsed = performance.now() - t0;
  // Validate with plain loops: expect() per token would dominate the timing.
  let bad = toks[toks.length - 1]!.kind === "EOF" ? -1 : toks.length - 1;
  for (let i = 0, last = 0; i < toks.length && bad < 0; i++) {
    const t = toks[i]!;
    if (t.start < last || t.end < t.start || t.end > src.length) bad = i;
    last = t.start;
  }
  expect(bad, "token stream invariant").toBe(-1);
  if (error !== null) {
    if (!(error instanceof NixParseError)) throw error;
    expect(error.offset >= 0 && error.offset <= src.length && error.line >= 1).toBe(true);
  } else {
    let spans = true;
    walk(ast!, (n) => { if (n.start > n.end) spans = false; });
    expect(spans).toBe(true);
    showNix(ast!, src, { basePath: "/base", home: "/home/u" });
  }
  expect(elapsed).toBeLessThan(budgetMs);
}

// Characters that drive the lexer into every state.
const nixChar = fc.constantFrom(..."abcxyz019_'-+./~<>:;,=?!@&|$ {}()[]\"'#*\\\n\r\t".split(""), "''", "${", "é", "😀", "\u0000", "\uFFFF");

describe("robustness", () => {
  it("never throws anything but NixParseError on random text", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 300 }), (s) => check(s)), { numRuns: 1500 });
  });

  it("never throws anything but NixParseError on random Nix-like text", () => {
    fc.assert(fc.property(fc.array(nixChar, { maxLength: 200 }), (cs) => check(cs.join(""))), { numRuns: 3000 });
  });

  it("never throws anything but NixParseError on mutated valid Nix", () => {
    expect(seeds.length).toBeGreaterThan(40);
    const mutation = fc.record({
      seed: fc.nat({ max: seeds.length - 1 }),
      edits: fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.nat({ max: 4 }), fc.array(nixChar, { maxLength: 3 })), { minLength: 1, maxLength: 4 }),
    });
    fc.assert(fc.property(mutation, ({ seed, edits }) => {
      let s = seeds[seed]!;
      for (const [where, del, ins] of edits) {
        const at = Math.floor(where * s.length);
        s = s.slice(0, at) + ins.join("") + s.slice(at + del);
      }
      check(s);
    }), { numRuns: 3000 });
  });

  // Long runs that a naive longest-match lexer rescans at every token, and
  // nesting that would overflow a recursive parser without a depth cap.
  const big = 100_000;
  it.each([
    ["dashes", "-".repeat(big)],
    ["dotted path", `a${".b".repeat(big / 2)}`],
    ["dotted numbers", "1.".repeat(big / 2)],
    ["plus signs", "+".repeat(big)],
    ["letters", "a".repeat(big)],
    ["scheme-like", "a+".repeat(big / 2)],
    ["angle brackets", "<a".repeat(big / 2)],
    ["quotes", "''".repeat(big / 2)],
    ["dollar braces", "${".repeat(big / 2)],
    ["open parens", "(".repeat(big)],
    ["open brackets", "[".repeat(big)],
    ["open braces", "{".repeat(big)],
    ["block comments", "/*".repeat(big / 2)],
    ["nested parens", `${"(".repeat(big)}1${")".repeat(big)}`],
    ["nested lists", `${"[".repeat(big)}${"]".repeat(big)}`],
    ["nested sets", `${"{ a = ".repeat(big / 8)}1${"; }".repeat(big / 8)}`],
    ["nested interpolation", `${'"${'.repeat(big / 4)}x${'}"'.repeat(big / 4)}`],
    ["nested indented strings", `${"''${".repeat(big / 5)}x${"}''".repeat(big / 5)}`],
    ["lambda chain", `${"x: ".repeat(big / 3)}x`],
    ["let chain", `${"let a = 1; in ".repeat(big / 14)}a`],
    ["negations", `${"!".repeat(big)}x`],
    ["minus chain", `${"- ".repeat(big / 2)}x`],
    ["++ chain", Array(big / 5).fill("a").join(" ++ ")],
    ["+ chain", Array(big / 4).fill("a").join(" + ")],
    ["or chain", `${"a.b or ".repeat(big / 7)}c`],
    ["long application", `f${" x".repeat(big / 2)}`],
    ["path interpolations", `./a${"/${x}".repeat(big / 5)}`],
    ["big attribute set", `{ ${Array.from({ length: big / 10 }, (_, i) => `a${i} = ${i};`).join(" ")} }`],
    ["duplicate-heavy set", `{ ${"a.b = { }; ".repeat(big / 12)} }`],
    ["long indented string", `''\n${"    line ''${x} $$ '''\n".repeat(big / 25)}''`],
  ])("stays fast and bounded on %s", (_, src) => check(src, 1000));

  it("caps nesting with a NixParseError at maxDepth", () => {
    const deep = `${"(".repeat(2000)}1${")".repeat(2000)}`;
    expect(() => parse(deep)).toThrow(/nested more than 1000 levels/);
    expect(() => parse(`${"[".repeat(50)}${"]".repeat(50)}`, { maxDepth: 10 })).toThrow(NixParseError);
    expect(() => parse(`${"(".repeat(990)}1${")".repeat(990)}`)).not.toThrow();
  });
});
