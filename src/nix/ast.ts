// The Nix syntax tree. It keeps what was written (no desugaring: `a.b = 1` stays
// one binding with a two-element path, `x: y` keeps its formals in source order)
// so audit rules can point at source ranges; show.ts derives Nix's own desugared
// form from it. Parentheses leave no node. Offsets are UTF-16 code units into
// the source string; `end` is exclusive.

export interface Span {
  start: number;
  end: number;
}

export type Node =
  | IntNode | FloatNode | StringNode | PathNode | SearchPathNode | UriNode | VarNode
  | SelectNode | HasAttrNode | CallNode | LambdaNode | LetNode | LegacyLetNode
  | AttrSetNode | ListNode | WithNode | AssertNode | IfNode | UnaryNode | BinaryNode;

/** An integer literal; `raw` keeps the digits (int64 in Nix, may exceed 2^53 here). */
export interface IntNode extends Span { type: "Int"; raw: string; value: number }
export interface FloatNode extends Span { type: "Float"; raw: string; value: number }

/** A `"…"` or `''…''` string. Literal parts are decoded exactly as Nix would. */
export interface StringNode extends Span { type: "String"; indented: boolean; parts: StringPart[] }
export type StringPart = LiteralPart | Interpolation;
export interface LiteralPart extends Span { type: "Literal"; value: string }
/** `${expr}`; the span covers `${` to `}`. */
export interface Interpolation extends Span { type: "Interpolation"; expr: Node }

/**
 * A path literal: `./a`, `../a`, `/a`, `a/b`, `~/a`, or with interpolation
 * `./a/${b}.nix`. Literal parts are raw source text, one per Nix token (the
 * first is the whole leading path, e.g. `./a/`); they are not resolved.
 */
export interface PathNode extends Span { type: "Path"; parts: StringPart[] }
/** `<nixpkgs/lib>`; `path` is the text between the angle brackets. */
export interface SearchPathNode extends Span { type: "SearchPath"; path: string }
/** An unquoted URI such as `https://example.org/x`; Nix treats it as a string. */
export interface UriNode extends Span { type: "Uri"; value: string }
/** A variable reference; `__curPos` and the legacy `or` variable are Vars too. */
export interface VarNode extends Span { type: "Var"; name: string }

/**
 * One element of an attribute path. `name` is set when Nix sees a static name:
 * an identifier (`or` included), a string without interpolation, or `${e}` where
 * Nix folds `e` to a constant string. Otherwise `name` is null and `expr` is the
 * dynamic key. `expr` is also set for static names written as strings.
 */
export interface AttrName extends Span { type: "AttrName"; name: string | null; expr: Node | null }

export interface SelectNode extends Span { type: "Select"; expr: Node; path: AttrName[]; default: Node | null }
/** `expr ? a.b` */
export interface HasAttrNode extends Span { type: "HasAttr"; expr: Node; path: AttrName[] }
/** `fn a b c` — one node per juxtaposition chain (`(f a) b` nests). */
export interface CallNode extends Span { type: "Call"; fn: Node; args: Node[] }

export interface Ident extends Span { type: "Ident"; name: string }
export interface Formal extends Span { type: "Formal"; name: Ident; default: Node | null }
export interface Formals extends Span { entries: Formal[]; ellipsis: boolean }
/** `x: body`, `{ a, b ? 1, ... }: body`, `args@{ … }: body` or `{ … }@args: body`. */
export interface LambdaNode extends Span { type: "Lambda"; arg: Ident | null; formals: Formals | null; body: Node }

/** `path = value;` */
export interface Binding extends Span { type: "Binding"; path: AttrName[]; value: Node }
/** `inherit a b;` or `inherit (from) a b;` — names are always static. */
export interface Inherit extends Span { type: "Inherit"; from: Node | null; names: AttrName[] }
export type BindingLike = Binding | Inherit;

export interface LetNode extends Span { type: "Let"; bindings: BindingLike[]; body: Node }
/** `let { …; body = …; }`, which Nix reads as `(rec { … }).body`. */
export interface LegacyLetNode extends Span { type: "LegacyLet"; bindings: BindingLike[] }
export interface AttrSetNode extends Span { type: "AttrSet"; rec: boolean; bindings: BindingLike[] }
/** List elements are select-level expressions: `[ f x ]` has two items. */
export interface ListNode extends Span { type: "List"; items: Node[] }
export interface WithNode extends Span { type: "With"; env: Node; body: Node }
export interface AssertNode extends Span { type: "Assert"; cond: Node; body: Node }
export interface IfNode extends Span { type: "If"; cond: Node; consequent: Node; alternate: Node }
export interface UnaryNode extends Span { type: "Unary"; op: "!" | "-"; expr: Node }

export type BinaryOp = "==" | "!=" | "<" | "<=" | ">" | ">=" | "&&" | "||" | "->" | "//" | "+" | "-" | "*" | "/" | "++";
export interface BinaryNode extends Span { type: "Binary"; op: BinaryOp; left: Node; right: Node }

/** The decoded value of a string with no interpolation, else null. */
export function stringValue(node: StringNode): string | null {
  let out = "";
  for (const p of node.parts) {
    if (p.type === "Interpolation") return null;
    out += p.value;
  }
  return out;
}

/** The static names of an attribute path (`a."b".c` → ["a","b","c"]), or null if any is dynamic. */
export function attrPathNames(path: readonly AttrName[]): string[] | null {
  const out: string[] = [];
  for (const a of path) {
    if (a.name === null) return null;
    out.push(a.name);
  }
  return out;
}

/** Calls `fn` on each direct child expression, in source order. */
export function forEachChild(node: Node, fn: (child: Node) => void): void {
  const names = (path: readonly AttrName[]): void => { for (const a of path) if (a.expr) fn(a.expr); };
  const binds = (bs: readonly BindingLike[]): void => {
    for (const b of bs) {
      if (b.type === "Binding") { names(b.path); fn(b.value); } else { if (b.from) fn(b.from); names(b.names); }
    }
  };
  switch (node.type) {
    case "String": case "Path": for (const p of node.parts) if (p.type === "Interpolation") fn(p.expr); break;
    case "Select": fn(node.expr); names(node.path); if (node.default) fn(node.default); break;
    case "HasAttr": fn(node.expr); names(node.path); break;
    case "Call": fn(node.fn); for (const a of node.args) fn(a); break;
    case "Lambda":
      if (node.formals) for (const f of node.formals.entries) if (f.default) fn(f.default);
      fn(node.body); break;
    case "Let": binds(node.bindings); fn(node.body); break;
    case "LegacyLet": case "AttrSet": binds(node.bindings); break;
    case "List": for (const x of node.items) fn(x); break;
    case "With": fn(node.env); fn(node.body); break;
    case "Assert": fn(node.cond); fn(node.body); break;
    case "If": fn(node.cond); fn(node.consequent); fn(node.alternate); break;
    case "Unary": fn(node.expr); break;
    case "Binary": fn(node.left); fn(node.right); break;
    default: break;
  }
}

/**
 * Visits `root` and its descendants depth-first in source order with an
 * explicit stack (no recursion). Return false from `enter` to skip children.
 */
export function walk(root: Node, enter: (node: Node, parent: Node | null) => boolean | void): void {
  const nodes: Node[] = [root], parents: (Node | null)[] = [null], kids: Node[] = [];
  const collect = (c: Node): void => { kids.push(c); };
  while (nodes.length > 0) {
    const node = nodes.pop()!, parent = parents.pop()!;
    if (enter(node, parent) === false) continue;
    kids.length = 0;
    forEachChild(node, collect);
    for (let k = kids.length - 1; k >= 0; k--) { nodes.push(kids[k]!); parents.push(node); }
  }
}

/** 1-based line and column of an offset; CR, LF and CRLF end lines, as in Nix. The column counts UTF-16 code units (Nix counts bytes). */
export interface Position { line: number; column: number }

/** Maps offsets to positions; build once per source, then each lookup is a binary search. */
export class LineMap {
  private readonly lineStarts: number[] = [0];
  constructor(source: string) {
    for (let i = 0; i < source.length; i++) {
      const c = source.charCodeAt(i);
      if (c === 10 || (c === 13 && source.charCodeAt(i + 1) !== 10)) this.lineStarts.push(i + 1);
    }
  }
  position(offset: number): Position {
    const ls = this.lineStarts;
    let lo = 0, hi = ls.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ls[mid]! <= offset) lo = mid; else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - ls[lo]! + 1 };
  }
}
