// A small evaluator for the Nix that agenix rules files are written in,
// used when nix-instantiate is not installed (or `--no-eval`). It evaluates
// exactly these shapes and refuses anything else, naming the line:
//
//   - literals: strings (interpolating strings), integers, true/false/null,
//     lists, attribute sets (`rec` too; nested paths `"x.age".publicKeys`,
//     `inherit a;`, `inherit (keys) a;`), `let … in`, `with set; …`
//   - variables bound by those, attribute selection `keys.alice` (with `or`)
//   - `++` on lists, `+` on strings and numbers, `//` on sets
//   - builtins.attrValues, builtins.attrNames, builtins.concatLists
//
// No function calls, imports or file reads: a rules file that needs them
// needs Nix (`import ./keys.nix` is the usual one). Evaluation is lazy, as
// Nix's is: an attribute nobody asks for is never evaluated, so an
// unsupported expression there is no error. Hand-written because no npm
// package evaluates Nix without Nix.
import { NixsecError } from "../errors.js";
import { LineMap, parse, stringValue, type BindingLike, type Node } from "../nix/index.js";

export type NixValue = string | number | boolean | null | Thunk[] | NixSet;
export interface NixSet { readonly set: Map<string, Thunk> }

type Scope = { vars: Map<string, Thunk>; parent: Scope | null } | { with: Thunk; parent: Scope | null };

export class Thunk {
  private value: NixValue | undefined;
  private busy = false;
  constructor(private readonly ev: Evaluator, readonly node: Node | null, private readonly scope: Scope | null, value?: NixValue) {
    this.value = value;
  }
  force(): NixValue {
    if (this.value !== undefined) return this.value;
    if (this.busy) throw this.ev.fail(this.node!, "infinite recursion");
    this.busy = true;
    try {
      this.value = this.ev.eval(this.node!, this.scope);
      return this.value;
    } finally {
      this.busy = false;
    }
  }
}

const MAX_STEPS = 1_000_000;
const MAX_LIST = 100_000;

export function isSet(v: NixValue): v is NixSet {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Evaluates one file's expressions; errors name `file:line:column`. */
export class Evaluator {
  private steps = 0;
  private readonly lines: LineMap;
  constructor(readonly source: string, readonly file: string) {
    this.lines = new LineMap(source);
  }

  fail(node: { start: number }, what: string): NixsecError {
    const { line, column } = this.lines.position(node.start);
    return new NixsecError(`${this.file}:${line}:${column}: ${what}`, {
      hint: "nixsec reads rules files without Nix only in simple shapes (strings, lists, sets, let, ++); install Nix (nix-instantiate) to evaluate this one",
    });
  }

  /** The value of the whole file. */
  root(): Thunk {
    let tree: Node;
    try {
      tree = parse(this.source);
    } catch (err) {
      throw new NixsecError(`${this.file}: not valid Nix: ${(err as Error).message}`, { hint: "fix the syntax (nix-instantiate --parse shows where)" });
    }
    return new Thunk(this, tree, null);
  }

  /**
   * The names bound by the `let`s that wrap the file's value (`let a = …; in
   * let b = …; in { … }`), with their thunks, in source order.
   */
  letBindings(root: Thunk): Array<{ name: string; thunk: Thunk }> {
    const out: Array<{ name: string; thunk: Thunk }> = [];
    let node = root.node;
    let scope: Scope | null = null;
    while (node?.type === "Let") {
      const vars = new Map<string, Thunk>();
      const inner: Scope = { vars, parent: scope };
      try {
        this.bindAll(node.bindings, inner, vars, scope);
      } catch {
        return out; // a shape the fallback cannot bind: no names from here on
      }
      for (const [name, thunk] of vars) out.push({ name, thunk });
      scope = inner;
      node = node.body;
    }
    return out;
  }

  private lookup(name: string, scope: Scope | null, node: Node): Thunk {
    const withs: Thunk[] = [];
    for (let s = scope; s; s = s.parent) {
      if ("vars" in s) {
        const t = s.vars.get(name);
        if (t) return t;
      } else withs.push(s.with);
    }
    // `with` scopes are searched after every lexical one, innermost first (as Nix does).
    for (const w of withs) {
      const v = w.force();
      if (!isSet(v)) throw this.fail(node, "`with` needs an attribute set");
      const t = v.set.get(name);
      if (t) return t;
    }
    const builtin = BUILTIN_VALUES[name];
    if (builtin !== undefined) return new Thunk(this, null, null, builtin);
    if (name === "builtins") return new Thunk(this, null, null, { set: new Map(Object.keys(BUILTINS).map((b) => [b, new Thunk(this, null, null, { set: new Map([["__builtin", new Thunk(this, null, null, b)]]) })])) });
    if (NIX_GLOBALS.has(name)) throw this.fail(node, `\`${name}\` is beyond what nixsec evaluates without Nix`);
    throw this.fail(node, `undefined variable ${JSON.stringify(name)}`);
  }

  /**
   * Binds `bindings` into `into`; values are evaluated in `scope`, and a
   * plain `inherit a;` looks `a` up in `outer` (the scope around a let or
   * rec set, whose own names it cannot mean).
   */
  private bindAll(bindings: BindingLike[], scope: Scope | null, into: Map<string, Thunk>, outer: Scope | null = scope): void {
    for (const b of bindings) {
      if (b.type === "Inherit") {
        for (const n of b.names) {
          if (n.name === null) throw this.fail(n, "dynamic inherit");
          const at = { start: n.start, end: n.end };
          into.set(n.name, b.from
            ? new Thunk(this, { type: "Select", expr: b.from, path: [n], default: null, ...at }, scope)
            : new Thunk(this, { type: "Var", name: n.name, ...at }, outer));
        }
        continue;
      }
      const names = b.path.map((p) => {
        if (p.name === null) throw this.fail(p, "a dynamic attribute name");
        return p.name;
      });
      this.bindPath(names, b.value, scope, into, b.value);
    }
  }

  /** `a.b.c = value` into `into`, merging with sets bound by other paths. */
  private bindPath(names: string[], value: Node, scope: Scope | null, into: Map<string, Thunk>, at: Node): void {
    const [first, ...rest] = names;
    if (rest.length === 0) {
      if (into.has(first!)) {
        const old = into.get(first!)!;
        // `x = { a = 1; }; x.b = 2;` is one set in Nix when both are literal sets.
        if (value.type === "AttrSet" && !value.rec && (old.node === null || old.node.type === "AttrSet")) {
          const merged = this.literalSet(old);
          this.bindAll(value.bindings, scope, merged);
          return;
        }
        throw this.fail(at, `attribute ${JSON.stringify(first)} defined twice`);
      }
      into.set(first!, new Thunk(this, value, scope));
      return;
    }
    let child = into.get(first!);
    if (!child) {
      child = new Thunk(this, null, null, { set: new Map() });
      into.set(first!, child);
    }
    this.bindPath(rest, value, scope, this.literalSet(child), at);
  }

  private literalSet(t: Thunk): Map<string, Thunk> {
    const v = t.force();
    if (!isSet(v)) throw this.fail(t.node ?? { start: 0 }, "attribute defined twice");
    return v.set as Map<string, Thunk>;
  }

  eval(node: Node, scope: Scope | null): NixValue {
    if (++this.steps > MAX_STEPS) throw this.fail(node, "too much to evaluate without Nix");
    switch (node.type) {
      case "String": {
        const plain = stringValue(node);
        if (plain !== null) return plain;
        let out = "";
        for (const p of node.parts) {
          if (p.type === "Literal") out += p.value;
          else {
            const v = this.eval(p.expr, scope);
            if (typeof v !== "string") throw this.fail(p.expr, "interpolation of something that is not a string");
            out += v;
          }
        }
        return out;
      }
      case "Int":
        return node.value;
      case "List":
        return node.items.map((i) => new Thunk(this, i, scope));
      case "AttrSet": {
        const set = new Map<string, Thunk>();
        const inner: Scope | null = node.rec ? { vars: set, parent: scope } : scope;
        this.bindAll(node.bindings, inner, set, scope);
        return { set };
      }
      case "Let": {
        const vars = new Map<string, Thunk>();
        const inner: Scope = { vars, parent: scope };
        this.bindAll(node.bindings, inner, vars, scope);
        return this.eval(node.body, inner);
      }
      case "With":
        return this.eval(node.body, { with: new Thunk(this, node.env, scope), parent: scope });
      case "Var":
        return this.lookup(node.name, scope, node).force();
      case "Select": {
        let v = this.eval(node.expr, scope);
        for (const p of node.path) {
          if (p.name === null) throw this.fail(p, "a dynamic attribute name");
          const t = isSet(v) ? v.set.get(p.name) : undefined;
          if (!t) {
            if (node.default) return this.eval(node.default, scope);
            throw this.fail(p, `attribute ${JSON.stringify(p.name)} missing`);
          }
          v = t.force();
        }
        return v;
      }
      case "Binary":
        return this.binary(node.op, node, scope);
      case "Call":
        return this.call(node, scope);
      default:
        throw this.fail(node, `${describe(node)} is beyond what nixsec evaluates without Nix`);
    }
  }

  private binary(op: string, node: Extract<Node, { type: "Binary" }>, scope: Scope | null): NixValue {
    const a = this.eval(node.left, scope);
    const b = this.eval(node.right, scope);
    if (op === "++" && Array.isArray(a) && Array.isArray(b)) {
      if (a.length + b.length > MAX_LIST) throw this.fail(node, "too much to evaluate without Nix (a list longer than 100000)");
      return [...a, ...b];
    }
    if (op === "+" && typeof a === "string" && typeof b === "string") return a + b;
    if (op === "+" && typeof a === "number" && typeof b === "number") return a + b;
    if (op === "//" && isSet(a) && isSet(b)) return { set: new Map([...a.set, ...b.set]) };
    throw this.fail(node, `the operator ${op} on these values is beyond what nixsec evaluates without Nix`);
  }

  private call(node: Extract<Node, { type: "Call" }>, scope: Scope | null): NixValue {
    const fn = this.eval(node.fn, scope);
    const name = isSet(fn) ? fn.set.get("__builtin")?.force() : undefined;
    const impl = typeof name === "string" ? BUILTINS[name] : undefined;
    if (!impl || node.args.length !== 1) throw this.fail(node, "a function call is beyond what nixsec evaluates without Nix (it knows builtins.attrValues, attrNames and concatLists)");
    return impl(this, this.eval(node.args[0]!, scope), node);
  }
}

const BUILTIN_VALUES: Record<string, NixValue> = { true: true, false: false, null: null };
/** Nix's other global names: using one needs Nix itself. */
const NIX_GLOBALS = new Set(["import", "scopedImport", "map", "filter", "toString", "baseNameOf", "dirOf", "isNull", "removeAttrs", "throw", "abort", "derivation", "fetchTarball", "fetchGit", "fetchurl", "placeholder", "__curPos"]);

const BUILTINS: Record<string, (ev: Evaluator, arg: NixValue, node: Node) => NixValue> = {
  attrValues: (ev, v, node) => {
    if (!isSet(v)) throw ev.fail(node, "builtins.attrValues needs a set");
    return [...v.set.keys()].sort().map((k) => v.set.get(k)!);
  },
  attrNames: (ev, v, node) => {
    if (!isSet(v)) throw ev.fail(node, "builtins.attrNames needs a set");
    return [...v.set.keys()].sort().map((k) => new Thunk(ev, null, null, k));
  },
  concatLists: (ev, v, node) => {
    if (!Array.isArray(v)) throw ev.fail(node, "builtins.concatLists needs a list");
    return v.flatMap((t) => {
      const inner = t.force();
      if (!Array.isArray(inner)) throw ev.fail(node, "builtins.concatLists needs a list of lists");
      return inner;
    });
  },
};

function describe(node: Node): string {
  const names: Partial<Record<Node["type"], string>> = {
    Lambda: "a function", Path: "a path", SearchPath: "a <…> search path", If: "if-then-else", Assert: "assert",
    Float: "a float", Unary: "an operator", HasAttr: "the ? operator", LegacyLet: "let { … }", Uri: "a URI",
  };
  return names[node.type] ?? `a ${node.type}`;
}

/** Forces `t` deeply into plain JSON-like data (for comparison with nix-instantiate --json). */
export function toPlain(t: Thunk): unknown {
  const v = t.force();
  if (Array.isArray(v)) return v.map(toPlain);
  if (isSet(v)) return Object.fromEntries([...v.set.keys()].sort().map((k) => [k, toPlain(v.set.get(k)!)]));
  return v;
}
