// `nixsec import agenix` on the real stores of ../shared/interop/agenix/
// (agenix's example, ragenix's, agenix-rekey's), each copied into a temp
// repository, folders and files taken from its manifest.json. After the
// import every secret decrypts to the same bytes with exactly the same keys
// (every key of the data set is tried), `nixsec status` and `gen --check`
// pass, and the generated wiring evaluates. A dry run changes nothing.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempRepo, type TempRepo } from "../helpers/repo.js";
import { hasTool, interopDir, needTool } from "../helpers/tools.js";
import { expectWiringEvaluates, identity, snapshot, tryDecrypt } from "./helpers.js";

const dir = path.join(interopDir, "agenix");
interface Entry { file: string; expected_plaintext: string; must_decrypt_with: string[]; recipients: { rules_file?: string } }
const data = JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8")) as { files: Entry[]; identities: Record<string, { type: string; public: string }> };
// Every key of the data set that needs no plugin: each must read exactly the files the manifest says.
const keysInPlay = Object.entries(data.identities).filter(([, v]) => !/plugin/.test(v.type)).map(([k]) => k);

interface Store { folder: string; rules?: string; entries: Entry[]; admin: string }
const stores: Store[] = [];
for (const e of data.files) {
  const rules = e.recipients.rules_file;
  const folder = path.dirname(rules ?? e.file);
  let s = stores.find((x) => x.folder === folder);
  if (!s) stores.push((s = { folder, rules, entries: [], admin: "" }));
  s.entries.push(e);
}
// The admin: a key that reads every file of its store.
for (const s of stores) s.admin = s.entries[0]!.must_decrypt_with.find((k) => s.entries.every((e) => e.must_decrypt_with.includes(k)))!;

const hasNix = hasTool("nix-instantiate");
const run = needTool("git");

/** The store's files in the repository's secrets/, its admin key outside (0600). */
function setUp(t: TempRepo, s: Store, into = "secrets"): string {
  mkdirSync(t.file(into), { recursive: true });
  for (const e of s.entries) copyFileSync(path.join(dir, e.file), path.join(t.file(into), path.basename(e.file)));
  if (s.rules) copyFileSync(path.join(dir, s.rules), path.join(t.file(into), "secrets.nix"));
  const key = path.join(t.root, "admin-" + path.basename(s.admin));
  copyFileSync(path.join(dir, s.admin), key);
  chmodSync(key, 0o600);
  return key;
}

async function expectSameReaders(t: TempRepo, s: Store, secretsDir = "secrets"): Promise<void> {
  for (const e of s.entries) {
    const file = t.file(`${secretsDir}/${path.basename(e.file)}`);
    const bytes = readFileSync(file);
    const expected = readFileSync(path.join(dir, e.expected_plaintext));
    for (const k of keysInPlay) {
      const got = await tryDecrypt(bytes, await identity(path.join(dir, k)));
      if (e.must_decrypt_with.includes(k)) expect(got?.equals(expected), `${e.file} with ${k}`).toBe(true);
      else expect(got, `${e.file} must not open with ${k}`).toBeNull();
    }
  }
}

describe.runIf(run).each(stores)("import agenix: $folder", (s) => {
  let t: TempRepo;
  let key: string;
  const args = () => ["import", "agenix", "secrets", "--admin-key", key, ...(s.rules ? ["--replace-rules"] : [])];
  beforeAll(() => {
    t = tempRepo();
    key = setUp(t, s);
  });
  afterAll(() => t.cleanup());

  it("a dry run plans every file kept in place, and changes nothing", async () => {
    const before = snapshot(t.repo);
    const r = await t.nixsec([...args(), "--dry-run", "--json"]);
    expect(r.stderr).toMatch(/dry run: nothing written/);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout.toString());
    expect(plan.secrets.map((x: { name: string }) => x.name).sort()).toEqual(s.entries.map((e) => path.basename(e.file, ".age")).sort());
    expect(plan.secrets.every((x: { action: string; rekey: string[] }) => x.action === "keep" && x.rekey.length === 0)).toBe(true);
    expect(snapshot(t.repo)).toEqual(before);
    if (s.rules && hasNix) {
      // The rules read without Nix plan exactly what nix-instantiate's evaluation plans.
      const parsed = await t.nixsec([...args(), "--dry-run", "--json", "--no-eval"]);
      expect(parsed.code).toBe(0);
      const strip = (p: Record<string, unknown>) => ({ ...p, source: null });
      expect(strip(JSON.parse(parsed.stdout.toString()))).toEqual(strip(plan));
    }
  });

  it("imports: same bytes and readers, clean status, gen --check passes, the wiring evaluates", async () => {
    const originals = new Map(s.entries.map((e) => [e.file, readFileSync(path.join(dir, e.file))]));
    const r = await t.nixsec([...args(), "--yes"]);
    expect(r.stderr).toMatch(/imported \d+ secrets? into nixsec\.yaml/);
    expect(r.code).toBe(0);
    for (const e of s.entries) expect(readFileSync(t.file(`secrets/${path.basename(e.file)}`)).equals(originals.get(e.file)!)).toBe(true);
    await expectSameReaders(t, s);
    const status = await t.nixsec(["status", "--check"]);
    expect(status.stdout.toString()).toMatch(/0 need a rekey/);
    expect(status.code).toBe(0);
    const check = await t.nixsec(["gen", "--check"]);
    expect(check.stderr).toBe("");
    expect(check.code).toBe(0);
    // The recorded identity (the adopted --admin-key) reads every value.
    for (const e of s.entries) {
      const shown = await t.nixsec(["show", "--", path.basename(e.file, ".age")]);
      expect(shown.stdout.equals(readFileSync(path.join(dir, e.expected_plaintext)))).toBe(true);
    }
    if (hasNix) expectWiringEvaluates(t.repo);
  });
});

describe.runIf(run)("import agenix: layouts and merges", () => {
  const example = stores.find((s) => s.rules && path.basename(s.folder) === "example" && !s.folder.includes("/"))!;

  it("rules at the repository root: the files move into secrets/, byte for byte", async () => {
    const t = tempRepo();
    try {
      const key = setUp(t, example, ".");
      const before = new Map(example.entries.map((e) => [e.file, readFileSync(t.file(path.basename(e.file)))]));
      const r = await t.nixsec(["import", "agenix", ".", "--admin-key", key, "--yes"]);
      expect(r.code, r.stderr).toBe(0);
      for (const e of example.entries) {
        expect(existsSync(t.file(path.basename(e.file)))).toBe(false);
        expect(readFileSync(t.file(`secrets/${path.basename(e.file)}`)).equals(before.get(e.file)!)).toBe(true);
      }
      // The hand-written rules stay (not at the generated path): nixsec writes its own to secrets/.
      expect(t.read("secrets.nix")).not.toMatch(/Generated by nixsec/);
      expect(t.read("secrets/secrets.nix")).toMatch(/Generated by nixsec/);
      await expectSameReaders(t, example);
      expect((await t.nixsec(["status", "--check"])).code).toBe(0);
      expect((await t.nixsec(["gen", "--check"])).code).toBe(0);
    } finally {
      t.cleanup();
    }
  });

  it("kept rules: gen refuses to replace them and says how; --replace-rules was the consent", async () => {
    const t = tempRepo();
    try {
      const key = setUp(t, example);
      const r = await t.nixsec(["import", "agenix", "secrets", "--admin-key", key, "--yes"]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/secrets\/secrets\.nix was kept as you wrote it/);
      expect(t.read("secrets/secrets.nix")).toBe(readFileSync(path.join(dir, example.rules!), "utf8"));
      const gen = await t.nixsec(["gen", "--check"]);
      expect(gen.code).toBe(2);
      expect(gen.stderr).toMatch(/git rm secrets\/secrets\.nix/);
      expect((await t.nixsec(["status", "--check"])).code).toBe(0);
    } finally {
      t.cleanup();
    }
  });

  it("into an existing repository: the admins there cannot read the files yet; --rekey gives them access and nothing more", async () => {
    const t = tempRepo();
    try {
      expect((await t.nixsec(["init", "--admin", "carol", "--secrets-dir", "store"])).code).toBe(0);
      const key = setUp(t, example, "old");
      const carol = readFileSync(t.file("nixsec.yaml"), "utf8");
      // Without an identity that reads them, --rekey stops before writing anything.
      const before = snapshot(t.repo);
      const refused = await t.nixsec(["import", "agenix", "old", "--rekey", "--yes", "-i", path.join(t.home, ".config/nixsec/keys", `repo-carol.key`)]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/none of your identities decrypts old\//);
      expect(snapshot(t.repo)).toEqual(before);
      const r = await t.nixsec(["import", "agenix", "old", "--rekey", "--yes", "-i", key]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/re-encrypted 5 imported files/);
      const m = yaml.load(t.read("nixsec.yaml")) as { admins: Record<string, unknown>; hosts: Record<string, unknown> };
      expect(Object.keys(m.admins).sort()).toEqual(["carol", "user1"]);
      expect(Object.keys(m.hosts)).toEqual(["system1"]);
      expect(t.read("nixsec.yaml")).toContain(carol.split("\n").find((l) => l.includes("age1"))!);
      const carolId = await identity(path.join(t.home, ".config/nixsec/keys/repo-carol.key"));
      for (const e of example.entries) {
        const bytes = readFileSync(t.file(`store/${path.basename(e.file)}`));
        const expected = readFileSync(path.join(dir, e.expected_plaintext));
        expect((await tryDecrypt(bytes, carolId))?.equals(expected)).toBe(true);
        for (const k of keysInPlay) {
          const got = await tryDecrypt(bytes, await identity(path.join(dir, k)));
          expect(e.must_decrypt_with.includes(k) ? got?.equals(expected) : got === null, `${e.file} with ${k}`).toBe(true);
        }
      }
      expect((await t.nixsec(["status", "--check"])).code).toBe(0);
      expect((await t.nixsec(["gen", "--check"])).code).toBe(0);
    } finally {
      t.cleanup();
    }
  });

  it("a header that does not fit the rules is reported, and --rekey makes the file fit them", async () => {
    const t = tempRepo();
    try {
      const key = setUp(t, example);
      // The rules say system1 reads secret2; its file was written for user1 only.
      const rules = t.read("secrets/secrets.nix").replace('"secret2.age".publicKeys = [ user1 ];', '"secret2.age".publicKeys = [ user1 system1 ];');
      writeFileSync(t.file("secrets/secrets.nix"), rules);
      const plan = JSON.parse((await t.nixsec(["import", "agenix", "--dry-run", "--json", "--admin-key", key])).stdout.toString());
      expect(plan.secrets.find((s: { name: string }) => s.name === "secret2").rekey).toEqual(["its header does not fit the rules: no stanza for system1"]);
      const r = await t.nixsec(["import", "agenix", "--admin-key", key, "--replace-rules", "--yes"]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/1 imported secret needs a rekey \(secret2\)/);
      const status = await t.nixsec(["status", "--check"]);
      expect(status.code).toBe(1);
      expect(status.stdout.toString()).toMatch(/secret2\s+not in the lock/);
      expect((await t.nixsec(["rekey"])).code).toBe(0); // the recorded --admin-key reads it
      expect((await t.nixsec(["status", "--check"])).code).toBe(0);
      const system1 = await identity(path.join(dir, "example_keys/system1"));
      expect((await tryDecrypt(readFileSync(t.file("secrets/secret2.age")), system1))?.toString()).toBe("world!\n");
      // Importing again meets nixsec's own rules.
      const again = await t.nixsec(["import", "agenix", "--dry-run"]);
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/secrets\/secrets\.nix was generated by nixsec/);
    } finally {
      t.cleanup();
    }
  });

  it("init refuses an agenix store and points at the import, which then works", async () => {
    const t = tempRepo();
    try {
      const key = setUp(t, example);
      const init = await t.nixsec(["init"]);
      expect(init.code).toBe(2);
      expect(init.stderr).toMatch(/nixsec import agenix secrets --dry-run/);
      expect((await t.nixsec(["import", "agenix", "secrets", "--dry-run"])).code).toBe(0);
      expect((await t.nixsec(["import", "agenix", "--admin-key", key, "--replace-rules", "--yes"])).code).toBe(0); // secrets/ is found
    } finally {
      t.cleanup();
    }
  });
});

// An inline key (no let binding) is named from its comment; the role flags decide.
describe.runIf(run)("import agenix: names and roles", () => {
  it("names inline keys from their comments, and --name/--admin/--host decide", async () => {
    const t = tempRepo();
    try {
      const example = stores.find((s) => s.rules && s.folder === "example")!;
      setUp(t, example);
      const pub = (k: string) => readFileSync(path.join(dir, `example_keys/${k}.pub`), "utf8").trim();
      writeFileSync(t.file("secrets/secrets.nix"), `{\n${example.entries.map((e) => `  "${path.basename(e.file)}".publicKeys = [ "${pub("user1")} alice@laptop" ${e.must_decrypt_with.includes("example_keys/system1") ? `"${pub("system1")} root@hannibal"` : ""} ];`).join("\n")}\n}\n`);
      const plan = async (...extra: string[]) => {
        const r = await t.nixsec(["import", "agenix", "--dry-run", "--json", ...extra]);
        expect(r.code, r.stderr).toBe(0);
        return JSON.parse(r.stdout.toString());
      };
      const p = await plan();
      expect(p.admins.map((a: { name: string }) => a.name)).toEqual(["alice"]);
      expect(p.hosts.map((h: { name: string; why: string }) => [h.name, h.why])).toEqual([["hannibal", "an SSH host key (root@hannibal)"]]);
      const q = await plan("--name", "storage=hannibal", "--name", `bob=${pub("user1")}`);
      expect([q.admins[0].name, q.hosts[0].name]).toEqual(["bob", "storage"]);
      const both = await plan("--admin", "hannibal");
      expect(both.admins.map((a: { name: string }) => a.name).sort()).toEqual(["alice", "hannibal"]);
      // hannibal does not read every secret: as an admin it must, so those files need a rekey.
      expect(both.secrets.filter((s: { rekey: string[] }) => s.rekey.length).map((s: { name: string }) => s.name).sort()).toEqual(example.entries.filter((e) => !e.must_decrypt_with.includes("example_keys/system1")).map((e) => path.basename(e.file, ".age")).sort());
    } finally {
      t.cleanup();
    }
  });
});
