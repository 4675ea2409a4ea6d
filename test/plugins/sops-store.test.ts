// Hardware keys in a sops-nix store (issue 11): the admin's key is
// age-plugin-tagtest's tag recipient (Go age 1.3's test plugin, standing in
// for a YubiKey) and its identity the plugin's stub. A sops file wraps its
// data key to each reader as its own age file, so without batching every file
// a hardware key opens would start the plugin (and ask for a PIN) again;
// nixsec sends every file's entry to the plugin in one session.
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeKey, needGoAge13, pluginBin, TAGTEST_RECIPIENT, type PluginBin } from "../helpers/plugins.js";
import { tempRepo, type TempRepo } from "../helpers/repo.js";
import { hostReads } from "../helpers/sops-host.js";
import { needTool } from "../helpers/tools.js";

const SECRETS = 20;
const STUB = `#       Serial: TEST, Slot: 1\n#         Name: age-plugin-tagtest test identity\n#    Recipient: ${TAGTEST_RECIPIENT}\nAGE-PLUGIN-TAGTEST-1CXM4UC\n`;

describe.runIf(needGoAge13() && needTool("ssh-keygen") && needTool("git"))("a sops-nix store whose admin key is a hardware key", () => {
  let t: TempRepo;
  let bin: PluginBin;
  let host: { priv: string; pub: string };
  const run = (args: string[], env: Record<string, string> = {}, input?: string) => t.nixsec(args, { env: { PATH: bin.path, FAKE_PLUGIN_LOG: bin.log, ...env }, input });

  beforeAll(async () => {
    t = tempRepo();
    bin = pluginBin(["tagtest"]);
    const stub = path.join(t.root, "yubikey-like-identity.txt");
    writeFileSync(stub, STUB, { mode: 0o644 });
    host = t.sshKey("storage2");
    expect((await run(["init", "--backend", "sops-nix", "--admin", "alice", "--admin-key", stub])).code).toBe(0);
    expect((await run(["host", "add", "storage2", "--key-file", host.pub])).code).toBe(0);
    for (let i = 0; i < SECRETS; i++) expect((await run(["add", `app/s${i}`, "--host", "storage2", "--stdin"], {}, `value ${i}`)).code).toBe(0);
    // Writing wraps the data keys to the tag recipient natively: no plugin started.
    expect(bin.starts()).toEqual([]);
  });
  afterAll(() => {
    t.cleanup();
    rmSync(bin.dir, { recursive: true, force: true });
  });

  it(`rekey --all of ${SECRETS} sops files starts the plugin once to open every data key`, async () => {
    const r = await run(["rekey", "--all"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`re-encrypted ${SECRETS} files`);
    expect(bin.starts()).toEqual(["tagtest --age-plugin=identity-v1"]);
    expect(await hostReads(t.file("secrets/app/s7.sops.bin"), host.priv)).toBe("value 7");
  });

  it("admin add with a plugin recipient: one session to read, one to wrap every file's new entry; the new admin reads through its plugin", async () => {
    const bob = fakeKey();
    const before = bin.starts().length;
    const r = await run(["admin", "add", "bob", "--key", bob.recipient]);
    expect(r.code, r.stderr).toBe(0);
    expect(bin.starts().slice(before)).toEqual(["tagtest --age-plugin=identity-v1", `recipient-v1 ${SECRETS} file keys`]);
    const bobId = path.join(t.root, "bob-fake-identity.txt");
    writeFileSync(bobId, `#    Recipient: ${bob.recipient}\n${bob.identity}\n`);
    expect((await run(["show", "app/s3", "-i", bobId])).stdout.toString()).toBe("value 3");
  });

  it("audit --closure reads every sops file through one plugin session", async () => {
    const closure = path.join(t.root, "closure");
    rmSync(closure, { recursive: true, force: true });
    writeFileSync(path.join(t.root, "closure.txt"), "token = value 12\n");
    const before = bin.starts().length;
    const r = await run(["audit", "--closure", path.join(t.root, "closure.txt")]);
    expect(r.code).toBe(1);
    expect(r.stdout.toString()).toContain("holds secret app/s12");
    expect(bin.starts().slice(before)).toEqual(["tagtest --age-plugin=identity-v1"]);
  });
});
