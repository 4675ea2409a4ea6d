// A temp git repository with a scrubbed HOME, for end-to-end runs of nixsec.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { runCli, type CliResult } from "./cli.js";

export interface TempRepo {
  root: string;
  repo: string;
  home: string;
  env: Record<string, string>;
  nixsec(args: string[], opts?: { input?: string | Uint8Array; env?: Record<string, string> }): Promise<CliResult>;
  file(rel: string): string;
  read(rel: string): string;
  sshKey(name: string): { priv: string; pub: string };
  cleanup(): void;
}

export function tempRepo(prefix = "nixsec-e2e-"): TempRepo {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  const repo = path.join(root, "repo");
  const home = path.join(root, "home");
  mkdirSync(repo);
  mkdirSync(home);
  execFileSync("git", ["init", "-q", repo]);
  const env = { HOME: home, USER: "alice", GIT_AUTHOR_NAME: "t", GIT_AUTHOR_EMAIL: "t@example.invalid", GIT_COMMITTER_NAME: "t", GIT_COMMITTER_EMAIL: "t@example.invalid" };
  return {
    root,
    repo,
    home,
    env,
    nixsec: (args, opts = {}) => runCli(args, { input: opts.input, env: { ...env, ...(opts.env ?? {}) }, cwd: repo }),
    file: (rel) => path.join(repo, rel),
    read: (rel) => readFileSync(path.join(repo, rel), "utf8"),
    sshKey(name) {
      const priv = path.join(root, name);
      execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", `root@${name}`, "-f", priv]);
      return { priv, pub: `${priv}.pub` };
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
