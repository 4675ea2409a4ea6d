// Rewriting existing files. A re-wrap (sops updatekeys) changes only the age
// entries, on every interop file sops 3.7+ wrote and on nixsec's own; an edit
// (sops edit) changes only the edited value, lastmodified and the MAC; YAML
// comments and key order survive decrypt → edit → encrypt.
import { describe, expect, it } from "vitest";
import { generateAgeKey, parseIdentityLine, parseRecipient, type LoadedIdentity } from "../../src/crypto/index.js";
import { Branch, decryptSops, emitPlain, encryptSops, loadPlain, reencryptSops, rewrapSops, sopsRecipients, SopsError, type SopsFormat } from "../../src/sops/index.js";
import { caseLabel, loadSpec, readCase, sopsCases } from "./cases.js";

/** The file without its age entries, so two versions compare equal when nothing else changed. */
function withoutAge(text: string, format: SopsFormat): string {
  switch (format) {
    case "yaml":
      return text.replace(/^( *)age:\n(?:\1 .*\n|\1- .*\n)*/m, "");
    case "json":
    case "binary":
      return text.replace(/^(\s*)"age": \[[\s\S]*?\n\1\],?\n/m, "");
    case "dotenv":
      return text.replace(/^sops_age__.*\n/gm, "");
    case "ini":
      // go-ini aligns "=" per section: new key lengths re-pad the [sops] lines.
      return text.replace(/^age__.*\n/gm, "").replace(/^(\S+) +=/gm, "$1 =");
  }
}

const before37 = (v: string): boolean => /^3\.[0-6]\./.test(v);

describe("re-wrap (updatekeys)", () => {
  const cases = sopsCases().filter((c) => c.ageDecryptable && c.decryptWith.length > 0);
  it.each(cases.map((c) => [caseLabel(c), c] as const))("%s: only the age entries change; old and new readers as asked", async (_, c) => {
    const bytes = readCase(c, c.file);
    const old = await loadSpec(c, c.decryptWith[0]!);
    const fresh = await generateAgeKey();
    const kept = sopsRecipients(bytes, { file: c.file, format: c.format })[0]!;
    const out = await rewrapSops(bytes, old, [parseRecipient(kept), parseRecipient(fresh.recipient)], { file: c.file, format: c.format });
    expect(sopsRecipients(out, { file: c.file, format: c.format })).toEqual([kept, fresh.recipient]);
    const version = c.expected.sops_version ?? "";
    if (!(c.format === "yaml" && before37(version))) {
      expect(withoutAge(Buffer.from(out).toString("utf8"), c.format)).toBe(withoutAge(bytes.toString("utf8"), c.format));
    }
    const a = await decryptSops(bytes, old, { file: c.file, format: c.format });
    const b = await decryptSops(out, [parseIdentityLine(fresh.identity, "fresh")], { file: c.file, format: c.format });
    expect(b.branches).toEqual(a.branches);
    expect(b.metadata.mac).toBe(a.metadata.mac);
    expect(b.metadata.lastModified).toBe(a.metadata.lastModified);
    expect(b.metadata.keyGroups[0]!.others).toEqual(a.metadata.keyGroups[0]!.others); // PGP entries stay
  });

  it("drops a removed reader and refuses a file whose MAC fails", async () => {
    const [x, y] = [await generateAgeKey(), await generateAgeKey()];
    const idX: LoadedIdentity[] = [parseIdentityLine(x.identity, "x")];
    const file = await encryptSops([new Branch([{ key: "a", value: "b" }])], [parseRecipient(x.recipient), parseRecipient(y.recipient)], { file: "f.yaml" });
    const out = await rewrapSops(file, idX, [parseRecipient(y.recipient)], { file: "f.yaml" });
    await expect(decryptSops(out, idX, { file: "f.yaml" })).rejects.toMatchObject({ kind: "no-match" });
    const tampered = Buffer.from(Buffer.from(file).toString("utf8").replace(/^a: ENC\[AES256_GCM,data:(.)/m, (m, c: string) => m.slice(0, -1) + (c === "A" ? "B" : "A")));
    await expect(rewrapSops(tampered, idX, [parseRecipient(y.recipient)], { file: "f.yaml" })).rejects.toBeInstanceOf(SopsError);
  });
});

const SOURCE = `# Database settings for the app
db:
    # the primary
    host: db.example
    port: 5432 # default port
    password: hunter2
    replicas:
        - r1.example
        # the new one
        - r2.example
    # end of db
zz_first: key order is kept, not sorted
api_unencrypted: in clear
`;

describe("edit (decrypt → change → encrypt)", () => {
  it("keeps comments and key order, and changes only the edited line, lastmodified and mac", async () => {
    const k = await generateAgeKey();
    const id = [parseIdentityLine(k.identity, "k")];
    const plain = loadPlain(Buffer.from(SOURCE), "yaml", "app.yaml");
    const file = await encryptSops(plain.branches, [parseRecipient(k.recipient)], { file: "app.yaml", layout: plain.layout, now: new Date("2026-01-01T00:00:00Z") });
    const d = await decryptSops(file, id, { file: "app.yaml" });
    expect(Buffer.from(emitPlain(d.branches, "yaml", "app.yaml")).toString("utf8")).toBe(SOURCE);

    const db = d.branches[0]!.get("db") as Branch;
    const edited = new Branch(d.branches[0]!.items.map((it) => ("key" in it && it.key === "db" ? { key: "db", value: new Branch(db.items.map((e) => ("key" in e && e.key === "password" ? { key: "password", value: "correct horse" } : e))) } : it)));
    const out = reencryptSops(d, [edited], { file: "app.yaml", now: new Date("2026-02-01T00:00:00Z") });
    const [before, after] = [Buffer.from(file).toString("utf8").split("\n"), Buffer.from(out).toString("utf8").split("\n")];
    expect(after.length).toBe(before.length);
    const changed = after.map((l, i) => (l === before[i] ? null : l.trim().split(":")[0])).filter((x) => x !== null);
    expect(changed).toEqual(["password", "lastmodified", "mac"]);
    const again = await decryptSops(out, id, { file: "app.yaml" });
    expect(Buffer.from(emitPlain(again.branches, "yaml", "app.yaml")).toString("utf8")).toBe(SOURCE.replace("hunter2", "correct horse"));
  });
});
