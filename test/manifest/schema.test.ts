// schema/nixsec.schema.json is generated from the zod schema; this fails when
// the committed file is stale. Fix: `node scripts/gen-schema.mjs`.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fieldsAt, manifestJsonSchema, renderManifestJsonSchema } from "../../src/manifest/json-schema.js";
import { manifestSchema } from "../../src/manifest/schema.js";
import { repoRoot } from "../helpers/tools.js";

const committed = path.join(repoRoot, "schema/nixsec.schema.json");

describe("schema/nixsec.schema.json", () => {
  it("is up to date (regenerate with: node scripts/gen-schema.mjs)", () => {
    expect(readFileSync(committed, "utf8")).toBe(renderManifestJsonSchema());
  });

  it("is what scripts/gen-schema.mjs writes", () => {
    const dir = mkdtempSync(path.join(realpathSync(tmpdir()), "nixsec-schema-"));
    try {
      execFileSync("node", ["scripts/gen-schema.mjs", path.join(dir, "out.json")], { cwd: repoRoot });
      expect(readFileSync(path.join(dir, "out.json"), "utf8")).toBe(readFileSync(committed, "utf8"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("describes every top-level field and rejects unknown ones", () => {
    const schema = manifestJsonSchema() as { properties: Record<string, { description?: string }>; additionalProperties: unknown };
    expect(Object.keys(schema.properties)).toEqual(Object.keys(manifestSchema.shape));
    for (const [name, field] of Object.entries(schema.properties)) expect(field.description, name).toBeTruthy();
    expect(schema.additionalProperties).toBe(false);
  });
});

describe("fieldsAt (for did-you-mean hints)", () => {
  it.each([
    [[], ["version", "settings", "admins", "hosts", "secrets", "templates"]],
    [["settings"], ["secretsDir", "backend", "generatedDir"]],
    [["hosts", "hannibal"], ["key"]],
    [["secrets", "a/b"], ["hosts", "owner", "group", "mode", "format", "description", "generate", "maxAge", "wire"]],
    [["secrets", "a/b", "generate"], ["kind", "length", "alphabet", "bytes", "from"]],
    [["secrets", "a/b", "hosts", 0], []],
    [["nonsense", "x"], []],
  ])("%j", (at, fields) => {
    expect(fieldsAt(at)).toEqual(fields);
  });
});
