// Drives a command in a real pseudo-terminal through tmux: send keys, read
// the screen, get the exit code.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

export interface TmuxSession {
  send(...keys: string[]): void;
  screen(): string;
  waitFor(pattern: RegExp, ms?: number): Promise<string>;
  exitCode(ms?: number): Promise<number>;
  kill(): void;
}

let counter = 0;
// One tmux server per test process: test files run in parallel, and a shared
// server that exits when its last session ends races with a new session.
const SOCKET = `nixsec-test-${process.pid}`;

export function startInTmux(cmd: string, opts: { cwd: string; env: Record<string, string>; dir: string }): TmuxSession {
  const name = `nixsec-test-${process.pid}-${counter++}`;
  const codeFile = path.join(opts.dir, `${name}.code`);
  const envs = Object.entries(opts.env).map(([k, v]) => `${k}='${v.replace(/'/g, "'\\''")}'`).join(" ");
  const script = `cd '${opts.cwd}' && env -i PATH="$PATH" TERM=xterm ${envs} ${cmd}; echo $? > '${codeFile}'; sleep 30`;
  const tmux = (...args: string[]) => execFileSync("tmux", ["-L", SOCKET, ...args], { encoding: "utf8" });
  try {
    tmux("new-session", "-d", "-s", name, "-x", "120", "-y", "30", "sh", "-c", script);
  } catch {
    tmux("new-session", "-d", "-s", name, "-x", "120", "-y", "30", "sh", "-c", script); // the server was just exiting
  }
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  return {
    send: (...keys) => void tmux("send-keys", "-t", name, ...keys),
    screen: () => tmux("capture-pane", "-p", "-t", name),
    async waitFor(pattern, ms = 15000) {
      const end = Date.now() + ms;
      for (;;) {
        const s = tmux("capture-pane", "-p", "-t", name);
        if (pattern.test(s)) return s;
        if (Date.now() > end) throw new Error(`timed out waiting for ${pattern}; screen:\n${s}`);
        await sleep(100);
      }
    },
    async exitCode(ms = 15000) {
      const end = Date.now() + ms;
      while (!existsSync(codeFile) || readFileSync(codeFile, "utf8").trim() === "") {
        if (Date.now() > end) throw new Error(`command did not exit; screen:\n${tmux("capture-pane", "-p", "-t", name)}`);
        await sleep(100);
      }
      return Number(readFileSync(codeFile, "utf8").trim());
    },
    kill: () => {
      try {
        tmux("kill-session", "-t", name);
      } catch {
        /* already gone */
      }
    },
  };
}
