// The JSON string writer and reader are single-pass (regex) for speed (a
// sops file's armored data keys are long strings); they must write and read
// exactly what the per-character versions did: encoding/json's escaping
// (HTML characters, U+2028/9, lone surrogates as U+FFFD) and every escape
// on read. The reference below is the per-character writer they replaced.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonString } from "../../src/sops/json-emit.js";
import { readJson } from "../../src/sops/json-read.js";
import { Branch } from "../../src/sops/tree.js";

function reference(s: string): string {
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
    else if (c >= 0xd800 && c < 0xe000) out += "\\ufffd";
    else out += ch;
  }
  return out + '"';
}

const seed = Number(process.env.FC_SEED) || Math.floor(Math.random() * 2 ** 31);
// Code units, so lone and paired surrogates, controls and HTML characters all come up.
const units = fc.array(fc.oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0xd7f0, max: 0xe010 }), fc.constantFrom(0x2028, 0x2029, 0xfffd, 0x1f600)), { maxLength: 60 })
  .map((cs) => cs.map((c) => String.fromCodePoint(c)).join(""));

describe(`JSON strings in one pass (fast-check seed ${seed})`, () => {
  it("jsonString writes what the per-character writer wrote", () => {
    fc.assert(
      fc.property(units, (s) => {
        expect(jsonString(s)).toBe(reference(s));
      }),
      { seed, numRuns: 2000 },
    );
  });

  it("the reader reads back every string written, and what JSON.parse reads from any escapes", () => {
    fc.assert(
      fc.property(units, (s) => {
        const text = `{"k": ${jsonString(s)}}`;
        const read = readJson(new TextEncoder().encode(text), "x.json").branch.get("k");
        expect(read).toBe(JSON.parse(text).k);
      }),
      { seed, numRuns: 2000 },
    );
    for (const bad of ['{"k": "abc', '{"k": "a\\qb"}', '{"k": "a\nb"}']) expect(() => readJson(new TextEncoder().encode(bad), "x.json")).toThrow(/x\.json:\d+:\d+: /);
    expect(readJson(new TextEncoder().encode('{"k": "\\u00e9\\ud83d\\ude00\\/\\n"}'), "x.json").branch.get("k")).toBe("é😀/\n");
    expect(readJson(new TextEncoder().encode("{}"), "x.json").branch).toBeInstanceOf(Branch);
  });

  it("strings with raw characters and one-character escapes (the reader's native path) read as written", () => {
    fc.assert(
      fc.property(units.filter((s) => !/[\ud800-\udfff]/u.test(s)), (s) => {
        // JSON.stringify leaves HTML characters, U+2028/9 and astral characters raw.
        const text = `{"k": ${JSON.stringify(s)}}`;
        expect(readJson(new TextEncoder().encode(text), "x.json").branch.get("k")).toBe(s);
      }),
      { seed, numRuns: 2000 },
    );
    // The one escape where JSON.parse and encoding/json differ stays on the loop.
    expect(readJson(new TextEncoder().encode('{"k": "a\\n\\ud800b"}'), "x.json").branch.get("k")).toBe("a\n\ufffdb");
  });
});
