// sops files get hardware keys through the age layer's recipient API with no
// extra work: a data key wrapped to a tag recipient and to a plugin
// recipient opens through the plugins (age-plugin-tagtest, the fake plugin).
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseIdentityFile, parseRecipient, setPluginContext, silentPluginUi } from "../../src/crypto/index.js";
import { decryptSecretFile, encryptSecretFile } from "../../src/sops/index.js";
import { fakeKey, needGoAge13, pluginBin, TAGTEST_RECIPIENT, type PluginBin } from "../helpers/plugins.js";

describe.runIf(needGoAge13())("sops files with plugin and tag recipients", () => {
  let bin: PluginBin;
  beforeAll(() => {
    bin = pluginBin(["tagtest"]);
    setPluginContext({ env: { PATH: bin.path, FAKE_PLUGIN_LOG: bin.log }, ui: silentPluginUi });
  });
  afterAll(() => {
    setPluginContext(undefined);
    rmSync(bin.dir, { recursive: true, force: true });
  });

  it("a data key wrapped to age1tag1… and age1fake1… opens with either plugin", async () => {
    const fake = fakeKey();
    const value = new TextEncoder().encode("sops value behind hardware keys\n");
    const file = await encryptSecretFile(value, [parseRecipient(TAGTEST_RECIPIENT), parseRecipient(fake.recipient)], { file: "x.json" });
    const text = Buffer.from(file).toString("utf8");
    expect(text).toContain(TAGTEST_RECIPIENT);
    expect(text).toContain(fake.recipient);
    const tag = await parseIdentityFile(new TextEncoder().encode("AGE-PLUGIN-TAGTEST-1CXM4UC\n"), "tagtest");
    expect(await decryptSecretFile(file, tag, "x.json")).toEqual(value);
    const viaFake = await parseIdentityFile(new TextEncoder().encode(fake.identity + "\n"), "fake");
    expect(await decryptSecretFile(file, viaFake, "x.json")).toEqual(value);
  });
});
