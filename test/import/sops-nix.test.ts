// `nixsec import sops-nix` (issue 13): a sops-nix repository as its users
// keep it (.sops.yaml with anchors, a YAML file per host, a shared file, a
// binary file), dry run first, then the import: one nixsec secret per value,
// named by its key path, each a sops file its hosts (on sops-nix) open with
// their SSH host keys; what cannot be mapped exits 2 naming it, with nothing
// written.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempRepo, type TempRepo } from "../helpers/repo.js";
import { hostReads } from "../helpers/sops-host.js";
import { needTool } from "../helpers/tools.js";
import { snapshot } from "./helpers.js";

const run = needTool("git") && needTool("ssh-keygen");

describe.runIf(run)("import sops-nix", () => {
  let t: TempRepo;
  let storage2: { priv: string; pub: string };
  let hannibal: { priv: string; pub: string };
  const ok = async (args: string[], env: Record<string, string> = {}) => {
    const r = await t.nixsec(args, { env });
    expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
    return r;
  };
  const recipient = async (pub: string) => (await ok(["age", "convert-ssh", pub])).stdout.toString().trim();
  /** A plaintext at `rel` (where .sops.yaml matches it, as sops matches the input), encrypted in place. */
  const sopsFile = async (rel: string, plain: string | Buffer) => {
    mkdirSync(path.dirname(t.file(rel)), { recursive: true });
    writeFileSync(t.file(rel), plain);
    await ok(["sops", "encrypt", "--in-place", rel]);
  };

  beforeEach(async () => {
    t = tempRepo();
    storage2 = t.sshKey("storage2");
    hannibal = t.sshKey("hannibal");
    mkdirSync(path.join(t.home, ".config/sops/age"), { recursive: true });
    await ok(["age", "keygen", "-o", path.join(t.home, ".config/sops/age/keys.txt")]);
    const admin = readFileSync(path.join(t.home, ".config/sops/age/keys.txt"), "utf8").match(/public key: (age1\S+)/)![1]!;
    writeFileSync(t.file(".sops.yaml"), `keys:
  - &admin_alice ${admin}
  - &server_storage2 ${await recipient(storage2.pub)}
  - &server_hannibal ${await recipient(hannibal.pub)}
creation_rules:
  - path_regex: secrets/storage2\\.yaml$
    key_groups:
      - age: [*admin_alice, *server_storage2]
  - path_regex: secrets/common\\.yaml$
    key_groups:
      - age: [*admin_alice, *server_storage2, *server_hannibal]
  - path_regex: secrets/[^/]+\\.(bin|env)$
    key_groups:
      - age: [*admin_alice, *server_storage2]
`);
    await sopsFile("secrets/storage2.yaml", "# samba users of the NAS\nsamba_passwords:\n  michael: pw-michael\n  alice: pw-alice\ndb: storage-db\n");
    await sopsFile("secrets/common.yaml", 'db: common-db\nsmtp: "smtp pass\\nwith a newline"\n');
    await sopsFile("secrets/disk.bin", Buffer.from([0, 1, 2, 0xff, 0xfe, 10]));
    await sopsFile("secrets/app.env", "TOKEN=abc\nPORT=8080\n");
    execFileSync("git", ["add", "-A"], { cwd: t.repo });
  });
  afterEach(() => t.cleanup());

  it("dry run: the plan names keys by .sops.yaml's anchors, one secret per value, and writes nothing", async () => {
    const before = snapshot(t.repo);
    const r = await ok(["import", "sops-nix", "--dry-run", "--json"]);
    expect(snapshot(t.repo)).toEqual(before);
    expect(r.stderr).toMatch(/alice\s+age1\S+\s+new: named admin_alice in \.sops\.yaml/);
    expect(r.stderr).toMatch(/storage2\s+age1\S+\s+new: named server_storage2 in \.sops\.yaml/);
    const plan = JSON.parse(r.stdout.toString()) as { secrets: Array<{ name: string }> };
    // key paths as sops.secrets names them; db is in two files, so each gets its file's name
    expect(plan.secrets.map((s) => s.name).sort()).toEqual(["app", "common/db", "disk", "samba_passwords/alice", "samba_passwords/michael", "smtp", "storage2/db"]);
    expect(r.stderr).toMatch(/dry run: nothing written/);
  });

  it("imports: sops-nix hosts, each value its own sops file that its hosts open with their SSH keys; gen and audit agree", async () => {
    const r = await ok(["import", "sops-nix", "--yes", "--replace-rules"]);
    expect(r.stderr).toMatch(/imported 7 secrets into nixsec\.yaml \(0 kept in place, 0 moved, 7 encrypted\)/);
    expect(r.stderr).toMatch(/then delete secrets\/app\.env, secrets\/common\.yaml, secrets\/disk\.bin, secrets\/storage2\.yaml/);
    const manifest = t.read("nixsec.yaml");
    expect(manifest).toMatch(/backend: sops-nix/);
    expect(manifest).toMatch(/ {2}alice:\n {4}key: "age1/);
    expect(await hostReads(t.file("secrets/samba_passwords/michael.sops.bin"), storage2.priv)).toBe("pw-michael");
    expect(await hostReads(t.file("secrets/smtp.sops.bin"), hannibal.priv)).toBe("smtp pass\nwith a newline");
    await expect(hostReads(t.file("secrets/samba_passwords/michael.sops.bin"), hannibal.priv)).rejects.toThrow();
    expect((await ok(["show", "app"])).stdout.toString()).toBe("TOKEN=abc\nPORT=8080\n");
    expect((await ok(["show", "disk"])).stdout).toEqual(Buffer.from([0, 1, 2, 0xff, 0xfe, 10]));
    expect(manifest).toMatch(/ {2}app:\n {4}hosts: \[storage2\]\n {4}format: env/);
    expect(manifest).toMatch(/ {2}disk:\n {4}hosts: \[storage2\]\n {4}format: binary/);
    expect((await ok(["status"])).stdout.toString()).toMatch(/7 secrets: 0 need a rekey/);
    expect(t.read(".sops.yaml").split("\n")[0]).toBe("# Generated by nixsec from nixsec.yaml; do not edit.");
    expect((await ok(["gen", "--check"])).code).toBe(0);
    // the imported-from files are the audit's unknown-secret-file until deleted
    for (const f of ["secrets/storage2.yaml", "secrets/common.yaml", "secrets/disk.bin", "secrets/app.env"]) rmSync(t.file(f));
    execFileSync("git", ["add", "-A"], { cwd: t.repo });
    const audit = await t.nixsec(["audit"]);
    expect(audit.code, audit.stdout.toString()).toBe(0);
  });

  it("into an existing agenix repository: its hosts are put on sops-nix, next to the agenix ones", async () => {
    await ok(["init", "--admin", "alice", "--admin-key", path.join(t.home, ".config/sops/age/keys.txt"), "--secrets-dir", "vault"]);
    const r = await ok(["import", "sops-nix", "secrets/storage2.yaml", "--yes"]);
    expect(r.stderr).toMatch(/imported 3 secrets/);
    expect(t.read("nixsec.yaml")).toMatch(/backend: agenix/);
    expect(t.read("nixsec.yaml")).toMatch(/storage2:\n {4}key: age1\S+\n {4}backend: sops-nix/);
    expect(await hostReads(t.file("vault/db.sops.bin"), storage2.priv)).toBe("storage-db");
    expect((await ok(["host", "list"])).stdout.toString()).toMatch(/^storage2\tx25519\t\S+\tsops-nix\t3 secrets$/m);
  });

  it("what cannot be mapped exits 2 naming the file and key, and writes nothing", async () => {
    await sopsFile("secrets/numbers.bin", "x"); // fine, a binary file
    writeFileSync(t.file(".sops.yaml"), t.read(".sops.yaml").replace("secrets/[^/]+\\.(bin|env)$", "secrets/[^/]+\\.(bin|env|json)$"));
    await sopsFile("secrets/conf.json", JSON.stringify({ port: 5432, name: "x" }));
    await sopsFile("secrets/list.json", JSON.stringify({ hosts: ["a", "b"] }));
    for (const [file, message] of [
      ["secrets/conf.json", /secrets\/conf\.json: port is a number, and sops-nix installs strings only/],
      ["secrets/list.json", /secrets\/list\.json: hosts is a list, which sops-nix cannot install as a secret/],
    ] as const) {
      const before = snapshot(t.repo);
      const r = await t.nixsec(["import", "sops-nix", file, "--yes"]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toMatch(/nixsec: hint: /);
      expect(snapshot(t.repo)).toEqual(before);
    }
    // no identity opens the files: exit 2 naming the file and what was tried
    const before = snapshot(t.repo);
    const r = await t.nixsec(["import", "sops-nix", "secrets/storage2.yaml", "--yes"], { env: { XDG_CONFIG_HOME: path.join(t.root, "elsewhere") } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/secrets\/storage2\.yaml: none of the given identities opens the file/);
    expect(r.stderr).toMatch(/identities tried: /);
    expect(snapshot(t.repo)).toEqual(before);
  });
});
