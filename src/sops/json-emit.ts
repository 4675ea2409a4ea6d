// Writing JSON as sops does (stores/json encodeTree + json.Indent): keys in
// tree order, comments dropped, strings escaped like encoding/json (HTML
// characters as \u003c…), numbers as encoding/json writes them, one
// indentation unit per level ("\t" by default), a final newline for files.
import { formatFloatJson } from "./gonum.js";
import { Branch, Comment, SopsTime, type Value } from "./tree.js";

/** encoding/json's string encoding with HTML escaping (json.Marshal's default). */
export function jsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += "\\\\";
    else if (c === 0x08) out += "\\b";
    else if (c === 0x0c) out += "\\f";
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x0d) out += "\\r";
    else if (c === 0x09) out += "\\t";
    else if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26) out += "\\u00" + c.toString(16).padStart(2, "0");
    else if (c === 0x2028 || c === 0x2029) out += "\\u" + c.toString(16);
    else if (c >= 0xd800 && c < 0xe000) out += "\\ufffd"; // a lone surrogate: Go would hold invalid UTF-8 here
    else out += ch;
  }
  return out + '"';
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
