// Every sops file in ../shared/interop gives its expected outcome: the tree
// (and the exact bytes of binary and dotenv output) with the MAC verified,
// refusal for identities that must not open it, a clean "no age recipient"
// for PGP-only files; and, through the recorded data keys, the MAC of every
// file checks out at the value layer (PGP-only files included).
import { describe, expect, it } from "vitest";
import { Comment, decryptSops, decryptSopsWithKey, emitPlain, SopsError, toPlain, valueAt, type Branch, type Value } from "../../src/sops/index.js";
import { generateAgeKey, parseIdentityFile } from "../../src/crypto/index.js";
import { caseLabel, loadSpec, readCase, sopsCases, type SopsCase } from "./cases.js";

const cases = sopsCases();

function comments(v: Value, out: string[] = []): string[] {
  const items = v instanceof Array ? v : v && typeof v === "object" && "items" in v ? (v as Branch).items : [];
  for (const it of items) {
    if (it instanceof Comment) out.push(it.text);
    else if (it && typeof it === "object" && "key" in it) comments((it as { value: Value }).value, out);
    else comments(it as Value, out);
  }
  return out;
}

function checkTree(c: SopsCase, branches: Branch[]): void {
  if (c.format === "binary") {
    const data = branches[0]!.get("data");
    expect(Buffer.from(data as Uint8Array)).toEqual(readCase(c, c.expected.binary_plaintext_file!));
    return;
  }
  expect(toPlain(branches[0]!)).toEqual(c.expected.tree);
  // Comments in document order; a null in the expectations is one the data's
  // preparer could not decrypt: its place is checked, its text is not.
  const want = (c.expected.comments ?? []).map((x) => x.comment);
  const got = comments(branches[0]!);
  expect(got.map((t, i) => (want[i] === null ? null : t))).toEqual(want);
  if (c.format === "dotenv") {
    expect(Buffer.from(emitPlain(branches, "dotenv", c.file))).toEqual(readCase(c, c.expected.dotenv_plaintext_file!));
  }
  // What a sops-nix secret with `key = "a/b/c"` reads from the file.
  for (const [key, want] of Object.entries(c.expected.sops_nix_key_values ?? {})) {
    expect(valueAt(branches[0]!, key.split("/")), key).toEqual({ value: want });
  }
}

it("finds the sops interop files", () => {
  expect(cases.some((c) => c.ageDecryptable)).toBe(true);
  expect(cases.some((c) => !c.ageDecryptable)).toBe(true);
});

describe.each(cases.filter((c) => c.ageDecryptable).map((c) => [caseLabel(c), c] as const))("%s", (_, c) => {
  const bytes = readCase(c, c.file);
  it.each(c.decryptWith.map((s) => [`${s.kind} ${s.path}`, s] as const))("decrypts with %s, MAC verified", async (_l, spec) => {
    const d = await decryptSops(bytes, await loadSpec(c, spec), { file: c.file, format: c.format });
    checkTree(c, d.branches);
    expect(d.metadata.lastModified).toBe(c.expected.lastmodified);
  });
  it.each(c.mustNotDecryptWith.map((s) => [`${s.kind} ${s.path}`, s] as const))("refuses %s", async (_l, spec) => {
    const err = await decryptSops(bytes, await loadSpec(c, spec), { file: c.file, format: c.format }).catch((e) => e);
    expect(err).toBeInstanceOf(SopsError);
    expect((err as SopsError).kind).toBe("no-match");
    expect((err as SopsError).message).toContain(c.file);
  });
});

describe.each(cases.filter((c) => !c.ageDecryptable).map((c) => [caseLabel(c), c] as const))("%s (no age recipient)", (_, c) => {
  it("is refused cleanly, naming the file", async () => {
    const someKey = await parseIdentityFile(Buffer.from((await generateAgeKey()).identity), "some key");
    const err = await decryptSops(readCase(c, c.file), someKey, { file: c.file, format: c.format }).catch((e) => e);
    expect(err).toBeInstanceOf(SopsError);
    expect((err as SopsError).kind).toBe("no-age-recipient");
    expect((err as SopsError).message).toMatch(/no age recipient/);
    expect((err as SopsError).message).toContain(c.file);
  });
});

describe.each(cases.map((c) => [caseLabel(c), c] as const))("%s with its recorded data key", (_, c) => {
  const key = Buffer.from(c.expected.data_key_hex ?? "", "hex");
  it.runIf(key.length === 32)(c.mac === "valid" ? "decrypts to the expected tree, MAC verified" : "is refused: the MAC is absent", () => {
    const run = () => decryptSopsWithKey(readCase(c, c.file), key, { file: c.file, format: c.format });
    if (c.mac === "valid") {
      checkTree(c, run().branches);
    } else {
      expect(run).toThrow(SopsError);
      expect(run).toThrow(/no MAC/);
    }
  });
  it("has a recorded data key", () => expect(key.length).toBe(32));
});
