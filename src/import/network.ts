// Reading a NixOps network or colmena hive file as syntax, never evaluating
// it: such a file may read secrets at evaluation time
// (`text = builtins.readFile ./x`), and evaluating it needs nixpkgs. What is
// read: the machines (every top-level attribute but `network`, `meta`,
// `resources`, `require`; `defaults` applies to each), and in each machine's
// literal configuration (a set, or a module function's body, and the
// literal modules in its `imports`) every attribute written as a literal
// path, with its value's syntax. A machine defined elsewhere
// (`hannibal = import ./hannibal.nix;`) cannot be read and is reported.
import { NixsecError } from "../errors.js";
import { LineMap, parse, type Binding, type Node } from "../nix/index.js";

/** One attribute written in a machine's configuration: `services.x.passwordFile = "…";`. */
export interface Leaf {
  path: string[];
  value: Node;
  /** The binding it was written in (its span is the lines to delete). */
  binding: Binding;
  /** For attributes under `deployment.keys.NAME`: the outermost binding within that key. */
  keyBinding?: Binding;
}

export interface Machine {
  name: string;
  leaves: Leaf[];
  /** Parts of its configuration this reader cannot see into (`import ./x.nix`), as `line: text`. */
  opaque: string[];
}

const NOT_MACHINES = new Set(["network", "meta", "resources", "require", "_module", "defaults"]);

export interface Network {
  source: string;
  lines: LineMap;
  machines: Machine[];
}

export function parseNetwork(source: string, shown: string): Network {
  let tree: Node;
  try {
    tree = parse(source);
  } catch (err) {
    throw new NixsecError(`${shown}: not valid Nix: ${(err as Error).message}`, { hint: "fix the syntax (nix-instantiate --parse shows where)" });
  }
  const lines = new LineMap(source);
  const top = unwrap(tree);
  if (top?.type !== "AttrSet") {
    throw new NixsecError(`${shown}: expected an attribute set of machines (a NixOps network or a colmena hive)`, { hint: "give the file that holds `MACHINE = { config, … }: { deployment.keys… }`" });
  }
  const per = new Map<string, { roots: Array<{ node: Node; prefix: string[]; binding: Binding }>; }>();
  const defaults: Array<{ node: Node; prefix: string[]; binding: Binding }> = [];
  for (const b of top.bindings) {
    if (b.type !== "Binding" || b.path[0]?.name == null) continue;
    const [head, ...rest] = b.path.map((p) => p.name);
    if (rest.some((r) => r === null)) continue;
    const root = { node: b.value, prefix: rest as string[], binding: b };
    if (head === "defaults") defaults.push(root);
    else if (!NOT_MACHINES.has(head!)) {
      const m = per.get(head!) ?? { roots: [] };
      m.roots.push(root);
      per.set(head!, m);
    }
  }
  const machines: Machine[] = [];
  for (const [name, { roots }] of per) {
    const machine: Machine = { name, leaves: [], opaque: [] };
    for (const r of [...roots, ...defaults]) collect(r.node, r.prefix, r.binding, machine, lines, source, 0);
    machines.push(machine);
  }
  return { source, lines, machines };
}

/** The value a machine or module expression stands for: a function's body, a let's body. */
function unwrap(node: Node): Node | null {
  let n: Node | null = node;
  for (let i = 0; n && i < 16; i++) {
    if (n.type === "Lambda") n = n.body;
    else if (n.type === "Let") n = n.body;
    else if (n.type === "With") n = n.body;
    else return n;
  }
  return n;
}

function collect(node: Node, prefix: string[], binding: Binding, m: Machine, lines: LineMap, source: string, depth: number, keyBinding?: Binding): void {
  const value = prefix.length === 0 ? unwrap(node) : node;
  if (!value) return;
  if (value.type !== "AttrSet" || depth > 64) {
    if (prefix.length === 0) m.opaque.push(`${lines.position(value.start).line}: ${source.slice(value.start, Math.min(value.end, value.start + 60)).split("\n")[0]}`);
    else m.leaves.push({ path: prefix, value, binding, keyBinding: keyBinding ?? keyOwner(prefix, binding) });
    return;
  }
  for (const b of value.bindings) {
    if (b.type !== "Binding") continue; // `inherit` in a machine's configuration names no key
    const names = b.path.map((p) => p.name);
    if (names.some((n) => n === null)) {
      const at = [...prefix, ...names.map((n) => n ?? "${…}")];
      m.leaves.push({ path: at, value: b.value, binding: b, keyBinding: keyBinding ?? keyOwner(at, b) });
      continue;
    }
    const path = [...prefix, ...(names as string[])];
    const owner = keyBinding ?? keyOwner(path, b);
    if (path.length === 1 && path[0] === "imports" && b.value.type === "List") {
      // Modules written inline in `imports` are part of the machine; imported files are not read.
      for (const item of b.value.items) {
        const inner = unwrap(item);
        if (inner?.type === "AttrSet") collect(inner, [], b, m, lines, source, depth + 1);
      }
      continue;
    }
    collect(b.value, path, b, m, lines, source, depth + 1, owner);
  }
}

/** The binding that first reaches `deployment.keys.NAME` (its whole span belongs to that key), if `path` is inside one. */
function keyOwner(path: string[], b: Binding): Binding | undefined {
  return path.length >= 3 && path[0] === "deployment" && path[1] === "keys" ? b : undefined;
}

/** The literal string of a node (a string without interpolation), or null. */
export function literalString(node: Node): string | null {
  if (node.type !== "String") return null;
  let out = "";
  for (const p of node.parts) {
    if (p.type !== "Literal") return null;
    out += p.value;
  }
  return out;
}

/** The text of a path literal without interpolation (`./x`, `/abs`), or null. */
export function literalPath(node: Node): string | null {
  if (node.type !== "Path") return null;
  let out = "";
  for (const p of node.parts) {
    if (p.type !== "Literal") return null;
    out += p.value;
  }
  return out;
}
