// Builds the bundle once so end-to-end tests run the real `nixsec` binary,
// and picks the run's fast-check seed (test/fast-check-seed.ts applies it in
// every test file), printed once so any property failure can be replayed.
import { execFileSync } from "node:child_process";
import { repoRoot } from "./helpers/tools.js";

export default function setup(): void {
  execFileSync("node", ["scripts/build.mjs"], { cwd: repoRoot, stdio: "inherit" });
  process.env.FC_SEED ||= String(Math.floor(Math.random() * 2 ** 31));
  console.log(`fast-check seed ${process.env.FC_SEED} for every property test of this run (FC_SEED=${process.env.FC_SEED} repeats it)`);
}
