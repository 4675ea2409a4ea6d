// The syntax tree as audit rules see it: bindings with attribute paths, decoded
// string parts, paths, calls; source positions; and the errors Nix raises.
import { describe, expect, it } from "vitest";
import {
  type AttrSetNode, type Binding, type CallNode, type LambdaNode, LineMap, type Node, NixParseError, type StringNode,
  attrPathNames, parse, stringValue, walk,
} from "../../src/nix/index.js";

const first = <T extends Node>(src: string, type: T["type"]): T => {
  let found: Node | undefined;
  walk(parse(src), (n) => { if (!found && n.type === type) found = n; });
  if (!found) throw new Error(`no ${type} in ${src}`);
  return found as T;
};
const bindings = (src: string): Binding[] => (parse(src) as AttrSetNode).bindings.filter((b): b is Binding => b.type === "Binding");

describe("attribute bindings", () => {
  it("keep the attribute path as written, with static names", () => {
    const src = '{ services.nginx."virtual hosts".${host}.sslKey = "/run/key"; ${"static"} = 1; or = 2; }';
    const [a, b, c] = bindings(src);
    expect(a!.path.map((p) => p.name)).toEqual(["services", "nginx", "virtual hosts", null, "sslKey"]);
    expect(attrPathNames(a!.path)).toBeNull();
    expect(a!.path[3]!.expr).toMatchObject({ type: "Var", name: "host" });
    expect(src.slice(a!.start, a!.end)).toBe('services.nginx."virtual hosts".${host}.sslKey = "/run/key";');
    expect(attrPathNames(b!.path)).toEqual(["static"]);
    expect(attrPathNames(c!.path)).toEqual(["or"]);
  });

  it("keep inherit with its source expression", () => {
    const set = parse("{ inherit a; inherit (pkgs.lib) mkIf \"mkDefault\"; }") as AttrSetNode;
    expect(set.bindings.map((b) => b.type)).toEqual(["Inherit", "Inherit"]);
    const [plain, from] = set.bindings;
    expect(plain).toMatchObject({ from: null, names: [{ name: "a" }] });
    expect(from).toMatchObject({ from: { type: "Select", path: [{ name: "lib" }] }, names: [{ name: "mkIf" }, { name: "mkDefault" }] });
  });

  it("distinguish rec sets, let, and the legacy let { }", () => {
    expect(parse("rec { a = 1; }")).toMatchObject({ type: "AttrSet", rec: true });
    expect(parse("let a = 1; in a")).toMatchObject({ type: "Let", bindings: [{ path: [{ name: "a" }] }], body: { type: "Var" } });
    expect(parse("let { body = 1; }")).toMatchObject({ type: "LegacyLet" });
  });
});

describe("strings", () => {
  it("decode literal parts and keep interpolations as expressions", () => {
    const s = first<StringNode>('"pass=${cfg.password}\\n"', "String");
    expect(s.parts).toMatchObject([
      { type: "Literal", value: "pass=" },
      { type: "Interpolation", expr: { type: "Select", path: [{ name: "password" }] } },
      { type: "Literal", value: "\n" },
    ]);
    expect(stringValue(s)).toBeNull();
  });

  it("strip indentation and decode escapes of indented strings as Nix does", () => {
    const src = "''\n    export TOKEN=''${TOKEN:-x}\n      it'''s ''\\t\n    ${cmd}\n  ''";
    const s = first<StringNode>(src, "String");
    expect(s.indented).toBe(true);
    expect(s.parts).toMatchObject([
      { type: "Literal", value: "export TOKEN=${TOKEN:-x}\n  it''s \t\n" },
      { type: "Interpolation", expr: { type: "Var", name: "cmd" } },
      { type: "Literal", value: "\n" },
    ]);
  });

  it("give the value of strings without interpolation", () => {
    expect(stringValue(first<StringNode>('"a\\"b"', "String"))).toBe('a"b');
    expect(stringValue(first<StringNode>("''\n  a\n    b\n''", "String"))).toBe("a\n  b\n");
    expect(stringValue(first<StringNode>("''\n\ttab\n  ''", "String"))).toBe("\ttab\n");
    expect(stringValue(first<StringNode>("''''", "String"))).toBe("");
  });
});

describe("paths, search paths, URIs", () => {
  it("keep path text raw, split at interpolations", () => {
    expect(parse("./secrets/key")).toMatchObject({ type: "Path", parts: [{ type: "Literal", value: "./secrets/key" }] });
    expect(parse("./keys/${host}.age")).toMatchObject({
      type: "Path", parts: [{ value: "./keys/" }, { type: "Interpolation", expr: { name: "host" } }, { value: ".age" }],
    });
    expect(parse("~/.ssh/id")).toMatchObject({ type: "Path", parts: [{ value: "~/.ssh/id" }] });
    expect(parse("<nixpkgs/lib>")).toMatchObject({ type: "SearchPath", path: "nixpkgs/lib" });
    expect(parse("https://x.org/a")).toMatchObject({ type: "Uri", value: "https://x.org/a" });
  });
});

describe("calls, lambdas, operators", () => {
  it("make one Call per juxtaposition chain", () => {
    const c = parse('pkgs.writeText "name" ./file') as CallNode;
    expect(c).toMatchObject({ type: "Call", fn: { type: "Select", expr: { name: "pkgs" }, path: [{ name: "writeText" }] } });
    expect(c.args.map((a) => a.type)).toEqual(["String", "Path"]);
    expect(parse("(f a) b")).toMatchObject({ fn: { type: "Call", args: [{ name: "a" }] }, args: [{ name: "b" }] });
  });

  it("keep the legacy `or` call and select defaults apart", () => {
    expect(parse("f or")).toMatchObject({ type: "Call", fn: { name: "f" }, args: [{ type: "Var", name: "or" }] });
    expect(parse("a.b or c")).toMatchObject({ type: "Select", default: { name: "c" } });
  });

  it("keep formals in source order with defaults, ellipsis and @ on either side", () => {
    const l = parse("args@{ pkgs, lib ? pkgs.lib, ... }: 1") as LambdaNode;
    expect(l.arg?.name).toBe("args");
    expect(l.formals?.ellipsis).toBe(true);
    expect(l.formals?.entries.map((f) => [f.name.name, f.default?.type ?? null])).toEqual([["pkgs", null], ["lib", "Select"]]);
    expect(parse("{ a }@b: a")).toMatchObject({ arg: { name: "b" }, formals: { entries: [{ name: { name: "a" } }] } });
    expect(parse("x: x")).toMatchObject({ arg: { name: "x" }, formals: null });
  });

  it("follow Nix's precedence and associativity", () => {
    const shape = (n: Node): unknown => {
      if (n.type === "Binary") return [n.op, shape(n.left), shape(n.right)];
      if (n.type === "Unary") return [n.op, shape(n.expr)];
      if (n.type === "HasAttr") return ["?", shape(n.expr), n.path.map((p) => p.name).join(".")];
      if (n.type === "Var") return n.name;
      return n.type;
    };
    expect(shape(parse("a -> b -> c"))).toEqual(["->", "a", ["->", "b", "c"]]);
    expect(shape(parse("a - b - c"))).toEqual(["-", ["-", "a", "b"], "c"]);
    expect(shape(parse("!a + b"))).toEqual(["!", ["+", "a", "b"]]);
    expect(shape(parse("!a == b"))).toEqual(["==", ["!", "a"], "b"]);
    expect(shape(parse("-a ? b.c"))).toEqual(["?", ["-", "a"], "b.c"]);
    expect(shape(parse("a // b ++ c + d * e"))).toEqual(["//", "a", ["+", ["++", "b", "c"], ["*", "d", "e"]]]);
    expect(shape(parse("a || b && c"))).toEqual(["||", "a", ["&&", "b", "c"]]);
    expect(shape(parse("a ? b ? c"))).toEqual(["?", ["?", "a", "b"], "c"]);
  });
});

describe("positions", () => {
  it("give exact spans and line/column through LineMap", () => {
    const src = 'let\r\n  x = "v";\n in x';
    const s = first<StringNode>(src, "String");
    expect(src.slice(s.start, s.end)).toBe('"v"');
    const lines = new LineMap(src);
    expect(lines.position(s.start)).toEqual({ line: 2, column: 7 });
    expect(lines.position(src.lastIndexOf("x"))).toEqual({ line: 3, column: 5 });
  });

  it("cover parentheses of operands, which leave no node of their own", () => {
    const text = (src: string): string => { const n = parse(src); return src.slice(n.start, n.end); };
    expect(text("(f x) y")).toBe("(f x) y");
    expect(text("(a) + (b)")).toBe("(a) + (b)");
    expect(text("(a) ++ (b) ++ (c)")).toBe("(a) ++ (b) ++ (c)");
    expect(text("x: (y)")).toBe("x: (y)");
    expect(text("((a)).b or (c)")).toBe("((a)).b or (c)");
    expect(text("(a)")).toBe("a");
    const inner = (parse("(a) ++ (b) ++ (c)") as { right: Node }).right;
    expect("(a) ++ (b) ++ (c)".slice(inner.start, inner.end)).toBe("(b) ++ (c)");
  });

  it("report comments through onComment", () => {
    const seen: string[] = [];
    const src = "{ a = 1; # nixsec:allow\n /* b */ }";
    parse(src, { onComment: (s, e) => seen.push(src.slice(s, e)) });
    expect(seen).toEqual(["# nixsec:allow", "/* b */"]);
  });
});

describe("errors", () => {
  const error = (src: string): NixParseError => {
    try {
      parse(src);
    } catch (e) {
      if (e instanceof NixParseError) return e;
      throw e;
    }
    throw new Error(`parsed: ${src}`);
  };

  it.each([
    ["{ a = 1; a = 2; }", /attribute 'a' already defined/],
    ["{ a.b = 1; a = 2; }", /attribute 'a' already defined/],
    ["{ a = { x.y = 1; }; a = { x.z = 2; }; }", /attribute 'x' already defined/],
    ["{ inherit a; a.b = 1; }", /attribute 'a.b' already defined/],
    ["{ a, b, a }: a", /duplicate formal function argument 'a'/],
    ["a@{ a }: a", /duplicate formal function argument 'a'/],
    ["let ${x} = 1; in 2", /dynamic attributes not allowed in let/],
    ["{ inherit ${x}; }", /dynamic attributes not allowed in inherit/],
    ["a == b == c", /unexpected '=='/],
    ["1 + if a then b else c", /unexpected 'if'/],
    ["[ 1 -1 ]", /unexpected '-'/],
    ["{ a }", /unexpected end of file, expecting ':' or '@'/],
    ["x@y: 1", /unexpected 'y', expecting '{'/],
    ["./a//b", /expecting '\$\{'/],
    ["./a/ ", /path has a trailing slash/],
    ["x |> f", /unexpected character "\|"/],
    ['"abc', /unterminated string/],
    ["9223372036854775808", /invalid integer/],
    ["(1", /unexpected end of file, expecting '\)'/],
  ])("%j", (src, message) => expect(error(src).message).toMatch(message));

  it("carry offset, line and column", () => {
    const e = error("{\n  a = 1;\n  b = ;\n}");
    expect(e).toMatchObject({ offset: 17, line: 3, column: 7, reason: "unexpected ';', expecting an expression" });
    expect(e.message).toBe("unexpected ';', expecting an expression at line 3, column 7");
  });

  it("accept what Nix merges", () => {
    expect(() => parse("{ a.b = 1; a.c = 2; a = { d = 3; }; e = { f = 1; }; e.g = 2; }")).not.toThrow();
    expect(() => parse("{ a = { x = 1; }; a = { y = 2; }; }")).not.toThrow();
  });
});
