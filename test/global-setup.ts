// Builds the bundle once so end-to-end tests run the real `nixsec` binary.
import { execFileSync } from "node:child_process";
import { repoRoot } from "./helpers/tools.js";

export default function setup(): void {
  execFileSync("node", ["scripts/build.mjs"], { cwd: repoRoot, stdio: "inherit" });
}
