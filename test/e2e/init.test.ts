// `nixsec init` adopting an existing identity instead of creating one.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tempRepo, type TempRepo } from "../helpers/repo.js";
import { needTool } from "../helpers/tools.js";

describe.runIf(needTool("git") && needTool("ssh-keygen"))("nixsec init --admin-key", () => {
  let t: TempRepo;
  afterEach(() => t.cleanup());

  it("adopts ~/.ssh/id_ed25519: its public key becomes the admin, and it decrypts", async () => {
    t = tempRepo();
    const key = t.sshKey("id_ed25519");
    const r = await t.nixsec(["init", "--admin", "me", "--admin-key", key.priv]);
    expect(r.code).toBe(0);
    const pub = readFileSync(key.pub, "utf8").trim().split(" ").slice(0, 2).join(" ");
    expect(t.read("nixsec.yaml")).toContain(pub);
    expect((await t.nixsec(["add", "a/b", "--stdin"], { input: "v" })).code).toBe(0);
    expect((await t.nixsec(["show", "a/b"])).stdout.toString()).toBe("v"); // the recorded identity is the adopted key
  });

  it("adopts an age key file, and refuses one inside the repository", async () => {
    t = tempRepo();
    const outside = path.join(t.root, "admin.key");
    expect((await t.nixsec(["age", "keygen", "-o", outside])).code).toBe(0);
    const inside = t.file("admin.key");
    expect((await t.nixsec(["age", "keygen", "-o", inside])).code).toBe(0);
    const refused = await t.nixsec(["init", "--admin-key", inside]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--admin-key\) is inside the repository/);
    expect((await t.nixsec(["init", "--admin-key", outside])).code).toBe(0);
    expect(t.read("nixsec.yaml")).toMatch(/key: "age1/);
  });
});
