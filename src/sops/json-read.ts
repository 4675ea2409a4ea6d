// Reading JSON as sops' store does (stores/json: encoding/json tokens with
// UseNumber): key order and duplicate keys kept, integers that fit int64 are
// ints (exactly, beyond 2^53), other numbers floats, a top-level object
// required. Hand-written because JSON.parse loses order-preserving
// duplicates, big integers and int/float distinction; iterative-recursive
// with a depth bound, linear in the input.
import { SopsError } from "./errors.js";
import { checkSize, depthError, LIMITS, NodeBudget } from "./limits.js";
import { parseGoFloat } from "./gonum.js";
import { Branch, type Value } from "./tree.js";

const INT64 = /^-?(0|[1-9]\d*)$/;
/** Where a string's plain run ends: its quote, an escape, or a character JSON forbids there. */
const STRING_STOP = /["\\\u0000-\u001f]/g;
/** One-character escapes (an armored data key holds one per line). */
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
/**
 * A whole string literal without \u escapes (an armored data key is one:
 * ~400 characters, an escaped newline per line). JSON.parse reads such a
 * literal exactly as the loop below does, natively: its text came from
 * TextDecoder, so it holds no lone surrogate, and the one escape where
 * encoding/json and JSON.parse differ (an unpaired \uD800) is left out.
 */
const PLAIN_STRING = /"[^"\\\u0000-\u001f]*(?:\\["\\/bfnrt][^"\\\u0000-\u001f]*)*"/y;

export interface JsonRead {
  branch: Branch;
  /** The indentation unit of the file ("\t" unless it uses spaces), kept on rewrite. */
  indent: string;
}

class Reader {
  i = 0;
  constructor(
    readonly s: string,
    readonly file: string,
    readonly budget: NodeBudget,
  ) {}

  fail(msg: string): never {
    const before = this.s.slice(0, this.i);
    const line = before.split("\n").length;
    const col = this.i - before.lastIndexOf("\n");
    throw new SopsError("format", `${this.file}:${line}:${col}: ${msg}`, { hint: "the file is not valid JSON" });
  }

  ws(): void {
    for (let c = this.s.charCodeAt(this.i); c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d; c = this.s.charCodeAt(++this.i));
  }

  value(depth: number): Value {
    if (depth > LIMITS.depth) throw depthError(this.file);
    this.budget.spend();
    this.ws();
    const c = this.s[this.i];
    if (c === "{") return this.object(depth);
    if (c === "[") return this.array(depth);
    if (c === '"') return this.string();
    for (const [word, v] of [["true", true], ["false", false], ["null", null]] as const) {
      if (this.s.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
    }
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.s);
    if (!m || m[0] === "" || m[0] === "-") return this.fail(c === undefined ? "unexpected end of input" : "invalid character");
    this.i += m[0].length;
    if (INT64.test(m[0])) {
      const v = BigInt(m[0]);
      if (v >= -(2n ** 63n) && v < 2n ** 63n) return v;
    }
    const f = parseGoFloat(m[0]);
    return f === null ? this.fail("number out of range") : f;
  }

  object(depth: number): Branch {
    this.i++;
    const items: Branch["items"] = [];
    this.ws();
    if (this.s[this.i] === "}") {
      this.i++;
      return new Branch(items);
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail("expected a string key");
      const key = this.string();
      this.ws();
      if (this.s[this.i] !== ":") this.fail("expected ':' after an object key");
      this.i++;
      items.push({ key, value: this.value(depth + 1) });
      this.ws();
      const c = this.s[this.i++];
      if (c === "}") return new Branch(items);
      if (c !== ",") this.fail("expected ',' or '}' in an object");
    }
  }

  array(depth: number): Value[] {
    this.i++;
    const out: Value[] = [];
    this.ws();
    if (this.s[this.i] === "]") {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth + 1));
      this.ws();
      const c = this.s[this.i++];
      if (c === "]") return out;
      if (c !== ",") this.fail("expected ',' or ']' in an array");
    }
  }

  string(): string {
    PLAIN_STRING.lastIndex = this.i;
    if (PLAIN_STRING.test(this.s)) {
      const literal = this.s.slice(this.i, PLAIN_STRING.lastIndex);
      this.i = PLAIN_STRING.lastIndex;
      return JSON.parse(literal) as string;
    }
    this.i++;
    let out = "";
    let start = this.i;
    for (;;) {
      STRING_STOP.lastIndex = this.i;
      if (!STRING_STOP.exec(this.s)) {
        this.i = this.s.length;
        this.fail("unterminated string");
      }
      this.i = STRING_STOP.lastIndex - 1;
      const c = this.s.charCodeAt(this.i);
      if (c === 0x22) {
        out += this.s.slice(start, this.i++);
        return out;
      }
      if (c < 0x20) this.fail("control character in a string");
      out += this.s.slice(start, this.i);
      const e = this.s[this.i + 1];
      if (e !== undefined && Object.hasOwn(SIMPLE_ESCAPES, e)) {
        out += SIMPLE_ESCAPES[e];
        this.i += 2;
      } else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(this.s.slice(this.i + 2, this.i + 6))) {
        let cp = Number.parseInt(this.s.slice(this.i + 2, this.i + 6), 16);
        this.i += 6;
        if (cp >= 0xd800 && cp < 0xdc00 && /^\\u[dD][c-fC-F][0-9a-fA-F]{2}$/.test(this.s.slice(this.i, this.i + 6))) {
          cp = 0x10000 + ((cp - 0xd800) << 10) + (Number.parseInt(this.s.slice(this.i + 2, this.i + 6), 16) - 0xdc00);
          this.i += 6;
        } else if (cp >= 0xd800 && cp < 0xe000) cp = 0xfffd; // encoding/json: an unpaired surrogate becomes U+FFFD
        out += String.fromCodePoint(cp);
      } else this.fail("invalid escape in a string");
      start = this.i;
    }
  }
}

/** Parses a JSON file whose top level is an object (sops' requirement). */
export function readJson(bytes: Uint8Array, file: string): JsonRead {
  checkSize(bytes, LIMITS.otherBytes, file);
  const s = new TextDecoder("utf-8").decode(bytes); // encoding/json replaces invalid UTF-8 with U+FFFD too
  const r = new Reader(s, file, new NodeBudget(file));
  r.ws();
  if (r.s[r.i] !== "{") {
    throw new SopsError("format", `${file}: sops only supports JSON files with a top-level object`, { hint: 'wrap the data in an object, e.g. {"data": [...]}' });
  }
  const branch = r.value(0) as Branch;
  r.ws();
  if (r.i < r.s.length) r.fail("data after the top-level object");
  const m = /\{\s*?\n([ \t]+)"/.exec(s);
  return { branch, indent: m ? m[1]! : "\t" };
}
