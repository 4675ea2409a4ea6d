// The encryption queue shared by worker threads and this thread
// (src/store/rekey-worker.ts). From TypeScript sources no worker can start,
// so these tests run the pool with no workers: every job is encrypted by
// this thread while it waits, which is the queue logic the workers share.
import { describe, expect, it } from "vitest";
import { decryptBytes, generateAgeKey, parseIdentityFile } from "../../src/crypto/index.js";
import { workerEncryptor } from "../../src/store/rekey-worker.js";

async function identity() {
  const k = await generateAgeKey();
  return { recipient: k.recipient, ids: await parseIdentityFile(new TextEncoder().encode(k.identity), "test") };
}

const value = (i: number) => new TextEncoder().encode(`value-${i}`);

describe("workerEncryptor", () => {
  it("with no workers, queued jobs are encrypted by the thread that waits, each to its own value", async () => {
    const { recipient, ids } = await identity();
    const pool = (await workerEncryptor(0))!;
    expect(pool.threads).toBe(1);
    const out = Array.from({ length: 6 }, (_, i) => pool.encrypt({ plaintext: value(i), recipients: [recipient], armor: i === 5 }));
    // Waiting for the fourth encrypts from the queue's head until it is done.
    await pool.helpUntil(out[3]!);
    // The rest are still queued: nothing encrypts them until someone waits.
    let fifthDone = false;
    void out[4]!.then(() => (fifthDone = true));
    await new Promise((r) => setImmediate(r));
    expect(fifthDone).toBe(false);
    await pool.helpUntil(Promise.all(out));
    for (const [i, p] of out.entries()) expect(new TextDecoder().decode(await decryptBytes((await p) as Uint8Array, ids))).toBe(`value-${i}`);
    await pool.close();
  });

  it("helpUntil resolves with the awaited promise, also one the pool does not own", async () => {
    const pool = (await workerEncryptor(0))!;
    await expect(pool.helpUntil(Promise.resolve(42))).resolves.toBe(42);
    await expect(pool.helpUntil(Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await pool.close();
  });

  it("a job that cannot be encrypted rejects alone; close rejects what is still queued", async () => {
    const { recipient } = await identity();
    const pool = (await workerEncryptor(0))!;
    const bad = pool.encrypt({ plaintext: value(0), recipients: ["age1notakey"], armor: false });
    const good = pool.encrypt({ plaintext: value(1), recipients: [recipient], armor: false });
    const queued = pool.encrypt({ plaintext: value(2), recipients: [recipient], armor: false });
    await expect(pool.helpUntil(bad)).rejects.toThrow();
    await expect(pool.helpUntil(good)).resolves.toBeInstanceOf(Uint8Array);
    await pool.close();
    await expect(queued).rejects.toThrow(/closed/);
    await expect(pool.encrypt({ plaintext: value(3), recipients: [recipient], armor: false })).rejects.toThrow(/closed/);
  });
});
