// Value ids in secrets/nixsec.lock: read and written, drawn anew when a value
// changes, kept when only the readers change (the file it described was the
// one replaced), and never derived from the value.
import { describe, expect, it } from "vitest";
import { carriedValueId, newValueId, parseLock, renderLock, valueIdOf, type LockEntry } from "../../src/store/lock.js";

const entry = (extra: Partial<LockEntry> = {}): LockEntry => ({ secret: "a/b", sha256: "a".repeat(64), admins: { x: "age1x" }, hosts: {}, ...extra });

describe("value ids", () => {
  it("round-trip through the lock text, after valueChanged", () => {
    const e = entry({ valueChanged: "2026-01-01T00:00:00Z", valueId: "AbCdEfGh12345678" });
    const text = renderLock([e]);
    expect(text.split("\n")[1]).toBe('{"secret":"a/b","sha256":"' + "a".repeat(64) + '","valueChanged":"2026-01-01T00:00:00Z","valueId":"AbCdEfGh12345678","admins":{"x":"age1x"},"hosts":{}}');
    expect(parseLock(text, "lock").candidates.get("a/b")).toEqual([e]);
  });

  it("a malformed id makes the line a problem, not an entry", () => {
    const r = parseLock(renderLock([entry()]).replace('"admins"', '"valueId":"no spaces allowed","admins"'), "lock");
    expect(r.candidates.size).toBe(0);
    expect(r.problems.join("\n")).toMatch(/valueId is not an id/);
  });

  it("are random: 16 base64url characters, all distinct", () => {
    const ids = new Set(Array.from({ length: 1000 }, newValueId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });

  it("are carried when the old entry described the file, else drawn anew", () => {
    const old = entry({ valueId: "keepkeepkeepkeep" });
    expect(carriedValueId(old, true)).toBe("keepkeepkeepkeep");
    expect(carriedValueId(old, false)).not.toBe("keepkeepkeepkeep");
    expect(carriedValueId(entry(), true)).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(carriedValueId(undefined, true)).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });

  it("count for gen only when the entry describes the file on disk", () => {
    const entries = new Map([["a/b", entry({ valueId: "idididididididid" })]]);
    expect(valueIdOf(entries, "a/b", "a".repeat(64))).toBe("idididididididid");
    expect(valueIdOf(entries, "a/b", "b".repeat(64))).toBeUndefined();
    expect(valueIdOf(entries, "x", "a".repeat(64))).toBeUndefined();
  });
});
