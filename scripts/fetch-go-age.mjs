#!/usr/bin/env node
// Fetches Go age 1.3 (Debian's `age` package from unstable: static Go
// binaries, with Go age's own test plugins age-plugin-batchpass and
// age-plugin-tagtest) into .work/go-age/root/usr/bin, for the plugin interop
// tests and benchmark. Nothing is installed (scripts/lib/debian-package.mjs:
// a private apt configuration, `dpkg -x`, the archive the system's apt
// sources name).
//
//   node scripts/fetch-go-age.mjs     prints the bin directory, or fails with the reason
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { fetchDebianPackage } from "./lib/debian-package.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const work = path.join(root, ".work/go-age");
export const goAgeBin = path.join(work, "root/usr/bin");
const NEEDED = ["age", "age-plugin-batchpass", "age-plugin-tagtest"];

export function fetchGoAge() {
  if (NEEDED.every((b) => existsSync(path.join(goAgeBin, b)))) return goAgeBin;
  fetchDebianPackage({ pkg: "age", suite: "unstable", workDir: work, deb: /^age_1\.3\.[0-9.]+-[^_]+_[a-z0-9]+\.deb$/ });
  const missing = NEEDED.filter((b) => !existsSync(path.join(goAgeBin, b)));
  if (missing.length) throw new Error(`the package lacks ${missing.join(", ")} (is unstable still on age 1.3?)`);
  return goAgeBin;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.stdout.write(fetchGoAge() + "\n");
  } catch (err) {
    process.stderr.write(`fetch-go-age: ${err.message}\n`);
    process.exit(1);
  }
}
