// One decryption pass per run: rekeying many files with a passphrase-protected
// SSH admin key asks for the passphrase once (agenix asks once per file), in
// a real terminal.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptBytes, parseIdentityFile } from "../../src/crypto/index.js";
import { nixsecBin } from "../helpers/cli.js";
import { startInTmux } from "../helpers/tmux.js";
import { needTool } from "../helpers/tools.js";
import { makeFixture, type Fixture } from "./fixture.js";

const run = needTool("tmux") && needTool("ssh-keygen") && needTool("git");

describe.runIf(run)("rekey with a passphrase-protected SSH admin key", () => {
  let f: Fixture;
  let key: string;
  beforeAll(async () => {
    const secrets: Record<string, string[]> = {};
    for (let i = 0; i < 40; i++) secrets[`p/s${i}`] = ["h1"];
    f = await makeFixture({ hosts: ["h1"], secrets });
    key = path.join(f.t.root, "protected");
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "pass phrase", "-C", "bob", "-f", key]);
    const r = await f.nixsec(["admin", "add", "bob", "--key-file", `${key}.pub`]);
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(() => f.t.cleanup());

  it("asks once for 40 files", async () => {
    const s = startInTmux(`${process.execPath} ${nixsecBin} rekey --all -i ${key}`, { cwd: f.t.repo, env: f.t.env, dir: f.t.root });
    try {
      await s.waitFor(/Passphrase for/);
      s.send("pass phrase", "Enter");
      expect(await s.exitCode(30000)).toBe(0);
      const screen = s.screen();
      expect(screen.match(/Passphrase for/g)).toHaveLength(1);
      expect(screen).toMatch(/re-encrypted 40 files/);
      expect(screen).not.toContain("pass phrase");
    } finally {
      s.kill();
    }
    for (const n of f.names.slice(0, 3)) expect(Buffer.from(await decryptBytes(readFileSync(f.t.file(`secrets/${n}.age`)), f.admin)).toString()).toBe(f.value(n));
    const bob = await parseIdentityFile(readFileSync(key), key, { passphrase: async () => "pass phrase" });
    expect(Buffer.from(await decryptBytes(readFileSync(f.t.file("secrets/p/s7.age")), bob)).toString()).toBe(f.value("p/s7"));
  });
});
