// Shapes of Nix values the scan (nix-scan.ts) asks about, as pure functions
// of the tree and a scope: which file a value copies into the store, which
// text writer it calls, whether it could read a secret at evaluation, which
// attribute names a file binds.
import { type Node, walk } from "../nix/index.js";
import { type Scope, calleeName, fold, pathLiteralOf, pathText, resolve } from "./fold.js";
import { isSecretName } from "./words.js";

/** Writers whose output is the text given (not a script): their text may be one secret, whole. */
export const TEXT_WRITERS = new Set(["writeText", "toFile", "writeTextFile", "writeTextDir"]);

/**
 * A file of the repository copied into the store by this value: a path literal
 * (`./x`, `"${./x}"`, `./x + "-suffix"`) or a path inside the flake's own source
 * (`"${self}/secrets/x"`, `"${inputs.self}/x"`, `"${./.}/x"`), shown as `./x`.
 */
export function storeCopyOf(node: Node, scope: Scope): { text: string; start: number; end: number } | null {
  const e = node.type === "Var" || node.type === "Select" ? resolve(node, scope) : null;
  const n = e?.node ?? node;
  const pl = pathLiteralOf(node, scope);
  if (pl) {
    // `"${dir}/x.age"`: the path and what follows it
    const tail = n.type === "String" && n.parts[0]?.type === "Interpolation" && n.parts[1]?.type === "Literal" ? /^[^\s'"`;,)]*/.exec(n.parts[1].value)![0]
      : n.type === "Binary" && n.op === "+" && n.right.type === "String" && n.right.parts[0]?.type === "Literal" ? /^[^\s'"`;,)]*/.exec(n.right.parts[0].value)![0] : "";
    return { text: pathText(pl) + tail, start: pl.start, end: pl.end };
  }
  if (n.type !== "String" || n.parts.length < 2 || n.parts[0]!.type !== "Interpolation" || n.parts[1]!.type !== "Literal") return null;
  const head = n.parts[0]!.expr;
  const self = (head.type === "Var" && head.name === "self") || (head.type === "Select" && head.expr.type === "Var" && ((head.expr.name === "inputs" && head.path[0]?.name === "self") || (head.expr.name === "self" && head.path[0]?.name === "outPath")))
    || (head.type === "Path" && pathText(head) === "./.");
  if (!self) return null;
  return { text: "./" + n.parts[1]!.value.replace(/^\/+/, ""), start: n.start, end: n.end };
}

/** A text writer call (`pkgs.writeText "n" "…"`, also inside `"${…}"` or through a let), with what it writes. */
export function writerCallOf(node: Node, scope: Scope): { content: Node; scope: Scope; label: string } | null {
  let n: Node = node, sc = scope;
  if (n.type === "String" && n.parts.length === 1 && n.parts[0]!.type === "Interpolation") n = n.parts[0]!.expr;
  if (n.type === "Var" || n.type === "Select") {
    const e = resolve(n, sc);
    if (!e?.node) return null;
    n = e.node; sc = e.scope;
  }
  if (n.type !== "Call" || !TEXT_WRITERS.has(calleeName(n.fn) ?? "") || n.args.length < 2) return null;
  const label = n.args[0]!.type === "String" ? fold(n.args[0]!, sc)?.text ?? "" : "";
  return { content: n.args[n.args.length - 1]!, scope: sc, label };
}

/** Whether a value could hold a secret read at evaluation: a reference, an import, or a string with one interpolated (a cheap test before folding). */
export function mayReadSecret(node: Node, depth = 0): boolean {
  if (depth > 4) return false;
  switch (node.type) {
    case "Var": case "Select": case "With": return true;
    case "String": return node.parts.some((x) => x.type === "Interpolation");
    case "List": return node.items.some((x) => mayReadSecret(x, depth + 1));
    case "Binary": return node.op === "+" && (mayReadSecret(node.left, depth + 1) || mayReadSecret(node.right, depth + 1));
    case "Call": return node.args.length > 0 && mayReadSecret(node.args[node.args.length - 1]!, depth + 1) || calleeName(node.fn) === "import";
    default: return false;
  }
}

/** A variable (or a string that is just one) whose name says it holds a secret: `pw`, `"${password}"`. */
export function secretNamedVar(node: Node): boolean {
  if (node.type === "String" && node.parts.length === 1 && node.parts[0]!.type === "Interpolation") return secretNamedVar(node.parts[0]!.expr);
  return node.type === "Var" && isSecretName(node.name);
}

/** Every static attribute name bound in the tree (`a.b = …`, `"x-y" = …`, `inherit c`). */
export function attrNames(root: Node): Set<string> {
  const out = new Set<string>();
  walk(root, (n) => {
    if (n.type !== "AttrSet" && n.type !== "Let" && n.type !== "LegacyLet") return;
    for (const b of n.bindings) {
      if (b.type === "Binding") { for (const a of b.path) if (a.name) out.add(a.name); } else for (const a of b.names) if (a.name) out.add(a.name);
    }
  });
  return out;
}

