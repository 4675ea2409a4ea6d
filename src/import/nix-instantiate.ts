// Evaluating a Nix file with the real Nix, when it is installed: what agenix
// itself does with secrets.nix (`nix-instantiate --eval --strict --json`).
// --readonly-mode: an evaluation that would copy a file into the store
// (`"${./key.pub}"`) fails instead; reading a rules file has no business
// writing to the store.
import { execFile } from "node:child_process";
import { accessSync, constants } from "node:fs";
import path from "node:path";
import { NixsecError } from "../errors.js";

/** The absolute path of `name` on `env.PATH` (absolute entries only), or null. */
export function findProgram(name: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (!path.isAbsolute(dir)) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

const TIMEOUT_MS = 120_000;

/** Nix's own error, without its warnings (a missing nixbld group and the like), at most a few lines. */
function nixError(stderr: string): string {
  const lines = stderr.split("\n").filter((l) => l.trim() !== "" && !/^warning:/.test(l.trim()));
  const from = lines.findIndex((l) => /error/.test(l));
  const shown = lines.slice(from < 0 ? 0 : from, (from < 0 ? 0 : from) + 6);
  return shown.join("\n   ").trim() || "nix-instantiate failed";
}

/** The value of `file` as JSON, evaluated by `program` (nix-instantiate). Errors name the file. */
export function evaluateWithNix(program: string, file: string, env: NodeJS.ProcessEnv, shown = file): Promise<unknown> {
  return new Promise((resolve, reject) => {
    execFile(program, ["--eval", "--strict", "--json", "--readonly-mode", file], { env, cwd: path.dirname(file), timeout: TIMEOUT_MS, maxBuffer: 64 << 20, encoding: "utf8" }, (err, stdout, stderr) => {
      if (err) {
        const killed = (err as { killed?: boolean }).killed;
        reject(new NixsecError(`${shown} does not evaluate: ${killed ? `nix-instantiate took longer than ${TIMEOUT_MS / 1000} s` : nixError(stderr)}`, {
          hint: [`check it with: nix-instantiate --eval --strict --json ${shown}`, "agenix evaluates it the same way"],
        }));
        return;
      }
      try {
        resolve(JSON.parse(stdout));
      } catch {
        reject(new NixsecError(`${shown}: nix-instantiate printed something that is not JSON`, { exitCode: 3, hint: "please report this, with your Nix version" }));
      }
    });
  });
}
