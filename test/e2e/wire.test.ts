// `nixsec wire` through the binary: each consumer kind lands in nixsec.yaml
// (and per host in the generated data), the user is told how the consumer
// reads the value, and mistakes are refused naming the flag, nothing changed.
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempRepo, type TempRepo } from "../helpers/repo.js";
import { needTool } from "../helpers/tools.js";

const hasNix = needTool("nix-instantiate");

describe.runIf(needTool("git") && needTool("ssh-keygen"))("nixsec wire", () => {
  let t: TempRepo;
  const evalData = (expr: string) => JSON.parse(execFileSync("nix-instantiate", ["--eval", "--strict", "--json", "-E", `let d = import ${t.file("nixsec/data.nix")}; in ${expr}`], { encoding: "utf8" }));
  beforeAll(async () => {
    t = tempRepo();
    await t.nixsec(["init"]);
    await t.nixsec(["host", "add", "nas", "--key-file", t.sshKey("nas").pub]);
    await t.nixsec(["host", "add", "web", "--key-file", t.sshKey("web").pub]);
    await t.nixsec(["add", "app/pass", "--host", "nas", "--stdin"], { input: "p" });
    await t.nixsec(["add", "app/env", "--host", "nas", "--format", "env", "--stdin"], { input: "A=1\n" });
    await t.nixsec(["add", "app/hash", "--host", "nas", "--stdin"], { input: "$6$saltsalt$" + "x".repeat(86) });
    await t.nixsec(["add", "shared/pw", "--host", "nas", "--host", "web", "--stdin"], { input: "s" });
  });
  afterAll(() => t.cleanup());

  it("records each consumer kind, says how the consumer reads it, and lists them", async () => {
    const said: string[] = [];
    for (const args of [
      ["--option", "services.app.passwordFile"],
      ["--credential", "app:db", "--credential-env", "DB_PASS_FILE"],
      ["--samba-user", "alice", "--restart", "nmbd"],
      ["--option", 'services.nginx.virtualHosts."a.example.com".basicAuthFile'],
      ["--initrd", "/etc/secrets/initrd/key"],
    ]) {
      const r = await t.nixsec(["wire", "app/pass", ...args]);
      expect(r.stderr).toMatch(/run `nixsec gen`/);
      expect(r.code).toBe(0);
      said.push(r.stderr);
    }
    expect(said[1]).toMatch(/app\.service reads it at \$CREDENTIALS_DIRECTORY\/db \(%d\/db in unit settings; \/run\/credentials\/app\.service\/db\)/);
    expect(said[1]).toMatch(/\$DB_PASS_FILE holds that path/);
    expect(said[0]).toMatch(/services\.app\.passwordFile = the decrypted file \(\/run\/agenix\/app\/pass\); app\.service restarts when the value changes/);
    expect(said[3]).toMatch(/services\.nginx\.virtualHosts\."a\.example\.com"\.basicAuthFile = .*nginx\.service restarts/);
    expect(said[4]).toMatch(/readable on the boot partition/);
    expect(said[4]).toMatch(/deploy twice/);
    expect((await t.nixsec(["wire", "app/env", "--environment-file", "app"])).code).toBe(0);
    expect((await t.nixsec(["wire", "app/hash", "--user-password", "alice"])).code).toBe(0);
    expect((await t.nixsec(["wire", "shared/pw", "--credential", "smbclient:pw", "--host", "web"])).code).toBe(0);
    const list = JSON.parse((await t.nixsec(["wire", "app/pass", "--list", "--json"])).stdout.toString());
    expect(list).toEqual([
      { option: "services.app.passwordFile" },
      { credential: { unit: "app", name: "db", env: "DB_PASS_FILE" } },
      { samba: "alice", restart: ["nmbd"] },
      { option: 'services.nginx.virtualHosts."a.example.com".basicAuthFile' },
      { initrd: "/etc/secrets/initrd/key" },
    ]);
    expect((await t.nixsec(["wire", "shared/pw", "--list"])).stdout.toString()).toBe("0\tcredential pw of smbclient on web\n");
    expect((await t.nixsec(["gen"])).code).toBe(0);
    expect(t.read("nixsec/data.nix")).toMatch(/samba = "alice";/);
    expect((await t.nixsec(["wire", "app/pass", "--remove", "4"])).code).toBe(0);
    expect(JSON.parse((await t.nixsec(["wire", "app/pass", "--list", "--json"])).stdout.toString())).toHaveLength(4);
  });

  it.runIf(hasNix)("per host in the data: a wire naming a host is only there, and required", async () => {
    expect((await t.nixsec(["gen"])).code).toBe(0);
    expect(evalData(`map (w: { inherit (w) secret required; }) (builtins.filter (w: w ? secret && w.secret == "shared/pw") d.hosts.web.wires)`)).toEqual([{ secret: "shared/pw", required: true }]);
    expect(evalData(`builtins.filter (w: w.secret == "shared/pw") d.hosts.nas.wires`)).toEqual([]);
    expect(evalData(`(builtins.head (builtins.filter (w: w ? option && builtins.length w.option == 5) d.hosts.nas.wires)).option`)).toEqual(["services", "nginx", "virtualHosts", "a.example.com", "basicAuthFile"]);
    // One reader: required by default.
    expect(evalData(`builtins.all (w: w.required) d.hosts.nas.wires`)).toBe(true);
  });

  it("refuses mistakes, naming the flag, changing nothing", async () => {
    const before = t.read("nixsec.yaml");
    const cases: Array<[string[], RegExp]> = [
      [["app/pass", "--option", "_module.args.x"], /--option "_module\.args\.x": cannot start with "_module"/],
      [["app/pass", "--option", "services.a b.c"], /--option "services\.a b\.c": .*quote names with other characters/],
      [["app/pass", "--option", 'services."${x}".f'], /--option .*has \$\{ in a quoted name/],
      [["app/pass", "--option", "services.app.passwordFile"], /already wired that way/],
      [["app/env", "--option", "services.app.passwordFile"], /--option "services\.app\.passwordFile": option services\.app\.passwordFile on nas is also wired to secret "app\/pass"/],
      [["app/pass", "--environment-file", "app"], /environmentFile needs format: env/],
      [["app/env", "--samba-user", "bob"], /samba needs format: text/],
      [["app/pass", "--credential", "app.socket"], /--credential "app\.socket": not a systemd service name/],
      [["app/pass", "--credential", "app:.."], /--credential "app:\.\.": credential name "\.\.": "\.\." is not a file name systemd accepts/],
      [["app/pass", "--credential", "app:."], /--credential "app:\.": credential name "\.": "\." is not a file name systemd accepts/],
      [["app/pass", "--credential", "app:x:y"], /--credential "app:x:y": more than one ":"; give UNIT or UNIT:NAME/],
      [["app/pass", "--credential", "app:k", "--credential-env", "LD_PRELOAD"], /--credential-env "LD_PRELOAD": LD_PRELOAD is refused \(like every LD_\* variable\)/],
      [["app/pass", "--credential", "app:k", "--credential-env", "PATH"], /--credential-env "PATH": PATH is refused/],
      [["app/pass", "--credential", "app:k", "--credential-env", "NODE_OPTIONS"], /--credential-env "NODE_OPTIONS": NODE_OPTIONS is refused/],
      [["app/pass", "--credential-env", "X"], /--credential-option and --credential-env go with --credential/],
      [["app/pass", "--samba-user", "bob", "--host", "web"], /host "web" \(--host\) does not read secret app\/pass \(its hosts: nas\)/],
      [["app/pass", "--samba-user", "bob", "--host", "nsa"], /unknown host "nsa" \(--host\); did you mean "nas"\?/],
      [["app/pass", "--initrd", "etc/relative"], /--initrd "etc\/relative": must be an absolute path/],
      [["app/pass", "--initrd", "/etc/k", "--restart", "x"], /--restart does not go with --initrd/],
      [["app/pass", "--user-password", "alice2"], /--user-password alice2: app\/pass is not a crypt\(3\) password hash/],
      [["app/pass", "--option", "services.a.b", "--samba-user", "x"], /one consumer per command/],
      [["app/pas", "--option", "services.a.b"], /unknown secret or template "app\/pas" \(NAME\); did you mean "app\/pass"/],
      [["app/pass", "--remove", "9"], /no such entry/],
    ];
    for (const [args, pattern] of cases) {
      const r = await t.nixsec(["wire", ...args]);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(pattern);
      expect(r.stderr).toMatch(/nixsec: hint: /);
    }
    expect(t.read("nixsec.yaml")).toBe(before);
  });

  it("a unit a typo away from a wired one is named, as a warning", async () => {
    const r = await t.nixsec(["wire", "app/env", "--restart", "ap"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: unit "ap" \(--restart\) is not wired anywhere yet; did you mean "app"\?/);
  });
});
