// The --parse printer, as pure tables. Expected strings were recorded from
// `nix-instantiate --parse` (Nix 2.8) with the file in /base/dir and HOME=/home/u;
// the differential tests re-check the printer against Nix whenever it is installed.
import { describe, expect, it } from "vitest";
import { formatFloat, normalizeShowOrder, showId, showString } from "../../src/nix/show.js";
import { parse, showNix } from "../../src/nix/index.js";

const show = (src: string): string => showNix(parse(src), src, { basePath: "/base/dir", home: "/home/u" });

describe("showNix matches nix-instantiate --parse", () => {
  it.each([
    ["1", "1"],
    ["007", "7"],
    ["1.5e3", "1500"],
    [".5", "0.5"],
    ["123456.5", "123456"],
    ["1000005.0", "1e+06"],
    ["0.00001234", "1.234e-05"],
    ["1.0e21", "1e+21"],
    ["1e3", "(1 e3)"],
    ["\"q\\\"uote \\${notinterp} $${also} \\\\ end\"", "\"q\\\"uote \\${notinterp} \\$\\${also} \\\\ end\""],
    ["\"cost $\"", "\"cost \\$\""],
    ["\"\\n\\t\\r\"", "\"\\n\\t\\r\""],
    ["\"pässwörd✓\"", "\"pässwörd✓\""],
    ["''x ''${y} z''", "(\"x \" + \"\\$\" + \"{y} z\")"],
    ["''it'''s''", "(\"it\" + \"''\" + \"s\")"],
    ["''l1''\\nl2''\\t''", "(\"l1\" + \"\\n\" + \"l2\" + \"\\t\")"],
    ["''$${x}''", "\"\\$\\${x}\""],
    ["''\n    ${x}\n      indented\n  ''", "(\"\" + x + \"\\n  indented\\n\")"],
    ["''\n\ttab\n  ''", "\"\\ttab\\n\""],
    ["''${''nested''}''", "\"nested\""],
    ["\"${''x''}\"", "(\"x\")"],
    ["''''", "\"\""],
    ["'' ''", "\"\""],
    ["''a${b}c''", "(\"a\" + b + \"c\")"],
    ["{ a.b.c = 1; a.d = 2; }", "{ a = { b = { c = 1; }; d = 2; }; }"],
    ["{ \"foo.bar\".baz = 1; ${x} = 2; \"${y}z\" = 3; }", "{ \"foo.bar\" = { baz = 1; }; \"${x}\" = 2; \"${(y + \"z\")}\" = 3; }"],
    ["{ inherit (pkgs) foo bar; inherit baz; }", "{ bar = (pkgs).bar; inherit baz ; foo = (pkgs).foo; }"],
    ["rec { a = 1; b = a; }", "rec { a = 1; b = a; }"],
    ["let { body = 1; }", "(rec { body = 1; }).body"],
    ["{ a = { x = 1; }; a.y = 2; }", "{ a = { x = 1; y = 2; }; }"],
    ["{ \"if\" = 1; \"\" = 2; \"let\" = 3; \"1a\" = 4; }", "{ \"\" = 2; \"1a\" = 4; \"if\" = 1; let = 3; }"],
    ["let a = 1; in a", "(let a = 1; in a)"],
    ["let inherit (x) a; in a", "(let a = (x).a; in a)"],
    ["x: y: x + y", "(x: (y: (x + y)))"],
    ["{ a ? 1, ... }@args: args", "({ a ? 1, ... } @ args: args)"],
    ["args@{ a, b ? \"x\", }: a", "({ a, b ? \"x\" } @ args: a)"],
    ["{ }: 1", "({  }: 1)"],
    ["!x || y && z -> w", "(((! x) || (y && z)) -> w)"],
    ["[1] ++ [2]", "([ (1) ] ++ [ (2) ])"],
    ["{} // {}", "({ } // { })"],
    ["1 < 2", "(__lessThan 1 2)"],
    ["a <= b", "(! (__lessThan b a))"],
    ["a > b", "(__lessThan b a)"],
    ["a >= b", "(! (__lessThan a b))"],
    ["a == b", "(a == b)"],
    ["a != b", "(a != b)"],
    ["a - b * c / d", "(__sub a (__div (__mul b c) d))"],
    ["-1", "(__sub 0 1)"],
    ["- - a", "(__sub 0 (__sub 0 a))"],
    ["!a + b", "(! (a + b))"],
    ["-f x", "(__sub 0 (f x))"],
    ["x ? y", "((x) ? y)"],
    ["x ? \"y\".z", "((x) ? y.z)"],
    ["a ? b ? c", "((((a) ? b)) ? c)"],
    ["x.y or \"d\"", "(x).y or (\"d\")"],
    ["x.y.z or null", "(x).y.z or (null)"],
    ["a.${b}.c", "(a).\"${b}\".c"],
    ["f or", "(f or)"],
    ["x or y", "(x or y)"],
    ["a.b or c d", "((a).b or (c) d)"],
    ["f a b", "(f a b)"],
    ["(f a) b", "(f a b)"],
    ["(a - b) c", "(__sub a b c)"],
    ["<nixpkgs> {}", "(__findFile __nixPath \"nixpkgs\" { })"],
    ["import ./x.nix { inherit pkgs; }", "(import /base/dir/x.nix { inherit pkgs ; })"],
    ["./foo/${b}.nix", "(/base/dir/foo/ + b + \".nix\")"],
    ["~/x", "/home/u/x"],
    ["<nixpkgs/lib>", "(__findFile __nixPath \"nixpkgs/lib\")"],
    ["/etc/passwd", "/etc/passwd"],
    ["./.", "/base/dir"],
    ["../a/b", "/base/a/b"],
    ["./a${b}", "(/base/dir/a + b)"],
    ["https://example.org/a?b=c", "\"https://example.org/a?b=c\""],
    ["assert a; b", "assert a; b"],
    ["with a; b", "(with a; b)"],
    ["if a then b else c", "(if a then b else c)"],
    ["__curPos", "__curPos"],
    ["[ \"x\" ./y (z) (-1) ]", "[ (\"x\") (/base/dir/y) (z) ((__sub 0 1)) ]"],  ])("%s", (src, expected) => {
    expect(normalizeShowOrder(show(src))).toBe(normalizeShowOrder(expected));
  });
});

describe("formatFloat (C++ ostream, %g with 6 digits)", () => {
  it.each([
    [1500, "1500"], [0.5, "0.5"], [123456.5, "123456"], [123457.5, "123458"], [1000005, "1e+06"], [1000000, "1e+06"],
    [100000, "100000"], [0.0001, "0.0001"], [0.00001234, "1.234e-05"], [1e21, "1e+21"], [3.14159265, "3.14159"],
    [2.2250738585072014e-308, "2.22507e-308"], [1.7976931348623157e308, "1.79769e+308"], [999999.5, "1e+06"], [0.1, "0.1"],
    [1 / 3, "0.333333"], [5e-324, "4.94066e-324"], [0, "0"], [-2.5, "-2.5"], [1e100, "1e+100"],
  ])("%d → %s", (x, s) => expect(formatFloat(x)).toBe(s));
});

describe("showId and showString", () => {
  it.each([["a", "a"], ["foo-bar'", "foo-bar'"], ["_x", "_x"], ["", '""'], ["if", '"if"'], ["let", "let"], ["1a", '"1a"'], ["a.b", '"a.b"'], ["é", '"é"']])(
    "showId(%j) = %s", (id, s) => expect(showId(id)).toBe(s));
  it("escapes what Nix escapes, and nothing else", () => {
    expect(showString('"\\$\n\r\t\u0001é')).toBe('"\\"\\\\\\$\\n\\r\\t\u0001é"');
  });
});

describe("normalizeShowOrder", () => {
  it("sorts formals (keeping ... last) and let bindings, and leaves attribute sets alone", () => {
    expect(normalizeShowOrder("({ y, x ? \"a, b\", ... } @ args: (let b = 1; a = { z = 1; y = 2; }; in a))"))
      .toBe("({ x ? \"a, b\", y, ... } @ args: (let a = { z = 1; y = 2; }; b = 1; in a))");
  });
  it("keeps assert bodies inside their binding", () => {
    expect(normalizeShowOrder("(let z = assert a; b; a = 1; in z)")).toBe("(let a = 1; z = assert a; b; in z)");
  });
  it("looks inside dynamic attribute names and strings", () => {
    expect(normalizeShowOrder('{ "${(let b = 1; a = 2; in a)}" = "(let in"; }')).toBe('{ "${(let a = 2; b = 1; in a)}" = "(let in"; }');
  });
});
