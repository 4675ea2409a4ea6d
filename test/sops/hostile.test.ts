// Hostile and malformed input: every case fails with a SopsError that names
// the file (never a crash, a hang or a read of the secret into the message),
// within the test's time limit.
import { describe, expect, it } from "vitest";
import { generateAgeKey, parseIdentityLine } from "../../src/crypto/index.js";
import { decryptSops, inspectSops, loadPlain, SopsError, type SopsFormat } from "../../src/sops/index.js";
import { LIMITS } from "../../src/sops/limits.js";

const META = `sops:
    age:
        - recipient: age1xxx
          enc: |
            -----BEGIN AGE ENCRYPTED FILE-----
            -----END AGE ENCRYPTED FILE-----
    lastmodified: "2026-01-01T00:00:00Z"
    mac: ENC[AES256_GCM,data:AA==,iv:AA==,tag:AAAAAAAAAAAAAAAAAAAAAA==,type:str]
    unencrypted_suffix: _unencrypted
    version: 3.13.2
`;

let laughs = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
for (let i = 1; i < 12; i++) laughs += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(", ")}]\n`;

const cases: Array<[string, SopsFormat, string | Uint8Array, RegExp, "plain" | "encrypted"]> = [
  ["deep flow nesting", "yaml", "a: " + "[".repeat(1_000_000), /nested more than/, "plain"],
  ["deep block nesting", "yaml", Array.from({ length: 300 }, (_, i) => " ".repeat(i) + "k:").join("\n") + " v\n", /nested more than/, "plain"],
  ["billion laughs", "yaml", laughs, /more than .* values/, "plain"],
  ["many documents", "yaml", "---\na: 1\n".repeat(LIMITS.documents + 5), /more than .* YAML documents/, "plain"],
  ["a YAML file over the size bound", "yaml", "a: " + "x".repeat(LIMITS.yamlBytes) + "\n", /bytes is more than/, "plain"],
  ["deep JSON", "json", '{"a":' + "[".repeat(200_000) + "]".repeat(200_000) + "}", /nested more than/, "plain"],
  ["invalid UTF-8 YAML", "yaml", new Uint8Array([0x61, 0x3a, 0x20, 0xff, 0x0a]), /not valid UTF-8/, "plain"],
  ["duplicate keys", "yaml", "a: 1\nb: 2\na: 3\n", /appears twice/, "plain"],
  ["a non-string key", "yaml", "1: one\n", /not a string/, "plain"],
  ["a map as a key", "yaml", "? {a: 1}\n: x\n", /not a scalar/, "plain"],
  ["a top-level list", "yaml", "- a\n- b\n", /lists are not supported/, "plain"],
  ["a top-level JSON array", "json", "[1, 2]", /top-level object/, "plain"],
  ["trailing JSON data", "json", '{"a": 1} {"b": 2}', /data after the top-level object/, "plain"],
  ["a YAML syntax error", "yaml", "a: [1, 2\n", /:\d+:\d+: /, "plain"],
  ["a recursive alias", "yaml", "a: &x [1, *x]\n", /alias/, "plain"],
  ["no sops metadata", "yaml", "a: b\n", /sops metadata not found/, "encrypted"],
  ["metadata that is not a map", "yaml", "a: b\nsops: 3\n", /not a map/, "encrypted"],
  ["age entries that are not a list", "yaml", "a: b\nsops:\n    age: nope\n    lastmodified: x\n", /sops\.age is not a list/, "encrypted"],
  ["no lastmodified", "yaml", META.replace(/ *lastmodified.*\n/, ""), /lastmodified is missing/, "encrypted"],
  ["two encryption rules", "yaml", META.replace("    version", "    encrypted_regex: ^a$\n    version"), /more than one of/, "encrypted"],
  ["a regex JS cannot read like RE2", "yaml", META.replace("unencrypted_suffix: _unencrypted", "encrypted_regex: '[[:alpha:]]'"), /RE2 syntax/, "encrypted"],
  ["a dotenv line without =", "dotenv", "A=1\nnot a pair with a secret\n", /:2: not a KEY=value line/, "plain"],
  ["dotenv without metadata", "dotenv", "A=1\n", /sops metadata not found/, "encrypted"],
  ["dotenv metadata with gaps", "dotenv", "A=1\nsops_age__list_1__map_enc=x\nsops_lastmodified=x\n", /gaps/, "encrypted"],
  ["an unclosed INI section", "ini", "[a\nk = v\n", /unclosed section/, "plain"],
  ["an INI line without =", "ini", "[a]\nsecret-looking line\n", /:2: not a key = value line/, "plain"],
  ["an unterminated INI multi-line value", "ini", '[a]\nk = """abc\nmore\n', /missing closing quote/, "plain"],
];

describe.each(cases)("%s", (_name, format, input, message, mode) => {
  it("fails with a SopsError naming the file", async () => {
    const bytes = typeof input === "string" ? Buffer.from(input) : input;
    const run = () => (mode === "plain" ? loadPlain(bytes, format, "evil.file") : inspectSops(bytes, { file: "evil.file", format }));
    let err: unknown;
    try {
      run();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SopsError);
    expect((err as Error).message).toMatch(/^evil\.file/);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toMatch(/secret/);
  }, 20_000);
});

describe("damaged encrypted values", () => {
  it("an age entry that is not an age file is reported, not taken for a wrong key only", async () => {
    const k = await generateAgeKey();
    const err = await decryptSops(Buffer.from("a: b\n" + META), [parseIdentityLine(k.identity, "k")], { file: "evil.yaml" }).catch((e) => e);
    expect(err).toBeInstanceOf(SopsError);
    expect(err.kind).toBe("no-match");
    expect(err.hints.join("\n")).toMatch(/not valid age files/);
  });
});
