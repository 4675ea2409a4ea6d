// A native gitleaks for the audit benchmark's side-by-side timing.
//
// gitleaks is a Debian package only from trixie on; this machine (and CI) is
// bookworm. The package is a static Go binary, so trixie's .deb runs here.
// It is fetched into bench/.work/ and unpacked, never installed
// (scripts/lib/debian-package.mjs). A gitleaks already on PATH is used as it is.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fetchDebianPackage, hasCommand } from "../scripts/lib/debian-package.mjs";

/** The path of a native gitleaks binary, or null (with the reason on stderr). */
export function nativeGitleaks(workDir) {
  if (hasCommand("gitleaks")) return "gitleaks";
  const dir = path.join(workDir, "gitleaks-deb");
  const bin = path.join(dir, "root/usr/bin/gitleaks");
  if (existsSync(bin)) return bin;
  try {
    console.error("bench: fetching Debian trixie's gitleaks package into bench/.work (private apt state; nothing is installed)");
    fetchDebianPackage({ pkg: "gitleaks", suite: "trixie", workDir: dir });
    return existsSync(bin) ? bin : null;
  } catch (err) {
    console.error(`bench: could not fetch gitleaks: ${err.message}`);
    return null;
  }
}

/** What the binary is: its own version line, or the Debian package it came from (Debian's build prints no version). */
export function gitleaksVersion(bin) {
  const v = spawnSync(bin, ["version"], { encoding: "utf8" }).stdout.trim();
  if (/^v?\d+\.\d+/.test(v)) return v;
  const debDir = path.resolve(path.dirname(bin), "../../..");
  const deb = existsSync(debDir) ? readdirSync(debDir).find((f) => /^gitleaks_.*\.deb$/.test(f)) : undefined;
  return deb ? `${deb.replace(/^gitleaks_/, "").replace(/_[a-z0-9]+\.deb$/, "")} (Debian package)` : "unknown version";
}

/** gitleaks 8.19+ has `dir`; older ones `detect --no-git`. Returns [argv, version]. */
export function gitleaksDirArgs(bin, corpus, report) {
  const v = gitleaksVersion(bin);
  const [major = 0, minor = 0] = v.replace(/^v/, "").split(".").map(Number);
  const modern = major > 8 || (major === 8 && minor >= 19);
  const args = modern
    ? ["dir", corpus, "--no-banner", "-f", "json", "-r", report, "--exit-code", "0"]
    : ["detect", "--no-git", "-s", corpus, "--no-banner", "-f", "json", "-r", report, "--exit-code", "0"];
  return [args, v];
}
