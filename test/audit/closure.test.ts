// The closure check: the needles (which encodings, which values are too short),
// the chunked search (a value across a chunk boundary, line and column), and
// `nixsec audit --closure` through the binary on a planted "closure" with links,
// in a store built by the CLI and on the example fleet with its demo key.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closureNeedles, searchTexts } from "../../src/audit/closure.js";
import { runCli } from "../helpers/cli.js";
import { tempRepo, type TempRepo } from "../helpers/repo.js";
import { needTool, repoRoot } from "../helpers/tools.js";

const text = (name: string, v: string, format: "text" | "env" | "binary" = "text") => ({ name, value: Buffer.from(v, format === "binary" ? "latin1" : "utf8"), format });

describe("closure needles", () => {
  it("searches each value raw and in every encoding that differs", () => {
    const { needles } = closureNeedles([text("a", "Cobalt Finch/61?\n")]);
    const by = (e: string) => needles.filter((n) => n.encoding === e).map((n) => n.bytes.toString("latin1"));
    expect(by("raw")).toEqual(["Cobalt Finch/61?"]); // the trailing newline is not part of the value
    expect(by("base64")).toEqual([Buffer.from("Cobalt Finch/61?").toString("base64").replace(/=+$/, "")]);
    expect(by("hex")).toEqual([Buffer.from("Cobalt Finch/61?").toString("hex"), Buffer.from("Cobalt Finch/61?").toString("hex").toUpperCase()]);
    expect(by("url")).toEqual(["Cobalt%20Finch%2F61%3F", "Cobalt+Finch%2F61%3F"]);
    expect(by("json")).toEqual([]); // nothing to escape
    expect(closureNeedles([text("b", 'a"b\\c-Heron')]).needles.filter((n) => n.encoding === "json").map((n) => n.bytes.toString())).toEqual(['a\\"b\\\\c-Heron']);
  });

  it("splits env secrets into their variables, keeps binary values binary, and skips values under 6 bytes or short numbers", () => {
    const { needles, skipped } = closureNeedles([
      text("bot/env", "TOKEN=Abc-Token-77\nexport OTHER='Quartz-61'\nSHORT=1\n", "env"),
      text("disk/key", "\u00ff\u0000\u0001\u0002\u0003\u0004\u0005", "binary"),
      text("grafana/user", "admin\n"),
      text("bot/guild", "123456789"),
      text("bank/pan", "4111111111111111"),
    ]);
    expect([...new Set(needles.map((n) => n.name))]).toEqual(["bot/env (TOKEN)", "bot/env (OTHER)", "disk/key", "bank/pan"]);
    expect(needles.filter((n) => n.name === "disk/key").map((n) => n.encoding)).toEqual(["raw", "base64", "base64url", "hex", "hex"]);
    expect(skipped).toEqual(["bot/env (SHORT)", "grafana/user", "bot/guild"]);
  });

  it("finds a value split across two read chunks, with its line and column", () => {
    const v = "Tr0ub4dor-and-3";
    const pad = "x".repeat(99) + "\n";
    const big = pad.repeat(Math.ceil((4 << 20) / 100)).slice(0, (4 << 20) - 5) + v + "\nmore\n";
    const hits = searchTexts({ "big.txt": big, "small.txt": `a\nbb ${v}\n` }, closureNeedles([text("pw", v)]).needles);
    const lines = big.slice(0, big.indexOf(v)).split("\n");
    expect(hits).toEqual([
      { file: "big.txt", secret: "pw", name: "pw", encoding: "raw", line: lines.length, column: lines.at(-1)!.length + 1 },
      { file: "small.txt", secret: "pw", name: "pw", encoding: "raw", line: 2, column: 4 },
    ]);
  });
});

describe.runIf(needTool("git") && needTool("ssh-keygen"))("nixsec audit --closure (binary)", () => {
  let t: TempRepo;
  const VALUES = { db: "Db-Pass-9988-Quartz", token: "Api-Token-4471-Heron", env: "Bot/Secret-5512+Otter" };
  const noValues = (out: string): void => {
    for (const v of Object.values(VALUES)) {
      expect(out).not.toContain(v);
      expect(out).not.toContain(Buffer.from(v).toString("base64").slice(0, 12));
      expect(out).not.toContain(Buffer.from(v).toString("hex").slice(0, 12));
    }
  };

  beforeAll(async () => {
    t = tempRepo("nixsec-audit-closure-");
    const host = t.sshKey("hannibal");
    for (const [args, input] of [
      [["init"], undefined],
      [["host", "add", "hannibal", "--key-file", host.pub], undefined],
      [["add", "db/password", "--host", "hannibal", "--stdin"], `${VALUES.db}\n`],
      [["add", "api/token", "--host", "hannibal", "--stdin"], VALUES.token],
      [["add", "bot/env", "--host", "hannibal", "--format", "env", "--stdin"], `BOT_TOKEN=${VALUES.env}\nDEBUG=1\n`],
      [["add", "grafana/user", "--host", "hannibal", "--stdin"], "admin"],
    ] as const) {
      const r = await t.nixsec([...args], input === undefined ? {} : { input });
      expect(r.code, r.stderr).toBe(0);
    }
    // a fake system closure: store paths linked from a toplevel, as `nix build` leaves them
    const store = path.join(t.root, "store");
    mkdirSync(path.join(store, "aaa-etc/etc/app"), { recursive: true });
    mkdirSync(path.join(store, "bbb-unit"), { recursive: true });
    mkdirSync(path.join(store, "ccc-toplevel"), { recursive: true });
    writeFileSync(path.join(store, "aaa-etc/etc/app/config.json"), `{\n  "db": { "password": "${VALUES.db}" }\n}\n`);
    writeFileSync(path.join(store, "aaa-etc/etc/app/token.b64"), Buffer.from(VALUES.token).toString("base64") + "\n");
    writeFileSync(path.join(store, "bbb-unit/app.service"), `[Service]\nEnvironment=BOT_TOKEN=${encodeURIComponent(VALUES.env)}\nLoadCredential=db:/run/agenix/db\n`);
    writeFileSync(path.join(store, "bbb-unit/grafana.ini"), "admin_user = admin\n");
    symlinkSync("../aaa-etc/etc", path.join(store, "ccc-toplevel/etc"));
    symlinkSync("../bbb-unit", path.join(store, "ccc-toplevel/units"));
    symlinkSync("../ccc-toplevel", path.join(store, "ccc-toplevel/self")); // a cycle
    symlinkSync("/nonexistent/nix/store/zzz", path.join(store, "ccc-toplevel/dangling"));
    symlinkSync(path.join(store, "ccc-toplevel"), t.file("result"));
  });
  afterAll(() => t.cleanup());

  it("names each file, secret and encoding, never the value; exits 1", async () => {
    const r = await t.nixsec(["audit", "--closure", "result"]);
    const out = r.stdout.toString();
    noValues(out + r.stderr);
    expect(r.code).toBe(1);
    const heads = out.split("\n").filter((l) => /^\S.*: high secret-in-closure: /.test(l));
    expect(heads).toEqual([
      "result/etc/app/config.json:2:24: high secret-in-closure: holds secret db/password (raw)",
      "result/etc/app/token.b64:1:1: high secret-in-closure: holds secret api/token (base64)",
      "result/units/app.service:2:23: high secret-in-closure: holds secret bot/env (BOT_TOKEN) (url)",
    ]);
    expect(out).toMatch(/hint: .*nixsec rotate db\/password/);
    expect(r.stderr).toMatch(/warning: nixsec\.yaml: grafana\/user: not searched: shorter than 6 bytes or only digits shorter than 12/);
    expect(r.stderr).toMatch(/warning: result\/dangling: skipped: broken link/);
    expect(r.stderr).toMatch(/error: 3 findings \(3 high\) in 3 files \(searched 4 files \(0\.0 MB\) for 3 values of 4 secrets in/);
  });

  it("is clean when the closure only names the decrypted files; JSON says it searched a closure", async () => {
    const r = await t.nixsec(["audit", "--closure", "--format", "json", path.join(t.root, "store/bbb-unit/grafana.ini")]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.toString())).toMatchObject({ source: "closure", findings: [] });
  });

  it("takes -i, and explains how to give an identity when there is none", async () => {
    const key = path.join(t.home, ".config/nixsec/keys/repo-alice.key");
    let r = await t.nixsec(["audit", "--closure", "result", "-i", key], { env: { HOME: path.join(t.root, "nohome") } });
    expect(r.code).toBe(1);
    r = await t.nixsec(["audit", "--closure", "result"], { env: { HOME: path.join(t.root, "nohome") } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no admin identity to decrypt with\nnixsec: hint: pass -i\/--identity/);
    r = await t.nixsec(["audit", "--closure"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--closure needs at least one PATH/);
    r = await t.nixsec(["audit", "-i", key]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/-i\/--identity is only used with --closure/);
  });
});

describe("nixsec audit --closure on the example fleet", () => {
  const demoKey = path.join(repoRoot, "examples/keys/demo-admin.key");
  let dir: string;
  let value: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "nixsec-fleet-closure-"));
    const show = await runCli(["show", "withings/oauthClientSecret", "-i", demoKey]);
    expect(show.code).toBe(0);
    value = show.stdout.toString().replace(/\n$/, "");
    expect(value.length).toBeGreaterThanOrEqual(6);
    mkdirSync(path.join(dir, "etc"));
    writeFileSync(path.join(dir, "etc/withings.env"), `CLIENT_SECRET_HEX=${Buffer.from(value).toString("hex")}\n`);
    writeFileSync(path.join(dir, "etc/withings.service"), "LoadCredential=secret:/run/agenix/withings-oauthClientSecret\n");
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("finds the hex-encoded value with the demo admin key, and passes a clean closure", async () => {
    let r = await runCli(["audit", "--closure", dir, "-i", demoKey]);
    expect(r.stdout.toString() + r.stderr).not.toContain(value);
    expect(r.code).toBe(1);
    expect(r.stdout.toString()).toContain(`${dir}/etc/withings.env:1:19: high secret-in-closure: holds secret withings/oauthClientSecret (hex)`);
    rmSync(path.join(dir, "etc/withings.env"));
    r = await runCli(["audit", "--closure", dir, "-i", demoKey]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/no findings \(searched 1 file/);
  });
});

