// Finding and loading the admin identity, as a new user meets it: a second
// clone finds the admin key without -i; when nothing matches, the hint says
// where nixsec looked; a public key given as an identity is called one; a
// damaged file names itself; no raw ENOENT anywhere.
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { tempRepo, type TempRepo } from "../helpers/repo.js";
import { needTool } from "../helpers/tools.js";

describe.runIf(needTool("git") && needTool("ssh-keygen"))("admin identity messages", () => {
  let t: TempRepo;
  let clone: string;
  const inClone = (args: string[], env: Record<string, string> = {}) => runCli(args, { env: { ...t.env, ...env }, cwd: clone });
  const keysDir = () => path.join(t.home, ".config/nixsec/keys");

  beforeAll(async () => {
    t = tempRepo();
    expect((await t.nixsec(["init", "--admin", "alice"])).code).toBe(0);
    expect((await t.nixsec(["add", "app/token", "--stdin"], { input: "tok-123\n" })).code).toBe(0);
    execFileSync("git", ["-C", t.repo, "add", "-A"]);
    execFileSync("git", ["-C", t.repo, "commit", "-qm", "store"], { env: { ...process.env, ...t.env } });
    clone = path.join(t.root, "second-clone");
    execFileSync("git", ["clone", "-q", t.repo, clone]);
  });
  afterAll(() => t.cleanup());

  it("a second clone finds the admin key in ~/.config/nixsec/keys without -i", async () => {
    const r = await inClone(["show", "app/token"]);
    expect(r.stderr).toBe("");
    expect(r.stdout.toString()).toBe("tok-123\n");
  });

  it("a second clone finds an SSH admin key at ~/.ssh/id_ed25519", async () => {
    const ssh = path.join(t.home, ".ssh");
    mkdirSync(ssh, { recursive: true, mode: 0o700 });
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "bob@laptop", "-f", path.join(ssh, "id_ed25519")]);
    const pub = readFileSync(path.join(ssh, "id_ed25519.pub"), "utf8").trim();
    expect((await t.nixsec(["admin", "add", "bob", "--key", pub])).code).toBe(0);
    execFileSync("git", ["-C", t.repo, "commit", "-qam", "bob"], { env: { ...process.env, ...t.env } });
    execFileSync("git", ["-C", clone, "pull", "-q"], { env: { ...process.env, ...t.env } });
    // Hide alice's key: only bob's SSH key is left to find.
    const hidden = path.join(t.root, "hidden-keys");
    renameSync(keysDir(), hidden);
    try {
      const r = await inClone(["show", "app/token"]);
      expect(r.stderr).toBe("");
      expect(r.stdout.toString()).toBe("tok-123\n");
    } finally {
      renameSync(hidden, keysDir());
    }
  });

  it("when no local key matches an admin, the hint names where nixsec looked", async () => {
    const r = await inClone(["show", "app/token"], { HOME: path.join(t.root, "empty-home") });
    expect(r.code).toBe(2);
    const home = path.join(t.root, "empty-home");
    expect(r.stderr).toBe(
      "nixsec: error: no admin identity to decrypt with\n" +
        "nixsec: hint: pass -i/--identity with your admin key file (a hardware key: its plugin identity file), or set NIXSEC_IDENTITY to its path\n" +
        `nixsec: hint: no key matching an admin of this repository in: ~/.config/nixsec/keys/, ~/.config/sops/age/keys.txt, ~/.ssh/id_ed25519, ~/.ssh/id_rsa\n`,
    );
    expect(r.stderr).not.toContain(home);
  });

  it("the key init recorded is gone: said so, and other keys are still looked for", async () => {
    const recorded = readdirSync(keysDir())[0]!;
    const moved = path.join(t.root, recorded);
    renameSync(path.join(keysDir(), recorded), moved);
    try {
      // bob's ~/.ssh/id_ed25519 is an admin key too: found instead.
      expect((await t.nixsec(["show", "app/token"])).stdout.toString()).toBe("tok-123\n");
      renameSync(path.join(t.home, ".ssh"), path.join(t.root, "ssh-away"));
      const r = await t.nixsec(["show", "app/token"]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`nixsec: hint: the key recorded for this repository, ~/.config/nixsec/keys/${recorded}, is gone\n`);
      expect(r.stderr).not.toMatch(/ENOENT/);
    } finally {
      renameSync(moved, path.join(keysDir(), recorded));
      renameSync(path.join(t.root, "ssh-away"), path.join(t.home, ".ssh"));
    }
  });

  it("-i host.pub: a public key, not an identity, with no mode warning before it", async () => {
    const host = t.sshKey("hannibal");
    chmodSync(host.pub, 0o644);
    for (const args of [["show", "app/token", "-i", host.pub], ["age", "decrypt", "-i", host.pub, "secrets/app/token.age"]]) {
      const r = await t.nixsec(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^nixsec: error: ${host.pub.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} is a public key, not an identity\nnixsec: hint: give the private key`));
      expect(r.stderr).not.toMatch(/warning/);
    }
  });

  it("a truncated .age file: the error names the file (show, and nixsec age decrypt)", async () => {
    const full = t.file("secrets/app/token.age");
    const cut = path.join(t.root, "cut.age");
    writeFileSync(cut, readFileSync(full).subarray(0, 60));
    const saved = path.join(t.root, "token.age.orig");
    copyFileSync(full, saved);
    copyFileSync(cut, full);
    try {
      const shown = await t.nixsec(["show", "app/token"]);
      expect(shown.code).toBe(2);
      expect(shown.stderr).toMatch(new RegExp(`^nixsec: error: ${full.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: invalid age header: unexpected end of header\n`));
      const aged = await t.nixsec(["age", "decrypt", "-i", path.join(keysDir(), readdirSync(keysDir())[0]!), cut]);
      expect(aged.stderr).toMatch(new RegExp(`^nixsec: error: ${cut.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: invalid age header: unexpected end of header\n`));
      const inspected = await t.nixsec(["age", "inspect", cut]);
      expect(inspected.stderr).toContain(`${cut}: invalid age header`);
    } finally {
      copyFileSync(saved, full);
    }
  });

  it("no raw ENOENT from identity loading: a missing -i, NIXSEC_IDENTITY or a directory are said in words", async () => {
    const missing = path.join(t.root, "nope.key");
    const cases: Array<[string[], Record<string, string>, string]> = [
      [["show", "app/token", "-i", missing], {}, `cannot read ${missing} (-i/--identity): no such file`],
      [["show", "app/token"], { NIXSEC_IDENTITY: missing }, `cannot read ${missing} (NIXSEC_IDENTITY): no such file`],
      [["show", "app/token", "-i", t.root], {}, `cannot read ${t.root} (-i/--identity): it is a directory`],
      [["age", "decrypt", "-i", missing, "secrets/app/token.age"], {}, `cannot read ${missing} (-i/--identity): no such file`],
      [["init", "--dir", path.join(t.root, "fresh"), "--admin-key", missing], {}, `cannot read ${missing} (--admin-key)`],
    ];
    mkdirSync(path.join(t.root, "fresh"), { recursive: true });
    for (const [args, env, message] of cases) {
      const r = await t.nixsec(args, { env });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`nixsec: error: ${message}`);
      expect(r.stderr).not.toMatch(/\bE(NOENT|ISDIR|ACCES|NOTDIR|LOOP|PERM)\b/);
    }
  });
});
