// Real tools the interop tests run. Locally a missing tool skips its tests;
// under CI=true it fails them, so a green CI always means the tool ran.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** The team's shared data, beside the checkout (CI clones it there too). */
export const sharedDir = process.env.NIXSEC_SHARED_DIR ?? path.resolve(repoRoot, "../shared");
export const interopDir = path.join(sharedDir, "interop");
export const tortureDir = path.join(sharedDir, "nix-syntax-torture");

const found = new Map<string, boolean>();

export function hasTool(name: string): boolean {
  let ok = found.get(name);
  if (ok === undefined) {
    try {
      execFileSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" });
      ok = true;
    } catch {
      ok = false;
    }
    found.set(name, ok);
  }
  return ok;
}

/**
 * Returns whether tests needing `name` should run. Throws under CI=true when
 * the tool is missing, so the suite fails instead of silently skipping.
 * Use as `describe.runIf(needTool("age"))(...)`.
 */
export function needTool(name: string): boolean {
  if (hasTool(name)) return true;
  if (process.env.CI === "true") {
    throw new Error(`CI=true but the tool "${name}" is not installed (scripts/test.sh installs it)`);
  }
  return false;
}
