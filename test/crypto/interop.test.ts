// Files written by other tools (age CLI, agenix, ragenix, agenix-rekey,
// upstream age testdata) decrypt with exactly the identities their manifests
// say, through the library; tampered files fail with the expected kind.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { AgeError, decryptBytes, inspectAge } from "../../src/crypto/index.js";
import { ageCases, loadSpec, specLabel } from "../helpers/interop.js";

const { cases, tampered } = ageCases();

const KIND: Record<string, string> = { "HMAC failure": "hmac", "payload failure": "payload", "header failure": "header", "no match": "no-match", "armor failure": "armor" };

describe("interop age files", () => {
  it("found cases in every age manifest", () => {
    expect(cases.length).toBeGreaterThan(20);
    expect(new Set(cases.map((c) => c.manifest)).size).toBeGreaterThanOrEqual(3);
  });

  for (const c of cases) {
    describe(`${c.manifest}: ${c.file}`, () => {
      const file = readFileSync(path.join(c.dir, c.file));
      if (c.stanzaTypes) {
        it("inspects to the stanza types in header order", () => {
          expect(inspectAge(file).stanzas.map((s) => s.type)).toEqual(c.stanzaTypes);
        });
      }
      for (const spec of c.mustDecryptWith) {
        it(`decrypts with ${specLabel(spec)}`, async () => {
          const out = await decryptBytes(file, await loadSpec(c.dir, spec));
          expect(Buffer.from(out).equals(c.plaintext)).toBe(true);
        });
      }
      for (const spec of c.mustNotDecryptWith) {
        it(`does not decrypt with ${specLabel(spec)}`, async () => {
          const err = await decryptBytes(file, await loadSpec(c.dir, spec)).catch((e: unknown) => e);
          expect(err).toBeInstanceOf(AgeError);
          expect((err as AgeError).kind).toBe("no-match");
        });
      }
    });
  }

  for (const t of tampered) {
    it(`tampered ${t.file} fails with ${t.expect}`, async () => {
      const err = await decryptBytes(readFileSync(path.join(t.dir, t.file)), await loadSpec(t.dir, t.identity)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AgeError);
      expect((err as AgeError).kind).toBe(KIND[t.expect]);
    });
  }
});
