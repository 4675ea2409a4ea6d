// Reading YAML into the sops tree. The `yaml` package parses (strictly,
// every scalar as text); nixsec then types scalars as go-yaml does
// (yaml-scalar.ts) and places comments in the map or list that holds them,
// as go-yaml's head/line/foot comments land in sops' tree (stores/yaml):
// a comment's map decides the additional data it is encrypted with.
import { Composer, isAlias, isMap, isScalar, isSeq, Parser, type Document, type Node as YNode } from "yaml";
import { SopsError } from "./errors.js";
import { checkSize, depthError, LIMITS, NodeBudget, prescanYaml } from "./limits.js";
import { Branch, cloneValue, Comment, type List, type Value } from "./tree.js";
import { resolveScalar } from "./yaml-scalar.js";

interface PComment {
  before: number;
  text: string;
  inline: boolean;
}
interface PScalar {
  kind: "scalar";
  node: YNode;
  start: number;
  end: number;
}
interface PAlias {
  kind: "alias";
  target: YNode;
  start: number;
  end: number;
}
interface PMap {
  kind: "map";
  node: YNode;
  flow: boolean;
  start: number;
  end: number;
  col: number;
  entries: Array<{ key: string; keyStart: number; value: PNode }>;
  comments: PComment[];
}
interface PSeq {
  kind: "seq";
  node: YNode;
  flow: boolean;
  start: number;
  end: number;
  col: number;
  items: PNode[];
  comments: PComment[];
}
type PNode = PScalar | PAlias | PMap | PSeq;

export interface YamlRead {
  docs: Branch[];
  /** The indentation of nested maps (sops writes 4 unless configured), kept on rewrite. */
  indent: number;
}

class Lines {
  private readonly starts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  line(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
  col(offset: number): number {
    return offset - this.starts[this.line(offset)]!;
  }
  /** Whether only spaces precede `offset` on its line. */
  alone(offset: number): boolean {
    return this.text.slice(this.starts[this.line(offset)]!, offset).trim() === "";
  }
}

/** Comment tokens anywhere in the CST, in source order. */
function cstComments(tokens: unknown[]): Array<{ offset: number; source: string }> {
  const out: Array<{ offset: number; source: string }> = [];
  const stack: unknown[] = [...tokens];
  while (stack.length > 0) {
    const t = stack.pop();
    if (Array.isArray(t)) stack.push(...t);
    else if (t && typeof t === "object") {
      const o = t as Record<string, unknown>;
      if (o.type === "comment" && typeof o.offset === "number" && typeof o.source === "string") out.push({ offset: o.offset, source: o.source });
      else for (const v of Object.values(o)) if (v && typeof v === "object") stack.push(v);
    }
  }
  return out.sort((a, b) => a.offset - b.offset);
}

function fail(file: string, lines: Lines, offset: number, msg: string): never {
  throw new SopsError("format", `${file}:${lines.line(offset) + 1}:${lines.col(offset) + 1}: ${msg}`, { hint: "fix the YAML syntax (sops reads YAML with go-yaml; nixsec is as strict)" });
}

function position(n: YNode, doc: Document, lines: Lines, file: string, depth: number): PNode {
  if (depth > LIMITS.depth) throw depthError(file);
  const [start, end] = [n.range?.[0] ?? 0, n.range?.[1] ?? 0];
  if (isAlias(n)) {
    const target = n.resolve(doc) as YNode | undefined;
    if (!target) fail(file, lines, start, `alias *${n.source} does not name an earlier anchor`);
    return { kind: "alias", target, start, end };
  }
  if (isScalar(n)) return { kind: "scalar", node: n, start, end };
  if (isMap(n)) {
    const m: PMap = { kind: "map", node: n, flow: Boolean(n.flow), start, end, col: lines.col(start), entries: [], comments: [] };
    const seen = new Set<string>();
    for (const pair of n.items) {
      const k = pair.key as YNode | null;
      if (!k || !isScalar(k)) fail(file, lines, k?.range?.[0] ?? start, "a map key is not a scalar; sops supports string keys only");
      const kv = resolveScalar(String(k.value ?? ""), k.type === "PLAIN", k.tag, file);
      if (typeof kv !== "string") fail(file, lines, k.range![0], `the key ${String(k.value).slice(0, 40)} is not a string; sops supports string keys only (quote it)`);
      if (seen.has(kv)) fail(file, lines, k.range![0], `the key "${kv.slice(0, 40)}" appears twice in one map`);
      seen.add(kv);
      const v = pair.value as YNode | null;
      const value: PNode = v ? position(v, doc, lines, file, depth + 1) : { kind: "scalar", node: null as unknown as YNode, start: k.range![1], end: k.range![1] };
      m.entries.push({ key: kv, keyStart: k.range![0], value });
    }
    return m;
  }
  if (isSeq(n)) {
    const s: PSeq = { kind: "seq", node: n, flow: Boolean(n.flow), start, end, col: lines.col(start), items: [], comments: [] };
    for (const it of n.items) s.items.push(position(it as YNode, doc, lines, file, depth + 1));
    return s;
  }
  return fail(file, lines, start, "unsupported YAML node");
}

const childStart = (c: PNode | { keyStart: number }): number => ("keyStart" in c ? c.keyStart : c.start);

/** The deepest map entry or list item starting on `line`, for a comment after content on that line. */
function onLine(p: PNode, line: number, lines: Lines): { holder: PMap | PSeq; index: number; blockValue: boolean } | null {
  if (p.kind !== "map" && p.kind !== "seq") return null;
  let found: ReturnType<typeof onLine> = null;
  const kids = p.kind === "map" ? p.entries : p.items;
  kids.forEach((c, i) => {
    const v = "keyStart" in c ? c.value : c;
    if (lines.line(childStart(c)) === line) {
      const blockValue = (v.kind === "map" || v.kind === "seq") && !v.flow && lines.line(v.start) > line;
      found = { holder: p, index: i, blockValue };
    }
    if (lines.line(childStart(c)) <= line && lines.line(Math.max(v.end - 1, v.start)) >= line) found = onLine(v, line, lines) ?? found;
  });
  return found;
}

/** Places a full-line comment in the innermost map or list it is indented into (go-yaml's foot/head comments). */
function place(p: PMap | PSeq, offset: number, col: number, text: string): void {
  const kids = p.kind === "map" ? p.entries : p.items;
  let i = kids.findIndex((c) => childStart(c) > offset);
  if (i < 0) i = kids.length;
  if (i > 0) {
    const prev = kids[i - 1]!;
    const v = "keyStart" in prev ? prev.value : prev;
    if (v.kind === "map" || v.kind === "seq") {
      const inside = offset < v.end;
      const indented = !v.flow && col >= v.col && v.col > p.col;
      if (inside || indented) return place(v, offset, col, text);
    }
  }
  p.comments.push({ before: i, text, inline: false });
}

function toValue(p: PNode, file: string, budget: NodeBudget, anchors: Map<YNode, Value>, depth: number, lines: Lines): Value {
  if (depth > LIMITS.depth) throw depthError(file);
  budget.spend();
  if (p.kind === "alias") {
    const v = anchors.get(p.target);
    if (v === undefined) fail(file, lines, p.start, "an alias refers to a node that is not complete yet (a recursive alias)");
    return cloneCounted(v, budget, file);
  }
  let out: Value;
  if (p.kind === "scalar") {
    if (p.node === null) return null;
    const n = p.node as unknown as { value: unknown; source?: string; type?: string; tag?: string };
    const text = typeof n.value === "string" ? n.value : String(n.source ?? n.value ?? "");
    out = resolveScalar(text, n.type === "PLAIN", n.tag, `${file}:${lines.line(p.start) + 1}`);
  } else {
    const comments = [...p.comments];
    const take = (i: number): Comment[] => comments.filter((c) => c.before === i).map((c) => new Comment(c.text, c.inline));
    if (p.kind === "map") {
      const items: Branch["items"] = [];
      p.entries.forEach((e, i) => {
        items.push(...take(i), { key: e.key, value: toValue(e.value, file, budget, anchors, depth + 1, lines) });
      });
      items.push(...take(p.entries.length));
      out = new Branch(items);
    } else {
      const items: List = [];
      p.items.forEach((it, i) => items.push(...take(i), toValue(it, file, budget, anchors, depth + 1, lines)));
      items.push(...take(p.items.length));
      out = items;
    }
  }
  const node = p.kind === "scalar" ? p.node : p.node;
  if (node && (node as { anchor?: string }).anchor) anchors.set(node, out);
  return out;
}

function cloneCounted(v: Value, budget: NodeBudget, file: string): Value {
  let n = 0;
  const count = (x: Value, d: number): void => {
    if (d > LIMITS.depth) throw depthError(file);
    budget.spend();
    n++;
    if (x instanceof Branch) for (const e of x.entries()) count(e.value, d + 1);
    else if (Array.isArray(x)) for (const y of x) if (!(y instanceof Comment)) count(y, d + 1);
  };
  count(v, 0);
  return cloneValue(v);
}

/** The indentation of the first block map nested directly in another (sops' indent), default 4. */
function detectIndent(p: PNode, lines: Lines): number | null {
  if (p.kind !== "map" || p.flow) return null;
  for (const e of p.entries) {
    const v = e.value;
    if (v.kind === "map" && !v.flow && v.entries.length > 0) {
      const d = v.col - lines.col(e.keyStart);
      if (d > 0 && d <= 9) return d;
    }
    const inner = detectIndent(v, lines);
    if (inner !== null) return inner;
  }
  return null;
}

/** Parses every document of a YAML file into sops trees (maps at the top), comments in place. */
export function readYaml(bytes: Uint8Array, file: string): YamlRead {
  checkSize(bytes, LIMITS.yamlBytes, file);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new SopsError("format", `${file}: not valid UTF-8`, { hint: "YAML files must be UTF-8 text" });
  }
  prescanYaml(text, file);
  const lines = new Lines(text);
  const tokens = [...new Parser().parse(text)];
  let docs: Document[];
  try {
    docs = [...new Composer({ schema: "failsafe", uniqueKeys: false, strict: true }).compose(tokens)] as Document[];
  } catch (err) {
    if (err instanceof RangeError) throw new SopsError("limit", `${file}: the YAML nests too deeply to parse`);
    throw err;
  }
  if (docs.length > LIMITS.documents) throw new SopsError("limit", `${file}: more than ${LIMITS.documents} YAML documents`);
  const starts = tokens.filter((t) => t.type === "document").map((t) => (t as { offset: number }).offset);
  const comments = cstComments(tokens);
  const budget = new NodeBudget(file);
  const out: Branch[] = [];
  let indent: number | null = null;
  docs.forEach((doc, di) => {
    const err = doc.errors[0];
    if (err) fail(file, lines, err.pos[0], err.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, ""));
    const c = doc.contents as YNode | null;
    let root: PMap;
    if (c === null || (isScalar(c) && c.value === "" && !c.tag)) {
      root = { kind: "map", node: null as unknown as YNode, flow: false, start: c?.range?.[0] ?? 0, end: c?.range?.[0] ?? 0, col: 0, entries: [], comments: [] };
    } else {
      const p = position(c, doc, lines, file, 0);
      if (p.kind === "seq") fail(file, lines, p.start, "YAML documents that are lists are not supported by sops; the top level must be a map");
      if (p.kind !== "map") fail(file, lines, p.start, "YAML documents that are single values are not supported by sops; the top level must be a map");
      root = p;
      indent ??= detectIndent(p, lines);
    }
    const from = di === 0 ? 0 : (starts[di] ?? 0);
    const to = starts[di + 1] ?? Infinity;
    for (const cm of comments) {
      if (cm.offset < from || cm.offset >= to) continue;
      const text = cm.source.slice(1);
      if (!lines.alone(cm.offset)) {
        const hit = onLine(root, lines.line(cm.offset), lines);
        if (hit) {
          hit.holder.comments.push({ before: hit.index, text, inline: !hit.blockValue });
          continue;
        }
      }
      place(root, cm.offset, lines.col(cm.offset), text);
    }
    const v = toValue(root, file, budget, new Map(), 0, lines);
    out.push(v as Branch);
  });
  return { docs: out, indent: indent ?? 4 };
}
