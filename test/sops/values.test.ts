// Tables of pure cases: Go's number and time text (what the MAC hashes and
// sops prints), go-yaml's typing of plain scalars and its choice of style.
import { describe, expect, it } from "vitest";
import { formatFloatF, formatFloatG, formatFloatJson, parseGoFloat, parseGoInt, parseGoIntBase0 } from "../../src/sops/gonum.js";
import { normalizeRfc3339, parseTimeValue, parseYamlTimestamp } from "../../src/sops/gotime.js";
import { resolvePlain, stringStyle } from "../../src/sops/yaml-scalar.js";
import { SopsTime } from "../../src/sops/index.js";

describe("Go float text", () => {
  it.each([
    [3.14, "3.14", "3.14", "3.14"],
    [100, "100", "100", "100"],
    [-0, "-0", "-0", "-0"],
    [0.1 + 0.2, "0.30000000000000004", "0.30000000000000004", "0.30000000000000004"],
    [123456, "123456", "123456", "123456"],
    [1e6, "1000000", "1e+06", "1000000"],
    [1e20, "100000000000000000000", "1e+20", "100000000000000000000"],
    [1e21, "1000000000000000000000", "1e+21", "1e+21"],
    [1e-4, "0.0001", "0.0001", "0.0001"],
    [1e-5, "0.00001", "1e-05", "0.00001"],
    [1e-7, "0.0000001", "1e-07", "1e-7"],
    [1.5e300, "15" + "0".repeat(299), "1.5e+300", "1.5e+300"],
  ])("%s → 'f' %s, 'g' %s, json %s", (f, fText, gText, jsonText) => {
    expect(formatFloatF(f)).toBe(fText);
    expect(formatFloatG(f)).toBe(gText);
    expect(formatFloatJson(f)).toBe(jsonText);
  });

  it.each([
    ["7", 7n],
    ["+7", 7n],
    ["007", 7n],
    ["-9223372036854775808", -(2n ** 63n)],
    ["9223372036854775808", null],
    ["1_000", null],
    ["0x10", null],
  ])("Atoi(%s) = %s", (s, v) => expect(parseGoInt(s)).toBe(v));

  it.each([
    ["0.25", 0.25],
    ["1e3", 1000],
    ["-Inf", -Infinity],
    ["1e400", null],
    ["0x1p-2", null],
  ])("ParseFloat(%s) = %s", (s, v) => expect(parseGoFloat(s)).toBe(v));

  it.each([
    ["0x1F", 31n],
    ["017", 15n],
    ["0o17", 15n],
    ["0b101", 5n],
    ["18446744073709551615", 2n ** 64n - 1n],
    ["08", null],
  ])("ParseInt(%s, 0, 64) = %s", (s, v) => expect(parseGoIntBase0(s)).toBe(v));
});

describe("go-yaml typing of plain scalars", () => {
  it.each<[string, unknown]>([
    ["", null],
    ["~", null],
    ["Null", null],
    ["True", true],
    ["FALSE", false],
    ["yes", "yes"],
    ["on", "on"],
    ["1_000", 1000n],
    ["+12", 12n],
    ["08", 8],
    ["1.", 1],
    [".5", 0.5],
    ["1e3", 1000],
    ["1e400", "1e400"],
    [".inf", Infinity],
    ["-.INF", -Infinity],
    ["9223372036854775808", 2n ** 63n],
    ["-9223372036854775809", -9223372036854775809],
    ["ENC[AES256_GCM,data:x]", "ENC[AES256_GCM,data:x]"],
    ["2024-01-02", new SopsTime("2024-01-02T00:00:00Z")],
    ["2024-1-2 3:04:05.50", new SopsTime("2024-01-02T03:04:05.5Z")],
    ["2024-01-02T03:04:05+02:00", new SopsTime("2024-01-02T03:04:05+02:00")],
    ["2024-13-02", "2024-13-02"],
  ])("%j", (s, v) => expect(resolvePlain(s)).toEqual(v));
});

describe("go-yaml string styles", () => {
  it.each<[string, boolean, string]>([
    ["hello world", false, "plain"],
    ["ENC[AES256_GCM,data:a,iv:b,tag:c,type:str]", false, "plain"],
    ["", false, "double"],
    ["", true, "double"],
    ["true", false, "double"],
    ["yes", false, "double"],
    ["123", false, "double"],
    ["1:20", false, "double"],
    ["2024-01-02T03:04:05Z", false, "double"],
    ["a: b", false, "single"],
    ["#x", false, "single"],
    ["- x", false, "single"],
    [" lead", false, "single"],
    ["trail ", false, "single"],
    ["it's", false, "plain"],
    ["tab\there", false, "double"],
    ["line\nbreak", false, "literal"],
    ["line\nbreak", true, "double"],
    ["trailing space \nx", false, "double"],
    ["caf\u00e9", false, "plain"],
    ["\u{1F511}", false, "double"],
  ])("%j (key: %s) → %s", (s, key, style) => expect(stringStyle(s, key).style).toBe(style));
});

describe("Go time text", () => {
  it.each<[string, string | null]>([
    ["2026-01-02T03:04:05Z", "2026-01-02T03:04:05Z"],
    ["2026-01-02T03:04:05.123Z", "2026-01-02T03:04:05Z"],
    ["2026-01-02T03:04:05+00:00", "2026-01-02T03:04:05Z"],
    ["2026-01-02T03:04:05-07:30", "2026-01-02T03:04:05-07:30"],
    ["2026-02-30T03:04:05Z", null],
    ["2026-01-02 03:04:05Z", null],
  ])("lastmodified %s → additional data %s", (s, aad) => expect(normalizeRfc3339(s)).toBe(aad));

  it("time values are written back as Go's MarshalText does", () => {
    expect(parseTimeValue("2026-01-02T03:04:05.120000Z")?.text).toBe("2026-01-02T03:04:05.12Z");
    expect(parseYamlTimestamp("2026-1-2")?.text).toBe("2026-01-02T00:00:00Z");
  });
});
