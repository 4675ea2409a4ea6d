// The CLI frame: exit codes, error/hint lines, colour rules, help and
// version, and no binary output to a terminal.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { nixsecBin, runCli } from "../helpers/cli.js";
import { startInTmux } from "../helpers/tmux.js";
import { interopDir, needTool } from "../helpers/tools.js";

const tmp = mkdtempSync(path.join(tmpdir(), "nixsec-frame-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("CLI frame", () => {
  it("--version and --help (with the exit-code table) exit 0", async () => {
    expect((await runCli(["--version"])).stdout.toString()).toMatch(/^\d+\.\d+\.\d+\n$/);
    const help = await runCli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout.toString()).toMatch(/Exit codes:[\s\S]*130\s+interrupted/);
  });

  it("every command's --help has examples", async () => {
    for (const cmd of [["age", "encrypt"], ["age", "decrypt"], ["age", "keygen"], ["age", "inspect"], ["age", "convert-ssh"], ["init"], ["add"], ["show"], ["edit"], ["list"], ["rm"], ["wire"], ["gen"], ["host", "add"], ["admin", "add"]]) {
      const r = await runCli([...cmd, "--help"]);
      expect(r.code, cmd.join(" ")).toBe(0);
      expect(r.stdout.toString(), cmd.join(" ")).toMatch(/Examples:\n  nixsec /);
    }
  });

  it("usage errors: exit 2, error and hint lines, no stack", async () => {
    for (const args of [["nosuchcommand"], ["age", "encrypt", "--bogus"], ["age", "inspect"]]) {
      const r = await runCli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^nixsec: error: .*\nnixsec: hint: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it("colour only when forced, never with NO_COLOR", async () => {
    const plain = await runCli(["age", "decrypt"], { input: "x", env: { NO_COLOR: "1", FORCE_COLOR: "1" } });
    expect(plain.stderr).not.toMatch(/\x1b\[/);
    const forced = await runCli(["age", "decrypt"], { input: "x", env: { NO_COLOR: "", FORCE_COLOR: "1" } });
    expect(forced.stderr).toMatch(/\x1b\[31merror:/);
  });

  it.runIf(needTool("tmux"))("refuses binary output to a terminal", async () => {
    const key = path.join(interopDir, "age-cli/keys/x25519.txt");
    const bin = path.join(interopDir, "age-cli/ciphertexts/x25519.binary-1MiB.age");
    for (const [cmd, pattern] of [
      [`age decrypt -i ${key} ${bin}`, /refusing to write binary plaintext to a terminal/],
      [`age encrypt -r age1v0vprzzns83u47cd0hdjpemfd6zaxgxgter0vqfqfjepvh6egpwq4m02mx ${key}`, /refusing to write binary age output to a terminal/],
    ] as const) {
      const s = startInTmux(`${process.execPath} ${nixsecBin} ${cmd}`, { cwd: tmp, env: { NO_COLOR: "1" }, dir: tmp });
      try {
        expect(await s.exitCode()).toBe(2);
        expect(s.screen()).toMatch(pattern);
      } finally {
        s.kill();
      }
    }
  });
});
