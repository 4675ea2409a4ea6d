// Just enough evaluation to follow a secret: `let` and `rec` bindings,
// `inherit`, string interpolation, `+`, selection from literal attribute sets,
// and the option wrappers (mkDefault, mkForce, mkIf, optionalString, …) that
// pass a value through. Everything else is a hole, rendered `${name}` so that
// detectors see "a value read at run time", never a guess. No function is
// applied: a secret passed as a lambda argument is not followed (documented
// limitation).
import type { AttrSetNode, BindingLike, Node, PathNode, StringNode } from "../nix/index.js";

/** A lexical scope: names bound by let / rec / inherit / lambda formals. */
export class Scope {
  private readonly vars = new Map<string, Entry>();
  /** For the scope of a `with E;` body: E, whose attributes are in scope after every lexical binding. */
  with: Entry | null = null;
  constructor(readonly parent: Scope | null) {}
  define(name: string, entry: Entry): void {
    this.vars.set(name, entry);
  }
  lookup(name: string): Entry | null {
    for (let s: Scope | null = this; s; s = s.parent) {
      const e = s.vars.get(name);
      if (e !== undefined) return e;
    }
    return null;
  }
}

/** The scope of the body of `with env; body`. */
export function withScope(env: Node, scope: Scope): Scope {
  const inner = new Scope(scope);
  inner.with = { node: env, scope };
  return inner;
}

/** A bound name: its expression and the scope it is evaluated in; `node: null` is unknown (a formal). */
export interface Entry {
  node: Node | null;
  scope: Scope;
}

/** Adds the bindings of a `let` or `rec { }` to a new child scope. */
export function bindingScope(bindings: readonly BindingLike[], parent: Scope): Scope {
  const scope = new Scope(parent);
  for (const b of bindings) {
    if (b.type === "Binding") {
      const first = b.path[0];
      if (b.path.length === 1 && first?.name) scope.define(first.name, { node: b.value, scope });
      else if (first?.name) scope.define(first.name, { node: null, scope }); // let a.b = …: not followed
    } else {
      for (const n of b.names) {
        if (!n.name) continue;
        if (b.from) scope.define(n.name, { node: { type: "Select", expr: b.from, path: [n], default: null, start: n.start, end: n.end }, scope: parent });
        else scope.define(n.name, parent.lookup(n.name) ?? { node: null, scope: parent });
      }
    }
  }
  return scope;
}

/** A piece of folded text and where it was written. */
export interface Piece {
  /** Offset of this piece in the folded text. */
  at: number;
  text: string;
  /** A literal string part (`lit`), or a hole for an expression that was not folded. */
  kind: "lit" | "hole";
  /** Source span: the literal part, or the interpolated expression. */
  start: number;
  end: number;
  /** For literal parts: whether the string is indented (`''…''`), for offset mapping. */
  indented: boolean;
  /** For holes: the expression is a path literal (its file is copied to the store). */
  path: boolean;
  /** For holes: the expression and its scope (secret-ref.ts asks whether it reads a secret's value). */
  node?: Node;
  scope?: Scope;
}

export interface Folded {
  text: string;
  pieces: Piece[];
  /** Every character comes from a literal. */
  literal: boolean;
}

const PASS_LAST = new Set([
  "mkDefault", "mkForce", "mkOverride", "mkBefore", "mkAfter", "mkOrder", "mkIf", "mkOptionDefault", "mkImageMediaOverride",
  "toString", "optionalString", "escapeShellArg", "stringAfter", "entryAfter", "entryBefore", "entryAnywhere", "entryBetween",
  "noDepEntry", "mkVMOverride", "readOnly", "mkDerivedConfig",
]);

/** The name a call is known by: the last segment of `lib.mkDefault` or `pkgs.writers.writeBash`. */
export function calleeName(fn: Node): string | null {
  if (fn.type === "Var") return fn.name;
  if (fn.type === "Select") {
    const last = fn.path[fn.path.length - 1];
    return last?.name ?? null;
  }
  return null;
}

/** The dotted path of a reference (`config.age.secrets.x.path`), following `let cfg = config.…`. */
export function refPath(node: Node, scope: Scope | null, depth = 0): string[] | null {
  if (depth > 20) return null;
  if (node.type === "Var") {
    const e = scope?.lookup(node.name);
    if (e?.node && (e.node.type === "Select" || e.node.type === "Var")) {
      const inner = refPath(e.node, e.scope, depth + 1);
      if (inner) return inner;
    }
    return [node.name];
  }
  if (node.type === "Select") {
    const base = refPath(node.expr, scope, depth + 1);
    if (!base) return null;
    const out = [...base];
    for (const a of node.path) out.push(a.name ?? "*");
    return out;
  }
  return null;
}

/** Short rendering of an expression for a hole: `${cfg.passwordFile}`, `${…}`. */
export function renderHole(node: Node, scope: Scope | null): string {
  if (node.type === "Path") return pathText(node);
  const p = node.type === "Var" || node.type === "Select" ? refPath(node, scope) : null;
  if (p) return "${" + p.join(".") + "}";
  if (node.type === "Call") {
    const n = calleeName(node.fn);
    return "${" + (n ?? "…") + " …}";
  }
  return "${…}";
}

/** The source-like text of a path literal (`./secrets/x`, `./a/${b}`). */
export function pathText(node: PathNode): string {
  let s = "";
  for (const p of node.parts) s += p.type === "Literal" ? p.value : "${…}";
  return s;
}

/** Looks up `names` in a literal attribute set, following nested sets and multi-segment bindings. */
export function selectFrom(set: AttrSetNode, names: readonly string[], scope: Scope): Entry | null {
  const inner = set.rec ? bindingScope(set.bindings, scope) : scope;
  for (const b of set.bindings) {
    if (b.type === "Inherit") {
      for (const n of b.names) {
        if (n.name !== names[0]) continue;
        if (names.length > 1) return null;
        if (b.from) return { node: { type: "Select", expr: b.from, path: [n], default: null, start: n.start, end: n.end }, scope: inner };
        return scope.lookup(n.name) ?? null;
      }
      continue;
    }
    const bp = b.path.map((a) => a.name);
    let k = 0;
    while (k < bp.length && k < names.length && bp[k] === names[k]) k++;
    if (k === 0) continue;
    if (k === names.length && k === bp.length) return { node: b.value, scope: inner };
    if (k === bp.length && b.value.type === "AttrSet") {
      const r = selectFrom(b.value, names.slice(k), inner);
      if (r) return r;
    }
  }
  return null;
}

/** Follows variables and selections to the expression they name (or null). */
export function resolve(node: Node, scope: Scope, depth = 0): Entry | null {
  if (depth > 30) return null;
  if (node.type === "Var") {
    const e = scope.lookup(node.name);
    if (!e || !e.node) return null;
    return resolve(e.node, e.scope, depth + 1) ?? e;
  }
  if (node.type === "Select") {
    const base = resolve(node.expr, scope, depth + 1);
    const names = node.path.map((a) => a.name);
    if (!base || names.some((n) => n === null) || !base.node || base.node.type !== "AttrSet") return null;
    const e = selectFrom(base.node, names as string[], base.scope);
    if (!e || !e.node) return null;
    return resolve(e.node, e.scope, depth + 1) ?? e;
  }
  if (node.type === "Let") return resolve(node.body, bindingScope(node.bindings, scope), depth + 1) ?? { node: node.body, scope: bindingScope(node.bindings, scope) };
  if (node.type === "With") { const inner = withScope(node.env, scope); return resolve(node.body, inner, depth + 1) ?? { node: node.body, scope: inner }; }
  return { node, scope };
}

// Steps left in the current top-level fold: `let a = b + b; b = c + c; …`
// would otherwise take 2^depth steps. Past the budget a value is a hole.
const FOLD_BUDGET = 20_000;
let foldSteps = 0;

/**
 * Folds an expression to a string with holes, or null when it is not a string
 * at all (a number, a set, a list, an unknown value). `depth` guards cycles;
 * a step budget per top-level call guards fan-out.
 */
export function fold(node: Node, scope: Scope, depth = 0): Folded | null {
  if (depth === 0) foldSteps = 0;
  if (depth > 30 || ++foldSteps > FOLD_BUDGET) return null;
  switch (node.type) {
    case "String":
      return foldString(node, scope, depth);
    case "Uri":
      return { text: node.value, literal: true, pieces: [{ at: 0, text: node.value, kind: "lit", start: node.start, end: node.end, indented: false, path: false }] };
    case "Var":
    case "Select": {
      const e = resolve(node, scope, depth + 1);
      if (!e || !e.node || e.node === node) return null;
      if (e.node.type === "Var" || e.node.type === "Select") return null;
      return fold(e.node, e.scope, depth + 1);
    }
    case "Let":
      return fold(node.body, bindingScope(node.bindings, scope), depth + 1);
    case "With":
      return fold(node.body, withScope(node.env, scope), depth + 1);
    case "Binary": {
      if (node.op !== "+") return null;
      const l = fold(node.left, scope, depth + 1) ?? hole(node.left, scope);
      const r = fold(node.right, scope, depth + 1) ?? hole(node.right, scope);
      if (!isStringy(node.left, l) && !isStringy(node.right, r)) return null;
      return concat([l, r]);
    }
    case "Call": {
      const name = calleeName(node.fn);
      if (name && PASS_LAST.has(name) && node.args.length > 0) return fold(node.args[node.args.length - 1]!, scope, depth + 1);
      if ((name === "concatStrings" || name === "concatStringsSep" || name === "concatLines") && node.args.length > 0) {
        const list = node.args[node.args.length - 1]!;
        const sep = name === "concatStringsSep" && node.args.length === 2 ? fold(node.args[0]!, scope, depth + 1) : null;
        if (list.type !== "List") return null;
        const parts: Folded[] = [];
        list.items.forEach((it, i) => {
          if (i > 0 && sep) parts.push(sep);
          parts.push(fold(it, scope, depth + 1) ?? hole(it, scope));
          if (name === "concatLines") parts.push({ text: "\n", literal: true, pieces: [] });
        });
        return concat(parts);
      }
      return null;
    }
    default:
      return null;
  }
}

function isStringy(node: Node, f: Folded): boolean {
  return node.type === "String" || f.pieces.some((p) => p.kind === "lit");
}

function foldString(node: StringNode, scope: Scope, depth: number): Folded {
  const parts: Folded[] = [];
  for (const p of node.parts) {
    if (p.type === "Literal") {
      parts.push({ text: p.value, literal: true, pieces: [{ at: 0, text: p.value, kind: "lit", start: p.start, end: p.end, indented: node.indented, path: false }] });
    } else {
      parts.push(fold(p.expr, scope, depth + 1) ?? hole(p.expr, scope));
    }
  }
  if (parts.length === 0) return { text: "", literal: true, pieces: [] };
  return concat(parts);
}

export function hole(node: Node, scope: Scope): Folded {
  const text = renderHole(node, scope);
  return { text, literal: false, pieces: [{ at: 0, text, kind: "hole", start: node.start, end: node.end, indented: false, path: node.type === "Path", node, scope }] };
}

export function concat(parts: readonly Folded[]): Folded {
  let text = "";
  let literal = true;
  const pieces: Piece[] = [];
  for (const f of parts) {
    for (const p of f.pieces) pieces.push({ ...p, at: p.at + text.length });
    text += f.text;
    literal &&= f.literal;
  }
  return { text, literal, pieces };
}

/** Whether the value is a path literal or a string that interpolates one (`"${./x}"`); returns that path node. */
export function pathLiteralOf(node: Node, scope: Scope, depth = 0): PathNode | null {
  if (depth > 30) return null;
  if (node.type === "Path") return node;
  if (node.type === "String") {
    for (const p of node.parts) if (p.type === "Interpolation") {
      const inner = pathLiteralOf(p.expr, scope, depth + 1);
      if (inner) return inner;
    }
    return null;
  }
  if (node.type === "Var" || node.type === "Select") {
    const e = resolve(node, scope, depth + 1);
    if (!e || !e.node || e.node === node || e.node.type === "Var" || e.node.type === "Select") return null;
    return pathLiteralOf(e.node, e.scope, depth + 1);
  }
  if (node.type === "Call") {
    const name = calleeName(node.fn);
    if (name && PASS_LAST.has(name) && name !== "toString" && node.args.length > 0) return pathLiteralOf(node.args[node.args.length - 1]!, scope, depth + 1);
    return null;
  }
  if (node.type === "Binary" && node.op === "+") return node.left.type === "Path" ? node.left : null;
  return null;
}

