// One set of YAML limits for nixsec.yaml (src/manifest/yaml.ts): the lean
// reader (js-yaml, whose result is cached) and the full one (the `yaml`
// Document, for edits and error positions) refuse the same texts with the same
// message, so the cache never holds what the full reader refuses.
import { describe, expect, it } from "vitest";
import { parseManifest } from "../../src/manifest/index.js";
import { MAX_MANIFEST_BYTES } from "../../src/manifest/load.js";
import { parseManifestFully } from "../../src/manifest/validate.js";
import { YAML_LIMITS } from "../../src/manifest/yaml.js";
import { AGE_ALICE, ED25519_HANNIBAL } from "../manifest/fixtures.js";

const head = `version: 1\nadmins:\n  alice:\n    key: ${AGE_ALICE}\nhosts:\n  h:\n    key: "${ED25519_HANNIBAL}"\n`;
const secrets = (lines: string[]) => `${head}secrets:\n${lines.join("\n")}\n`;

function outcome(read: () => { data: unknown }): string {
  try {
    return JSON.stringify(read().data);
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}

const nested = (depth: number) => `${"[".repeat(depth)}x${"]".repeat(depth)}`;

const cases: Array<{ what: string; text: string; refused: RegExp | null }> = [
  { what: "a plain manifest", text: secrets(["  a/b:\n    hosts: [h]"]), refused: null },
  { what: "a few aliases of a hosts list", text: secrets(["  a/b:\n    hosts: &web [h]", "  c/d:\n    hosts: *web", "  e/f:\n    hosts: *web"]), refused: null },
  { what: "text over the size limit", text: secrets(["  a/b:\n    hosts: [h]"]) + `# ${"x".repeat(YAML_LIMITS.maxBytes)}\n`, refused: /^nixsec\.yaml: the manifest is \d+ bytes, more than the 4 MiB \(4194304 bytes\) nixsec reads/ },
  { what: "nesting past the depth limit", text: secrets([`  a/b:\n    hosts: [h]\n    description: ${nested(YAML_LIMITS.maxDepth + 2)}`]), refused: /^nixsec\.yaml: the manifest is nested more than 64 levels deep/ },
  { what: "nesting far past it (js-yaml's own guard)", text: secrets([`  a/b:\n    hosts: [h]\n    description: ${nested(500)}`]), refused: /^nixsec\.yaml: the manifest is nested more than 64 levels deep/ },
  {
    what: "the issue's bomb, small: one 1 MiB map aliased 40 times",
    text: secrets([`  base: &b\n    hosts: [h]\n    description: "${"x".repeat(1 << 20)}"`, ...Array.from({ length: 40 }, (_, i) => `  s${i}: *b`)]),
    refused: /^nixsec\.yaml: the manifest expands \(aliases included\) to more than 16 MiB of data/,
  },
  {
    what: "nested aliases (a billion laughs)",
    text: `${head}x-bomb:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n${Array.from({ length: 8 }, (_, i) => `  a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(", ")}]`).join("\n")}\n`,
    refused: /^nixsec\.yaml: the manifest expands \(aliases included\) to more than 16 MiB of data/,
  },
  {
    what: "more aliases than the limit",
    text: secrets([`  base: &b\n    hosts: [h]`, ...Array.from({ length: YAML_LIMITS.maxAliases + 1 }, (_, i) => `  s${i}: *b`)]),
    refused: /^nixsec\.yaml: the manifest reuses anchored lists or maps more than 10000 times/,
  },
];

describe("the YAML limits, one policy for both readers", () => {
  it("the loader's size check is the YAML limit", () => {
    expect(MAX_MANIFEST_BYTES).toBe(YAML_LIMITS.maxBytes);
  });

  for (const c of cases) {
    it(`${c.what}: ${c.refused ? "refused" : "read"} alike`, () => {
      const lean = outcome(() => parseManifest(c.text, "nixsec.yaml"));
      const full = outcome(() => parseManifestFully(c.text, "nixsec.yaml"));
      if (c.refused) {
        expect(lean).toMatch(new RegExp(`^error: ${c.refused.source.slice(1)}`));
        expect(full).toBe(lean);
      } else {
        expect(lean).not.toMatch(/^error/);
        expect(full).toBe(lean);
      }
    });
  }

  it("the issue's bomb at full size (4 MB, 2000 aliases) is refused by both readers", () => {
    const text = secrets([`  base: &b\n    hosts: [h]\n    description: "${"x".repeat(3_900_000)}"`, ...Array.from({ length: 2000 }, (_, i) => `  s${i}: *b`)]);
    expect(() => parseManifest(text, "nixsec.yaml")).toThrow(/expands/);
    expect(() => parseManifestFully(text, "nixsec.yaml")).toThrow(/expands/);
  });
});
