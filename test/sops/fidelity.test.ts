// Rewriting a sops file changes only what changed: loading every interop
// file and writing it back gives its exact bytes (the encrypted values,
// comments, metadata layout and indentation of sops' own output). Files
// from sops before 3.7 (go-yaml v2 style) and INI files from 3.13.0/3.13.1
// (metadata newlines unescaped, a bug 3.13.2 reverted) are the exceptions sops
// itself makes: its current release rewrites them in today's style too.
import { describe, expect, it } from "vitest";
import { caseLabel, readCase, sopsCases } from "./cases.js";
import { emitEncrypted, loadEncrypted } from "../../src/sops/stores.js";
import "../../src/sops/index.js"; // registers the YAML reader, as every entry but the store's does

const semver = (v: string): number[] => v.split(".").map(Number);
const before37 = (v: string): boolean => {
  const [a, b] = semver(v);
  return a! < 3 || (a === 3 && b! < 7);
};

describe.each(sopsCases().map((c) => [caseLabel(c), c] as const))("%s", (_, c) => {
  it("is written back byte for byte", () => {
    const bytes = readCase(c, c.file);
    const doc = loadEncrypted(bytes, c.format, c.file);
    const out = Buffer.from(emitEncrypted(doc, c.file)).toString("utf8");
    const version = c.expected.sops_version ?? "";
    const restyled = (c.format === "yaml" && before37(version)) || (c.format === "ini" && /^3\.13\.[01]$/.test(version));
    if (restyled) expect(out).not.toBe(bytes.toString("utf8"));
    else expect(out).toBe(bytes.toString("utf8"));
  });
});
