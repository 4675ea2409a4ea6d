// The lock file format: deterministic, one line per secret, tolerant of
// merges (conflict markers, duplicate entries resolved by the file's hash).
import { describe, expect, it } from "vitest";
import { keyIdOf, parseLock, pickEntry, renderLock, stanzaOfKeyId, type LockEntry } from "../../src/store/lock.js";

const SHA_A = "a".repeat(64);
const SHA_B = "b".repeat(64);
const HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICNJ5aWDGYyaxrSnCKVy98uWfHzrUyRki04qsKY3B4he root@hannibal";

function entry(secret: string, extra: Partial<LockEntry> = {}): LockEntry {
  return { secret, sha256: SHA_A, admins: { alice: "age1abc" }, hosts: { h1: "ssh-ed25519 SHA256:" + "A".repeat(43) }, ...extra };
}

describe("lock format", () => {
  it("renders deterministically: header, entries sorted by name, readers sorted, fixed key order", () => {
    const a = renderLock([entry("b/x", { hosts: { z: "k1", a: "k2" } }), entry("a/y", { valueChanged: "2026-01-02T03:04:05Z" })]);
    const b = renderLock([entry("a/y", { valueChanged: "2026-01-02T03:04:05Z" }), entry("b/x", { hosts: { a: "k2", z: "k1" } })]);
    expect(a).toBe(b);
    const lines = a.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0]!)).toMatchObject({ "nixsec-lock": 1 });
    expect(lines[1]).toBe(`{"secret":"a/y","sha256":"${SHA_A}","valueChanged":"2026-01-02T03:04:05Z","admins":{"alice":"age1abc"},"hosts":{"h1":"ssh-ed25519 SHA256:${"A".repeat(43)}"}}`);
    expect(lines[2]).toContain(`"hosts":{"a":"k2","z":"k1"}`);
    expect(a.endsWith("\n")).toBe(true);
  });

  it("a sops file's entry: `format` after the name, after the secret's age entry; keyed apart from it", () => {
    const text = renderLock([entry("a", { format: "sops", hosts: { h1: "age1host" } }), entry("a")]);
    const lines = text.trimEnd().split("\n");
    expect(lines[1]).toMatch(/^\{"secret":"a","sha256":/);
    expect(lines[2]).toMatch(/^\{"secret":"a","format":"sops","sha256":/);
    const read = parseLock(text, "nixsec.lock");
    expect(read.problems).toEqual([]);
    expect([...read.candidates.keys()]).toEqual(["a", "a:sops"]);
    expect(read.candidates.get("a:sops")![0]!.format).toBe("sops");
    expect(parseLock(text.replace('"format":"sops"', '"format":"gpg"'), "nixsec.lock").problems.join("\n")).toMatch(/format is not one this nixsec writes/);
    expect(parseLock(text.replace('"format":"sops"', '"format":"age"'), "nixsec.lock").problems.join("\n")).toMatch(/format is not one this nixsec writes/);
  });

  it("round-trips", () => {
    const entries = [entry("a", { valueChanged: "2026-01-02T03:04:05Z" }), entry("b/c", { sha256: SHA_B })];
    const read = parseLock(renderLock(entries), "nixsec.lock");
    expect(read.problems).toEqual([]);
    expect([...read.candidates.values()].map((l) => l[0])).toEqual(entries);
  });

  it("skips merge conflict markers and keeps both sides' entries", () => {
    const text = [
      renderLock([entry("a")]).trimEnd(),
      "<<<<<<< HEAD",
      JSON.stringify({ ...entry("b"), sha256: SHA_A }),
      "=======",
      JSON.stringify({ ...entry("b"), sha256: SHA_B, valueChanged: "2026-05-01T00:00:00Z" }),
      ">>>>>>> topic",
    ].join("\n");
    const read = parseLock(text, "nixsec.lock");
    expect(read.problems).toHaveLength(1);
    expect(read.problems[0]).toMatch(/merge conflict/);
    expect(read.candidates.get("b")).toHaveLength(2);
    // The entry matching the file wins.
    expect(pickEntry(read.candidates.get("b"), SHA_B)?.sha256).toBe(SHA_B);
    expect(pickEntry(read.candidates.get("b"), SHA_A)?.sha256).toBe(SHA_A);
  });

  it.each([
    ["not JSON", "{nope", /not a JSON line/],
    ["an array", "[1]", /not a JSON object/],
    ["bad hash", JSON.stringify({ ...entry("x"), sha256: "zz" }), /sha256/],
    ["bad date", JSON.stringify({ ...entry("x"), valueChanged: "yesterday" }), /valueChanged/],
    ["bad readers", JSON.stringify({ ...entry("x"), hosts: ["h1"] }), /admins and hosts/],
    ["no name", JSON.stringify({ ...entry("x"), secret: "" }), /no secret name/],
  ])("ignores a line that is %s, with a problem naming the line", (_, line, pattern) => {
    const read = parseLock(renderLock([entry("a")]) + line + "\n", "secrets/nixsec.lock");
    expect(read.candidates.has("a")).toBe(true);
    expect(read.candidates.has("x")).toBe(false);
    expect(read.problems.join("\n")).toMatch(/secrets\/nixsec\.lock:3: /);
    expect(read.problems.join("\n")).toMatch(pattern);
  });

  it("refuses a newer lock format", () => {
    expect(() => parseLock(`{"nixsec-lock":2}\n`, "nixsec.lock")).toThrow(/lock format 2/);
  });

  it("picks the oldest value date when no candidate matches the file (never under-reports age)", () => {
    const c = [entry("a", { sha256: SHA_A, valueChanged: "2026-06-01T00:00:00Z" }), entry("a", { sha256: SHA_B, valueChanged: "2026-01-01T00:00:00Z" })];
    expect(pickEntry(c, "c".repeat(64))?.valueChanged).toBe("2026-01-01T00:00:00Z");
    expect(pickEntry(undefined, SHA_A)).toBeUndefined();
  });
});

describe("key ids", () => {
  it("names SSH keys by fingerprint (comments ignored) and age keys as written", () => {
    const id = keyIdOf(HOST_KEY);
    expect(id).toMatch(/^ssh-ed25519 SHA256:[A-Za-z0-9+/]{43}$/);
    expect(keyIdOf(HOST_KEY.replace("root@hannibal", "another comment"))).toBe(id);
    expect(keyIdOf("age1809vxyragv2ugxh0l4l0l30e0sup5ktmrcgupa50zu9h30zux4lqc2cq8x")).toBe("age1809vxyragv2ugxh0l4l0l30e0sup5ktmrcgupa50zu9h30zux4lqc2cq8x");
  });

  it("derives the age stanza tag from an SSH fingerprint (first 4 bytes of the same SHA-256)", async () => {
    const { parseSshPublicKeyLine } = await import("../../src/crypto/index.js");
    expect(stanzaOfKeyId(keyIdOf(HOST_KEY))).toBe(`ssh-ed25519 ${parseSshPublicKeyLine(HOST_KEY).tag}`);
    expect(stanzaOfKeyId("age1abc")).toBeNull();
  });
});
