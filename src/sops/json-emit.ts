// Writing JSON as sops does (stores/json encodeTree + json.Indent): keys in
// tree order, comments dropped, strings escaped like encoding/json (HTML
// characters as \u003c…), numbers as encoding/json writes them, one
// indentation unit per level ("\t" by default), a final newline for files.
import { formatFloatJson } from "./gonum.js";
import { Branch, Comment, SopsTime, type Value } from "./tree.js";

/** Characters encoding/json escapes, and lone surrogates (Go would hold invalid UTF-8 there). */
const ESCAPED = /[\u0000-\u001f"\\<>&\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const SHORT: Readonly<Record<string, string>> = { '"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function escapeOne(ch: string): string {
  const short = SHORT[ch];
  if (short !== undefined) return short;
  const c = ch.charCodeAt(0);
  if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26) return "\\u00" + c.toString(16).padStart(2, "0");
  if (c === 0x2028 || c === 0x2029) return "\\u" + c.toString(16);
  return "\\ufffd"; // a lone surrogate
}

/**
 * encoding/json's string encoding with HTML escaping (json.Marshal's
 * default). One regex pass, not a loop per character: a sops file's armored
 * data keys are hundreds of characters each.
 */
export function jsonString(s: string): string {
  return '"' + s.replace(ESCAPED, escapeOne) + '"';
}

function scalar(v: Exclude<Value, Branch | unknown[]>): string {
  if (v === null) return "null";
  if (typeof v === "string") return jsonString(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") return formatFloatJson(v);
  if (v instanceof Uint8Array) return jsonString(Buffer.from(v).toString("base64")); // json.Marshal([]byte)
  if (v instanceof SopsTime) return jsonString(v.text);
  return "null";
}

/** A value pretty-printed at `level` (json.Indent: empty {} and [] stay compact). */
export function jsonValue(v: Value, indent: string, level = 0): string {
  const pad = (n: number): string => "\n" + indent.repeat(n);
  if (v instanceof Branch) {
    const es = v.entries();
    if (es.length === 0) return "{}";
    return "{" + es.map((e) => pad(level + 1) + jsonString(e.key) + ": " + jsonValue(e.value, indent, level + 1)).join(",") + pad(level) + "}";
  }
  if (Array.isArray(v)) {
    const xs = v.filter((x) => !(x instanceof Comment)) as Value[];
    if (xs.length === 0) return "[]";
    return "[" + xs.map((x) => pad(level + 1) + jsonValue(x, indent, level + 1)).join(",") + pad(level) + "]";
  }
  return scalar(v);
}

/** A JSON file: the document and a final newline (stores/json EmitPlainFile). */
export function emitJson(branch: Branch, indent = "\t"): string {
  return jsonValue(branch, indent) + "\n";
}
