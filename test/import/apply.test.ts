// Writing an import (src/import/apply.ts): an error before the commit point
// (nixsec.yaml) leaves the repository exactly as it was, the lock included;
// a file in the way is named before anything is written; a copy an
// interrupted import left (the same bytes) is taken as done.
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { RepoTree } from "../../src/fs/tree.js";
import { applyImport, setImportFaultForTests } from "../../src/import/apply.js";
import { scanAgenix } from "../../src/import/agenix.js";
import { scanNixops } from "../../src/import/nixops.js";
import { planImport } from "../../src/import/plan.js";
import { resolvePrincipals } from "../../src/import/principals.js";
import type { ImportSource } from "../../src/import/types.js";
import { loadManifest } from "../../src/manifest/index.js";
import { manifestText } from "../../src/cli/commands/init.js";
import { tempRepo, type TempRepo } from "../helpers/repo.js";
import { interopDir, needTool } from "../helpers/tools.js";
import { snapshot } from "./helpers.js";

const run = needTool("git") && needTool("ssh-keygen");

async function plan(t: TempRepo, src: ImportSource) {
  const existing = await loadManifest(t.file("nixsec.yaml")).catch(() => undefined);
  const principals = await resolvePrincipals(src, existing?.data, { admins: [], hosts: [], names: [] });
  return planImport(src, principals, {
    root: t.repo, tree: new RepoTree(t.repo), manifestPath: t.file("nixsec.yaml"), existing, replaceRules: false,
    newManifest: (a, dir) => manifestText(a.name, a.key, dir),
  });
}

describe.runIf(run)("applyImport", () => {
  let t: TempRepo;
  afterEach(() => {
    setImportFaultForTests(undefined);
    t.cleanup();
  });

  it("an error before nixsec.yaml is written removes the new files and restores the lock", async () => {
    t = tempRepo();
    expect((await t.nixsec(["init"])).code).toBe(0);
    const host = t.sshKey("m");
    expect((await t.nixsec(["host", "add", "m", "--key-file", host.pub])).code).toBe(0);
    expect((await t.nixsec(["add", "old/one", "--host", "m", "--stdin"], { input: "v" })).code).toBe(0);
    mkdirSync(t.file("keys"));
    writeFileSync(t.file("keys/a"), "A-Value");
    writeFileSync(t.file("network.nix"), `{ m = { deployment.keys.a.keyFile = ./keys/a; deployment.keys.b.text = "B-Value"; }; }`);
    const tree = new RepoTree(t.repo);
    const m = await loadManifest(t.file("nixsec.yaml"));
    const src = scanNixops({ root: t.repo, tree, file: t.file("network.nix"), hostKeys: new Map([["m", m.data.hosts.m!.key]]), formats: new Map(), environmentFiles: new Map(), skip: new Set() });
    const p = await plan(t, src);
    const before = snapshot(t.repo);
    setImportFaultForTests(() => {
      throw new Error("disk full");
    });
    await expect(applyImport(p)).rejects.toThrow(/disk full/);
    expect(snapshot(t.repo)).toEqual(before);
    setImportFaultForTests(undefined);
    await applyImport(p);
    expect(Object.keys((await loadManifest(t.file("nixsec.yaml"))).data.secrets).sort()).toEqual(["a", "b", "old/one"]);
    expect((await t.nixsec(["status", "--check"])).code).toBe(0);
  });

  it("a file in the way stops the plan; a moved file's earlier copy (same bytes) is taken as done", async () => {
    t = tempRepo();
    const example = path.join(interopDir, "agenix/example");
    mkdirSync(t.file("old"));
    for (const f of ["secret1.age", "secret2.age", "secrets.nix"]) copyFileSync(path.join(example, f), t.file(`old/${f}`));
    writeFileSync(t.file("old/secrets.nix"), `let u = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIL0idNvgGiucWgup/mP78zyC23uFjYq0evcWdjGQUaBH"; s = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPJDyIr/FSz1cJdcoW69R+NrWzwGK/+3gJpqD1t8L2zE"; in { "secret1.age".publicKeys = [ u s ]; "secret2.age".publicKeys = [ u ]; }`);
    const scan = () => scanAgenix({ root: t.repo, tree: new RepoTree(t.repo), dir: t.file("old"), masters: [] });
    mkdirSync(t.file("secrets"));
    writeFileSync(t.file("secrets/secret1.age"), "something else");
    await expect(plan(t, { ...(await scan()), secretsDir: "secrets" })).rejects.toThrow(/"secret1\.age": secrets\/secret1\.age exists already/);
    copyFileSync(t.file("old/secret1.age"), t.file("secrets/secret1.age"));
    const p = await plan(t, { ...(await scan()), secretsDir: "secrets" });
    expect(p.secrets.map((s) => [s.name, s.action, Boolean(s.copied)])).toEqual([["secret1", "move", true], ["secret2", "move", false]]);
    const r = await applyImport(p);
    expect(r.removed.map((f) => path.relative(t.repo, f)).sort()).toEqual(["old/secret1.age", "old/secret2.age"]);
    expect((await t.nixsec(["status", "--check"])).code).toBe(0);
  });
});
