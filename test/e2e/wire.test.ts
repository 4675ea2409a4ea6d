// `nixsec wire` through the binary: each consumer kind lands in nixsec.yaml,
// and mistakes are refused with the field named and nothing changed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempRepo, type TempRepo } from "../helpers/repo.js";
import { needTool } from "../helpers/tools.js";

describe.runIf(needTool("git") && needTool("ssh-keygen"))("nixsec wire", () => {
  let t: TempRepo;
  beforeAll(async () => {
    t = tempRepo();
    await t.nixsec(["init"]);
    await t.nixsec(["host", "add", "nas", "--key-file", t.sshKey("nas").pub]);
    await t.nixsec(["add", "app/pass", "--host", "nas", "--stdin"], { input: "p" });
    await t.nixsec(["add", "app/env", "--host", "nas", "--format", "env", "--stdin"], { input: "A=1\n" });
  });
  afterAll(() => t.cleanup());

  it("records each consumer kind and lists them", async () => {
    for (const args of [
      ["--option", "services.app.passwordFile"],
      ["--credential", "app:db", "--credential-env", "DB_PASS_FILE"],
      ["--samba-user", "alice", "--restart", "nmbd"],
      ["--user-password", "alice"],
    ]) {
      const r = await t.nixsec(["wire", "app/pass", ...args]);
      expect(r.stderr).toMatch(/run `nixsec gen`/);
      expect(r.code).toBe(0);
    }
    expect((await t.nixsec(["wire", "app/env", "--environment-file", "app"])).code).toBe(0);
    const list = JSON.parse((await t.nixsec(["wire", "app/pass", "--list", "--json"])).stdout.toString());
    expect(list).toEqual([
      { option: "services.app.passwordFile" },
      { credential: { unit: "app", name: "db", env: "DB_PASS_FILE" } },
      { samba: "alice", restart: ["nmbd"] },
      { userPassword: "alice" },
    ]);
    expect((await t.nixsec(["gen"])).code).toBe(0);
    expect(t.read("nixsec/data.nix")).toMatch(/samba = "alice";/);
    expect((await t.nixsec(["wire", "app/pass", "--remove", "3"])).code).toBe(0);
    expect(JSON.parse((await t.nixsec(["wire", "app/pass", "--list", "--json"])).stdout.toString())).toHaveLength(3);
  });

  it("refuses mistakes, naming the field, changing nothing", async () => {
    const before = t.read("nixsec.yaml");
    const cases: Array<[string[], RegExp]> = [
      [["app/pass", "--option", "weird.root.x"], /wire\[\d+\]\.option: must start with one of/],
      [["app/pass", "--option", "services.app.passwordFile"], /option services\.app\.passwordFile is also wired|services\.app\.passwordFile/],
      [["app/env", "--option", "services.app.passwordFile"], /also wired to secret "app\/pass"/],
      [["app/pass", "--environment-file", "app"], /environmentFile needs format: env/],
      [["app/env", "--samba-user", "bob"], /samba needs format: text/],
      [["app/pass", "--credential", "app.socket"], /must be a \.service unit/],
      [["app/pass", "--option", "services.a.b", "--samba-user", "x"], /one consumer per command/],
      [["nope/x", "--option", "services.a.b"], /no secret named/],
      [["app/pass", "--remove", "9"], /no such entry/],
    ];
    for (const [args, pattern] of cases) {
      const r = await t.nixsec(["wire", ...args]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr).toMatch(/nixsec: hint: /);
    }
    expect(t.read("nixsec.yaml")).toBe(before);
  });
});
