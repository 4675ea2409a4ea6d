// Executing a plan in-process: exactly the planned files change, every value
// survives, a bad ciphertext never replaces a file, a failed decryption
// writes nothing, and a lock left behind by a crash is caught up.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { decryptBytes, generateAgeKey, parseIdentityFile } from "../../src/crypto/index.js";
import { saveManifest, setHostKey } from "../../src/manifest/index.js";
import { lockFile, readLock, resolveLock } from "../../src/store/lock.js";
import { executeRekey, setCiphertextTamperForTests } from "../../src/store/rekey-run.js";
import { planScan, scanStore } from "../../src/store/rekey.js";
import { ageFormat } from "../../src/store/format-age.js";
import { formFile, storeOf, type Store } from "../../src/store/store.js";

const secretFile = (store: Store, name: string) => formFile(store, name, ageFormat);
import { needTool } from "../helpers/tools.js";
import { makeFixture, type Fixture } from "./fixture.js";

const run = needTool("git") && needTool("ssh-keygen");

function snapshot(store: Store, names: string[]): Map<string, Buffer> {
  return new Map(names.map((n) => [n, readFileSync(secretFile(store, n))]));
}

async function expectAllValues(f: Fixture, store: Store): Promise<void> {
  for (const n of f.names) expect(Buffer.from(await decryptBytes(readFileSync(secretFile(store, n)), f.admin)).toString()).toBe(f.value(n));
}

describe.runIf(run)("executeRekey", () => {
  let f: Fixture;
  const secrets: Record<string, string[]> = {};
  for (let i = 0; i < 24; i++) secrets[`svc${i}/key`] = [["h1"], ["h2"], ["h1", "h2"], []][i % 4]!;
  beforeAll(async () => {
    f = await makeFixture({ hosts: ["h1", "h2"], secrets });
  });
  afterAll(() => f.t.cleanup());
  afterEach(() => setCiphertextTamperForTests(undefined));

  async function changeHostKey(host: string): Promise<{ store: Store; priv: string }> {
    const k = f.t.sshKey(`${host}-${Math.random().toString(36).slice(2, 8)}`);
    const store = await f.store();
    const m = setHostKey(store.manifest, host, readFileSync(k.pub, "utf8").trim());
    await saveManifest(m);
    return { store: storeOf(m), priv: k.priv };
  }

  it("a fresh store plans nothing", async () => {
    const store = await f.store();
    const plan = planScan(await scanStore(store));
    expect(plan.rekey).toEqual([]);
    expect(plan.unchanged).toBe(24);
  });

  it("after a host key change, rewrites exactly the files that host reads; values survive; the new key reads them", async () => {
    const { store, priv } = await changeHostKey("h2");
    const before = snapshot(store, f.names);
    const scan = await scanStore(store);
    const plan = planScan(scan);
    const h2 = f.names.filter((n) => secrets[n]!.includes("h2")).sort();
    expect(plan.rekey.map((i) => i.secret).sort()).toEqual(h2);
    for (const i of plan.rekey) expect(i.reasons).toEqual([{ kind: "host-rekeyed", name: "h2" }]);
    const result = await executeRekey(store, scan, plan, { identities: f.admin, jobs: 2 });
    expect(result.written.sort()).toEqual(h2);
    expect(result.threads).toBe(1); // no worker from TypeScript sources: falls back in-process
    const after = snapshot(store, f.names);
    for (const n of f.names) expect(after.get(n)!.equals(before.get(n)!)).toBe(!h2.includes(n));
    await expectAllValues(f, store);
    const hostId = await parseIdentityFile(readFileSync(priv), priv);
    for (const n of h2) expect(Buffer.from(await decryptBytes(after.get(n)!, hostId)).toString()).toBe(f.value(n));
    expect(planScan(await scanStore(store)).rekey).toEqual([]);
  });

  it("never replaces a file with a ciphertext that does not decrypt to the value; what was written before is recorded", async () => {
    const { store } = await changeHostKey("h1");
    const scan = await scanStore(store);
    const plan = planScan(scan);
    const victim = plan.rekey[3]!.secret;
    const before = snapshot(store, f.names);
    setCiphertextTamperForTests((secret, ct) => {
      if (secret !== victim) return ct;
      const bad = new Uint8Array(ct);
      bad[bad.length - 1]! ^= 1; // payload tag
      return bad;
    });
    await expect(executeRekey(store, scan, plan, { identities: f.admin })).rejects.toMatchObject({ exitCode: 3, message: expect.stringMatching(/does not decrypt/) });
    expect(readFileSync(secretFile(store, victim)).equals(before.get(victim)!)).toBe(true);
    await expectAllValues(f, store);
    // The three files written before it are in the lock; the rest still need a rekey.
    const left = planScan(await scanStore(store));
    expect(left.rekey.map((i) => i.secret)).toEqual(plan.rekey.slice(3).map((i) => i.secret));
    setCiphertextTamperForTests(undefined);
    await executeRekey(store, await scanStore(store), left, { identities: f.admin });
    expect(planScan(await scanStore(store)).rekey).toEqual([]);
    await expectAllValues(f, store);
  });

  it("a wrong identity fails before anything is written, and beforeWrite is not called", async () => {
    const { store } = await changeHostKey("h1");
    const before = snapshot(store, f.names);
    const lockBefore = readFileSync(lockFile(store));
    const other = await parseIdentityFile(new TextEncoder().encode((await generateAgeKey()).identity), "other.key");
    const scan = await scanStore(store);
    let called = false;
    await expect(executeRekey(store, scan, planScan(scan), { identities: other, beforeWrite: async () => void (called = true) })).rejects.toThrow(/cannot decrypt 12 secrets to rekey: .*nothing was written/);
    expect(called).toBe(false);
    for (const [n, b] of snapshot(store, f.names)) expect(b.equals(before.get(n)!)).toBe(true);
    expect(readFileSync(lockFile(store)).equals(lockBefore)).toBe(true);
    await executeRekey(store, scan, planScan(scan), { identities: f.admin });
  });

  it("a lock left behind (crash after the files, before the lock) is caught up by the next run", async () => {
    const { store } = await changeHostKey("h2");
    const oldLock = readFileSync(lockFile(store), "utf8");
    const scan = await scanStore(store);
    const plan = planScan(scan);
    await executeRekey(store, scan, plan, { identities: f.admin });
    writeFileSync(lockFile(store), oldLock); // as if killed before the lock write
    const again = planScan(await scanStore(store));
    expect(again.rekey.map((i) => i.secret)).toEqual(plan.rekey.map((i) => i.secret));
    for (const i of again.rekey) expect(i.reasons).toEqual([{ kind: "file-changed" }]);
    await executeRekey(store, await scanStore(store), again, { identities: f.admin });
    expect(planScan(await scanStore(store)).rekey).toEqual([]);
    await expectAllValues(f, store);
  });

  it("rekey keeps value dates; --all rewrites every file; a merge-conflicted lock is cleaned up", async () => {
    const store = await f.store();
    const dates = new Map([...resolveLock(store, readLock(store))].map(([n, e]) => [n, e.valueChanged]));
    const scan = await scanStore(store);
    await executeRekey(store, scan, planScan(scan, { all: true }), { identities: f.admin });
    const after = resolveLock(store, readLock(store));
    for (const n of f.names) expect(after.get(n)!.valueChanged).toBe(dates.get(n));
    const text = readFileSync(lockFile(store), "utf8").split("\n");
    writeFileSync(lockFile(store), [text[0], "<<<<<<< HEAD", text[1], "=======", text[1]!.replace(/"sha256":"[0-9a-f]+"/, `"sha256":"${"0".repeat(64)}"`), ">>>>>>> other", ...text.slice(2)].join("\n"));
    const dirty = await scanStore(store);
    expect(dirty.lock.problems.join()).toMatch(/merge conflict/);
    expect(planScan(dirty).rekey).toEqual([]);
    const r = await executeRekey(store, dirty, planScan(dirty), { identities: f.admin });
    expect(r.written).toEqual([]);
    expect(r.lockWritten).toBe(true);
    expect(readFileSync(lockFile(store), "utf8")).not.toMatch(/<<<<<<<|>>>>>>>/);
    expect(path.basename(lockFile(store))).toBe("nixsec.lock");
  });
});
