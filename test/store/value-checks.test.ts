// Values checked for their consumers: env secrets as systemd reads an
// EnvironmentFile, user passwords as crypt(3) hashes. Problems name a line,
// never the value.
import { describe, expect, it } from "vitest";
import { checkValue, dotenvProblem, isCryptHash } from "../../src/store/value-checks.js";

const b = (s: string) => new TextEncoder().encode(s);

describe("dotenvProblem", () => {
  it.each([
    "A=1\n",
    "A=1",
    "# comment\n; also\n\n  \nA=1\nB_2=two words\n",
    "A='single quoted'\nB=\"double \\\" quoted\"\n",
    "A=\"spans\nlines\"\nB=1\n",
    "A=con\\\ntinued\n",
    "A=1\r\nB=2\r\n",
    "A=\n",
    " A = 1\n",
  ])("accepts %j", (text) => {
    expect(dotenvProblem(b(text))).toBeUndefined();
  });

  it.each([
    ["A=1\njust words\n", /^line 2 is not NAME=value/],
    ["export A=1\n", /^line 1 starts with "export"/],
    ["1A=x\n", /^line 1 is not NAME=value/],
    ["A-B=x\n", /^line 1 is not NAME=value/],
    ["A=\"never closed\nB=1\n", /^line 1: the double quote is never closed/],
    ["A='x' trailing\n", /^line 1: text after the closing quote/],
    ["A=1\u0000\n", /NUL/],
  ])("refuses %j", (text, message) => {
    expect(dotenvProblem(b(text))).toMatch(message);
  });

  it("refuses invalid UTF-8", () => {
    expect(dotenvProblem(new Uint8Array([0x41, 0x3d, 0xff]))).toMatch(/UTF-8/);
  });
});

describe("isCryptHash", () => {
  it.each([
    "$6$saltsalt$" + "a".repeat(86),
    "$y$j9T$salt$hash.hash/hash",
    ["$2b", "05", "abcdefghijklmnopqrstuv0123456789ABCDEFGHIJKLMNOPQRSTU"].join("$"), // joined, so no hash-shaped literal sits in the repository
    "$5$rounds=5000$salt$hash",
    "!",
    "*",
    "!$6$salt$hash",
    "$6$salt$hash\n",
  ])("accepts %j", (v) => expect(isCryptHash(b(v))).toBe(true));

  it.each(["hunter2", "", "$6$", "$9$salt$hash", "$6$salt$hash\n\n", "$6$sa lt$hash"])("refuses %j", (v) => expect(isCryptHash(b(v))).toBe(false));
});

describe("checkValue", () => {
  it("names the secret and the source, never the value", () => {
    const spec = { format: "env" as const, wire: [] };
    expect(() => checkValue("bot/env", spec, b("VERY-SECRET-TOKEN\n"), "--stdin")).toThrow(/^the value of bot\/env \(--stdin\) is not an environment file: line 1 is not NAME=value .*; nothing was changed$/);
    try {
      checkValue("bot/env", spec, b("VERY-SECRET-TOKEN\n"), "--stdin");
    } catch (err) {
      expect(JSON.stringify({ m: (err as Error).message, h: (err as { hints?: string[] }).hints })).not.toContain("VERY-SECRET");
    }
    expect(() => checkValue("u/h", { format: "text", wire: [{ userPassword: "alice" }] }, b("plain"), "the prompt")).toThrow(/users\.users\.alice\.hashedPasswordFile/);
    expect(() => checkValue("u/h", { format: "text", wire: [{ userPassword: "alice" }] }, b("$6$salt$hashhash"), "the prompt")).not.toThrow();
  });
});
