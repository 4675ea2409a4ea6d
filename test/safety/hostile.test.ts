// The hostile repository: a generated store into which a committer (or a
// local user) plants symlinks, links out of the tree, hard links, FIFOs and
// device-like names in secrets/ and nixsec/, and the manifest itself as a
// link. Every writing command runs against each; then
// - nothing outside the repository changed (byte for byte, link for link);
// - no secret gained a reader the manifest did not give it: every file in and
//   around the repository is decrypted with every key in play, and a host key
//   never opens a value of a secret it does not read;
// - every command ended with 0 or a clear error (exit 2), never a crash or a hang,
//   and the plant was named in an error.
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptBytes, parseIdentityFile, type LoadedIdentity } from "../../src/crypto/index.js";
import { nixsecBin, scrubbedEnv, type CliResult } from "../helpers/cli.js";
import { needTool } from "../helpers/tools.js";

const run = needTool("git") && needTool("ssh-keygen") && needTool("mkfifo");

// Values, and who may ever read them (besides admins).
const VALUES = { "root/password": "ROOT-PW-7f3a", "app/token": "APP-TOKEN-9c1e", "evil/password": "EVIL-PW-2b4d" } as const;
const NEW = { add: "APP-NEW-5e6f", edit: "APP-EDITED-8a9b", rotate: "APP-ROTATED-1d2c", evilAdd: "EVIL-NEW-3f4e" } as const;
// good is granted evil/password for a while (grant, then revoke): the manifest gives it that value too.
const GOOD_MAY = new Set<string>([VALUES["app/token"], NEW.add, NEW.edit, NEW.rotate, VALUES["evil/password"]]);
const EVIL_MAY = new Set<string>([VALUES["evil/password"], NEW.evilAdd]);
const ALL_VALUES = [...Object.values(VALUES), ...Object.values(NEW)];

const base = mkdtempSync(path.join(realpathSync(tmpdir()), "nixsec-hostile-"));
const template = path.join(base, "template");
afterAll(() => rmSync(base, { recursive: true, force: true }));

interface World {
  root: string;
  repo: string;
  outside: string;
  env: Record<string, string>;
  nixsec(args: string[], input?: string, extraEnv?: Record<string, string>): Promise<CliResult>;
}

function world(root: string): World {
  const repo = path.join(root, "repo");
  const env = { HOME: path.join(root, "home"), USER: "alice", NIXSEC_IDENTITY: path.join(root, "admin.key"), GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.invalid", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.invalid" };
  return { root, repo, outside: path.join(root, "outside"), env, nixsec: (args, input = "", extraEnv = {}) => runBounded(args, repo, input, { ...env, ...extraEnv }) };
}

/** runCli with a deadline: a command that hangs (a FIFO opened for reading, /dev/zero read to the end) is killed and reported as exit -1. */
function runBounded(args: string[], cwd: string, input: string, env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [nixsecBin, ...args], { cwd, env: scrubbedEnv(env), stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      const done = () => resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString("utf8") + (signal ? `\n(killed: ${signal}, hung)` : "") });
      // The output is complete at 'close'; a process nixsec left behind holding the pipes must not hang the test.
      const late = setTimeout(done, 2000);
      child.on("close", () => {
        clearTimeout(late);
        done();
      });
    });
    child.stdin.on("error", () => undefined);
    child.stdin.end(input);
  });
}

function sshKey(dir: string, name: string): string {
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", `root@${name}`, "-f", path.join(dir, name)]);
  return path.join(dir, name);
}

beforeAll(async () => {
  mkdirSync(path.join(template, "repo"), { recursive: true });
  mkdirSync(path.join(template, "home"));
  mkdirSync(path.join(template, "outside"));
  execFileSync("git", ["init", "-q", path.join(template, "repo")]);
  for (const k of ["good", "good2", "evil", "other"]) sshKey(template, k);
  const w = world(template);
  const ok = async (args: string[], input?: string) => {
    const r = await w.nixsec(args, input);
    if (r.code !== 0) throw new Error(`${args.join(" ")}: ${r.stderr}`);
  };
  await ok(["init", "--key-out", path.join(template, "admin.key")]);
  await ok(["host", "add", "good", "--key-file", path.join(template, "good.pub")]);
  await ok(["host", "add", "evil", "--key-file", path.join(template, "evil.pub")]);
  await ok(["add", "root/password", "--stdin"], VALUES["root/password"]);
  await ok(["add", "app/token", "--host", "good", "--stdin"], VALUES["app/token"]);
  await ok(["add", "evil/password", "--host", "evil", "--stdin"], VALUES["evil/password"]);
  await ok(["wire", "app/token", "--option", "services.app.tokenFile"]);
  await ok(["gen"]);
  // Copies of a sensitive ciphertext and of the generated files, outside the repository, for links to point at.
  cpSync(path.join(template, "repo/secrets/root/password.age"), path.join(template, "outside/root-password.age"));
  writeFileSync(path.join(template, "outside/precious.txt"), "precious\n");
  cpSync(path.join(template, "repo/nixsec.yaml"), path.join(template, "outside/nixsec.yaml"));
}, 120_000);

type Plant = (w: World) => void;
const sec = (w: World, rel: string) => path.join(w.repo, "secrets", rel);
const swap = (file: string, make: () => void) => {
  rmSync(file, { recursive: true, force: true });
  make();
};

/** What a committer or a local user plants, and how an error must name it. */
const PLANTS: Array<{ what: string; plant: Plant; named: RegExp }> = [
  { what: "secrets/evil/password.age -> ../root/password.age", plant: (w) => swap(sec(w, "evil/password.age"), () => symlinkSync("../root/password.age", sec(w, "evil/password.age"))), named: /secrets\/evil\/password\.age is a symbolic link/ },
  { what: "secrets/evil -> root (a linked directory)", plant: (w) => swap(sec(w, "evil"), () => symlinkSync("root", sec(w, "evil"))), named: /secrets\/evil is a symbolic link/ },
  { what: "a link out of the tree", plant: (w) => swap(sec(w, "evil/password.age"), () => symlinkSync(path.join(w.outside, "root-password.age"), sec(w, "evil/password.age"))), named: /secrets\/evil\/password\.age is a symbolic link/ },
  { what: "a hard link to the root password", plant: (w) => swap(sec(w, "evil/password.age"), () => linkSync(sec(w, "root/password.age"), sec(w, "evil/password.age"))), named: /has 2 hard links/ },
  { what: "a hard link to a file outside", plant: (w) => swap(sec(w, "evil/password.age"), () => linkSync(path.join(w.outside, "root-password.age"), sec(w, "evil/password.age"))), named: /has 2 hard links/ },
  { what: "a FIFO as a secret file", plant: (w) => swap(sec(w, "evil/password.age"), () => execFileSync("mkfifo", [sec(w, "evil/password.age")])), named: /secrets\/evil\/password\.age is a FIFO/ },
  { what: "a FIFO as the lock file", plant: (w) => swap(sec(w, "nixsec.lock"), () => execFileSync("mkfifo", [sec(w, "nixsec.lock")])), named: /secrets\/nixsec\.lock is a FIFO/ },
  { what: "the lock file linked out of the tree", plant: (w) => swap(sec(w, "nixsec.lock"), () => symlinkSync(path.join(w.outside, "precious.txt"), sec(w, "nixsec.lock"))), named: /secrets\/nixsec\.lock is a symbolic link/ },
  { what: "device-like links: /dev/zero and /dev/urandom as secret files", plant: (w) => { swap(sec(w, "evil/password.age"), () => symlinkSync("/dev/zero", sec(w, "evil/password.age"))); swap(sec(w, "app/token.age"), () => symlinkSync("/dev/urandom", sec(w, "app/token.age"))); }, named: /is a symbolic link to \/dev\/(zero|urandom)/ },
  { what: "device-like names (con, nul, aux, com1) as plain files", plant: (w) => { for (const n of ["con.age", "nul.age", "aux", "com1.age", "evil/prn.age"]) writeFileSync(sec(w, n), "x"); }, named: /.*/ },
  { what: "nixsec/data.nix linked out of the tree", plant: (w) => swap(path.join(w.repo, "nixsec/data.nix"), () => symlinkSync(path.join(w.outside, "precious.txt"), path.join(w.repo, "nixsec/data.nix"))), named: /nixsec\/data\.nix is a symbolic link/ },
  { what: "nixsec/ linked out of the tree", plant: (w) => swap(path.join(w.repo, "nixsec"), () => symlinkSync(w.outside, path.join(w.repo, "nixsec"))), named: /nixsec is a symbolic link/ },
  { what: "a FIFO as nixsec/data.nix", plant: (w) => swap(path.join(w.repo, "nixsec/data.nix"), () => execFileSync("mkfifo", [path.join(w.repo, "nixsec/data.nix")])), named: /nixsec\/data\.nix is a FIFO/ },
  { what: "secrets/secrets.nix linked out of the tree", plant: (w) => swap(sec(w, "secrets.nix"), () => symlinkSync(path.join(w.outside, "precious.txt"), sec(w, "secrets.nix"))), named: /secrets\/secrets\.nix is a symbolic link/ },
  { what: "secrets/ linked out of the tree", plant: (w) => { cpSync(path.join(w.repo, "secrets"), path.join(w.outside, "secrets-copy"), { recursive: true }); swap(path.join(w.repo, "secrets"), () => symlinkSync(path.join(w.outside, "secrets-copy"), path.join(w.repo, "secrets"))); }, named: /secrets is a symbolic link/ },
  { what: "nixsec.yaml linked out of the tree", plant: (w) => swap(path.join(w.repo, "nixsec.yaml"), () => symlinkSync(path.join(w.outside, "nixsec.yaml"), path.join(w.repo, "nixsec.yaml"))), named: /nixsec\.yaml is a symbolic link/ },
  { what: "nixsec.yaml hard-linked to a file outside", plant: (w) => swap(path.join(w.repo, "nixsec.yaml"), () => linkSync(path.join(w.outside, "nixsec.yaml"), path.join(w.repo, "nixsec.yaml"))), named: /nixsec\.yaml has 2 hard links/ },
];

/** Every writing command, in an order where each one has something to do. */
function commands(w: World): Array<{ args: string[]; input?: string; env?: Record<string, string> }> {
  const editor = path.join(w.root, "editor.sh");
  writeFileSync(editor, `#!/bin/sh\nprintf '%s' '${NEW.edit}' > "$1"\n`, { mode: 0o755 });
  return [
    { args: ["add", "app/new", "--host", "good", "--stdin"], input: NEW.add },
    { args: ["add", "evil/new", "--host", "evil", "--stdin"], input: NEW.evilAdd },
    { args: ["edit", "app/token"], env: { EDITOR: editor } },
    { args: ["rotate", "app/token", "--stdin"], input: NEW.rotate },
    { args: ["rekey"] },
    { args: ["rekey", "--all"] },
    { args: ["host", "set-key", "good", "--key-file", path.join(w.root, "good2.pub")] },
    { args: ["host", "add", "other", "--key-file", path.join(w.root, "other.pub")] },
    { args: ["host", "rm", "other"] },
    { args: ["admin", "add", "bob", "--key", "age1v0vprzzns83u47cd0hdjpemfd6zaxgxgter0vqfqfjepvh6egpwq4m02mx"] },
    { args: ["admin", "rm", "bob"] },
    { args: ["wire", "app/token", "--restart", "app"] },
    { args: ["grant", "evil/password", "--host", "good"] },
    { args: ["revoke", "evil/password", "--host", "good"] },
    { args: ["template", "add", "app/cfg", "--host", "good", "--stdin"], input: "TOKEN={{ nixsec:app/token }}\n" },
    { args: ["template", "rm", "app/cfg"] },
    { args: ["gen"] },
    { args: ["rm", "evil/new"] },
    { args: ["admin", "rotate", "--key-out", path.join(w.root, "admin2.key")] },
    { args: ["init"] },
  ];
}

/** Every file, link and FIFO under `dir`, by relative path: its type and bytes (or link target). Links are not followed. */
function snapshot(dir: string, skip: (rel: string) => boolean = () => false): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      const rel = path.relative(dir, p);
      if (skip(rel)) continue;
      const st = lstatSync(p);
      if (st.isSymbolicLink()) out.set(rel, `link ${readlinkSync(p)}`);
      else if (st.isDirectory()) walk(p);
      else if (st.isFile()) out.set(rel, `file ${createHash("sha256").update(readFileSync(p)).digest("hex")} ${st.mode & 0o7777}`);
      else out.set(rel, `other ${st.mode}`);
    }
  };
  walk(dir);
  return out;
}

/** Regular files under `dir` (links not followed). */
function regularFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== ".git") out.push(...regularFiles(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

async function tryDecrypt(file: string, ids: LoadedIdentity[]): Promise<string | null> {
  try {
    return Buffer.from(await decryptBytes(readFileSync(file), ids)).toString();
  } catch {
    return null;
  }
}

describe.runIf(run)("a hostile repository: every writing command against every plant", () => {
  for (const [i, p] of PLANTS.entries()) {
    it(p.what, async () => {
      const w = world(path.join(base, `w${i}`));
      cpSync(template, w.root, { recursive: true, verbatimSymlinks: true });
      p.plant(w);
      const outsideRepo = (rel: string) => rel === "repo" || rel.startsWith(`repo${path.sep}`) || rel.startsWith(`home${path.sep}`) || rel === "home" || rel === "editor.sh" || rel === "admin2.key";
      const before = snapshot(w.root, outsideRepo);
      const results: Array<{ args: string[]; r: CliResult }> = [];
      for (const c of commands(w)) results.push({ args: c.args, r: await w.nixsec(c.args, c.input, c.env) });

      // Exit 0 or a clear error: never a crash (3), a signal, or a hang (the test's timeout).
      for (const { args, r } of results) {
        expect([0, 2], `${args.join(" ")}: ${r.stderr}`).toContain(r.code);
        if (r.code === 2) expect(r.stderr, args.join(" ")).toMatch(/^nixsec: error: /m);
      }
      expect(results.map((x) => x.r.stderr).join("\n")).toMatch(p.named);

      // Nothing outside the repository changed.
      expect(snapshot(w.root, outsideRepo)).toEqual(before);

      // No key opens a value it was not given: every regular file in and around the repository, with every key in play.
      const keys = await Promise.all(["good", "good2", "evil", "other"].map(async (k) => [k, await parseIdentityFile(readFileSync(path.join(w.root, k)), k)] as const));
      const files = [...regularFiles(w.repo), ...regularFiles(w.outside)];
      for (const f of files) {
        for (const [k, ids] of keys) {
          const value = await tryDecrypt(f, ids);
          if (value === null) continue;
          const may = k === "evil" ? EVIL_MAY : k === "good" || k === "good2" ? GOOD_MAY : new Set<string>();
          expect(ALL_VALUES, `${f} opened by ${k}`).toContain(value);
          expect(may.has(value), `${k} can read ${value} in ${path.relative(w.root, f)}`).toBe(true);
        }
      }
    }, 240_000);
  }
});
