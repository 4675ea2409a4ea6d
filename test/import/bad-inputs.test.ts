// What an import cannot map stops it with exit 2, naming the file, the
// attribute and the reason, with a hint; and nothing is written (the
// repository and the home directory are as they were).
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tempRepo, type TempRepo } from "../helpers/repo.js";
import { hasTool, needTool } from "../helpers/tools.js";
import { snapshot } from "./helpers.js";

const run = needTool("git") && needTool("ssh-keygen");
const hasNix = hasTool("nix-instantiate");

/** The home directory but the manifest cache (derived data: names and keys of manifests nixsec validated, never a value). */
function homeSnapshot(t: TempRepo): Record<string, string> {
  return Object.fromEntries(Object.entries(snapshot(t.home)).filter(([k]) => !k.startsWith(".cache")));
}

/** Runs the import and expects exit 2, `message` on stderr with a hint, and no change anywhere. */
async function refused(t: TempRepo, args: string[], message: RegExp): Promise<string> {
  const before = [snapshot(t.repo), homeSnapshot(t)];
  const r = await t.nixsec([...args, "--yes"]);
  expect(r.stderr).toMatch(message);
  expect(r.stderr).toMatch(/nixsec: hint: /);
  expect(r.code).toBe(2);
  expect([snapshot(t.repo), homeSnapshot(t)]).toEqual(before);
  return r.stderr;
}

describe.runIf(run)("import agenix: bad input", () => {
  let t: TempRepo;
  let key: string;
  afterEach(() => t.cleanup());
  const setUp = (rules: string, files: Record<string, string> = { "a.age": "" }) => {
    t = tempRepo();
    mkdirSync(t.file("secrets"));
    const k = t.sshKey("admin");
    key = `"${readFileSync(k.pub, "utf8").trim()}"`;
    writeFileSync(t.file("secrets/secrets.nix"), rules.replaceAll("KEY", key));
    return k;
  };

  it.runIf(hasNix)("a secrets.nix that does not evaluate (nix-instantiate's error, and the file)", async () => {
    setUp(`{ "a.age".publicKeys = [ KEY undefinedThing ]; }`);
    await refused(t, ["import", "agenix"], /secrets\/secrets\.nix does not evaluate: .*undefined variable 'undefinedThing'/s);
  });

  it("a secrets.nix that does not evaluate, read without Nix: the line and column", async () => {
    setUp(`{ "a.age".publicKeys = [ KEY undefinedThing ]; }`);
    await refused(t, ["import", "agenix", "--no-eval"], /secrets\/secrets\.nix:1:\d+: undefined variable "undefinedThing"/);
  });

  it("a shape the reader without Nix does not evaluate names its line and asks for Nix", async () => {
    setUp(`let keys = import ./keys.nix; in {\n  "a.age".publicKeys = keys.all;\n}`);
    const err = await refused(t, ["import", "agenix", "--no-eval"], /secrets\/secrets\.nix:1:12: `import` is beyond what nixsec evaluates without Nix/);
    expect(err).toMatch(/install Nix/);
  });

  it("not valid Nix at all", async () => {
    setUp(`{ "a.age".publicKeys = [ KEY ]`);
    await refused(t, ["import", "agenix", "--no-eval"], /secrets\/secrets\.nix: not valid Nix/);
  });

  it("a key that parses as neither an age recipient nor an SSH key", async () => {
    setUp(`{ "a.age".publicKeys = [ KEY "ssh-dss AAAAB3NzaC1kc3M" ]; }`);
    await refused(t, ["import", "agenix", "--no-eval"], /secrets\/secrets\.nix: "a\.age"\.publicKeys\[1\]: not a key: unsupported key type "ssh-dss"/);
    t.cleanup();
    setUp(`{ "a.age".publicKeys = [ "age1notakey" ]; }`);
    await refused(t, ["import", "agenix", "--no-eval"], /"a\.age"\.publicKeys\[0\]: not a key: age recipient/);
  });

  it("a file the rules name is missing, a link, or not an age file", async () => {
    const k = setUp(`{ "a.age".publicKeys = [ KEY ]; }`);
    await refused(t, ["import", "agenix", "--no-eval"], /secrets\/secrets\.nix: "a\.age": secrets\/a\.age is missing/);
    writeFileSync(t.file("elsewhere.age"), "");
    symlinkSync("../elsewhere.age", t.file("secrets/a.age"));
    await refused(t, ["import", "agenix", "--no-eval"], /"a\.age": secrets\/a\.age is a symbolic link/);
    void k;
  });

  it("a file that is not age", async () => {
    setUp(`{ "a.age".publicKeys = [ KEY ]; }`);
    writeFileSync(t.file("secrets/a.age"), "plain text\n");
    await refused(t, ["import", "agenix", "--no-eval"], /"a\.age": secrets\/a\.age is not an age file/);
  });

  it("a file outside the repository", async () => {
    setUp(`{ "../../x.age".publicKeys = [ KEY ]; }`);
    await refused(t, ["import", "agenix", "--no-eval"], /"\.\.\/\.\.\/x\.age": the file is outside the repository/);
  });

  it("no admin: nothing reads every secret", async () => {
    const a = (() => { t = tempRepo(); return [t.sshKey("a"), t.sshKey("b")]; })();
    mkdirSync(t.file("secrets"));
    const pub = (p: string) => JSON.stringify(readFileSync(p, "utf8").trim().replace(/ root@.*/, ""));
    writeFileSync(t.file("secrets/secrets.nix"), `{ "x.age".publicKeys = [ ${pub(a[0]!.pub)} ]; "y.age".publicKeys = [ ${pub(a[1]!.pub)} ]; }`);
    for (const [f, k] of [["x.age", a[0]!], ["y.age", a[1]!]] as const) {
      const r = await t.nixsec(["age", "encrypt", "-R", k.pub, "-o", t.file(`secrets/${f}`)], { input: "v" });
      expect(r.code).toBe(0);
    }
    await refused(t, ["import", "agenix", "--no-eval"], /no admin among the keys of secrets\/secrets\.nix/);
  });
});

const NET = (body: string) => `{\n  m = { config, ... }: {\n${body}\n  };\n}\n`;

describe.runIf(run)("import nixops: bad input", () => {
  let t: TempRepo;
  let hostKey: string;
  afterEach(() => t.cleanup());
  const setUp = (body: string) => {
    t = tempRepo();
    hostKey = t.sshKey("m").pub;
    mkdirSync(t.file("keys"));
    writeFileSync(t.file("keys/ok"), "Ok-Value-1");
    writeFileSync(t.file("network.nix"), NET(body));
  };
  const imp = () => ["import", "nixops", "network.nix", "--host-key", `m=${hostKey}`];

  it("a keyFile outside the repository: an absolute path, ../, ~", async () => {
    setUp(`    deployment.keys.k.keyFile = /etc/hostname;`);
    await refused(t, imp(), /network\.nix: m\.deployment\.keys\.k\.keyFile \(line 3\): \/etc\/hostname is outside the repository/);
    t.cleanup();
    setUp(`    deployment.keys.k.text = builtins.readFile ../outside;`);
    await refused(t, imp(), /m\.deployment\.keys\.k\.text \(line 3\): \.\.\/outside is outside the repository/);
    t.cleanup();
    setUp(`    deployment.keys.k.keyFile = "~/secret";`);
    await refused(t, imp(), /keyFile \(line 3\): ~\/secret is outside the repository/);
  });

  it("a keyFile that is a link, or missing", async () => {
    setUp(`    deployment.keys.k.keyFile = ./keys/link;`);
    symlinkSync("ok", t.file("keys/link"));
    await refused(t, imp(), /m\.deployment\.keys\.k\.keyFile \(line 3\): keys\/link is a symbolic link/);
    t.cleanup();
    setUp(`    deployment.keys.k.text = builtins.readFile ./keys/gone;`);
    await refused(t, imp(), /m\.deployment\.keys\.k\.text \(line 3\): keys\/gone is missing/);
  });

  it("keyCommand, computed text, a bad mode: named, with --skip offered", async () => {
    setUp(`    deployment.keys.k.keyCommand = [ "pass" "show" "k" ];\n    deployment.keys.ok.keyFile = ./keys/ok;`);
    const err = await refused(t, imp(), /m\.deployment\.keys\.k\.keyCommand \(line 3\): the value comes from a command run at deploy time/);
    expect(err).toMatch(/--skip m\.k/);
    const skipped = await t.nixsec([...imp(), "--skip", "m.k", "--yes"]);
    expect(skipped.code, skipped.stderr).toBe(0);
    expect(skipped.stderr).toMatch(/skipped \(--skip\): m\.k/);
    t.cleanup();
    setUp(`    deployment.keys.k.text = config.something;`);
    await refused(t, imp(), /m\.deployment\.keys\.k\.text \(line 3\): an expression nixsec does not evaluate/);
    t.cleanup();
    setUp(`    deployment.keys.k = { keyFile = ./keys/ok; permissions = "0644"; };`);
    await refused(t, imp(), /m\.deployment\.keys\.k\.permissions \(line 3\): "0644": 0644 gives every user/);
    t.cleanup();
    setUp(`    deployment.keys.k = { keyFile = ./keys/ok; user = config.x; };`);
    await refused(t, imp(), /m\.deployment\.keys\.k\.user \(line 3\): not a literal string/);
  });

  it("a machine that is not a host, a bad --host-key, a file that is not Nix", async () => {
    setUp(`    deployment.keys.k.keyFile = ./keys/ok;`);
    const err = await refused(t, ["import", "nixops", "network.nix"], /network\.nix: machine m is not a nixsec host/);
    expect(err).toMatch(/--host-key m=HOST\.pub/);
    await refused(t, ["import", "nixops", "network.nix", "--host-key", "m=ssh-ed25519 AAAA"], /--host-key m: not a key/);
    writeFileSync(t.file("network.nix"), "{ m = ");
    await refused(t, imp(), /network\.nix: not valid Nix/);
  });

  it("a value that is not an env file cannot be an EnvironmentFile", async () => {
    setUp(`    deployment.keys.k.keyFile = ./keys/ok;\n    systemd.services.u.serviceConfig.EnvironmentFile = "/run/keys/k";`);
    await refused(t, imp(), /network\.nix: m\.deployment\.keys\.k: .*environmentFile needs format: env/);
  });
});

describe.runIf(run)("import: confirmation", () => {
  it("without a terminal and without --yes, nothing is written", async () => {
    const t = tempRepo();
    try {
      writeFileSync(t.file("network.nix"), NET(`    deployment.keys.k.text = "x-value";`));
      const host = t.sshKey("m");
      const before = [snapshot(t.repo), homeSnapshot(t)];
      const r = await t.nixsec(["import", "nixops", "network.nix", "--host-key", `m=${host.pub}`]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/needs your go-ahead, and there is no terminal/);
      expect(r.stderr).toMatch(/--yes/);
      expect([snapshot(t.repo), homeSnapshot(t)]).toEqual(before);
      expect(path.basename(t.repo)).toBe("repo");
    } finally {
      t.cleanup();
    }
  });
});
