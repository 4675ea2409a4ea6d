import { describe, expect, it } from "vitest";
import { durationMs, principalNameProblem, relativeDirProblem, secretNameProblem } from "../../src/manifest/names.js";

describe("secret names", () => {
  it.each(["withings/clientSecret", "smb/alice", "a", "svc/sub/key.env", "A-Z_a.z-0", ".env", "a..b"])("accepts %j", (name) => {
    expect(secretNameProblem(name)).toBeUndefined();
  });
  it.each([
    ["", /empty/],
    ["/etc/passwd", /must not start with \//],
    ["svc/", /must not end with \//],
    ["a//b", /empty segment/],
    ["../x", /\. or \.\. segments/],
    ["a/./b", /\. or \.\. segments/],
    ["a b", /may only use/],
    ["svc/${x}", /may only use/],
    ["ключ", /may only use/],
    ["a\\b", /may only use/],
    ["x".repeat(201), /longer than 200/],
    ["outPath", /reserved by nix/],
    ["_type", /reserved by nix/],
    ["__proto__", /"__proto__" is reserved/],
  ])("rejects %j", (name, message) => {
    expect(secretNameProblem(name)).toMatch(message);
  });
});

describe("host and admin names", () => {
  it.each(["hannibal", "alice.laptop", "web-01", "_x", "1a"])("accepts %j", (name) => {
    expect(principalNameProblem("host", name)).toBeUndefined();
  });
  it.each(["", "-a", ".a", "a b", "a/b", "x".repeat(64), "__functor"])("rejects %j", (name) => {
    expect(principalNameProblem("admin", name)).toMatch(/^admin name/);
  });
});

describe("directories and durations", () => {
  it.each([["secrets", undefined], ["nix/nixsec", undefined], ["/abs", /relative/], ["../x", /inside the repository/], ["a b", /may only use/]])(
    "directory %j",
    (dir, problem) => {
      const got = relativeDirProblem(dir);
      if (problem === undefined) expect(got).toBeUndefined();
      else expect(got).toMatch(problem);
    },
  );
  it.each([["12h", 12 * 3_600_000], ["90d", 90 * 86_400_000], ["2w", 14 * 86_400_000], ["1y", 365 * 86_400_000], ["0d", undefined], ["3 months", undefined], ["d", undefined]])(
    "duration %j",
    (text, ms) => expect(durationMs(text)).toBe(ms),
  );
});
