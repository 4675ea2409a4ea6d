// The plugin protocol's framing and names: messages survive any split of
// the byte stream (property), malformed input is refused (table), and the
// bech32 encodings map to plugin names as age-plugin.md says (table).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeMessage, MessageReader, WireError } from "../../src/crypto/plugin-wire.js";
import { encodePluginIdentity, isPluginName, parsePluginIdentity, parsePluginRecipient } from "../../src/crypto/plugin-name.js";
import { TAGTEST_RECIPIENT } from "../helpers/plugins.js";

const vchars = fc.string({ unit: fc.integer({ min: 33, max: 126 }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 12 });
const message = fc.record({
  command: vchars,
  args: fc.array(vchars, { maxLength: 4 }),
  body: fc.uint8Array({ maxLength: 200 }),
});

describe("MessageReader", () => {
  it("yields exactly the messages written, however the bytes are split", () => {
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 8 }), (msgs, cuts) => {
        const bytes = Buffer.from(msgs.map((m) => encodeMessage(m.command, m.args, m.body)).join(""), "latin1");
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const r = new MessageReader();
        let at = 0;
        for (const p of [...points, bytes.length]) {
          r.push(bytes.subarray(at, p));
          at = p;
        }
        const got = [];
        for (let m = r.shift(); m; m = r.shift()) got.push({ command: m.command, args: m.args, body: Buffer.from(m.body) });
        expect(got).toEqual(msgs.map((m) => ({ ...m, body: Buffer.from(m.body) })));
        expect(r.partial).toBe(false);
      }),
      { verbose: true },
    );
  });

  it.each([
    ["a line that is not a stanza", "hello\n", /expected a stanza/],
    ["an empty argument", "-> ok  x\n\n", /malformed stanza arguments/],
    ["a non-ASCII argument", "-> ok caf\u00e9\n\n", /malformed stanza arguments/],
    ["padded base64", "-> ok\nAA==\n", /malformed stanza body/],
    ["non-canonical base64", "-> ok\nAB\n", /malformed stanza body/],
    ["a body line longer than 64 columns", "-> ok\n" + "A".repeat(68) + "\n", /malformed stanza body/],
    ["a line without end", "-".repeat(70 * 1024), /longer than 64 KiB/],
  ])("refuses %s", (_name, input, error) => {
    const r = new MessageReader();
    expect(() => r.push(Buffer.from(input, "latin1"))).toThrow(error);
    try {
      new MessageReader().push(Buffer.from(input, "latin1"));
    } catch (err) {
      expect(err).toBeInstanceOf(WireError);
    }
  });

  it("a message cut short is partial, not a message", () => {
    const r = new MessageReader();
    r.push(Buffer.from("-> file-key 0\n" + "A".repeat(64) + "\n"));
    expect(r.shift()).toBeUndefined();
    expect(r.partial).toBe(true);
  });
});

describe("plugin names and encodings", () => {
  it.each([
    ["yubikey", true],
    ["se", true],
    ["my-plugin_v2.1+x", true],
    ["", false],
    ["a/b", false],
    ["..", false],
    ["a b", false],
  ])("%j is a plugin name: %s", (name, ok) => {
    expect(isPluginName(name)).toBe(ok);
  });

  it("age1NAME1… and AGE-PLUGIN-NAME-1… name the binary age-plugin-name", () => {
    expect(parsePluginRecipient(TAGTEST_RECIPIENT)).toMatchObject({ name: "tag" });
    expect(parsePluginRecipient("age1yubikey1qwt50d05nh5vutpdzmlg5wn80xq5negm4uj9ghv0snvdd3yysf5yw3rhl3t").name).toBe("yubikey");
    expect(parsePluginIdentity("AGE-PLUGIN-TAGTEST-1CXM4UC")).toEqual({ name: "tagtest", data: new Uint8Array(0) });
    expect(encodePluginIdentity("tagtest")).toBe("AGE-PLUGIN-TAGTEST-1CXM4UC");
    expect(encodePluginIdentity("TagTest")).toBe("AGE-PLUGIN-TAGTEST-1CXM4UC");
  });

  it.each([
    ["a lower-case identity", () => parsePluginIdentity("age-plugin-tagtest-1cxm4uc"), /upper case/],
    ["an upper-case recipient", () => parsePluginRecipient(TAGTEST_RECIPIENT.toUpperCase()), /lower case/],
    ["a bad checksum", () => parsePluginIdentity("AGE-PLUGIN-TAGTEST-1CXM4UD"), /invalid bech32/],
    ["a name with a slash", () => encodePluginIdentity("../evil"), /invalid plugin name/],
  ])("refuses %s", (_name, fn, error) => {
    expect(fn).toThrow(error);
  });
});
