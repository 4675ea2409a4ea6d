// The sops document tree, shaped like sops' own (sops.go TreeBranch): maps
// are ordered item lists, so key order, duplicate-free but order-significant
// keys and comments survive a round trip; comments are items of the map or
// list they sit in, because their position decides the additional data they
// are encrypted with. Scalars carry their sops type in their JS type.

/** A YAML timestamp (sops type `time`), kept as the RFC 3339 text Go's MarshalText writes. */
export class SopsTime {
  constructor(readonly text: string) {}
}

/** A comment line (YAML `#`, dotenv `#`, INI `;`), without its marker. */
export class Comment {
  constructor(
    readonly text: string,
    /** Written after a value on its line (YAML), rather than on a line of its own. */
    readonly inline = false,
  ) {}
}

/**
 * A leaf. The JS type is the sops type: string = str, bigint = int,
 * number = float, boolean = bool, Uint8Array = bytes, SopsTime = time.
 * null is neither encrypted nor part of the MAC (sops skips it).
 */
export type Scalar = string | bigint | number | boolean | Uint8Array | SopsTime | null;

export interface Entry {
  key: string;
  value: Value;
}

/** A map: entries and comments in file order. */
export class Branch {
  constructor(readonly items: Array<Entry | Comment> = []) {}

  /** The value of the first entry named `key`, or undefined. */
  get(key: string): Value | undefined {
    for (const it of this.items) if (!(it instanceof Comment) && it.key === key) return it.value;
    return undefined;
  }

  entries(): Entry[] {
    return this.items.filter((it): it is Entry => !(it instanceof Comment));
  }
}

/** A list: values and comments in file order. */
export type List = Array<Value | Comment>;

export type Value = Scalar | Branch | List;

export function isList(v: unknown): v is List {
  return Array.isArray(v);
}

export function isScalar(v: Value): v is Scalar {
  return !(v instanceof Branch) && !Array.isArray(v);
}

/**
 * The tree as plain JSON-able data, for tests and `--output-type json`
 * consumers: comments dropped, int as number when exact (else its decimal
 * string), bytes as base64, time as its text.
 */
export function toPlain(v: Value): unknown {
  if (v instanceof Branch) {
    const out: Record<string, unknown> = {};
    for (const e of v.entries()) out[e.key] = toPlain(e.value);
    return out;
  }
  if (Array.isArray(v)) return v.filter((x) => !(x instanceof Comment)).map((x) => toPlain(x as Value));
  if (typeof v === "bigint") return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString("base64");
  if (v instanceof SopsTime) return v.text;
  return v;
}

/**
 * A tree from plain data: objects become maps (key order kept), arrays
 * lists, integers int, other numbers float. The inverse of toPlain for
 * trees without comments, bytes or times.
 */
export function fromPlain(v: unknown): Value {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return v.map(fromPlain);
  if (v instanceof Uint8Array || v instanceof SopsTime || typeof v === "bigint" || typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v === "number") return Number.isInteger(v) ? BigInt(v) : v;
  if (v instanceof Branch) return v;
  if (typeof v === "object") return new Branch(Object.entries(v as Record<string, unknown>).map(([key, value]) => ({ key, value: fromPlain(value) })));
  throw new TypeError(`cannot put a ${typeof v} in a sops tree`);
}

/** A deep copy (YAML aliases expand into copies, as sops expands them). */
export function cloneValue(v: Value): Value {
  if (v instanceof Branch) return new Branch(v.items.map((it) => (it instanceof Comment ? it : { key: it.key, value: cloneValue(it.value) })));
  if (Array.isArray(v)) return v.map((x) => (x instanceof Comment ? x : cloneValue(x)));
  return v;
}

/** One step of an `--extract` path: a map key or a list index. */
export type PathStep = string | number;

/**
 * Parses sops' `--extract` syntax, `["a"]["b"][0]`: double-quoted keys (with
 * `\"` and `\\` escapes) and decimal indices in brackets. Returns null when the
 * text does not follow it.
 */
export function parseExtractPath(text: string): PathStep[] | null {
  const out: PathStep[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] !== "[") return null;
    i++;
    if (text[i] === '"') {
      let key = "";
      i++;
      for (;;) {
        const c = text[i];
        if (c === undefined) return null;
        if (c === "\\") {
          const n = text[i + 1];
          if (n === undefined) return null;
          key += n;
          i += 2;
          continue;
        }
        if (c === '"') break;
        key += c;
        i++;
      }
      i++;
      out.push(key);
    } else {
      const m = /^\d+/.exec(text.slice(i));
      if (!m) return null;
      out.push(Number(m[0]));
      i += m[0].length;
    }
    if (text[i] !== "]") return null;
    i++;
  }
  return out.length > 0 ? out : null;
}

/** The value at `path` in a document (sops' Truncate), or an error message naming the missing step. */
export function valueAt(root: Branch, path: PathStep[]): { value: Value } | { missing: string } {
  let cur: Value = root;
  for (const step of path) {
    if (typeof step === "string") {
      const next: Value | undefined = cur instanceof Branch ? cur.get(step) : undefined;
      if (next === undefined) return { missing: `component ["${step}"] not found` };
      cur = next;
    } else {
      if (!Array.isArray(cur)) return { missing: `component [${step}] is an index, but that part of the tree is not a list` };
      const items = cur.filter((x) => !(x instanceof Comment)) as Value[];
      if (step >= items.length) return { missing: `component [${step}] is out of bounds` };
      cur = items[step]!;
    }
  }
  return { value: cur };
}
