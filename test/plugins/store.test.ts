// Hardware keys in the store: an admin whose key is age-plugin-tagtest's
// tag recipient (Go age 1.3's test plugin, standing in for a YubiKey) and
// whose identity is the plugin's stub; plugin recipients as admin keys; the
// label rule in the manifest. The point of it: a rekey starts the plugin
// once for the whole store, where agenix runs `age` (and the plugin) per file.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateAgeKey } from "../../src/crypto/index.js";
import { runCli } from "../helpers/cli.js";
import { fakeKey, goAgeDir, needGoAge13, pluginBin, TAGTEST_RECIPIENT, type PluginBin } from "../helpers/plugins.js";
import { tempRepo, type TempRepo } from "../helpers/repo.js";
import { needTool } from "../helpers/tools.js";

const SECRETS = 30;
const STUB = `#       Serial: TEST, Slot: 1\n#         Name: age-plugin-tagtest test identity\n#    Recipient: ${TAGTEST_RECIPIENT}\nAGE-PLUGIN-TAGTEST-1CXM4UC\n`;

describe.runIf(needGoAge13() && needTool("ssh-keygen") && needTool("git"))("a store whose admin key is a hardware key (tag recipient + plugin identity)", () => {
  let t: TempRepo;
  let bin: PluginBin;
  let stub: string;
  let host: { priv: string; pub: string };
  const run = (args: string[], env: Record<string, string> = {}, input?: string) => t.nixsec(args, { env: { PATH: bin.path, FAKE_PLUGIN_LOG: bin.log, ...env }, input });
  const goAge = (args: string[]) => execFileSync(path.join(goAgeDir, "age"), args, { env: { PATH: bin.path }, cwd: t.repo }).toString();

  beforeAll(async () => {
    t = tempRepo();
    bin = pluginBin(["tagtest"]);
    stub = path.join(t.root, "yubikey-like-identity.txt");
    writeFileSync(stub, STUB, { mode: 0o644 });
    host = t.sshKey("hannibal");
    const init = await run(["init", "--admin", "alice", "--admin-key", stub]);
    expect(init.stderr).not.toMatch(/warning/); // a stub holds no key: no mode warning
    expect(init.code).toBe(0);
    expect(t.read("nixsec.yaml")).toContain(`key: "${TAGTEST_RECIPIENT}"`);
    expect((await run(["host", "add", "hannibal", "--key-file", host.pub])).code).toBe(0);
    for (let i = 0; i < SECRETS; i++) {
      const r = await run(["add", `app/s${i}`, "--host", "hannibal", "--stdin"], {}, `value ${i}\n`);
      expect(r.stderr).not.toMatch(/error/);
    }
    // Adding encrypts to the tag recipient natively: no plugin was started.
    expect(bin.starts()).toEqual([]);
  });
  afterAll(() => {
    t.cleanup();
    rmSync(bin.dir, { recursive: true, force: true });
  });

  it(`rekey --all of ${SECRETS} secrets starts the plugin once`, async () => {
    const r = await run(["rekey", "--all"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`re-encrypted ${SECRETS} files`);
    expect(r.stderr).not.toMatch(/warning/);
    expect(bin.starts()).toEqual(["tagtest --age-plugin=identity-v1"]);
    // Go age 1.3 reads the new files through the plugin, and the host through its SSH key.
    expect(goAge(["-d", "-j", "tagtest", "secrets/app/s7.age"])).toBe("value 7\n");
    expect(goAge(["-d", "-i", host.priv, "secrets/app/s7.age"])).toBe("value 7\n");
  });

  it("admin add with a plugin recipient: one session to read everything, one to wrap every new file key; each file then opens with that plugin", async () => {
    const bob = fakeKey();
    const before = bin.starts().length;
    const r = await run(["admin", "add", "bob", "--key", bob.recipient]);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    // alice's hardware key asked once to read; bob's plugin started once to wrap all 30 file keys
    expect(bin.starts().slice(before)).toEqual(["tagtest --age-plugin=identity-v1", `recipient-v1 ${SECRETS} file keys`]);
    const bobId = path.join(t.root, "bob-fake-identity.txt");
    writeFileSync(bobId, `#    Recipient: ${bob.recipient}\n${bob.identity}\n`);
    const shown = await run(["show", "app/s3", "-i", bobId]);
    expect(shown.stdout.toString()).toBe("value 3\n");
    expect((await run(["admin", "rm", "bob"])).code).toBe(0);
  });

  it("audit --closure decrypts every secret through one plugin session", async () => {
    const closure = path.join(t.root, "closure");
    mkdirSync(closure, { recursive: true });
    writeFileSync(path.join(closure, "config.ini"), "token = value 12\n");
    const before = bin.starts().length;
    const r = await run(["audit", "--closure", closure]);
    expect(r.code).toBe(1);
    expect(r.stdout.toString()).toContain("holds secret app/s12");
    expect(bin.starts().slice(before)).toEqual(["tagtest --age-plugin=identity-v1"]);
  });

  it("NIXSEC_IDENTITY and -i accept the stub; a second clone finds it in ~/.config/nixsec/keys", async () => {
    expect((await run(["show", "app/s1"], { NIXSEC_IDENTITY: stub })).stdout.toString()).toBe("value 1\n");
    expect((await run(["show", "app/s2", "-i", stub])).stdout.toString()).toBe("value 2\n");
    const clone = path.join(t.root, "clone");
    execFileSync("git", ["-C", t.repo, "add", "-A"]);
    execFileSync("git", ["-C", t.repo, "commit", "-qm", "store"], { env: { ...process.env, ...t.env } });
    execFileSync("git", ["clone", "-q", t.repo, clone]);
    const keys = path.join(t.home, ".config/nixsec/keys");
    mkdirSync(keys, { recursive: true });
    writeFileSync(path.join(keys, "yubikey.txt"), STUB);
    const fromClone = await runCli(["show", "app/s4"], { env: { ...t.env, PATH: bin.path }, cwd: clone });
    expect(fromClone.stderr).toBe("");
    expect(fromClone.stdout.toString()).toBe("value 4\n");
  });

  it("a plugin that asks for a PIN with no terminal: the store command names the plugin and its question", async () => {
    const carol = fakeKey();
    const id = path.join(t.root, "carol.txt");
    writeFileSync(id, carol.identity + "\n");
    // The fake plugin asks before it looks at any stanza.
    const r = await run(["show", "app/s5", "-i", id], { FAKE_PLUGIN_MODE: "secret" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^nixsec: error: age-plugin-fake asked for a secret \("PIN for the fake key"\), and there is no terminal to answer it\n/);
  });

  it("an admin with a post-quantum key beside SSH-key hosts is a manifest error naming both", async () => {
    const pq = (await generateAgeKey("pq")).recipient;
    const before = readFileSync(t.file("nixsec.yaml"), "utf8");
    const r = await run(["admin", "add", "carol", "--key", pq]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/admins\.carol\.key: this post-quantum key and admin alice's classic p256tag key would both read every secret; age refuses to mix post-quantum and classic recipients in one file/);
    expect(readFileSync(t.file("nixsec.yaml"), "utf8")).toBe(before);
  });
});
