// Metadata in flat formats (getsops/sops stores/flatten.go): dotenv and INI
// have no nesting, so the `sops` block is written as keys like
// `age__list_0__map_enc`. Unflattening sorts map keys, as sops does; writing
// back keeps the order the file already had, so a rewrap touches only the
// lines that changed.
import { SopsError } from "./errors.js";
import { Branch, Comment, type Value } from "./tree.js";

const MAP_SEP = "__map_";
const LIST_SEP = "__list_";

export type FlatItem = [key: string, value: Value];

/** The metadata tree as flat key/value pairs, in tree order. */
export function flattenBranch(b: Branch, prefix = ""): FlatItem[] {
  const out: FlatItem[] = [];
  const seen = new Set<string>();
  const put = (key: string, v: Value): void => {
    if (v instanceof Branch) {
      for (const e of v.entries()) put(key + MAP_SEP + e.key, e.value);
    } else if (Array.isArray(v)) {
      let i = 0;
      for (const x of v) if (!(x instanceof Comment)) put(`${key}${LIST_SEP}${i++}`, x);
    } else {
      if (seen.has(key)) throw new SopsError("format", `key collision "${key}" while flattening sops metadata`);
      seen.add(key);
      out.push([key, v]);
    }
  };
  for (const e of b.entries()) put(prefix + e.key, e.value);
  return out;
}

type Token = { map: string } | { list: number };

function tokenize(path: string): Token[] {
  const out: Token[] = [];
  const re = /__(map|list)_/g;
  let last = 0;
  let kind: "map" | "list" | null = null;
  const finish = (end: number): void => {
    const text = path.slice(last, end);
    if (kind === "list") out.push({ list: Number.parseInt(text, 10) || 0 });
    else out.push({ map: text });
  };
  for (let m = re.exec(path); m; m = re.exec(path)) {
    finish(m.index);
    kind = m[1] as "map" | "list";
    last = m.index + m[0].length;
  }
  finish(path.length);
  return out;
}

interface Node {
  value?: { v: Value };
  keys?: Map<string, Node>;
  indices?: Map<number, Node>;
}

function convert(n: Node, file: string): Value {
  const kinds = Number(n.value !== undefined) + Number((n.keys?.size ?? 0) > 0) + Number((n.indices?.size ?? 0) > 0);
  if (kinds > 1) throw new SopsError("format", `${file}: sops metadata keys mix a value, a map and a list at one place`);
  if (n.value) return n.value.v;
  if (n.keys && n.keys.size > 0) {
    return new Branch([...n.keys.keys()].sort().map((k) => ({ key: k, value: convert(n.keys!.get(k)!, file) })));
  }
  if (n.indices && n.indices.size > 0) {
    const max = Math.max(...n.indices.keys());
    if (Math.min(...n.indices.keys()) !== 0 || max + 1 !== n.indices.size) throw new SopsError("format", `${file}: a list in the sops metadata has gaps`);
    return Array.from({ length: max + 1 }, (_, i) => convert(n.indices!.get(i)!, file));
  }
  return new Branch();
}

/** The metadata tree from flat pairs (keys already stripped of `sops_`). */
export function unflatten(items: FlatItem[], file: string): Branch {
  const root: Node = {};
  for (const [key, v] of items) {
    let n = root;
    for (const t of tokenize(key)) {
      if ("map" in t) {
        n.keys ??= new Map();
        if (!n.keys.has(t.map)) n.keys.set(t.map, {});
        n = n.keys.get(t.map)!;
      } else {
        n.indices ??= new Map();
        if (!n.indices.has(t.list)) n.indices.set(t.list, {});
        n = n.indices.get(t.list)!;
      }
    }
    if (n.value) throw new SopsError("format", `${file}: the sops metadata key "${key}" appears twice`);
    n.value = { v };
  }
  const out = convert(root, file);
  if (!(out instanceof Branch)) throw new SopsError("format", `${file}: malformed sops metadata keys`);
  return out;
}

/**
 * New flat metadata in the order of the old: keys the file had keep their
 * place, new keys go right after the key that precedes them in `fresh`.
 */
export function keepOrder(oldKeys: string[], fresh: FlatItem[]): FlatItem[] {
  const byKey = new Map(fresh);
  const out: FlatItem[] = oldKeys.filter((k) => byKey.has(k)).map((k) => [k, byKey.get(k)!]);
  const placed = new Set(out.map(([k]) => k));
  let prev: string | null = null;
  for (const [k, v] of fresh) {
    if (!placed.has(k)) {
      const at = prev === null ? -1 : out.findIndex(([ok]) => ok === prev);
      out.splice(at + 1, 0, [k, v]);
      placed.add(k);
    }
    prev = k;
  }
  return out;
}
