// The fast manifest reader (js-yaml) and the full one (yaml Document) agree:
// same data for every manifest the fast path accepts; anything it is unsure
// of falls through to the full path.
import { readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { parseManifest } from "../../src/manifest/index.js";
import { parseManifestFully } from "../../src/manifest/validate.js";
import { repoRoot } from "../helpers/tools.js";
import { AGE_ALICE, ED25519_HANNIBAL, HANDWRITTEN } from "./fixtures.js";

function both(text: string): { fast: unknown; full: unknown } {
  const grab = (f: () => { data: unknown }) => {
    try {
      return f().data;
    } catch (e) {
      return `error: ${(e as Error).message}`;
    }
  };
  return { fast: grab(() => parseManifest(text, "nixsec.yaml")), full: grab(() => parseManifestFully(text, "nixsec.yaml")) };
}

describe("manifest fast path", () => {
  it("agrees on the hand-written fixture and the example fleet", () => {
    for (const text of [HANDWRITTEN, readFileSync(path.join(repoRoot, "nixsec.yaml"), "utf8")]) {
      const { fast, full } = both(text);
      expect(fast).toEqual(full);
      expect(typeof fast).toBe("object");
    }
  });

  it("falls through for names YAML reads as non-strings, so their errors are reported", () => {
    const text = `version: 1\nadmins:\n  123:\n    key: ${AGE_ALICE}\n`;
    expect(both(text).fast).toMatch(/quote it/);
  });

  it("agrees on random manifests, YAML quirks included", () => {
    const scalar = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("yes", "no", "on", "~", "null", "0400", "0o400", "1e3", "2024-01-01", "true", "'quoted'", "a: b", "- x", "#c", "&a", "*a", "!!str x", "<<"));
    const secret = fc.record({ hosts: fc.constant(["h"]), owner: scalar, mode: fc.constantFrom("0400", "0440", 400), description: scalar, format: fc.constantFrom("text", "env", "binary") }, { requiredKeys: ["hosts"] });
    fc.assert(
      fc.property(fc.dictionary(fc.stringMatching(/^[a-z0-9]{1,6}\/[a-z0-9.]{1,6}$/), secret, { maxKeys: 4 }), fc.boolean(), (secrets, flow) => {
        const doc = { version: 1, admins: { a: { key: AGE_ALICE } }, hosts: { h: { key: ED25519_HANNIBAL } }, secrets };
        const text = stringify(doc, flow ? { collectionStyle: "flow" } : {});
        const { fast, full } = both(text);
        expect(fast).toEqual(full);
      }),
      { numRuns: 300 },
    );
  });
});
