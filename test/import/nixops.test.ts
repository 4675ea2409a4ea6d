// `nixsec import nixops` on a NixOps network and a colmena hive made here:
// several machines, text = builtins.readFile / keyFile / an inline literal /
// lib.fileContents, an env file read into text (the withinbot seed), binary
// key files, user/group/permissions, a `defaults` key, consumers that used
// /run/keys. After the import each value decrypts, byte for byte, with the
// admin and its machines' host keys and with no other key in play; status,
// gen --check and the module's wiring agree; no value was ever printed.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import yaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempRepo, type TempRepo } from "../helpers/repo.js";
import { hasTool, needTool } from "../helpers/tools.js";
import { evalWiring, expectWiringEvaluates, identity, snapshot, tryDecrypt } from "./helpers.js";

const NETWORK = `# a NixOps network
{
  network.description = "test fleet";

  defaults = { ... }: {
    deployment.keys.ntp-token.text = builtins.readFile ./keys/ntp-token;
  };

  chrysalis = { config, pkgs, ... }: {
    deployment.targetHost = "chrysalis.lan";
    deployment.keys.withinbot-env = {
      text = builtins.readFile ./keys/withinbot.env;
      user = "withinbot";
      group = "withinbot";
      permissions = "0440";
    };
    systemd.services.withinbot = {
      after = [ "withinbot-env-key.service" ];
      serviceConfig.EnvironmentFile = "/run/keys/withinbot-env";
    };
    users.users.withinbot.extraGroups = [ "keys" ];
  };

  hannibal = { config, lib, ... }: {
    deployment.keys = {
      db-password = {
        keyFile = ./keys/db-password;
        user = "postgres";
        permissions = "400";
      };
      inline.text = "Inline-Literal-Value-7";
      trimmed.text = lib.fileContents ./keys/trimmed;
      luks = { keyFile = ./keys/luks.bin; destDir = "/etc/luks"; name = "disk.key"; };
    };
    services.foo.passwordFile = "/run/keys/db-password";
  };
}
`;

const VALUES: Record<string, Buffer> = {
  "keys/ntp-token": Buffer.from("Ntp-Token-Value-1\n"),
  "keys/withinbot.env": Buffer.from("DISCORD_TOKEN=Withinbot-Discord-9\nWITHINBOT_GUILD=123456789\n"),
  "keys/db-password": Buffer.from("Db-Password-Value-3"),
  "keys/trimmed": Buffer.from("Trimmed-Value-4\n"),
  "keys/luks.bin": Buffer.from([0, 1, 2, 250, 251, 252, 0, 9, 10, 13, 0xff]),
};
const INLINE = "Inline-Literal-Value-7";
/** Every plaintext: none may appear in any output. */
const SECRETS = [...Object.values(VALUES).map((v) => v.toString("latin1").trim()), INLINE, "Withinbot-Discord-9"];

const run = needTool("git") && needTool("ssh-keygen");
const hasNix = hasTool("nix-instantiate");

describe.runIf(run)("import nixops", () => {
  let t: TempRepo;
  const hosts: Record<string, { priv: string; pub: string }> = {};
  let args: string[];
  let output = "";
  beforeAll(() => {
    t = tempRepo();
    mkdirSync(t.file("keys"));
    for (const [f, v] of Object.entries(VALUES)) writeFileSync(t.file(f), v);
    writeFileSync(t.file("network.nix"), NETWORK);
    for (const h of ["chrysalis", "hannibal", "stranger"]) hosts[h] = t.sshKey(h);
    args = ["import", "nixops", "network.nix", "--host-key", `chrysalis=${hosts.chrysalis!.pub}`, "--host-key", `hannibal=${hosts.hannibal!.pub}`];
  });
  afterAll(() => t.cleanup());

  it("a dry run shows the plan and changes nothing", async () => {
    const before = snapshot(t.repo);
    const r = await t.nixsec([...args, "--dry-run", "--json"]);
    output += r.stdout.toString() + r.stderr;
    expect(r.code, r.stderr).toBe(0);
    expect(snapshot(t.repo)).toEqual(before);
    const plan = JSON.parse(r.stdout.toString());
    const by = Object.fromEntries(plan.secrets.map((s: { name: string }) => [s.name, s]));
    expect(Object.keys(by).sort()).toEqual(["db-password", "inline", "luks", "ntp-token", "trimmed", "withinbot-env"]);
    expect(by["ntp-token"]).toMatchObject({ hosts: ["chrysalis", "hannibal"], action: "encrypt", format: "text" });
    expect(by["withinbot-env"]).toMatchObject({ hosts: ["chrysalis"], format: "env", owner: "withinbot", group: "withinbot", mode: "0440", wire: [{ environmentFile: "withinbot" }] });
    expect(by["db-password"]).toMatchObject({ hosts: ["hannibal"], owner: "postgres", mode: "0400", wire: [{ option: "services.foo.passwordFile" }] });
    expect(by["luks"]).toMatchObject({ format: "binary", previously: [{ host: "hannibal", path: "/etc/luks/disk.key" }] });
    expect(by["inline"].from).toMatch(/inline text literal/);
    expect(plan.admins).toHaveLength(1);
    expect(plan.admins[0].why).toMatch(/new admin key, made when the import is written \(this dry run shows a sample key\)/);
  });

  it("imports: each value for exactly its machines and the admin, wired, with status and gen --check clean", async () => {
    const r = await t.nixsec([...args, "--yes"]);
    output += r.stdout.toString() + r.stderr;
    expect(r.code, r.stderr).toBe(0);
    const admin = await identity(path.join(t.home, ".config/nixsec/keys/repo-alice.key"));
    const ids = Object.fromEntries(await Promise.all(Object.entries(hosts).map(async ([h, k]) => [h, await identity(k.priv)] as const)));
    const expected: Record<string, { value: Buffer; hosts: string[] }> = {
      "ntp-token": { value: VALUES["keys/ntp-token"]!, hosts: ["chrysalis", "hannibal"] },
      "withinbot-env": { value: VALUES["keys/withinbot.env"]!, hosts: ["chrysalis"] },
      "db-password": { value: VALUES["keys/db-password"]!, hosts: ["hannibal"] },
      inline: { value: Buffer.from(INLINE), hosts: ["hannibal"] },
      trimmed: { value: Buffer.from("Trimmed-Value-4"), hosts: ["hannibal"] }, // lib.fileContents drops the final newline
      luks: { value: VALUES["keys/luks.bin"]!, hosts: ["hannibal"] },
    };
    for (const [name, e] of Object.entries(expected)) {
      const bytes = readFileSync(t.file(`secrets/${name}.age`));
      expect((await tryDecrypt(bytes, admin))?.equals(e.value), `${name}: admin`).toBe(true);
      for (const [h, id] of Object.entries(ids)) {
        const got = await tryDecrypt(bytes, id);
        if (e.hosts.includes(h)) expect(got?.equals(e.value), `${name}: ${h}`).toBe(true);
        else expect(got, `${name} must not open with ${h}`).toBeNull();
      }
      if (hasTool("age")) {
        // The reference CLI agrees, with the host's own SSH key.
        const h = e.hosts[0]!;
        expect(execFileSync("age", ["-d", "-i", hosts[h]!.priv, t.file(`secrets/${name}.age`)]).equals(e.value)).toBe(true);
      }
    }
    const status = await t.nixsec(["status", "--check"]);
    expect(status.code, status.stdout.toString()).toBe(0);
    const check = await t.nixsec(["gen", "--check"]);
    expect(check.code, check.stderr).toBe(0);
    const m = yaml.load(t.read("nixsec.yaml")) as { hosts: Record<string, { key: string }> };
    expect(m.hosts.chrysalis!.key).toBe(readFileSync(hosts.chrysalis!.pub, "utf8").trim());
  });

  it.runIf(hasNix)("the generated wiring evaluates: EnvironmentFile and the option point at the decrypted files", () => {
    const w = expectWiringEvaluates(t.repo);
    const units = w.chrysalis!.plan.units as Record<string, { environmentFile: string[]; restartTriggers: string[] }>;
    expect(units.withinbot!.environmentFile).toEqual(["/run/agenix/withinbot-env"]);
    expect(w.hannibal!.options).toEqual([{ path: ["services", "foo", "passwordFile"], value: "/run/agenix/db-password" }]);
    expect(Object.keys(w.hannibal!.age).sort()).toEqual(["db-password", "inline", "luks", "ntp-token", "trimmed"]);
    expect(w.chrysalis!.age["withinbot-env"]).toMatchObject({ owner: "withinbot", group: "withinbot", mode: "0440" });
  });

  it("prints the exact lines to delete, and never a value", () => {
    const lines = NETWORK.split("\n");
    const ranges = [...output.matchAll(/^network\.nix:(\d+)(?:-(\d+))?$/gm)].map((m) => [Number(m[1]), Number(m[2] ?? m[1])]);
    const shown = ranges.map(([a, b]) => lines.slice(a! - 1, b).join("\n"));
    expect(shown.some((s) => s.includes("deployment.keys.withinbot-env = {") && s.trim().endsWith("};"))).toBe(true);
    expect(shown.some((s) => s.includes('serviceConfig.EnvironmentFile = "/run/keys/withinbot-env";'))).toBe(true);
    expect(shown.some((s) => s.includes('services.foo.passwordFile = "/run/keys/db-password";'))).toBe(true);
    expect(shown.some((s) => s.includes("deployment.keys.ntp-token.text"))).toBe(true);
    expect(output).toMatch(/inline\.text = "…";/);
    expect(output).toMatch(/remove "withinbot-env-key\.service"/);
    expect(output).toMatch(/rotate the values/);
    for (const s of SECRETS) expect(output).not.toContain(s);
  });

  it("leaves the network file and the plaintext files alone (the user deletes them)", () => {
    expect(readFileSync(t.file("network.nix"), "utf8")).toBe(NETWORK);
    for (const [f, v] of Object.entries(VALUES)) expect(readFileSync(t.file(f)).equals(v)).toBe(true);
  });
});

const HIVE = `# a colmena hive
{
  meta = { nixpkgs = <nixpkgs>; };
  storage2 = { name, nodes, config, ... }: {
    deployment.keys."smb-alice" = { keyFile = ./secrets/smb-alice; user = "root"; };
    services.samba-wrapper.passwordFile = config.deployment.keys."smb-alice".path;
  };
}
`;

describe.runIf(run)("import nixops: a colmena hive into an existing repository", () => {
  it("maps the machine to the host of that name, and wires config.deployment.keys.K.path", async () => {
    const t = tempRepo();
    try {
      expect((await t.nixsec(["init"])).code).toBe(0);
      const host = t.sshKey("storage2");
      expect((await t.nixsec(["host", "add", "storage2", "--key-file", host.pub])).code).toBe(0);
      mkdirSync(t.file("secrets"), { recursive: true });
      writeFileSync(t.file("secrets/smb-alice"), "Smb-Alice-Value-5");
      writeFileSync(t.file("hive.nix"), HIVE);
      const r = await t.nixsec(["import", "nixops", "hive.nix", "--yes"]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toContain("Smb-Alice-Value-5");
      const spec = (yaml.load(t.read("nixsec.yaml")) as { secrets: Record<string, unknown> }).secrets["smb-alice"];
      expect(spec).toEqual({ hosts: ["storage2"], owner: "root", wire: [{ option: "services.samba-wrapper.passwordFile" }] });
      expect((await tryDecrypt(readFileSync(t.file("secrets/smb-alice.age")), await identity(host.priv)))?.toString()).toBe("Smb-Alice-Value-5");
      expect((await t.nixsec(["status", "--check"])).code).toBe(0);
      expect((await t.nixsec(["gen", "--check"])).code).toBe(0);
      if (hasNix) expect(evalWiring(t.repo).storage2!.options).toEqual([{ path: ["services", "samba-wrapper", "passwordFile"], value: "/run/agenix/smb-alice" }]);
      // A second import of the same key meets the secret it made: a conflict, named.
      const again = await t.nixsec(["import", "nixops", "hive.nix", "--yes"]);
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/hive\.nix: storage2\.deployment\.keys\.smb-alice: a secret named "smb-alice" exists in nixsec\.yaml/);
      expect(again.stderr).toMatch(/--prefix/);
    } finally {
      t.cleanup();
    }
  });
});
