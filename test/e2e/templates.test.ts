// Templates through the binary: added from a file in the repository or from
// stdin, checked against the secrets they name (at add and at gen), rendered
// locally by `show` exactly as the host renders them, wired like a secret,
// and split into parts in the generated data.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempRepo, type TempRepo } from "../helpers/repo.js";
import { needTool } from "../helpers/tools.js";

describe.runIf(needTool("git") && needTool("ssh-keygen"))("nixsec template", () => {
  let t: TempRepo;
  beforeAll(async () => {
    t = tempRepo();
    await t.nixsec(["init"]);
    await t.nixsec(["host", "add", "web", "--key-file", t.sshKey("web").pub]);
    await t.nixsec(["host", "add", "db", "--key-file", t.sshKey("db").pub]);
    await t.nixsec(["add", "db/password", "--host", "web", "--stdin"], { input: "p@ss {{ nixsec:db/user }} $(x)\nline2" });
    await t.nixsec(["add", "db/user", "--host", "web", "--stdin"], { input: "app" });
    await t.nixsec(["add", "db/only", "--host", "db", "--stdin"], { input: "x" });
    await t.nixsec(["add", "blob", "--host", "web", "--format", "binary", "--stdin"], { input: "\u0000\u0001" });
    mkdirSync(t.file("templates"));
    writeFileSync(t.file("templates/app.env"), "DATABASE_URL=postgres://{{ nixsec:db/user }}:{{nixsec:db/password}}@db/app\nMODE=prod\n");
  });
  afterAll(() => t.cleanup());

  it("adds a template from a file in the repository; show renders it with the values byte for byte", async () => {
    const r = await t.nixsec(["template", "add", "app/env", "--host", "web", "--owner", "app", "--from-file", "templates/app.env"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/added template app\/env \(inserts db\/user, db\/password\); rendered on web at \/run\/nixsec\/templates\/app\/env/);
    expect(t.read("nixsec.yaml")).toMatch(/templates:\n  app\/env:\n    hosts: \[web\]\n    owner: app\n    file: templates\/app\.env/);
    const shown = (await t.nixsec(["show", "app/env"])).stdout.toString();
    expect(shown).toBe("DATABASE_URL=postgres://app:p@ss {{ nixsec:db/user }} $(x)\nline2@db/app\nMODE=prod\n");
    const list = (await t.nixsec(["template", "list"])).stdout.toString();
    expect(list).toMatch(/^NAME +HOSTS +OWNER +MODE +TEXT +SECRETS\napp\/env +web +app:- +0400 +templates\/app\.env +db\/user,db\/password\n$/);
  });

  it("wires like a secret, and the data holds its parts", async () => {
    const r = await t.nixsec(["wire", "app/env", "--environment-file", "app"]);
    expect(r.code).toBe(0);
    expect((await t.nixsec(["gen"])).code).toBe(0);
    if (!needTool("nix-instantiate")) return;
    const web = JSON.parse(execFileSync("nix-instantiate", ["--eval", "--strict", "--json", "-E", `(import ${t.file("nixsec/data.nix")}).hosts.web`], { encoding: "utf8" }));
    expect(web.templates["app/env"]).toEqual({
      owner: "app", group: null, mode: "0400",
      parts: [{ text: "DATABASE_URL=postgres://" }, { secret: "db/user" }, { text: ":" }, { secret: "db/password" }, { text: "@db/app\nMODE=prod\n" }],
    });
    expect(web.wires).toEqual([{ template: "app/env", environmentFile: "app", required: true, restart: [] }]);
  });

  it("takes inline text from --stdin", async () => {
    const r = await t.nixsec(["template", "add", "app/url", "--host", "web", "--stdin"], { input: "https://x/?u={{ nixsec:db/user }}" });
    expect(r.code).toBe(0);
    expect(t.read("nixsec.yaml")).toMatch(/app\/url:\n    hosts: \[web\]\n    content: https:\/\/x\/\?u=\{\{ nixsec:db\/user \}\}/);
    expect((await t.nixsec(["show", "app/url"])).stdout.toString()).toBe("https://x/?u=app");
  });

  it("refuses what cannot render, naming the template, line or host", async () => {
    const before = t.read("nixsec.yaml");
    const cases: Array<[string[], RegExp, string?]> = [
      [["template", "add", "t/a", "--host", "web", "--stdin"], /template t\/a \(templates\.t\/a\.content\): unknown secret "db\/pasword"; did you mean "db\/password"\?/, "{{ nixsec:db/pasword }}"],
      [["template", "add", "t/a", "--host", "web", "--stdin"], /templates\.t\/a\.content:2: a placeholder must be \{\{ nixsec:SECRET \}\}/, "ok\n{{ nixsec:db/user"],
      [["template", "add", "t/a", "--host", "db", "--stdin"], /template t\/a is rendered on db, which cannot read secret db\/user/, "{{ nixsec:db/user }}"],
      [["template", "add", "t/a", "--host", "web", "--stdin"], /secret blob has format binary; a template inserts text/, "{{ nixsec:blob }}"],
      [["template", "add", "db/user", "--host", "web", "--stdin"], /NAME "db\/user" is a secret/, "x"],
      [["template", "add", "t/a", "--host", "wbe", "--stdin"], /unknown host "wbe" \(--host\); did you mean "web"\?/, "x"],
      [["template", "add", "t/a", "--host", "web", "--from-file", path.join(t.root, "outside.tmpl")], /outside\.tmpl \(--from-file\): no such file/],
      [["template", "add", "t/a", "--host", "web", "--mode", "0604", "--stdin"], /--mode "0604": 0604 gives every user/, "x"],
      [["wire", "app/env", "--samba-user", "alice"], /app\/env: a template cannot be a samba password/],
      [["wire", "app/env", "--user-password", "alice"], /a template cannot be a user's hashedPasswordFile/],
      [["wire", "app/env", "--initrd", "/etc/x"], /a template cannot go into the initrd/],
      [["rm", "db/user"], /template app\/env, app\/url uses db\/user/],
      [["revoke", "db/user", "--host", "web"], /template app\/env, app\/url on web inserts db\/user/],
    ];
    writeFileSync(path.join(t.root, "outside.tmpl"), "x");
    cases[6]![1] = /outside\.tmpl \(--from-file\) is outside the repository/;
    for (const [args, pattern, input] of cases) {
      const r = await t.nixsec(args, { input });
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(pattern);
      expect(r.stderr).toMatch(/nixsec: hint: /);
    }
    expect(t.read("nixsec.yaml")).toBe(before);
  });

  it("gen refuses an unknown placeholder written by hand", async () => {
    writeFileSync(t.file("templates/app.env"), "X={{ nixsec:db/missing }}\n");
    const r = await t.nixsec(["gen"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/template app\/env \(templates\/app\.env\): unknown secret "db\/missing"/);
    writeFileSync(t.file("templates/app.env"), "X=1\n");
    expect((await t.nixsec(["gen"])).code).toBe(0);
  });

  it("template rm removes it from the manifest and the data", async () => {
    expect((await t.nixsec(["template", "rm", "app/url"])).code).toBe(0);
    expect(t.read("nixsec.yaml")).not.toMatch(/app\/url/);
    expect(t.read("nixsec/data.nix")).not.toMatch(/app\/url/);
    const r = await t.nixsec(["template", "rm", "app/evn"]);
    expect(r.stderr).toMatch(/no template named "app\/evn"; did you mean "app\/env"\?/);
  });
});
