// What a manifest cache entry must pass before it is used (src/manifest/cache.ts):
// the names and directories the store turns into paths, checked as the schema checks them.
import { describe, expect, it } from "vitest";
import { cachedDataProblem } from "../../src/manifest/cache.js";

const good = () => ({
  version: 1,
  settings: { secretsDir: "secrets", generatedDir: "nixsec", backend: "agenix" },
  admins: { alice: { key: "age1x" } },
  hosts: { h: { key: "ssh-ed25519 AAAA" } },
  secrets: { "svc/token": { hosts: ["h"], owner: "root", mode: "0400", format: "text", wire: [] } },
});

describe("cachedDataProblem", () => {
  it("accepts what the schema accepts", () => {
    expect(cachedDataProblem(good())).toBeUndefined();
  });

  it.each<[string, (d: ReturnType<typeof good>) => void]>([
    ["a secret named ../../../x", (d) => Object.assign(d.secrets, { "../../../x": d.secrets["svc/token"] })],
    ["a secret named /etc/shadow", (d) => Object.assign(d.secrets, { "/etc/shadow": d.secrets["svc/token"] })],
    ["a secretsDir out of the tree", (d) => (d.settings.secretsDir = "../elsewhere")],
    ["an absolute generatedDir", (d) => (d.settings.generatedDir = "/etc")],
    ["a host named with a slash", (d) => Object.assign(d.hosts, { "a/b": { key: "k" } })],
    ["an admin without a key", (d) => Object.assign(d.admins, { bob: {} })],
    ["no admins", (d) => ((d as { admins: object }).admins = {})],
    ["a secret without a hosts list", (d) => Object.assign(d.secrets, { "a/b": { owner: "root" } })],
    ["a template named ../x", (d) => Object.assign(d, { templates: { "../x": { hosts: [] } } })],
  ])("refuses %s", (_, spoil) => {
    const d = good();
    spoil(d);
    expect(cachedDataProblem(d)).toBeDefined();
  });

  it.each([null, [], "x", { settings: {} }])("refuses %j", (d) => {
    expect(cachedDataProblem(d)).toBeDefined();
  });
});
