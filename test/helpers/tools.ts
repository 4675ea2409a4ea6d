// Real tools the interop tests run. Locally a missing tool skips its tests;
// under CI=true it fails them, so a green CI always means the tool ran.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/**
 * The team's shared data: NIXSEC_SHARED_DIR, else beside the checkout (CI
 * clones it there too), else beside the repository a local clone was made
 * from (`git clone /work/main /tmp/x` still finds /work/shared). Where none
 * exists the path beside the checkout is returned, and the tests that read
 * it fail: they never skip.
 */
export const sharedDir = process.env.NIXSEC_SHARED_DIR ?? findSharedDir();

function findSharedDir(): string {
  const beside = path.resolve(repoRoot, "../shared");
  if (existsSync(beside)) return beside;
  try {
    const origin = execFileSync("git", ["-C", repoRoot, "remote", "get-url", "origin"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const local = origin.startsWith("file://") ? fileURLToPath(origin) : origin;
    if (path.isAbsolute(local)) {
      const there = path.resolve(local, "../shared");
      if (existsSync(there)) return there;
    }
  } catch {
    // not a git checkout, or no origin: only the checkout's neighbour counts
  }
  return beside;
}
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
