// The store lifecycle through the built binary, in a temp git repo with a
// scrubbed HOME: init → host add → add (every value source and generator) →
// list → show → edit → rm, and the files decrypt with Go age.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempRepo, type TempRepo } from "../helpers/repo.js";
import { needTool } from "../helpers/tools.js";

const run = needTool("age") && needTool("ssh-keygen") && needTool("git");

function expectUsageError(r: { code: number; stderr: string; stdout: Buffer }, ...patterns: RegExp[]): void {
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^nixsec: error: /m);
  expect(r.stderr).toMatch(/^nixsec: hint: /m);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  for (const p of patterns) expect(r.stderr).toMatch(p);
}

describe.runIf(run)("store lifecycle", () => {
  let t: TempRepo;
  let host: { priv: string; pub: string };
  let adminKey: string;

  beforeAll(async () => {
    t = tempRepo();
    host = t.sshKey("hannibal");
  });
  afterAll(() => t.cleanup());

  it("init creates the manifest, secrets/ and a 0600 admin key outside the repo", async () => {
    const r = await t.nixsec(["init"]);
    expect(r.code).toBe(0);
    expect(existsSync(t.file("nixsec.yaml"))).toBe(true);
    expect(existsSync(t.file("secrets/.gitattributes"))).toBe(true);
    adminKey = path.join(t.home, ".config/nixsec/keys/repo-alice.key");
    expect(statSync(adminKey).mode & 0o777).toBe(0o600);
    expect(t.read("nixsec.yaml")).toMatch(/alice:\n\s+key: "age1/);
    expectUsageError(await t.nixsec(["init"]), /already exists/);
  });

  it("host add explains how to get the key, validates it, and adds it", async () => {
    expectUsageError(await t.nixsec(["host", "add", "hannibal"]), /ssh_host_ed25519_key\.pub/, /ssh-keyscan/);
    expectUsageError(await t.nixsec(["host", "add", "hannibal", "--key", "ssh-ed25519 AAAAnotakey"]), /--key/);
    const r = await t.nixsec(["host", "add", "hannibal", "--key-file", host.pub]);
    expect(r.code).toBe(0);
    expect((await t.nixsec(["host", "list", "--json"])).stdout.toString()).toMatch(/"hannibal"/);
  });

  it("add: stdin, file and every generator; refuses duplicates without --force", async () => {
    expect((await t.nixsec(["add", "withings/clientSecret", "--host", "hannibal", "--owner", "withings-weights", "--stdin"], { input: "oauth-secret-value" })).code).toBe(0);
    writeFileSync(path.join(t.root, "bot.env"), "TOKEN=abc\nOTHER=1\n");
    expect((await t.nixsec(["add", "withinbot/env", "--host", "hannibal", "--format", "env", "--from-file", path.join(t.root, "bot.env")])).code).toBe(0);
    for (const [name, extra] of [
      ["gen/password", ["--generate", "password", "--length", "24", "--alphabet", "abc123"]],
      ["gen/hex", ["--generate", "hex", "--bytes", "16"]],
      ["gen/base64", ["--generate", "base64"]],
      ["gen/wireguard", ["--generate", "wireguard"]],
      ["gen/ssh", ["--generate", "ssh-ed25519"]],
      ["gen/hash", ["--generate", "password-hash", "--from", "gen/password"]],
    ] as const) {
      const r = await t.nixsec(["add", name, "--host", "hannibal", ...extra]);
      expect(r.stderr).toBe(r.code === 0 ? r.stderr : "");
      expect(r.code).toBe(0);
    }
    expectUsageError(await t.nixsec(["add", "withings/clientSecret", "--stdin"], { input: "x" }), /already exists/, /--force/);
  });

  it("list --json describes every secret", async () => {
    const r = await t.nixsec(["list", "--json"]);
    const rows = JSON.parse(r.stdout.toString()) as Array<Record<string, unknown>>;
    expect(rows.map((x) => x.name)).toEqual(["gen/base64", "gen/hash", "gen/hex", "gen/password", "gen/ssh", "gen/wireguard", "withinbot/env", "withings/clientSecret"]);
    const w = rows.find((x) => x.name === "withings/clientSecret")!;
    expect(w).toMatchObject({ hosts: ["hannibal"], owner: "withings-weights", mode: "0400", format: "text", file: "secrets/withings/clientSecret.age", exists: true });
    expect(typeof w.valueChanged).toBe("string");
  });

  it("show prints values; generators produce the right shapes", async () => {
    const show = async (n: string) => (await t.nixsec(["show", n])).stdout.toString();
    expect(await show("withings/clientSecret")).toBe("oauth-secret-value");
    expect(await show("withinbot/env")).toBe("TOKEN=abc\nOTHER=1\n");
    expect(await show("gen/password")).toMatch(/^[abc123]{24}$/);
    expect(await show("gen/hex")).toMatch(/^[0-9a-f]{32}$/);
    expect(Buffer.from(await show("gen/base64"), "base64").length).toBe(32);
    expect(Buffer.from(await show("gen/wireguard"), "base64").length).toBe(32);
    const sshKey = await show("gen/ssh");
    writeFileSync(path.join(t.root, "gen_ssh"), sshKey, { mode: 0o600 });
    expect(execFileSync("ssh-keygen", ["-y", "-f", path.join(t.root, "gen_ssh")]).toString()).toMatch(/^ssh-ed25519 /);
    const hash = await show("gen/hash");
    expect(hash).toMatch(/^\$6\$[./A-Za-z0-9]+\$[./A-Za-z0-9]{86}$/);
    const { verify } = await import("unixcrypt");
    expect(verify(await show("gen/password"), hash)).toBe(true);
  });

  it("the .age files decrypt with Go age using the host's SSH key and the admin key", () => {
    for (const id of [host.priv, adminKey]) {
      expect(execFileSync("age", ["-d", "-i", id, t.file("secrets/withings/clientSecret.age")]).toString()).toBe("oauth-secret-value");
    }
  });

  it("edit with a scripted EDITOR rewrites only on change, and removes its buffer", async () => {
    const log = path.join(t.root, "editor.log");
    const editor = path.join(t.root, "editor.sh");
    writeFileSync(editor, `#!/bin/sh\necho "$1" >> ${log}\nls -l "$1" >> ${log}\nprintf 'edited-value' > "$1"\n`, { mode: 0o755 });
    const before = readFileSync(t.file("secrets/withings/clientSecret.age"));
    const r = await t.nixsec(["edit", "withings/clientSecret"], { env: { EDITOR: editor } });
    expect(r.code).toBe(0);
    const [bufferPath, perms] = readFileSync(log, "utf8").split("\n");
    expect(perms).toMatch(/^-rw-------/);
    expect(existsSync(bufferPath!)).toBe(false);
    expect(Buffer.compare(before, readFileSync(t.file("secrets/withings/clientSecret.age")))).not.toBe(0);
    expect((await t.nixsec(["show", "withings/clientSecret"])).stdout.toString()).toBe("edited-value");
    // An editor that changes nothing leaves the file as it was.
    const same = readFileSync(t.file("secrets/withings/clientSecret.age"));
    expect((await t.nixsec(["edit", "withings/clientSecret"], { env: { EDITOR: "true" } })).stderr).toMatch(/unchanged/);
    expect(Buffer.compare(same, readFileSync(t.file("secrets/withings/clientSecret.age")))).toBe(0);
    // A failing editor changes nothing and still removes the buffer.
    const failing = await t.nixsec(["edit", "withings/clientSecret"], { env: { EDITOR: `sh -c 'echo "$0" > ${log}.2; exit 3'` } });
    expect(failing.code).toBe(2);
    expect(Buffer.compare(same, readFileSync(t.file("secrets/withings/clientSecret.age")))).toBe(0);
  });

  it("rm removes the secret and its file", async () => {
    expect((await t.nixsec(["rm", "gen/hex"])).code).toBe(0);
    expect(existsSync(t.file("secrets/gen/hex.age"))).toBe(false);
    expect(t.read("nixsec.yaml")).not.toMatch(/gen\/hex/);
  });

  it("bad input: exit 2, error names file/field, hint, nothing changed", async () => {
    const snapshot = () => execFileSync("sh", ["-c", "find . -path ./.git -prune -o -type f -print0 | sort -z | xargs -0 sha256sum"], { cwd: t.repo }).toString();
    const stranger = t.sshKey("stranger");
    const before = snapshot();
    expectUsageError(await t.nixsec(["add", "x/y", "--host", "nosuch", "--stdin"], { input: "v" }), /unknown host "nosuch" \(--host\)/, /nosuch/);
    expectUsageError(await t.nixsec(["add", "../escape", "--stdin"], { input: "v" }), /escape/);
    expectUsageError(await t.nixsec(["add", "/abs", "--stdin"], { input: "v" }));
    expectUsageError(await t.nixsec(["add", "gen/base64", "--stdin"], { input: "v" }), /already exists/);
    expectUsageError(await t.nixsec(["host", "add", "box", "--key", "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC7"]), /--key/);
    expectUsageError(await t.nixsec(["show", "withinbot/env", "-i", stranger.priv]), /none of your identities/, /-i\/--identity/);
    expectUsageError(await t.nixsec(["show", "nope/nothing"]), /unknown secret or template "nope\/nothing" \(NAME\)/);
    expectUsageError(await t.nixsec(["add", "x/z", "--mode", "777", "--stdin"], { input: "v" }), /mode/);
    expect(snapshot()).toBe(before);
    // A broken manifest: every problem at once, FILE: path: message.
    const good = t.read("nixsec.yaml");
    writeFileSync(t.file("nixsec.yaml"), good.replace("owner: withings-weights", "owner: withings-weights\n    colour: blue").replace(/hosts: \[hannibal\]/, "hosts: [hannibal, ghost]"));
    const r = await t.nixsec(["list"]);
    expectUsageError(r, /nixsec\.yaml: secrets\..*colour/, /nixsec\.yaml: secrets\..*hosts.*ghost/);
    writeFileSync(t.file("nixsec.yaml"), good);
    // An unreadable secrets directory. Root ignores permission bits, so as
    // root the file is replaced by a directory, which no one can read as a file.
    const f = t.file("secrets/withinbot/env.age");
    if (process.getuid?.() !== 0) {
      chmodSync(t.file("secrets/withinbot"), 0o000);
      expectUsageError(await t.nixsec(["show", "withinbot/env"]), /secrets\/withinbot\/env\.age/);
      chmodSync(t.file("secrets/withinbot"), 0o755);
    } else {
      const saved = readFileSync(f);
      rmSync(f);
      mkdirSync(f);
      expectUsageError(await t.nixsec(["show", "withinbot/env"]), /secrets\/withinbot\/env\.age/);
      rmSync(f, { recursive: true });
      writeFileSync(f, saved);
    }
    expect(snapshot()).toBe(before);
  });
});
