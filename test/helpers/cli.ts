// Runs the built `nixsec` binary in a scrubbed environment.
import { execFile, spawn } from "node:child_process";
import path from "node:path";
import { repoRoot } from "./tools.js";

export const nixsecBin = path.join(repoRoot, "bin/nixsec.js");

export interface CliResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export function scrubbedEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: extra.HOME ?? "/nonexistent", LANG: "C.UTF-8", NO_COLOR: "1", ...extra };
}

/**
 * Runs the CLI with `input` on stdin. `detached`: in a new session with stdin
 * closed, so it has no controlling terminal (as under CI or cron).
 */
export function runCli(args: string[], opts: { input?: Uint8Array | string; env?: Record<string, string>; cwd?: string; detached?: boolean } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [nixsecBin, ...args], { env: scrubbedEnv(opts.env), cwd: opts.cwd ?? repoRoot, detached: opts.detached ?? false, stdio: [opts.detached ? "ignore" : "pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on("data", (d: Buffer) => out.push(d));
    child.stderr!.on("data", (d: Buffer) => err.push(d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString("utf8") }));
    if (!child.stdin) return;
    child.stdin.on("error", () => undefined);
    child.stdin.end(opts.input ?? "");
  });
}

export { execFile };
