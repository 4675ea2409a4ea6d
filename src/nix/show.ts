// Prints a parsed expression the way `nix-instantiate --parse` (Nix 2.8) does,
// so the parser can be tested differentially against Nix itself. That output is
// Nix's desugared AST (nixexpr.cc, `show` methods): operators become builtin
// calls (`a < b` is `(__lessThan a b)`), attribute paths become nested sets,
// strings are decoded and re-escaped, paths are made absolute. We desugar into
// a small IR mirroring Nix's Expr classes, then print it.
import type { AttrName, BindingLike, Node, StringNode } from "./ast.js";
import { NixParseError } from "./parser.js";
import { indentedItems, type IndentedItem, stripIndentation } from "./lexer.js";

export interface ShowOptions {
  /** Directory that relative paths resolve against (Nix: the file's directory). */
  basePath: string;
  /** `$HOME`, for `~/…` paths. */
  home: string;
}

type A = { name: string; expr: null } | { name: null; expr: E };
interface Def { e: E; inherited: boolean }
interface Attrs { k: "attrs"; rec: boolean; attrs: Map<string, Def>; dyn: { name: E; value: E }[] }
type E =
  | { k: "int"; v: bigint } | { k: "float"; v: number } | { k: "str"; s: string } | { k: "path"; s: string }
  | { k: "var"; name: string } | { k: "select"; e: E; path: A[]; def: E | null } | { k: "has"; e: E; path: A[] }
  | Attrs | { k: "list"; elems: E[] } | { k: "call"; fn: E; args: E[] }
  | { k: "lambda"; arg: string | null; formals: { names: [string, E | null][]; ellipsis: boolean } | null; body: E }
  | { k: "let"; attrs: Attrs; body: E } | { k: "with"; env: E; body: E } | { k: "if"; c: E; t: E; e: E }
  | { k: "assert"; c: E; body: E } | { k: "not"; e: E } | { k: "bin"; op: string; l: E; r: E } | { k: "concat"; es: E[] };

/** `nix-instantiate --parse` output for `node` (parsed from `source`), without the newline. */
export function showNix(node: Node, source: string, options: ShowOptions): string {
  return show(new Desugar(source, options).expr(node));
}

const v = (name: string): E => ({ k: "var", name });
const call = (fn: string, ...args: E[]): E => ({ k: "call", fn: v(fn), args });

class Desugar {
  constructor(private readonly src: string, private readonly opts: ShowOptions) {}

  expr(n: Node): E {
    switch (n.type) {
      case "Int": return { k: "int", v: BigInt(n.raw) };
      case "Float": return { k: "float", v: n.value };
      case "String": return n.indented ? this.indented(n) : this.plain(n);
      case "Path": {
        const first = n.parts[0]!;
        const p: E = { k: "path", s: this.resolvePath(first.type === "Literal" ? first.value : "") };
        if (n.parts.length === 1) return p;
        return { k: "concat", es: [p, ...n.parts.slice(1).map((q) => (q.type === "Literal" ? str(q.value) : this.expr(q.expr)))] };
      }
      case "SearchPath": return call("__findFile", v("__nixPath"), str(n.path));
      case "Uri": return str(n.value);
      case "Var": return v(n.name);
      case "Select": return { k: "select", e: this.expr(n.expr), path: this.path(n.path), def: n.default ? this.expr(n.default) : null };
      case "HasAttr": return { k: "has", e: this.expr(n.expr), path: this.path(n.path) };
      case "Call": {
        // The legacy `f or` rule always makes a new call; juxtaposition (expr_app)
        // appends to an existing ExprCall, even through parentheses.
        const a0 = n.args[0]!;
        if (n.args.length === 1 && a0.type === "Var" && a0.name === "or") return { k: "call", fn: this.expr(n.fn), args: [v("or")] };
        let f = this.expr(n.fn);
        for (const a of n.args) {
          if (f.k === "call") f.args.push(this.expr(a));
          else f = { k: "call", fn: f, args: [this.expr(a)] };
        }
        return f;
      }
      case "Lambda": return {
        k: "lambda", arg: n.arg?.name ?? null, body: this.expr(n.body),
        formals: n.formals && { names: n.formals.entries.map((f) => [f.name.name, f.default && this.expr(f.default)]), ellipsis: n.formals.ellipsis },
      };
      case "Let": return { k: "let", attrs: this.attrs(n.bindings, false), body: this.expr(n.body) };
      case "LegacyLet": return { k: "select", e: this.attrs(n.bindings, true), path: [{ name: "body", expr: null }], def: null };
      case "AttrSet": return this.attrs(n.bindings, n.rec);
      case "List": return { k: "list", elems: n.items.map((x) => this.expr(x)) };
      case "With": return { k: "with", env: this.expr(n.env), body: this.expr(n.body) };
      case "Assert": return { k: "assert", c: this.expr(n.cond), body: this.expr(n.body) };
      case "If": return { k: "if", c: this.expr(n.cond), t: this.expr(n.consequent), e: this.expr(n.alternate) };
      case "Unary": return n.op === "!" ? { k: "not", e: this.expr(n.expr) } : call("__sub", { k: "int", v: 0n }, this.expr(n.expr));
      case "Binary": {
        const l = this.expr(n.left), r = this.expr(n.right);
        switch (n.op) {
          case "<": return call("__lessThan", l, r);
          case ">": return call("__lessThan", r, l);
          case "<=": return { k: "not", e: call("__lessThan", r, l) };
          case ">=": return { k: "not", e: call("__lessThan", l, r) };
          case "-": return call("__sub", l, r);
          case "*": return call("__mul", l, r);
          case "/": return call("__div", l, r);
          case "+": return { k: "concat", es: [l, r] };
          default: return { k: "bin", op: n.op, l, r };
        }
      }
    }
  }

  private plain(n: StringNode): E {
    if (n.parts.length === 0) return str("");
    const only = n.parts[0]!;
    if (n.parts.length === 1 && only.type === "Literal") return str(only.value);
    return { k: "concat", es: n.parts.map((p) => (p.type === "Literal" ? str(p.value) : this.expr(p.expr))) };
  }

  // Nix keeps one ExprString per token of an indented string, so re-lex the
  // literal stretches between interpolations and strip them token by token.
  private indented(n: StringNode): E {
    const src = this.src;
    let at = n.start + 2;
    let j = at;
    while (src.charCodeAt(j) === 32) j++;
    if (src.charCodeAt(j) === 10) at = j + 1;
    const items: (IndentedItem | null)[] = [];
    const exprs: Node[] = [];
    for (const p of n.parts) {
      if (p.type !== "Interpolation") continue;
      items.push(...indentedItems(src, at, p.start), null);
      exprs.push(p.expr);
      at = p.end;
    }
    items.push(...indentedItems(src, at, n.end - 2));
    if (items.length === 0) return str("");
    let k = 0;
    const es = stripIndentation(items).map((s) => (s === null ? this.expr(exprs[k++]!) : str(s)));
    return es.length === 1 && es[0]!.k === "str" ? es[0]! : { k: "concat", es };
  }

  private resolvePath(raw: string): string {
    if (raw.startsWith("~")) return this.opts.home + raw.slice(1);
    let p = canonPath(raw.startsWith("/") ? raw : `${this.opts.basePath}/${raw}`);
    if (raw.endsWith("/") && raw.length > 1) p += "/";
    return p;
  }

  private path(path: readonly AttrName[]): A[] {
    return path.map((a) => (a.name !== null ? { name: a.name, expr: null } : { name: null, expr: this.expr(a.expr!) }));
  }

  // parser.y's addAttr: attribute paths build nested sets, merging into
  // earlier ones; a repeated name is an error unless both sides are sets.
  private attrs(bindings: readonly BindingLike[], rec: boolean): Attrs {
    const top: Attrs = { k: "attrs", rec, attrs: new Map(), dyn: [] };
    const dup = (what: string, at: number): never => { throw new NixParseError(`attribute '${what}' already defined`, this.src, at); };
    for (const b of bindings) {
      if (b.type === "Inherit") {
        const from = b.from && this.expr(b.from);
        for (const a of b.names) {
          if (top.attrs.has(a.name!)) dup(a.name!, a.start);
          top.attrs.set(a.name!, from ? { e: { k: "select", e: from, path: [{ name: a.name!, expr: null }], def: null }, inherited: false } : { e: v(a.name!), inherited: true });
        }
        continue;
      }
      const path = this.path(b.path);
      let cur = top;
      for (const a of path.slice(0, -1)) {
        const nested: Attrs = { k: "attrs", rec: false, attrs: new Map(), dyn: [] };
        if (a.name === null) { cur.dyn.push({ name: a.expr, value: nested }); cur = nested; continue; }
        const j = cur.attrs.get(a.name);
        if (!j) { cur.attrs.set(a.name, { e: nested, inherited: false }); cur = nested; continue; }
        if (j.inherited || j.e.k !== "attrs") dup(a.name, b.start);
        cur = j.e as Attrs;
      }
      const last = path[path.length - 1]!, value = this.expr(b.value);
      if (last.name === null) { cur.dyn.push({ name: last.expr, value }); continue; }
      const j = cur.attrs.get(last.name);
      if (!j) { cur.attrs.set(last.name, { e: value, inherited: false }); continue; }
      if (j.inherited || j.e.k !== "attrs" || value.k !== "attrs") dup(last.name, b.start);
      const into = j.e as Attrs;
      for (const [name, d] of (value as Attrs).attrs) {
        if (into.attrs.has(name)) dup(name, b.start);
        into.attrs.set(name, d);
      }
    }
    return top;
  }
}

const str = (s: string): E => ({ k: "str", s });

/** Nix's canonPath without symlink resolution: drops `.`, `..` and repeated or trailing slashes. */
export function canonPath(path: string): string {
  const out: string[] = [];
  for (const seg of path.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") out.pop();
    else out.push(seg);
  }
  return `/${out.join("/")}`;
}

function show(e: E): string {
  switch (e.k) {
    case "int": return e.v.toString();
    case "float": return formatFloat(e.v);
    case "str": return showString(e.s);
    case "path": return e.s;
    case "var": return showId(e.name);
    case "select": return `(${show(e.e)}).${showPath(e.path)}${e.def ? ` or (${show(e.def)})` : ""}`;
    case "has": return `((${show(e.e)}) ? ${showPath(e.path)})`;
    case "attrs": {
      const names = [...e.attrs.keys()].sort(compareBytes);
      let out = e.rec ? "rec { " : "{ ";
      for (const name of names) {
        const d = e.attrs.get(name)!;
        out += d.inherited ? `inherit ${showId(name)} ; ` : `${showId(name)} = ${show(d.e)}; `;
      }
      for (const d of e.dyn) out += `"\${${show(d.name)}}" = ${show(d.value)}; `;
      return `${out}}`;
    }
    case "list": return `[ ${e.elems.map((x) => `(${show(x)}) `).join("")}]`;
    case "call": return `(${show(e.fn)}${e.args.map((a) => ` ${show(a)}`).join("")})`;
    case "lambda": {
      let out = "(";
      if (e.formals) {
        const fs = e.formals.names.map(([n, d]) => (d ? `${showId(n)} ? ${show(d)}` : showId(n)));
        if (e.formals.ellipsis) fs.push("...");
        out += `{ ${fs.join(", ")} }${e.arg ? " @ " : ""}`;
      }
      return `${out}${e.arg ? showId(e.arg) : ""}: ${show(e.body)})`;
    }
    case "let": {
      let out = "(let ";
      for (const [name, d] of e.attrs.attrs) out += d.inherited ? `inherit ${showId(name)}; ` : `${showId(name)} = ${show(d.e)}; `;
      return `${out}in ${show(e.body)})`;
    }
    case "with": return `(with ${show(e.env)}; ${show(e.body)})`;
    case "if": return `(if ${show(e.c)} then ${show(e.t)} else ${show(e.e)})`;
    case "assert": return `assert ${show(e.c)}; ${show(e.body)}`;
    case "not": return `(! ${show(e.e)})`;
    case "bin": return `(${show(e.l)} ${e.op} ${show(e.r)})`;
    case "concat": return `(${e.es.map(show).join(" + ")})`;
  }
}

function showPath(path: readonly A[]): string {
  return path.map((a) => (a.name !== null ? showId(a.name) : `"\${${show(a.expr)}}"`)).join(".");
}

/** nixexpr.cc showString: escapes `"`, `\`, `$`, newline, CR and tab. */
export function showString(s: string): string {
  return `"${s.replace(/["\\$\n\r\t]/g, (c) => (c === "\n" ? "\\n" : c === "\r" ? "\\r" : c === "\t" ? "\\t" : `\\${c}`))}"`;
}

/** nixexpr.cc showId: bare when it looks like an identifier (only `if` is special-cased). */
export function showId(s: string): string {
  if (s === "") return '""';
  if (s === "if") return '"if"';
  return /^[a-zA-Z_][a-zA-Z0-9_'-]*$/.test(s) ? s : showString(s);
}

// std::string's operator< compares bytes; UTF-8 byte order is code point order.
function compareBytes(a: string, b: string): number {
  const x = [...a], y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/**
 * C++ `ostream << double` with default settings: printf `%g`, 6 significant
 * digits, ties to even on the exact binary value (glibc).
 */
export function formatFloat(x: number): string {
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const neg = x < 0;
  // Exact decimal digits of |x| = m * 2^e.
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const hi = view.getUint32(0), lo = view.getUint32(4);
  const bexp = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e = bexp - 1075;
  if (bexp === 0) e = -1074; else m |= 1n << 52n;
  let digits: string, pointExp: number; // value = 0.digits... handled via sci exponent below
  if (e >= 0) { digits = (m << BigInt(e)).toString(); pointExp = 0; } else { digits = (m * 5n ** BigInt(-e)).toString(); pointExp = e; }
  let sci = digits.length - 1 + pointExp;
  let keep = digits.slice(0, 6).padEnd(6, "0");
  const rest = digits.slice(6);
  if (rest.length > 0) {
    const first = rest.charCodeAt(0) - 48, tail = /[1-9]/.test(rest.slice(1));
    const up = first > 5 || (first === 5 && (tail || (keep.charCodeAt(5) - 48) % 2 === 1));
    if (up) {
      const r = (BigInt(keep) + 1n).toString();
      if (r.length > 6) { sci++; keep = r.slice(0, 6); } else keep = r;
    }
  }
  let out: string;
  if (sci < -4 || sci >= 6) {
    const mant = `${keep[0]}.${keep.slice(1)}`.replace(/\.?0+$/, "");
    out = `${mant}e${sci < 0 ? "-" : "+"}${String(Math.abs(sci)).padStart(2, "0")}`;
  } else if (sci >= 0) {
    const frac = keep.slice(sci + 1).replace(/0+$/, "");
    out = keep.slice(0, sci + 1) + (frac ? `.${frac}` : "");
  } else {
    out = `0.${"0".repeat(-sci - 1)}${keep}`.replace(/0+$/, "");
  }
  return neg ? `-${out}` : out;
}

// ---------------------------------------------------------------------------
// Nix 2.8 prints lambda formals and `let` bindings in the order of their
// symbols' heap addresses (Symbol::operator< compares pointers), which no other
// program can reproduce. To compare two printouts, sort those two lists in
// both; attribute sets are already printed sorted by name.

type Piece = string | Group;
interface Group { open: string; close: string; items: Piece[] }

/** Sorts formals and `let` bindings in `--parse` output so that printouts compare as strings. */
export function normalizeShowOrder(text: string): string {
  const root: Group = { open: "", close: "", items: [] };
  const stack: Group[] = [root];
  let i = 0, plain = 0;
  const top = (): Group => stack[stack.length - 1]!;
  const flush = (to: number): void => { if (to > plain) top().items.push(text.slice(plain, to)); };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"' && text.startsWith("${", i + 1)) {
      flush(i);
      const g: Group = { open: '"${', close: '}"', items: [] };
      top().items.push(g); stack.push(g); i += 3; plain = i;
    } else if (c === '"') {
      flush(i);
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      top().items.push({ open: text.slice(i, j + 1), close: "", items: [] });
      i = j + 1; plain = i;
    } else if (c === "(" || c === "{" || c === "[") {
      flush(i);
      const g: Group = { open: c, close: c === "(" ? ")" : c === "{" ? "}" : "]", items: [] };
      top().items.push(g); stack.push(g); i++; plain = i;
    } else if ((c === ")" || c === "}" || c === "]") && stack.length > 1) {
      flush(i);
      const g = stack.pop()!;
      i += g.close.length; plain = i;
    } else i++;
  }
  flush(text.length);
  return render(root);
}

function render(g: Group, formals = false): string {
  // Nested groups and strings become placeholders, so separators are only seen at this level.
  const inner: string[] = [];
  let flat = "";
  g.items.forEach((p, k) => {
    if (typeof p === "string") { flat += p; return; }
    const next = g.items[k + 1];
    inner.push(render(p, p.open === "{" && typeof next === "string" && (next.startsWith(":") || next.startsWith(" @ "))));
    flat += `\u0001${inner.length - 1}\u0002`;
  });
  const expand = (t: string): string => t.replace(/\u0001(\d+)\u0002/g, (_, n: string) => inner[Number(n)]!);
  if (formals && flat.trim() !== "") flat = ` ${sortItems(flat.slice(1, -1).split(", "), expand).join(", ")} `;
  else if (g.open === "(" && flat.startsWith("let ")) flat = sortLet(flat, expand);
  return g.open + expand(flat) + g.close;
}

/** Sorts by expanded text; a trailing `...` stays last. */
function sortItems(items: string[], expand: (t: string) => string): string[] {
  const dots = items[items.length - 1] === "..." ? items.pop() : undefined;
  const keyed = items.map((t) => [expand(t), t] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, t]) => t);
  return dots ? [...keyed, dots] : keyed;
}

function sortLet(flat: string, expand: (t: string) => string): string {
  // A binding ends at the "; " that is followed by the next binding or `in`
  // (an `assert c; e` value has a "; " of its own).
  const items: string[] = [];
  let rest = flat.slice(4);
  const next = /; (?=inherit |in |(?:[a-zA-Z_][a-zA-Z0-9_'-]*|\u0001\d+\u0002) = )/g;
  while (!rest.startsWith("in ")) {
    next.lastIndex = 0;
    const m = next.exec(rest);
    if (!m) return flat;
    items.push(rest.slice(0, m.index + 1));
    rest = rest.slice(m.index + 2);
  }
  return `let ${sortItems(items, expand).map((t) => `${t} `).join("")}${rest}`;
}
