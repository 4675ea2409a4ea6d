// Property tests: round trips over random sizes and recipient mixes, and
// parsers fed random or mutated bytes only ever throw AgeError, quickly.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AgeError,
  decryptBytes,
  encryptBytes,
  generateAgeKey,
  inspectAge,
  parseIdentityFile,
  parseIdentityLine,
  parseRecipient,
  parseRecipientsFile,
  setX25519BackendForTests,
  type X25519Backend,
  type LoadedIdentity,
  type ParsedRecipient,
} from "../../src/crypto/index.js";
import { armorBytes, armorEncoder } from "../../src/crypto/armor.js";
import { readAll, streamOf } from "../../src/crypto/streams.js";
import { interopDir, needTool } from "../helpers/tools.js";

const keys = path.join(interopDir, "age-cli/keys");
const sshEd = readFileSync(path.join(keys, "ssh_ed25519.pub"), "utf8");
const sshRsa = readFileSync(path.join(keys, "ssh_rsa.pub"), "utf8");

async function pool(): Promise<{ recipients: ParsedRecipient[]; identities: LoadedIdentity[][] }> {
  const x1 = await generateAgeKey();
  const x2 = await generateAgeKey();
  return {
    recipients: [parseRecipient(x1.recipient), parseRecipient(x2.recipient), parseRecipient(sshEd), parseRecipient(sshRsa)],
    identities: [
      [parseIdentityLine(x1.identity, "x1")],
      [parseIdentityLine(x2.identity, "x2")],
      await parseIdentityFile(readFileSync(path.join(keys, "ssh_ed25519")), "ed"),
      await parseIdentityFile(readFileSync(path.join(keys, "ssh_rsa")), "rsa"),
    ],
  };
}

/** Runs fn; passes if it returns or throws AgeError. Anything else fails the property. */
async function onlyAgeErrors(fn: () => unknown): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (!(err instanceof AgeError)) throw err;
  }
}

describe("round trips", () => {
  it("random plaintexts × random recipient subsets × armor, each recipient's identity decrypts", async () => {
    const p = await pool();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ minLength: 65530, maxLength: 140_000 })),
        fc.subarray([0, 1, 2, 3], { minLength: 1 }),
        fc.boolean(),
        async (plain, which, armor) => {
          const ct = await encryptBytes(plain, which.map((i) => p.recipients[i]!), { armor });
          for (const i of which) expect(Buffer.from(await decryptBytes(ct, p.identities[i]!)).equals(Buffer.from(plain))).toBe(true);
          for (const i of [0, 1, 2, 3].filter((j) => !which.includes(j))) {
            await expect(decryptBytes(ct, p.identities[i]!)).rejects.toMatchObject({ kind: "no-match" });
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it("files written on each X25519 backend (libsodium, node:crypto, @noble/curves) open on every other", async () => {
    const k = await generateAgeKey();
    const backends: X25519Backend[] = ["sodium", "openssl", "noble"];
    try {
      const written = new Map<X25519Backend, Uint8Array>();
      for (const b of backends) {
        setX25519BackendForTests(b);
        written.set(b, await encryptBytes(Buffer.from(`by ${b}`), [parseRecipient(k.recipient), parseRecipient(sshEd)]));
      }
      for (const reader of backends) {
        setX25519BackendForTests(reader);
        const ed = await parseIdentityFile(readFileSync(path.join(keys, "ssh_ed25519")), "ed");
        for (const [writer, file] of written) {
          expect(Buffer.from(await decryptBytes(file, [parseIdentityLine(k.identity, "x")])).toString(), `${writer} -> ${reader}`).toBe(`by ${writer}`);
          expect(Buffer.from(await decryptBytes(file, ed)).toString(), `${writer} -> ${reader} (ssh)`).toBe(`by ${writer}`);
        }
      }
    } finally {
      setX25519BackendForTests(undefined);
    }
  });
});

describe("parsers never throw anything but AgeError", () => {
  const seedFiles = [
    path.join(interopDir, "age-cli/ciphertexts/mixed3.short.age"),
    path.join(interopDir, "age-cli/ciphertexts/mixed3.short.armor.age"),
    path.join(interopDir, "agenix/example/passwordfile-user1.age"),
  ].map((f) => new Uint8Array(readFileSync(f)));
  const mutate = fc.tuple(fc.constantFrom(...seedFiles), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom("set", "del", "ins")), { minLength: 1, maxLength: 8 })).map(([base, edits]) => {
    let b = Array.from(base);
    for (const [pos, val, op] of edits) {
      const i = pos % Math.max(1, b.length);
      if (op === "set") b[i] = val;
      else if (op === "del") b.splice(i, 1);
      else b.splice(i, 0, val);
    }
    return new Uint8Array(b);
  });

  it("inspect and decrypt on mutated age files", async () => {
    const ids = await parseIdentityFile(readFileSync(path.join(keys, "ssh_ed25519")), "ed");
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutate, fc.uint8Array({ maxLength: 2000 })), async (bytes) => {
        await onlyAgeErrors(() => inspectAge(bytes));
        await onlyAgeErrors(() => decryptBytes(bytes, ids));
      }),
      { numRuns: 400 },
    );
  });

  it("recipients, recipients files and identity files from random and mutated text", async () => {
    const sshPriv = readFileSync(path.join(keys, "ssh_ed25519"), "utf8");
    const rsaPriv = readFileSync(path.join(keys, "ssh_rsa"), "utf8");
    const seeds = [sshEd, sshRsa, sshPriv, rsaPriv, "AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX", "age1v0vprzzns83u47cd0hdjpemfd6zaxgxgter0vqfqfjepvh6egpwq4m02mx"];
    const text = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.tuple(fc.constantFrom(...seeds), fc.nat(), fc.string({ minLength: 1, maxLength: 3 })).map(([s, i, ins]) => {
        const at = i % (s.length + 1);
        return s.slice(0, at) + ins + s.slice(at + 1);
      }),
    );
    await fc.assert(
      fc.asyncProperty(text, async (t) => {
        await onlyAgeErrors(() => parseRecipient(t));
        await onlyAgeErrors(() => parseRecipientsFile(t, "r.txt"));
        await onlyAgeErrors(() => parseIdentityFile(Buffer.from(t), "id.txt", { passphrase: async () => "x" }));
      }),
      { numRuns: 600 },
    );
  });

  it.runIf(needTool("ssh-keygen"))("ssh-keygen's own random keys parse and round-trip", async () => {
    for (const type of ["ed25519", "rsa"]) {
      const dir = execFileSync("mktemp", ["-d"]).toString().trim();
      execFileSync("ssh-keygen", ["-q", "-t", type, "-N", "", "-f", `${dir}/k`]);
      const recip = parseRecipient(readFileSync(`${dir}/k.pub`, "utf8"));
      const ids = await parseIdentityFile(readFileSync(`${dir}/k`), "k");
      const ct = await encryptBytes(Buffer.from(type), [recip]);
      expect(Buffer.from(await decryptBytes(ct, ids)).toString()).toBe(type);
      execFileSync("rm", ["-rf", dir]);
    }
  });
});

describe("armor in one go (armorBytes) writes what the armor stream writes", () => {
  const seed = Number(process.env.FC_SEED) || Math.floor(Math.random() * 2 ** 31);
  it(`for random bytes of any length, in any chunking (fast-check seed ${seed})`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), fc.integer({ min: 1, max: 97 }), async (bin, chunk) => {
        const chunks = new ReadableStream<Uint8Array>({
          start(c) {
            for (let i = 0; i < bin.length; i += chunk) c.enqueue(bin.slice(i, i + chunk));
            c.close();
          },
        });
        expect(Buffer.from(armorBytes(bin))).toEqual(Buffer.from(await readAll(chunks.pipeThrough(armorEncoder()))));
      }),
      { numRuns: 200, seed },
    );
    expect(Buffer.from(armorBytes(new Uint8Array(0)))).toEqual(Buffer.from(await readAll(streamOf(new Uint8Array(0)).pipeThrough(armorEncoder()))));
  });
});
