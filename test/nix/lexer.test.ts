// Token tables: the longest-match decisions of Nix 2.8's lexer.l, string
// pieces and their values, and the ERROR tokens that stand in for throws.
import { describe, expect, it } from "vitest";
import { type Token, tokenize } from "../../src/nix/index.js";

const kinds = (src: string): string => tokenize(src).map((t) => t.kind).slice(0, -1).join(" ");
const texts = (src: string): string[] => tokenize(src).slice(0, -1).map((t) => src.slice(t.start, t.end));

describe("tokenize: longest match as in lexer.l", () => {
  it.each([
    ["a/b", "PATH PATH_END"],
    ["a / b", "ID SLASH ID"],
    ["a//b", "ID UPDATE ID"],
    ["x:y", "URI"],
    ["x: y", "ID COLON ID"],
    ["https://example.org/a?b=c", "URI"],
    ["1e3", "INT ID"],
    ["1.5e3", "FLOAT"],
    [".5", "FLOAT"],
    ["1.", "FLOAT"],
    ["00.5", "INT FLOAT"],
    ["1.5.2", "FLOAT FLOAT"],
    ["...", "ELLIPSIS"],
    ["./.", "PATH PATH_END"],
    ["../a", "PATH PATH_END"],
    ["1/2", "PATH PATH_END"],
    ["x.y/z", "PATH PATH_END"],
    ["a.b", "ID DOT ID"],
    ["~/x", "HPATH PATH_END"],
    ["<nixpkgs/lib>", "SPATH"],
    ["a<b", "ID LT ID"],
    ["a<=b", "ID LEQ ID"],
    ["a->b", "ID GT ID"], // `a-` is an identifier, as in Nix
    ["a -> b", "ID IMPL ID"],
    ["a-b", "ID"],
    ["a - b", "ID MINUS ID"],
    ["[1]++[2]", "LBRACK INT RBRACK CONCAT LBRACK INT RBRACK"],
    ["foo-bar'", "ID"],
    ["a''", "ID"],
    ["if iff in inherit or orx", "IF ID IN INHERIT OR_KW ID"],
    ["or/x", "PATH PATH_END"],
    ["!a != b == c && d || e", "NOT ID NEQ ID EQ ID AND ID OR ID"],
    ["{ a ? b, ... }@c:", "LBRACE ID QUESTION ID COMMA ELLIPSIS RBRACE AT ID COLON"],
    ["-./a", "PATH PATH_END"],
  ])("%j → %s", (src, expected) => expect(kinds(src)).toBe(expected));
});

describe("tokenize: paths with interpolation", () => {
  it("splits a path at ${…} as Nix does", () => {
    const src = "./a/${b}.nix";
    expect(kinds(src)).toBe("PATH DOLLAR_CURLY ID RBRACE PATH_STR PATH_END");
    expect(texts(src)).toEqual(["./a/", "${", "b", "}", ".nix", ""]);
  });
  it.each([
    ["./${b}", "PATH DOLLAR_CURLY ID RBRACE PATH_END"],
    ["~/${b}", "HPATH DOLLAR_CURLY ID RBRACE PATH_END"],
    ["./a${b}", "PATH DOLLAR_CURLY ID RBRACE PATH_END"],
    ["./a/${b}c//d", "PATH DOLLAR_CURLY ID RBRACE PATH_STR PATH_STR PATH_END"],
    ["./a/ x", "PATH ERROR ID"],
  ])("%j → %s", (src, expected) => expect(kinds(src)).toBe(expected));
});

describe("tokenize: strings", () => {
  const pieces = (src: string): [string, string | undefined][] => tokenize(src).filter((t) => t.value !== undefined && t.kind !== "ERROR").map((t) => [t.kind, t.value]);

  it("decodes \"…\" pieces like unescapeStr", () => {
    expect(pieces('"a\\nb\\t\\"\\\\\\$\\${x}$${y}\\q"')).toEqual([["STR", 'a\nb\t"\\$${x}$${y}q']]);
    expect(pieces('"cr\r\nlf\rx"')).toEqual([["STR", "cr\nlf\nx"]]);
    expect(pieces('"cost $"')).toEqual([["STR", "cost $"]]);
  });

  it("splits interpolations out of \"…\"", () => {
    expect(kinds('"a${b}c"')).toBe("STRING_OPEN STR DOLLAR_CURLY ID RBRACE STR STRING_CLOSE");
    expect(kinds('"${"${x}"}"')).toBe("STRING_OPEN DOLLAR_CURLY STRING_OPEN DOLLAR_CURLY ID RBRACE STRING_CLOSE RBRACE STRING_CLOSE");
  });

  it("keeps ''…'' runs raw and decodes each escape token", () => {
    expect(pieces("''a ''$ ''' ''\\n ''\\t $ ' $$ x''")).toEqual([
      ["IND_STR", "a "], ["IND_STR_ESC", "$"], ["IND_STR", " "], ["IND_STR_ESC", "''"], ["IND_STR", " "], ["IND_STR_ESC", "\n"],
      ["IND_STR", " "], ["IND_STR_ESC", "\t"], ["IND_STR", " $ ' $$ x"],
    ]);
    expect(pieces("''a'$b$'c''")).toEqual([["IND_STR", "a"], ["IND_STR_ESC", "'"], ["IND_STR", "$b"], ["IND_STR_ESC", "$"], ["IND_STR", "'c"]]);
  });

  it("lets the opening '' swallow trailing spaces and one newline", () => {
    const [open] = tokenize("''   \n  x''");
    expect(open).toMatchObject({ kind: "IND_STRING_OPEN", start: 0, end: 6 });
    expect(tokenize("''  x''")[0]).toMatchObject({ kind: "IND_STRING_OPEN", end: 2 });
  });

  it("does not take comment syntax inside strings", () => {
    expect(kinds('"# no /* no */"')).toBe("STRING_OPEN STR STRING_CLOSE");
  });
});

describe("tokenize: comments and whitespace", () => {
  it("skips comments unless asked for them", () => {
    const src = "a # one\r\n/* two */ b";
    expect(kinds(src)).toBe("ID ID");
    const toks = tokenize(src, { comments: true });
    expect(toks.map((t) => t.kind)).toEqual(["ID", "COMMENT", "COMMENT", "ID", "EOF"]);
    expect(src.slice(toks[1]!.start, toks[1]!.end)).toBe("# one");
  });
});

describe("tokenize: never throws, reports ERROR tokens", () => {
  const errors = (src: string): Token[] => tokenize(src).filter((t) => t.kind === "ERROR");
  it.each([
    ["x |> f", /unexpected character "\|"/],
    ["a $ b", /unexpected character "\$"/],
    ["café", /unexpected character "é"/],
    ["9223372036854775808", /invalid integer/],
    ["1.0e-310", /invalid float/],
    ["1.7976931348623159e308", /invalid float/],
    ['"abc', /unterminated string/],
    ["''abc", /unterminated string/],
    ["1 /* open", /unterminated comment/],
    ["./a/", /trailing slash/],
  ])("%j", (src, message) => {
    const errs = errors(src);
    expect(errs.length).toBeGreaterThan(0);
    expect(errs[0]!.value).toMatch(message);
  });

  it("accepts the largest int64 and the float range limits", () => {
    expect(errors("9223372036854775807 0009223372036854775807 2.2250738585072014e-308 0.0e-400")).toEqual([]);
  });

  it("keeps going after an error and ends with EOF", () => {
    expect(kinds("a | b")).toBe("ID ERROR ID");
    expect(tokenize("\u0000")[1]!.kind).toBe("EOF");
  });
});
