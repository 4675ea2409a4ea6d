// A CLI that speaks in flags (issue 14, and the flag half of issue 12 item 8),
// tried as a new user would: each mistake is answered against the flag or
// argument the user typed, with a suggestion where one is near, exit 2 and
// nothing changed; values are checked for what their consumers read.
import { execFileSync } from "node:child_process";
import { chmodSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nixsecBin } from "../helpers/cli.js";
import { tempRepo, type TempRepo } from "../helpers/repo.js";
import { startInTmux } from "../helpers/tmux.js";
import { needTool } from "../helpers/tools.js";

describe.runIf(needTool("git") && needTool("ssh-keygen"))("a CLI that speaks in flags", () => {
  let t: TempRepo;
  const snapshot = () => execFileSync("sh", ["-c", "find . -path ./.git -prune -o -type f -print0 | sort -z | xargs -0 sha256sum"], { cwd: t.repo }).toString();
  const refused = async (args: string[], message: RegExp, input?: string, env?: Record<string, string>) => {
    const before = snapshot();
    const r = await t.nixsec(args, { input, env });
    expect(r.code, args.join(" ")).toBe(2);
    expect(r.stderr, args.join(" ")).toMatch(message);
    expect(r.stderr).toMatch(/nixsec: hint: /);
    expect(r.stderr).not.toMatch(/\bE[A-Z]{3,}\b/); // no raw errno codes
    expect(snapshot(), args.join(" ")).toBe(before);
    return r;
  };

  beforeAll(async () => {
    t = tempRepo();
    await t.nixsec(["init"]);
    await t.nixsec(["host", "add", "hannibal", "--key-file", t.sshKey("hannibal").pub]);
    await t.nixsec(["admin", "add", "bob", "--key-file", t.sshKey("bob").pub]);
    await t.nixsec(["add", "withings/clientSecret", "--host", "hannibal", "--owner", "withings-weights", "--stdin"], { input: "s3cret" });
    await t.nixsec(["add", "bot/env", "--host", "hannibal", "--format", "env", "--stdin"], { input: "A=1\n" });
  });
  afterAll(() => t.cleanup());

  it("typos are reported against the flag, with a suggestion: hosts, secrets, admins", async () => {
    await refused(["add", "foo/bar", "--host", "hanibal", "--stdin"], /^nixsec: error: unknown host "hanibal" \(--host\); did you mean "hannibal"\?$/m, "v");
    await refused(["add", "foo/bar", "--host", "bob", "--stdin"], /unknown host "bob" \(--host\); "bob" is an admin, and admins read every secret/, "v");
    await refused(["show", "withings/clientSecrt"], /unknown secret or template "withings\/clientSecrt" \(NAME\); did you mean "withings\/clientSecret"\?/);
    await refused(["rotate", "withings/clientSecrt", "--stdin"], /unknown secret "withings\/clientSecrt" \(NAMES\); did you mean "withings\/clientSecret"\?/, "x");
    await refused(["add", "h/x", "--generate", "password-hash", "--from", "withings/clientSecrt"], /unknown secret "withings\/clientSecrt" \(--from\); did you mean "withings\/clientSecret"\?/);
    await refused(["grant", "withings/clientSecret", "--host", "hanibal"], /unknown host "hanibal" \(--host\); did you mean "hannibal"\?/);
    await refused(["admin", "rm", "bbo"], /no admin named "bbo"; did you mean "bob"\?/);
    await refused(["admin", "rotate", "bbo"], /unknown admin "bbo" \(NAME\); did you mean "bob"\?/);
    await refused(["host", "set-key", "hanibal", "--key-file", t.sshKey("other").pub], /no host named "hanibal"; did you mean "hannibal"\?/);
  });

  it("rotate --generate KIND (as add takes it) names the mix-up; set-key with the same key changes nothing", async () => {
    await refused(["rotate", "withings/clientSecret", "--generate", "password"], /"password" is a generator, not a secret: rotate --generate takes no kind/);
    const before = snapshot();
    const r = await t.nixsec(["host", "set-key", "hannibal", "--key-file", path.join(t.root, "hannibal.pub")]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/host hannibal already has that key; nothing to do/);
    expect(snapshot()).toBe(before);
  });

  it("--stdin and --from-file refuse an empty value unless --allow-empty", async () => {
    const empty = path.join(t.root, "empty");
    writeFileSync(empty, "");
    await refused(["add", "e/one", "--stdin"], /the value of e\/one from --stdin is empty; nothing was changed/, "");
    await refused(["add", "e/one", "--from-file", empty], /the value of e\/one from --from-file .*empty is empty/);
    await refused(["rotate", "withings/clientSecret", "--stdin"], /the value of withings\/clientSecret from --stdin is empty/, "");
    const r = await t.nixsec(["add", "e/one", "--stdin", "--allow-empty"], { input: "" });
    expect(r.code).toBe(0);
    expect((await t.nixsec(["show", "e/one"])).stdout.length).toBe(0);
  });

  it("--format env values are checked as systemd EnvironmentFiles at add, edit and rotate", async () => {
    await refused(["add", "bad/env", "--format", "env", "--stdin"], /the value of bad\/env \(--stdin\) is not an environment file: line 2 is not NAME=value/, "A=1\nnot an assignment\n");
    await refused(["add", "bad/env", "--format", "env", "--stdin"], /line 1 starts with "export", which systemd does not understand/, "export A=1\n");
    await refused(["add", "bad/env", "--format", "env", "--stdin"], /line 1: the double quote is never closed/, 'A="open\n');
    await refused(["rotate", "bot/env", "--stdin"], /the value of bot\/env \(--stdin\) is not an environment file: line 1 is not NAME=value/, "SECRET-VALUE-123\n");
    const editor = path.join(t.root, "bad-editor.sh");
    writeFileSync(editor, "#!/bin/sh\nprintf 'this is not env\\n' > \"$1\"\n");
    chmodSync(editor, 0o755);
    const r = await refused(["edit", "bot/env"], /the value of bot\/env \(the editor\) is not an environment file: line 1 is not NAME=value/, undefined, { EDITOR: editor });
    expect(r.stderr).not.toMatch(/this is not env/); // the value is never echoed
    const ok = await t.nixsec(["add", "good/env", "--format", "env", "--stdin"], { input: "# comment\n\nA=1\nB='two words'\nC=\"multi\nline\"\nD=con\\\ntinued\n" });
    expect(ok.stderr).toMatch(/added good\/env/);
  });

  it("--user-password needs a crypt(3) hash, or points to --generate password-hash", async () => {
    await t.nixsec(["add", "users/alice/password", "--host", "hannibal", "--stdin"], { input: "plain password" });
    const r = await refused(["wire", "users/alice/password", "--user-password", "alice"], /--user-password alice: users\/alice\/password is not a crypt\(3\) password hash/);
    expect(r.stderr).toMatch(/--generate password-hash --from users\/alice\/password/);
    expect((await t.nixsec(["add", "users/alice/hash", "--host", "hannibal", "--generate", "password-hash", "--from", "users/alice/password"])).code).toBe(0);
    expect((await t.nixsec(["wire", "users/alice/hash", "--user-password", "alice"])).code).toBe(0);
    await refused(["add", "users/alice/hash", "--force", "--stdin"], /is not a crypt\(3\) password hash, and it is users\.users\.alice\.hashedPasswordFile/, "not a hash");
  });

  it("modes that give other users access are refused (--mode 0777, 0644)", async () => {
    await refused(["add", "m/x", "--mode", "0777", "--stdin"], /--mode "0777": 0777 gives every user on the host access to the decrypted file; the last digit must be 0/, "v");
    await refused(["add", "m/x", "--mode", "0644", "--stdin"], /--mode "0644": 0644 gives every user/, "v");
    await refused(["add", "m/x", "--mode", "644", "--stdin"], /--mode "644": must be an octal mode/, "v");
    expect((await t.nixsec(["add", "m/x", "--mode", "0440", "--group", "wheel", "--stdin"], { input: "v" })).code).toBe(0);
  });

  it("no raw ENOENT: missing files are named with the flag", async () => {
    await refused(["add", "f/x", "--from-file", path.join(t.root, "no-such-file")], /no-such-file \(--from-file\): no such file or directory/);
    await refused(["template", "add", "t/x", "--host", "hannibal", "--from-file", "no-such.tmpl"], /no-such\.tmpl \(--from-file\): no such file or directory/);
  });

  it("add --max-age, and list: when each value changed (from the lock), aligned columns, the file", async () => {
    await refused(["add", "ma/x", "--max-age", "90 days", "--stdin"], /--max-age "90 days": must be a duration such as 12h, 90d, 8w or 1y/, "v");
    expect((await t.nixsec(["add", "ma/x", "--max-age", "90d", "--stdin", "--owner", "a-rather-long-owner-name"], { input: "v" })).code).toBe(0);
    expect(t.read("nixsec.yaml")).toMatch(/maxAge: 90d/);
    const rows = JSON.parse((await t.nixsec(["list", "--json"])).stdout.toString()) as Array<Record<string, unknown>>;
    const lock = t.read("secrets/nixsec.lock");
    const ma = rows.find((r) => r.name === "ma/x")!;
    expect(ma).toMatchObject({ file: "secrets/ma/x.age", maxAge: "90d" });
    expect(lock).toContain(`"secret":"ma/x","sha256":`);
    expect(lock).toContain(`"valueChanged":"${ma.valueChanged}"`);
    const lines = (await t.nixsec(["list"])).stdout.toString().trimEnd().split("\n");
    expect(lines[0]).toMatch(/^NAME +HOSTS +OWNER +MODE +FORMAT +FILE +VALUE CHANGED$/);
    for (const col of ["HOSTS", "OWNER", "MODE", "FORMAT", "FILE", "VALUE CHANGED"]) {
      const at = lines[0]!.indexOf(col);
      for (const l of lines.slice(1)) expect(l[at - 1], `${col} in ${l}`).toBe(" ");
      for (const l of lines.slice(1)) expect(l[at], `${col} in ${l}`).not.toBe(" ");
    }
    expect(lines.find((l) => l.startsWith("ma/x"))).toMatch(/a-rather-long-owner-name:- +0400 +text +secrets\/ma\/x\.age +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it("show --public derives the public key of WireGuard and SSH secrets", async () => {
    const wg = await t.nixsec(["add", "wg/hannibal", "--host", "hannibal", "--generate", "wireguard"]);
    const printed = /wireguard public key: (\S+)/.exec(wg.stderr)![1];
    expect((await t.nixsec(["show", "wg/hannibal", "--public"])).stdout.toString()).toBe(`${printed}\n`);
    const ssh = await t.nixsec(["add", "ssh/deploy", "--host", "hannibal", "--generate", "ssh-ed25519"]);
    const sshPub = /ssh public key: (.+?) \(later/.exec(ssh.stderr)![1];
    const shown = (await t.nixsec(["show", "ssh/deploy", "--public"])).stdout.toString();
    expect(shown.trim().split(" ").slice(0, 2)).toEqual(sshPub!.split(" ").slice(0, 2)); // type and key; the comment is not kept
    if (needTool("ssh-keygen")) {
      const priv = path.join(t.root, "deploy-key");
      writeFileSync(priv, (await t.nixsec(["show", "ssh/deploy"])).stdout, { mode: 0o600 });
      expect(execFileSync("ssh-keygen", ["-y", "-f", priv], { encoding: "utf8" }).trim().split(" ").slice(0, 2)).toEqual(sshPub!.split(" ").slice(0, 2));
    }
    await refused(["show", "withings/clientSecret", "--public"], /withings\/clientSecret holds neither a WireGuard nor an SSH private key/);
  });
});

describe.runIf(needTool("git") && needTool("tmux"))("a CLI that speaks in flags, in a terminal", () => {
  let t: TempRepo;
  const nixsec = (args: string) => `${process.execPath} ${nixsecBin} ${args}`;
  beforeAll(async () => {
    t = tempRepo();
    await t.nixsec(["init"]);
  });
  afterAll(() => t.cleanup());

  it("--stdin on a terminal says what it waits for", async () => {
    const s = startInTmux(nixsec("add tty/value --stdin"), { cwd: t.repo, env: t.env, dir: t.root });
    try {
      await s.waitFor(/reading the value of tty\/value from standard input \(this terminal; what you type is shown\): end it with Ctrl-D/);
      s.send("typed", "Enter", "C-d");
      expect(await s.exitCode()).toBe(0);
    } finally {
      s.kill();
    }
    expect((await t.nixsec(["show", "tty/value"])).stdout.toString()).toBe("typed\n");
  });

  it("typed-ahead input at the masked prompt is not lost (both entries typed before the first prompt shows)", async () => {
    const s = startInTmux(nixsec("add tty/ahead"), { cwd: t.repo, env: t.env, dir: t.root });
    try {
      s.send("typed-ahead-1", "Enter", "typed-ahead-1", "Enter");
      expect(await s.exitCode()).toBe(0);
    } finally {
      s.kill();
    }
    expect((await t.nixsec(["show", "tty/ahead"])).stdout.toString()).toBe("typed-ahead-1");
  });
});
