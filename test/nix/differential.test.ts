// Differential tests: our parser + showNix against `nix-instantiate --parse`
// (Nix 2.8) on the shared torture set, our fixtures, and a generated corpus.
// Equal means equal strings after normalizeShowOrder (Nix prints formals and
// let bindings in heap-address order). Nix also resolves variables, so the
// generated expressions run under `with null;` and files that Nix rejects only
// for an undefined variable count as accepted.
// Knobs: NIXSEC_NIX_GEN_RUNS (default 400 expressions, plus half as many string
// soups and a quarter as many token soups) and NIXSEC_NIX_GEN_SEED.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NixParseError, normalizeShowOrder, parse, showNix } from "../../src/nix/index.js";
import { needTool, tortureDir } from "../helpers/tools.js";

const fixturesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");
const GEN_RUNS = Number(process.env.NIXSEC_NIX_GEN_RUNS ?? 400);
const GEN_SEED = Number(process.env.NIXSEC_NIX_GEN_SEED ?? 20240611);

interface Outcome { ok: boolean; out: string }

function runNix(files: string[], home: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn("nix-instantiate", ["--parse", ...files], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, HOME: home } });
    let out = "", err = "";
    p.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    p.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    p.on("error", reject);
    p.on("close", (code) => resolve({ code, out, err }));
  });
}

/**
 * `--parse` output per file. One process per batch prints one line per file
 * and stops at the first failing file, so the lines tell which one failed.
 */
async function oracle(files: string[], home: string): Promise<Map<string, Outcome>> {
  const res = new Map<string, Outcome>();
  const queue: string[][] = [];
  for (let i = 0; i < files.length; i += 100) queue.push(files.slice(i, i + 100));
  const worker = async (): Promise<void> => {
    for (let batch = queue.shift(); batch; batch = queue.shift()) {
      while (batch.length > 0) {
        const { code, out, err } = await runNix(batch, home);
        const lines = out.split("\n").slice(0, -1);
        lines.forEach((l, i) => res.set(batch![i]!, { ok: true, out: l }));
        if (code === 0 && lines.length === batch.length) break;
        res.set(batch[lines.length]!, { ok: false, out: err.replace(/\x1b\[[0-9;]*m/g, "").trim().split("\n")[0]! });
        batch = batch.slice(lines.length + 1);
      }
    }
  };
  await Promise.all([worker(), worker()]);
  return res;
}

function ours(file: string, home: string): Outcome {
  const src = fs.readFileSync(file, "utf8");
  try {
    return { ok: true, out: showNix(parse(src), src, { basePath: path.dirname(file), home }) };
  } catch (e) {
    if (!(e instanceof NixParseError)) throw e;
    return { ok: false, out: e.message };
  }
}

/** Null when both agree, else a description of the difference. */
function disagreement(file: string, nix: Outcome, mine: Outcome): string | null {
  // Nix resolves variables only after a successful parse: the syntax is valid.
  const scopeOnly = !nix.ok && /undefined variable/.test(nix.out);
  if (scopeOnly && mine.ok) return null;
  if (!scopeOnly && nix.ok === mine.ok && (!nix.ok || normalizeShowOrder(nix.out) === normalizeShowOrder(mine.out))) return null;
  const what = (o: Outcome): string => (o.ok ? o.out : `rejects: ${o.out}`);
  return `${file}\n  source: ${JSON.stringify(fs.readFileSync(file, "utf8"))}\n  nix:  ${what(nix)}\n  ours: ${what(mine)}`;
}

describe.runIf(needTool("nix-instantiate"))("differential against nix-instantiate --parse", () => {
  let work: string, home: string;
  beforeAll(() => {
    work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "nixsec-nixdiff-")));
    home = path.join(work, "home");
    fs.mkdirSync(home);
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  const compareDir = async (files: string[]): Promise<void> => {
    const nix = await oracle(files, home);
    const diffs = files.map((f) => disagreement(f, nix.get(f)!, ours(f, home))).filter((d) => d !== null);
    expect(diffs).toEqual([]);
  };

  it("agrees on every file of the torture set", async () => {
    const files = fs.readdirSync(tortureDir).filter((f) => f.endsWith(".nix")).sort().map((f) => path.join(tortureDir, f));
    expect(files.length).toBeGreaterThanOrEqual(48);
    await compareDir(files);
    // t48 (pipe operator) is the one file Nix 2.8 rejects; we reject it too.
    expect(ours(path.join(tortureDir, "t48_pipe_op.nix"), home).ok).toBe(false);
  });

  it("agrees on every fixture", async () => {
    const files = fs.readdirSync(fixturesDir).filter((f) => f.endsWith(".nix")).sort().map((f) => path.join(fixturesDir, f));
    expect(files.length).toBeGreaterThan(10);
    await compareDir(files);
  });

  it(`agrees on ${GEN_RUNS} generated expressions, string and token soups (seed ${GEN_SEED})`, async () => {
    const dir = path.join(work, "gen");
    fs.mkdirSync(dir);
    const sources = [
      ...fc.sample(nixSource, { numRuns: GEN_RUNS, seed: GEN_SEED }).map((s) => `with null; ${s}`),
      ...fc.sample(stringSoup, { numRuns: Math.ceil(GEN_RUNS / 2), seed: GEN_SEED }),
      ...fc.sample(tokenSoup, { numRuns: Math.ceil(GEN_RUNS / 4), seed: GEN_SEED }).map((s) => `with null; [ ${s} ]`),
    ];
    const files = sources.map((src, i) => {
      const f = path.join(dir, `g${i}.nix`);
      fs.writeFileSync(f, src);
      return f;
    });
    const nix = await oracle(files, home);
    const diffs = files.map((f) => disagreement(f, nix.get(f)!, ours(f, home))).filter((d) => d !== null);
    expect(diffs).toEqual([]);
    // Most generated expressions should be valid, or the comparison says little.
    const valid = files.slice(0, GEN_RUNS).filter((f) => nix.get(f)!.ok).length;
    if (process.env.NIXSEC_NIX_GEN_RUNS) console.log(`generated: ${valid} of ${GEN_RUNS} valid, ${files.filter((f) => nix.get(f)!.ok).length} of ${files.length} in all`);
    expect(valid).toBeGreaterThan(GEN_RUNS * 0.6);
  });
});

// --- a generator of Nix source -------------------------------------------------
// Expressions are generated per grammar level (parser.y: expr, expr_op, expr_app,
// expr_select, expr_simple) so most are valid, with a few deliberate dead ends
// (keywords as names, out-of-range numbers, trailing slashes) at low frequency.
// A small name pool makes attribute paths merge and sometimes collide.

const depth = { depthSize: "small", maxDepth: 14, depthIdentifier: "nix" } as const;
const join = (...parts: string[]): string => parts.join("");
const rare = <T>(common: fc.Arbitrary<T>, odd: fc.Arbitrary<T>): fc.Arbitrary<T> =>
  fc.oneof({ arbitrary: common, weight: 12 }, { arbitrary: odd, weight: 1 });
const ws = fc.constantFrom(" ", " ", " ", "  ", "\n", "\n    ", "\t", "\r\n", " # c\n", " /* c */ ");
const name = fc.constantFrom("a", "b", "c", "x", "y", "z", "foo-bar", "x'", "_z", "__curPos", "inherit_", "or1", "services", "pkgs", "lib", "cfg");

const strPiece = fc.constantFrom("a", "b c", " ", "'", "}", "$", "$$", "$$$", "\\n", "\\t", "\\r", "\\\\", '\\"', "\\$", "\\${x}",
  "$${x}", "é", "✓", "😀", "\n", "\r\n", "\t", "#", "/*", "\\\r\n", "''", "$\\n", "{a}");
const indPiece = fc.constantFrom("a", "b c", " ", "  ", "    ", "\n", "\n  ", "\n    ", "\n      ", "\t", "a'b", "$", "$$", "''$", "'''",
  "''\\n", "''\\t", "''\\\\", "''\\'", "''\\ ", "\\", '"', "}", "{a}", "\r\n", "é", "😀", "$'", "a'$", "$${x}", "''${x}");
const int = rare(fc.nat({ max: 1000 }).map(String), fc.constantFrom("007", "9223372036854775807", "9223372036854775808"));
const float = fc.oneof(
  rare(fc.constantFrom("1.5", ".5", "0.5", "1.", "10.", "1.5e3", "1.5E-3", ".5e3", "0.1e-5", "123456.5", "1000005.0", "1e3", "00.5", "1.5.2"),
    fc.constantFrom("2.2250738585072011e-308", "1.7976931348623159e308")),
  fc.double({ min: 1e-300, max: 1e30, noNaN: true }).map((d) => (String(d).includes(".") ? String(d) : `${d}.0`)),
);
const path_ = rare(
  fc.constantFrom("./a", "../b/c", "/abs/x", "a/b", "~/x", "./.", "../.", "/a/../b", "./a.nix", "x-y+z/w", "<nixpkgs>", "<nixpkgs/lib>",
    "https://example.org/a?b=c", "a:b", "mirror://gnu/x", "x:x"),
  fc.constantFrom("./a/", "a//b", "<a/b/>"),
);
const attrName = rare(fc.oneof(name, fc.constantFrom("or", '"if"', '"a b"', '""', '"let"', '"1a"', '"a.b"')), fc.constantFrom("if", "let", "in", "rec"));

type Levels = { expr: string; op: string; operand: string; app: string; select: string; simple: string; str: string; ind: string; attr: string; binds: string; letBinds: string };
const { expr: nixSource } = fc.letrec<Levels>((tie) => ({
  expr: fc.oneof(depth,
    tie("op"),
    fc.tuple(name, ws, tie("expr")).map(([n, w, e]) => join(n, ":", w, e)),
    fc.tuple(
      fc.uniqueArray(fc.tuple(name, fc.option(tie("expr"), { freq: 3 })), { maxLength: 3, selector: ([n]) => n }),
      fc.boolean(), fc.boolean(), fc.option(fc.tuple(fc.constantFrom("args", "self"), fc.boolean())), ws, tie("expr"),
    ).map(([fs, dots, comma, at, w, body]) => {
      const items = fs.map(([n, d]) => (d === null ? n : `${n} ? ${d}`));
      if (dots) items.push("...");
      const formals = `{ ${items.join(", ")}${comma && !dots && items.length > 0 ? "," : ""} }`;
      const head = at === null ? formals : at[1] ? `${at[0]}@${formals}` : `${formals} @ ${at[0]}`;
      return join(head, ":", w, body);
    }),
    fc.tuple(tie("letBinds"), ws, tie("expr")).map(([b, w, e]) => join("let ", b, w, "in ", e)),
    fc.tuple(fc.constantFrom("with", "assert"), tie("expr"), ws, tie("expr")).map(([k, a, w, b]) => join(k, " ", a, ";", w, b)),
    fc.tuple(tie("expr"), tie("expr"), tie("expr")).map(([c, t, e]) => `if ${c} then ${t} else ${e}`),
  ),
  op: fc.oneof(depth,
    tie("app"),
    fc.tuple(tie("operand"), ws, fc.constantFrom("==", "!=", "<", "<=", ">", ">=", "&&", "||", "->", "//", "+", "-", "*", "/", "++"), ws, tie("operand"))
      .map(([l, w1, o, w2, r]) => join(l, w1, o, w2, r)),
    fc.tuple(tie("operand"), ws, fc.array(tie("attr"), { minLength: 1, maxLength: 3 })).map(([l, w, p]) => join(l, w, "?", " ", p.join("."))),
    fc.tuple(fc.constantFrom("!", "-", "- ", "! "), tie("operand")).map(([o, e]) => o + e),
  ),
  // Chained comparisons are errors in Nix; bracketing most nested operators keeps them rare.
  operand: fc.oneof(depth, { arbitrary: tie("app"), weight: 3 }, { arbitrary: tie("op").map((e) => `(${e})`), weight: 2 }, { arbitrary: tie("op"), weight: 1 }),
  app: fc.oneof(depth,
    tie("select"),
    fc.tuple(tie("select"), fc.array(fc.tuple(ws, tie("select")), { minLength: 1, maxLength: 2 })).map(([f, as]) => f + as.map(([w, a]) => w + a).join("")),
  ),
  select: fc.oneof(depth,
    { arbitrary: tie("simple"), weight: 4 },
    { arbitrary: fc.tuple(tie("simple"), fc.array(tie("attr"), { minLength: 1, maxLength: 3 }), fc.option(tie("select")))
      .map(([e, p, d]) => `${e}.${p.join(".")}${d === null ? "" : ` or ${d}`}`), weight: 2 },
    { arbitrary: tie("simple").map((e) => `${e} or`), weight: 1 },
  ),
  simple: fc.oneof(depth,
    fc.oneof(name, name, name, int, float, path_, fc.constantFrom('"s"', "''i''", '"a\\nb"', "''\n  x\n''")),
    tie("str"), tie("ind"),
    tie("expr").map((e) => `(${e})`),
    fc.tuple(fc.constantFrom("{ ", "rec { ", "{"), tie("binds")).map(([o, b]) => `${o}${b} }`),
    tie("binds").map((b) => `let { ${b}body = 1; }`),
    fc.array(tie("select"), { maxLength: 3 }).map((xs) => `[ ${xs.join(" ")} ]`),
    fc.tuple(fc.constantFrom("./a/", "./", "a/b", "~/", "/x/", "./a"), tie("expr"), fc.constantFrom("", ".nix", "/c", "/${x}", "c/${y}d"))
      .map(([p, e, s]) => `${p}\${${e}}${s}`),
  ),
  str: fc.array(fc.oneof(depth, strPiece, tie("expr").map((e) => `\${${e}}`)), { maxLength: 5 }).map((ps) => `"${ps.join("")}"`),
  ind: fc.tuple(fc.constantFrom("''", "''\n", "''  \n", "'' "), fc.array(fc.oneof(depth, indPiece, tie("expr").map((e) => `\${${e}}`)), { maxLength: 8 }))
    .map(([o, ps]) => `${o}${ps.join("")}${ps.join("").endsWith("'") ? "z" : ""}''`), // a trailing ' would escape the closing ''
  attr: fc.oneof(depth, attrName, tie("str"), tie("expr").map((e) => `\${${e}}`)),
  binds: fc.array(fc.oneof(depth,
    fc.tuple(fc.array(tie("attr"), { minLength: 1, maxLength: 3 }), ws, tie("expr")).map(([p, w, e]) => `${p.join(".")} =${w}${e}; `),
    fc.tuple(fc.option(tie("expr"), { freq: 2 }), fc.array(fc.oneof(name, fc.constantFrom('"q"', "or")), { maxLength: 3 }))
      .map(([from, ns]) => `inherit ${from === null ? "" : `(${from}) `}${ns.join(" ")}; `),
  ), { maxLength: 3 }).map((bs) => bs.join("")),
  letBinds: fc.array(fc.tuple(fc.array(attrName, { minLength: 1, maxLength: 2 }), tie("expr")).map(([p, e]) => `${p.join(".")} = ${e}; `), { maxLength: 3 })
    .map((bs) => bs.join("")),
}));

// Character soup inside both kinds of string: escapes, `$`, quotes, CR, tabs
// and indentation in every combination the lexer and stripIndentation meet.
const soupChar = fc.constantFrom(" ", " ", "  ", "\n", "\n  ", "\n    ", "\t", "\r", "\r\n", "a", "b", "$", "{", "}", "'", "\\", '"', "é", "${x}", "${''y''}");
const stringSoup = fc.tuple(fc.boolean(), fc.constantFrom("''", "''\n", "''  \n", '"'), fc.array(soupChar, { maxLength: 14 }))
  .map(([twice, open, cs]) => {
    const body = cs.join("");
    const lit = open === '"'
      ? `"${body.replace(/\\$/, "\\\\").replace(/"/g, '\\"')}"`
      : `${open}${body}${body.endsWith("'") ? " " : ""}''`;
    return `with null; { a = ${lit}; ${twice ? `b = ${lit};` : ""} }`;
  });
// Fragments glued without spaces, for longest-match corners: `a/b`, `x:y`, `1.5e3`, `./.`, `<a>`, `-/`.
const tokenSoup = fc.array(fc.constantFrom("a", "b1", "or", "in", "1", "0", "5", ".", "/", ":", "+", "-", "_", "'", "~", "e", "E", "<", ">",
  "x-y", "./", "../", "//", "#c\n", "/**/", "\n", " ", "${x}", "''s''", '"s"', "...", "@", "?", "=", "!", ",", ";", "(", ")", "[", "]"),
{ minLength: 1, maxLength: 8 }).map((xs) => xs.join(""));

