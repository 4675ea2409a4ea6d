// YAML scalars as go-yaml v3 (the library sops uses) reads and writes them:
// which plain scalars are ints, floats, bools, nulls or timestamps
// (resolve.go), and which style a string is written in (encode.go stringv,
// emitterc.go analyze_scalar/select_scalar_style). The MAC of a cleartext
// value and the bytes of `sops -d` depend on both.
import { SopsError } from "./errors.js";
import { formatFloatG, parseGoFloat, parseGoIntBase0 } from "./gonum.js";
import { parseYamlTimestamp } from "./gotime.js";
import { SopsTime, type Scalar } from "./tree.js";

const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

const MAP: Record<string, Scalar> = {
  true: true, True: true, TRUE: true,
  false: false, False: false, FALSE: false,
  "": null, "~": null, null: null, Null: null, NULL: null,
  ".nan": NaN, ".NaN": NaN, ".NAN": NaN,
  ".inf": Infinity, ".Inf": Infinity, ".INF": Infinity,
  "+.inf": Infinity, "+.Inf": Infinity, "+.INF": Infinity,
  "-.inf": -Infinity, "-.Inf": -Infinity, "-.INF": -Infinity,
};

/** go-yaml's resolve(""): the value of a plain scalar. */
export function resolvePlain(s: string): Scalar {
  if (Object.prototype.hasOwnProperty.call(MAP, s)) return MAP[s]!;
  const c = s[0] ?? "";
  if (c === ".") return parseGoFloat(s) ?? s;
  if (!/^[-+0-9]/.test(c)) return s;
  const ts = parseYamlTimestamp(s);
  if (ts) return ts;
  const plain = s.replace(/_/g, "");
  const int = parseGoIntBase0(plain);
  if (int !== null) return int;
  if (YAML_FLOAT.test(plain)) {
    const f = parseGoFloat(plain);
    if (f !== null) return f;
  }
  return s;
}

const TAG = "tag:yaml.org,2002:";

/**
 * A scalar with its style and explicit tag. Quoted and block scalars are
 * strings unless tagged; `!!binary` decodes (to text, as go-yaml does into
 * an interface); unknown tags leave the text as it is.
 */
export function resolveScalar(text: string, plain: boolean, tag: string | undefined, where: string): Scalar {
  const short = tag?.startsWith(TAG) ? "!!" + tag.slice(TAG.length) : tag;
  if (short === undefined || short === "!" || short === "") return plain ? resolvePlain(text) : text;
  if (short === "!!str") return text;
  if (short === "!!binary") {
    const clean = text.replace(/\s+/g, "");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) throw new SopsError("format", `${where}: !!binary value is not base64`);
    return Buffer.from(clean, "base64").toString("utf8");
  }
  const want: Record<string, (v: Scalar) => Scalar | undefined> = {
    "!!int": (v) => (typeof v === "bigint" ? v : undefined),
    "!!float": (v) => (typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : undefined),
    "!!bool": (v) => (typeof v === "boolean" ? v : undefined),
    "!!null": (v) => (v === null ? v : undefined),
    "!!timestamp": (v) => (v instanceof SopsTime ? v : undefined),
  };
  const check = want[short];
  if (!check) return text; // a custom tag: go-yaml decodes its text into an interface as a string
  const out = check(resolvePlain(text));
  if (out === undefined) throw new SopsError("format", `${where}: cannot decode a ${short.slice(2)} from this scalar`, { hint: "the value does not match its explicit tag" });
  return out;
}

const OLD_BOOL = new Set(["y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "n", "N", "no", "No", "NO", "off", "Off", "OFF"]);
const BASE60 = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/** go-yaml is_printable, by code point. */
export function isPrintable(cp: number): boolean {
  return cp === 0x0a || (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff);
}

const isBreak = (cp: number): boolean => cp === 0x0a || cp === 0x0d || cp === 0x85 || cp === 0x2028 || cp === 0x2029;

interface Analysis {
  multiline: boolean;
  blockPlain: boolean;
  single: boolean;
  block: boolean;
}

/** emitterc.go yaml_emitter_analyze_scalar (flow-context flags omitted: nixsec writes block style). */
function analyze(s: string): Analysis {
  if (s === "") return { multiline: false, blockPlain: true, single: true, block: false };
  let blockInd = s.startsWith("---") || s.startsWith("...");
  let lineBreaks = false, special = false, tabs = false;
  let leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false;
  let breakSpace = false, spaceBreak = false, prevSpace = false, prevBreak = false;
  let precededByWs = true;
  const cps = Array.from(s, (ch) => ch.codePointAt(0)!);
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i]!;
    const next = cps[i + 1];
    const followedByWs = next === undefined || next === 0x20 || next === 0x09 || isBreak(next);
    const ch = String.fromCodePoint(c);
    if (i === 0) {
      if ("#,[]{}&*!|>'\"%@`".includes(ch)) blockInd = true;
      else if ((ch === "?" || ch === ":" || ch === "-") && followedByWs) blockInd = true;
    } else if (ch === ":" && followedByWs) blockInd = true;
    else if (ch === "#" && precededByWs) blockInd = true;
    if (c === 0x09) tabs = true;
    else if (!isPrintable(c)) special = true;
    if (c === 0x20) {
      if (i === 0) leadingSpace = true;
      if (i === cps.length - 1) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === cps.length - 1) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      prevSpace = false;
      prevBreak = true;
    } else {
      prevSpace = false;
      prevBreak = false;
    }
    precededByWs = c === 0x20 || c === 0x09 || c === 0 || isBreak(c);
  }
  const a: Analysis = { multiline: lineBreaks, blockPlain: true, single: true, block: true };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) a.blockPlain = false;
  if (trailingSpace) a.block = false;
  if (breakSpace || spaceBreak || tabs || special) {
    a.blockPlain = false;
    a.single = false;
  }
  if (spaceBreak || special) a.block = false;
  if (lineBreaks || blockInd) a.blockPlain = false;
  return a;
}

export type ScalarStyle = "plain" | "single" | "double" | "literal";

/** The style go-yaml writes a string in, as a value or as a simple key. */
export function stringStyle(s: string, simpleKey: boolean): { style: ScalarStyle; multiline: boolean } {
  const canPlain = typeof resolvePlain(s) === "string" && !BASE60.test(s) && !OLD_BOOL.has(s);
  let style: ScalarStyle = s.includes("\n") ? "literal" : canPlain ? "plain" : "double";
  const a = analyze(s);
  if (simpleKey && a.multiline) style = "double";
  if (style === "plain" && (!a.blockPlain || (s === "" && simpleKey))) style = "single";
  if (style === "single" && !a.single) style = "double";
  if (style === "literal" && (!a.block || simpleKey)) style = "double";
  return { style, multiline: a.multiline };
}

/** A double-quoted scalar with go-yaml's escapes (upper-case hex). */
export function doubleQuoted(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (!isPrintable(c) || c === 0xfeff || isBreak(c) || c === 0x22 || c === 0x5c) {
      const named: Record<number, string> = { 0: "0", 7: "a", 8: "b", 9: "t", 10: "n", 11: "v", 12: "f", 13: "r", 27: "e", 0x22: '"', 0x5c: "\\", 0x85: "N", 0xa0: "_", 0x2028: "L", 0x2029: "P" };
      const hex = c.toString(16).toUpperCase();
      out += "\\" + (named[c] ?? (c <= 0xff ? "x" + hex.padStart(2, "0") : c <= 0xffff ? "u" + hex.padStart(4, "0") : "U" + hex.padStart(8, "0")));
    } else out += ch;
  }
  return out + '"';
}

export function singleQuoted(s: string): string {
  return "'" + s.replace(/'/g, "''") + "'";
}

/** The block scalar header after `|`: indentation digit when the text starts with a space or break, then chomping. */
export function literalHints(s: string, bestIndent: number): string {
  let h = "";
  const first = s.codePointAt(0);
  if (first === 0x20 || (first !== undefined && isBreak(first))) h += String(bestIndent);
  const cps = Array.from(s, (ch) => ch.codePointAt(0)!);
  const last = cps[cps.length - 1];
  if (last === undefined || !isBreak(last)) h += "-";
  else if (cps.length === 1 || isBreak(cps[cps.length - 2]!)) h += "+";
  return h;
}

/** Non-string scalars as go-yaml's encoder writes them (always plain). */
export function scalarText(v: Exclude<Scalar, string>): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") {
    const s = formatFloatG(v);
    return s === "+Inf" ? ".inf" : s === "-Inf" ? "-.inf" : s === "NaN" ? ".nan" : s;
  }
  if (v instanceof SopsTime) return v.text;
  return "";
}
