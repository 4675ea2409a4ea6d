// Property tests over random trees: nested maps and lists, every value type,
// unicode keys, empty strings, `_unencrypted` keys and comments. Encrypting
// and decrypting gives the tree back exactly with the MAC verified; any
// changed character in an encrypted value, a cleartext value or the MAC is
// refused; plaintext YAML and JSON read back what nixsec writes.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateAgeKey, parseIdentityLine, parseRecipient } from "../../src/crypto/index.js";
import { Branch, Comment, decryptSecretFile, decryptSops, emitPlain, encryptSecretFile, encryptSops, loadPlain, SopsError, SopsTime, type SopsFormat, type Value } from "../../src/sops/index.js";

const seed = Number(process.env.FC_SEED) || Math.floor(Math.random() * 2 ** 31);
// Printed so a failure can be replayed with FC_SEED=….
console.log(`sops properties: fast-check seed ${seed}`);
const scale = Number(process.env.FC_SCALE) || 1;
const params = (numRuns: number) => ({ seed, numRuns: numRuns * scale });

/** A tree as tagged plain data, so -0, NaN, bigint vs number and bytes compare exactly. */
function shape(v: Value | Comment): unknown {
  if (v instanceof Comment) return ["#", v.text, v.inline];
  if (v instanceof Branch) return ["map", v.items.map((it) => (it instanceof Comment ? shape(it) : [it.key, shape(it.value)]))];
  if (Array.isArray(v)) return ["list", v.map(shape)];
  if (typeof v === "number") return ["float", Object.is(v, -0) ? "-0" : String(v)];
  if (typeof v === "bigint") return ["int", v.toString()];
  if (v instanceof Uint8Array) return ["bytes", Buffer.from(v).toString("hex")];
  if (v instanceof SopsTime) return ["time", v.text];
  return [typeof v, v];
}

// Text without lone surrogates (not encodable) and, for comments, without line breaks.
const text = fc.string({ unit: "grapheme", maxLength: 12 });
const commentText = fc.string({ unit: "grapheme-ascii", maxLength: 20 }).map((s) => s.replace(/[\r\n\u0085\u2028\u2029]/g, " "));
const key = fc.oneof(text, text.map((s) => s + "_unencrypted"), fc.constantFrom("", "true", "1", "a: b", "- x", "#", "ENC[x]", "null", "2024-01-01", "été", "🔑"));
// Times as Go writes them back (fraction without trailing zeros).
const time = fc.date({ min: new Date("1970-01-01T00:00:00Z"), max: new Date("2200-01-01T00:00:00Z"), noInvalidDate: true }).map((d) => new SopsTime(d.toISOString().replace(/\.?0*Z$/, "Z")));

function scalar(opts: { times: boolean; bytes: boolean }): fc.Arbitrary<Value> {
  const arbs: fc.Arbitrary<Value>[] = [
    text,
    fc.constant(""),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
  ];
  if (opts.times) arbs.push(time);
  if (opts.bytes) arbs.push(fc.uint8Array({ minLength: 1, maxLength: 8 }));
  return fc.oneof(...arbs);
}

/** Maps and lists with comments where YAML can carry them back (not inside an otherwise empty collection). */
function tree(opts: { times: boolean; bytes: boolean; comments: boolean }): fc.Arbitrary<Branch> {
  const { node } = fc.letrec<{ node: Value; map: Branch; list: Value[] }>((tie) => ({
    node: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalar(opts), tie("map"), tie("list")),
    map: fc.uniqueArray(fc.tuple(key, tie("node"), opts.comments ? fc.option(commentText, { freq: 4 }) : fc.constant(null)), { selector: ([k]) => k, maxLength: 4 }).map(
      // Not before the first entry: there a map in a list item would pass its
      // comment to the list (as go-yaml does; the additional data is the same).
      (es) => new Branch(es.flatMap(([k, v, c], i) => (c !== null && i > 0 ? [new Comment(c), { key: k, value: v }] : [{ key: k, value: v }]))),
    ),
    list: fc.array(tie("node"), { maxLength: 4 }),
  }));
  return fc.uniqueArray(fc.tuple(key.filter((k) => k !== "sops"), node), { selector: ([k]) => k, minLength: 1, maxLength: 5 }).map((es) => new Branch(es.map(([k, value]) => ({ key: k, value }))));
}

/**
 * Values left in clear (under `_unencrypted` keys) keep only what the file
 * format can say: YAML and JSON cannot tell 3.0 from 3 or bytes from text,
 * JSON has no times. Those are made representable; encrypted values carry
 * their type in the ciphertext and need no such care.
 */
function clearSafe(v: Value, format: SopsFormat, clear: boolean): Value {
  if (v instanceof Branch) return new Branch(v.items.map((it) => (it instanceof Comment ? it : { key: it.key, value: clearSafe(it.value, format, clear || it.key.endsWith("_unencrypted")) })));
  if (Array.isArray(v)) return v.map((x) => (x instanceof Comment ? x : clearSafe(x, format, clear)));
  if (!clear) return v;
  if (v instanceof Uint8Array) return Buffer.from(v).toString("hex");
  if (typeof v === "number" && (Number.isInteger(v) || Object.is(v, -0))) return 0.5;
  if (v instanceof SopsTime && format === "json") return v.text;
  return v;
}

async function keyPair() {
  const k = await generateAgeKey();
  return { recipient: parseRecipient(k.recipient), identity: parseIdentityLine(k.identity, "test key") };
}

describe("encrypt then decrypt", () => {
  for (const format of ["yaml", "json"] as SopsFormat[]) {
    it(`${format}: gives the tree back exactly, MAC verified`, async () => {
      const k = await keyPair();
      const opts = format === "yaml" ? { times: true, bytes: true, comments: true } : { times: true, bytes: true, comments: false };
      await fc.assert(
        fc.asyncProperty(tree(opts).map((t) => clearSafe(t, format, false) as Branch), async (t) => {
          const file = await encryptSops([t], [k.recipient], { file: `t.${format}`, format });
          const d = await decryptSops(file, [k.identity], { file: `t.${format}`, format });
          expect(shape(d.branches[0]!)).toEqual(shape(t));
        }),
        params(60),
      );
    });
  }
});

/** Every ENC[…] value in a file (the MAC's too), by offset, and every cleartext value of an `_unencrypted` key. */
function targets(s: string): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = [];
  for (const m of s.matchAll(/ENC\[AES256_GCM,[^\]]*\]/g)) if (!s.slice(0, m.index).endsWith("#")) out.push({ start: m.index, end: m.index + m[0].length });
  for (const m of s.matchAll(/_unencrypted": "([0-9A-Za-z]+)"/g)) out.push({ start: m.index + m[0].length - 1 - m[1]!.length, end: m.index + m[0].length - 1 });
  return out;
}

describe("tampering", () => {
  it("a changed character in any value or in the MAC is refused", async () => {
    const k = await keyPair();
    const alnum = fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
    await fc.assert(
      fc.asyncProperty(tree({ times: false, bytes: false, comments: false }).map((t) => clearSafe(t, "json", false) as Branch), fc.nat(), fc.nat(), alnum, async (t, which, where, ch) => {
        const file = Buffer.from(await encryptSops([t], [k.recipient], { file: "t.json", format: "json" })).toString("utf8");
        const spots = targets(file);
        const spot = spots[which % spots.length]!;
        const at = spot.start + (where % (spot.end - spot.start));
        fc.pre(file[at] !== ch);
        const changed = file.slice(0, at) + ch + file.slice(at + 1);
        const d = await decryptSops(Buffer.from(changed), [k.identity], { file: "t.json" }).catch((e) => e);
        expect(d).toBeInstanceOf(SopsError);
        expect((d as SopsError).kind === "value" || (d as SopsError).kind === "mac").toBe(true);
      }),
      params(150),
    );
  });
});

describe("plaintext round trips", () => {
  const plainScalar = (times: boolean) =>
    fc.oneof(text, fc.constant(""), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.double({ noNaN: true, noDefaultInfinity: true }).filter((f) => !Number.isInteger(f)), fc.boolean(), fc.constant(null), ...(times ? [time] : []));
  for (const format of ["yaml", "json"] as SopsFormat[]) {
    it(`${format}: what nixsec prints reads back as the same tree`, () => {
      const arb = fc.letrec<{ node: Value; map: Branch }>((tie) => ({
        node: fc.oneof({ depthSize: "small" }, plainScalar(format === "yaml"), tie("map"), fc.array(tie("node"), { maxLength: 3 })),
        map: fc.uniqueArray(fc.tuple(key, tie("node")), { selector: ([k]) => k, maxLength: 4 }).map((es) => new Branch(es.map(([k, value]) => ({ key: k, value })))),
      })).map;
      fc.assert(
        fc.property(arb, (t) => {
          const out = emitPlain([t], format, `t.${format}`);
          expect(shape(loadPlain(out, format, `t.${format}`).branches[0]!)).toEqual(shape(t));
        }),
        params(300),
      );
    });
  }
});

describe("flat formats and the one-secret shape", () => {
  // dotenv and INI say less than YAML: keys cannot hold "=" or line breaks,
  // dotenv reads the two characters \n as a newline, go-ini trims values and
  // cuts them at # or ; unless quoted, and joins lines ending in "\". Values
  // in clear keep to what survives that; encrypted ones are ENC[…] text.
  const safeText = fc.string({ unit: fc.constantFrom(..."abcXYZ019 .,#;:=-'\"\n"), maxLength: 10 });
  const typed = fc.oneof(safeText, fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), time, fc.uint8Array({ minLength: 1, maxLength: 6 }));
  const flatKey = fc.string({ unit: fc.constantFrom(..."ABCxyz019_"), minLength: 1, maxLength: 8 });
  const entries = (clearValue: fc.Arbitrary<string>) =>
    fc.uniqueArray(fc.oneof(fc.tuple(flatKey, typed), fc.tuple(flatKey.map((k) => k + "_unencrypted"), clearValue)), { selector: ([k]) => k, minLength: 1, maxLength: 5 }).map(
      (es) => new Branch(es.map(([k, v]) => ({ key: k, value: v as Value }))),
    );

  it("dotenv: encrypt then decrypt gives the values back", async () => {
    const k = await keyPair();
    const clear = safeText.filter((s) => !s.includes("\\n"));
    await fc.assert(
      fc.asyncProperty(entries(clear), async (t) => {
        const file = await encryptSops([t], [k.recipient], { file: "t.env" });
        expect(shape((await decryptSops(file, [k.identity], { file: "t.env" })).branches[0]!)).toEqual(shape(t));
      }),
      params(60),
    );
  });

  it("ini: encrypt then decrypt gives the values back", async () => {
    const k = await keyPair();
    const clear = safeText.map((s) => s.trim().replace(/\n/g, " ")).filter((s) => !/^["']|["']$/.test(s));
    const section = fc.string({ unit: fc.constantFrom(..."abc019 -"), minLength: 1, maxLength: 6 }).filter((s) => s.trim() === s && s !== "sops" && s.toUpperCase() !== "DEFAULT");
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.tuple(section, entries(clear)), { selector: ([s]) => s, minLength: 1, maxLength: 3 }), async (secs) => {
        const t = new Branch(secs.map(([key, value]) => ({ key, value })));
        const file = await encryptSops([t], [k.recipient], { file: "t.ini" });
        expect(shape((await decryptSops(file, [k.identity], { file: "t.ini" })).branches[0]!)).toEqual(shape(t));
      }),
      params(60),
    );
  });

  it("binary: any bytes come back exactly", async () => {
    const k = await keyPair();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (value) => {
        const file = await encryptSecretFile(value, [k.recipient], { file: "t.sops.bin" });
        expect(Buffer.from(await decryptSecretFile(file, [k.identity], "t.sops.bin"))).toEqual(Buffer.from(value));
      }),
      params(60),
    );
  });
});
