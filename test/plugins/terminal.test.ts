// A plugin's questions through the CLI's prompt layer: in a real
// pseudo-terminal (tmux) a PIN is asked masked and reaches the plugin, a
// message is shown, a confirmation is a choice; without a terminal the error
// names the plugin and what it asked; a hang ends at NIXSEC_PLUGIN_TIMEOUT.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nixsecBin, runCli, type CliResult } from "../helpers/cli.js";
import { fakeKey, pluginBin, type PluginBin } from "../helpers/plugins.js";
import { startInTmux } from "../helpers/tmux.js";
import { needTool } from "../helpers/tools.js";

const PIN = "1234";

/** The CLI in a new session: no controlling terminal, as under CI or cron. */
const runDetached = (args: string[], env: Record<string, string>, cwd: string): Promise<CliResult> => runCli(args, { env, cwd, detached: true });

describe("plugin questions through the CLI", () => {
  let dir: string;
  let bin: PluginBin;
  const key = fakeKey();
  const env = (mode: string) => ({ PATH: bin.path, FAKE_PLUGIN_MODE: mode, FAKE_PLUGIN_LOG: bin.log });
  const plain = "the value behind the fake key\n";

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "nixsec-plugin-tty-"));
    bin = pluginBin();
    writeFileSync(path.join(dir, "plain.txt"), plain);
    writeFileSync(path.join(dir, "fake-identity.txt"), `# a TEST identity of the fake plugin\n#    Recipient: ${key.recipient}\n${key.identity}\n`);
    const r = await runCli(["age", "encrypt", "-r", key.recipient, "-o", "secret.age", "plain.txt"], { env: env(""), cwd: dir });
    expect(r.stderr).toBe("");
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(bin.dir, { recursive: true, force: true });
  });

  describe.runIf(needTool("tmux"))("in a terminal", () => {
    const cmd = (args: string) => `${process.execPath} ${nixsecBin} ${args}`;

    it("msg and request-secret: the message is shown, the PIN asked masked and passed to the plugin", async () => {
      const s = startInTmux(cmd("age decrypt -i fake-identity.txt -o out.txt secret.age"), { cwd: dir, env: env("msg,secret"), dir });
      try {
        await s.waitFor(/age-plugin-fake: PIN for the fake key/);
        expect(s.screen()).toContain("nixsec: age-plugin-fake: touch your fake key now");
        s.send(PIN, "Enter");
        expect(await s.exitCode()).toBe(0);
        expect(s.screen()).not.toContain(PIN);
        expect(s.screen()).toMatch(/PIN for the fake key \*{4}/);
      } finally {
        s.kill();
      }
      expect((await import("node:fs")).readFileSync(path.join(dir, "out.txt"), "utf8")).toBe(plain);
    });

    it("a wrong PIN: the plugin's refusal, named", async () => {
      const s = startInTmux(cmd("age decrypt -i fake-identity.txt -o out2.txt secret.age"), { cwd: dir, env: env("secret"), dir });
      try {
        await s.waitFor(/PIN for the fake key/);
        s.send("9999", "Enter");
        expect(await s.exitCode()).toBe(2);
        expect(await s.waitFor(/error:/)).toContain("nixsec: error: age-plugin-fake: wrong PIN");
      } finally {
        s.kill();
      }
    });

    it("confirm: a choice between the plugin's two answers", async () => {
      const s = startInTmux(cmd("age decrypt -j fake -i fake-identity.txt -o out3.txt secret.age"), { cwd: dir, env: env("confirm"), dir });
      try {
        await s.waitFor(/age-plugin-fake: Use the fake key\?/);
        expect(s.screen()).toMatch(/Use it[\s\S]*Skip it/);
        s.send("Enter");
        expect(await s.exitCode()).toBe(0);
      } finally {
        s.kill();
      }
    });

    it("Ctrl-C at a plugin's PIN prompt: exit 130", async () => {
      const s = startInTmux(cmd("age decrypt -i fake-identity.txt -o out4.txt secret.age"), { cwd: dir, env: env("secret"), dir });
      try {
        await s.waitFor(/PIN for the fake key/);
        s.send("12");
        s.send("C-c");
        expect(await s.exitCode()).toBe(130);
      } finally {
        s.kill();
      }
    });
  });

  describe("without a terminal", () => {
    it("request-secret: the error names the plugin and what it asked (exit 2)", async () => {
      const r = await runDetached(["age", "decrypt", "-i", "fake-identity.txt", "secret.age"], env("secret"), dir);
      expect(r.code).toBe(2);
      expect(r.stdout.length).toBe(0);
      expect(r.stderr).toBe(
        'nixsec: error: age-plugin-fake asked for a secret ("PIN for the fake key"), and there is no terminal to answer it\n' +
          "nixsec: hint: run the command in a terminal; the plugin asks there (once per run)\n",
      );
    });

    it("confirm: named too", async () => {
      const r = await runDetached(["age", "decrypt", "-i", "fake-identity.txt", "secret.age"], env("confirm"), dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^nixsec: error: age-plugin-fake asked for a confirmation \("Use the fake key\?"\), and there is no terminal to answer it\n/);
    });

    it("a message is still shown (on stderr), and the file decrypts", async () => {
      const r = await runDetached(["age", "decrypt", "-i", "fake-identity.txt", "secret.age"], env("msg"), dir);
      expect(r.code).toBe(0);
      expect(r.stdout.toString()).toBe(plain);
      expect(r.stderr).toBe("nixsec: age-plugin-fake: touch your fake key now\n");
    });

    it("a plugin that hangs: stopped at NIXSEC_PLUGIN_TIMEOUT, named, never a hang", async () => {
      const t0 = Date.now();
      const r = await runDetached(["age", "decrypt", "-i", "fake-identity.txt", "secret.age"], { ...env("hang"), NIXSEC_PLUGIN_TIMEOUT: "1" }, dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        "nixsec: error: age-plugin-fake did not answer within 1 s; stopped it\n" +
          "nixsec: hint: if it waits for a device (a touch, a PIN pad), allow more time with NIXSEC_PLUGIN_TIMEOUT=SECONDS\n",
      );
      expect(Date.now() - t0).toBeLessThan(15_000);
    });

    it("a plugin that crashes, or writes garbage: named", async () => {
      const crash = await runDetached(["age", "decrypt", "-i", "fake-identity.txt", "secret.age"], env("crash"), dir);
      expect(crash.stderr).toMatch(/^nixsec: error: age-plugin-fake exited with code 3 in the middle of the protocol: fake: simulated crash\n/);
      const garbage = await runDetached(["age", "decrypt", "-i", "fake-identity.txt", "secret.age"], env("garbage"), dir);
      expect(garbage.stderr).toMatch(/^nixsec: error: age-plugin-fake sent something that is not the age plugin protocol/);
    });

    it("NIXSEC_PLUGIN_TIMEOUT that is not a number: a usage error naming it", async () => {
      const r = await runDetached(["age", "decrypt", "-i", "fake-identity.txt", "secret.age"], { ...env(""), NIXSEC_PLUGIN_TIMEOUT: "soon" }, dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/NIXSEC_PLUGIN_TIMEOUT="soon" is not a number of seconds/);
    });

    it("a plugin that is not installed: named, with where to get it", async () => {
      const r = await runDetached(["age", "decrypt", "-j", "yubikey", "secret.age"], env(""), dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^nixsec: error: age plugin "yubikey" not found: no age-plugin-yubikey on PATH\nnixsec: hint: install age-plugin-yubikey/);
    });
  });
});
