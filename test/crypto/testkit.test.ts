// C2SP CCTV age test kit (../shared/interop/age-testkit): every vector gives
// its expected outcome, and released plaintext hashes to `payload`.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { AgeError, decryptBytes, decryptStream, parseIdentityLine, passphraseIdentity, streamOf, type LoadedIdentity } from "../../src/crypto/index.js";
import { interopDir } from "../helpers/tools.js";
import { parseVector, type Vector } from "../helpers/age-vectors.js";
import * as cctv from "cctv-age";

const KIND_OF_EXPECT: Record<string, string> = {
  "armor failure": "armor",
  "header failure": "header",
  "HMAC failure": "hmac",
  "no match": "no-match",
  "payload failure": "payload",
};

/** Decrypts through the streaming API, collecting what is released before any error. */
export async function runVector(v: Vector): Promise<{ outcome: string; released: Buffer }> {
  const ids: LoadedIdentity[] = [...v.identities.map((s) => parseIdentityLine(s, "vector")), ...v.passphrases.map(passphraseIdentity)];
  const chunks: Uint8Array[] = [];
  try {
    const out = await decryptStream(streamOf(v.file), ids);
    const r = out.getReader();
    for (;;) {
      const { done, value } = await r.read();
      if (done) break;
      chunks.push(value);
    }
    return { outcome: "success", released: Buffer.concat(chunks) };
  } catch (err) {
    if (!(err instanceof AgeError)) throw err;
    return { outcome: err.kind, released: Buffer.concat(chunks) };
  }
}

const dir = path.join(interopDir, "age-testkit/testdata");
const vectors = readdirSync(dir).map((n) => parseVector(n, readFileSync(path.join(dir, n))));

describe("C2SP age test kit", () => {
  it("has vectors", () => expect(vectors.length).toBeGreaterThan(50));
  for (const v of vectors) {
    it(`${v.name} → ${v.expect}`, async () => {
      const { outcome, released } = await runVector(v);
      const want = v.expect === "success" ? "success" : KIND_OF_EXPECT[v.expect];
      expect(outcome).toBe(want);
      if (v.payload !== undefined) expect(createHash("sha256").update(released).digest("hex")).toBe(v.payload);
      else expect(released.length).toBe(0);
    });
  }
});

// The full upstream set, as typage ships it (a superset of the shared subset).
const full = Object.entries(cctv as unknown as Record<string, Uint8Array>)
  .filter(([, v]) => v instanceof Uint8Array)
  .map(([n, bytes]) => parseVector(n, Buffer.from(bytes)));

describe("cctv-age npm vectors (full C2SP set)", () => {
  it("has vectors", () => expect(full.length).toBeGreaterThan(100));
  for (const v of full) {
    it(`${v.name} → ${v.expect}`, async () => {
      const { outcome, released } = await runVector(v);
      expect(outcome).toBe(v.expect === "success" ? "success" : KIND_OF_EXPECT[v.expect]);
      if (v.payload !== undefined) expect(createHash("sha256").update(released).digest("hex")).toBe(v.payload);
      else expect(released.length).toBe(0);
    });
  }
});

// The in-memory API takes another code path (no streams): same outcomes, and
// all or nothing, so a failure releases no plaintext at all.
describe("C2SP vectors through decryptBytes", () => {
  for (const v of [...vectors, ...full]) {
    it(`${v.name} → ${v.expect}`, async () => {
      const ids: LoadedIdentity[] = [...v.identities.map((s) => parseIdentityLine(s, "vector")), ...v.passphrases.map(passphraseIdentity)];
      const outcome = await decryptBytes(v.file, ids).then(
        (out) => ({ kind: "success", out }),
        (err: unknown) => {
          if (!(err instanceof AgeError)) throw err;
          return { kind: err.kind, out: undefined };
        },
      );
      expect(outcome.kind).toBe(v.expect === "success" ? "success" : KIND_OF_EXPECT[v.expect]);
      if (outcome.out) expect(createHash("sha256").update(outcome.out).digest("hex")).toBe(v.payload);
    });
  }
});
