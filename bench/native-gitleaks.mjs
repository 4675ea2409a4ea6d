// A native gitleaks for the audit benchmark's side-by-side timing.
//
// gitleaks is a Debian package only from trixie on; this machine (and CI) is
// bookworm. The package is a static Go binary, so trixie's .deb runs here.
// It is fetched with apt into bench/.work/ using a private apt configuration
// (its own sources list, package lists and cache: the system's apt state is
// not touched) and unpacked with `dpkg -x`, never installed. The archive is
// the one the system's own apt sources use (no host is named here). A
// gitleaks already on PATH is used as it is.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";

/**
 * The Debian archive of the system's apt sources (deb822 `.sources` files and
 * one-line `.list` files under /etc/apt): the URI of an entry for the main
 * archive (not -security, not a third-party repository), with its keyring.
 */
export function systemDebianArchive(etc = "/etc/apt") {
  const files = [];
  if (existsSync(path.join(etc, "sources.list"))) files.push(path.join(etc, "sources.list"));
  const dir = path.join(etc, "sources.list.d");
  if (existsSync(dir)) for (const f of readdirSync(dir).sort()) if (/\.(?:sources|list)$/.test(f)) files.push(path.join(dir, f));
  const entries = [];
  for (const f of files) {
    const text = readFileSync(f, "utf8");
    if (f.endsWith(".sources")) {
      for (const stanza of text.split(/\n\s*\n/)) {
        const field = (k) => new RegExp(`^${k}:\\s*(.+)$`, "mi").exec(stanza)?.[1]?.trim();
        if (!/^deb\b/m.test(field("Types") ?? "")) continue;
        for (const uri of (field("URIs") ?? "").split(/\s+/)) entries.push({ uri, suites: (field("Suites") ?? "").split(/\s+/), keyring: field("Signed-By") });
      }
    } else {
      for (const line of text.split("\n")) {
        const m = /^\s*deb\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)/.exec(line);
        if (m) entries.push({ uri: m[2], suites: [m[3]], keyring: /signed-by=(\S+)/.exec(m[1] ?? "")?.[1] });
      }
    }
  }
  // the main archive: a suite named after a Debian release, not -security/-updates, not a foreign repository
  return entries.find((e) => e.suites.some((s) => /^(?:bookworm|trixie|forky|sid|unstable|testing|stable)$/.test(s)) && !/security/.test(e.uri)) ?? null;
}

const has = (cmd) => spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;

/** The path of a native gitleaks binary, or null (with the reason on stderr). */
export function nativeGitleaks(workDir) {
  if (has("gitleaks")) return "gitleaks";
  const dir = path.join(workDir, "gitleaks-deb");
  const bin = path.join(dir, "root/usr/bin/gitleaks");
  if (existsSync(bin)) return bin;
  if (!has("apt-get") || !has("dpkg")) {
    console.error("bench: no gitleaks on PATH and no apt-get/dpkg to fetch Debian's");
    return null;
  }
  const archive = systemDebianArchive();
  if (!archive) {
    console.error("bench: no Debian archive in the system's apt sources to fetch gitleaks from");
    return null;
  }
  const keyring = archive.keyring ?? "/usr/share/keyrings/debian-archive-keyring.gpg";
  for (const d of ["lists/partial", "cache/archives/partial", "sources"]) mkdirSync(path.join(dir, d), { recursive: true });
  writeFileSync(path.join(dir, "sources/trixie.sources"), `Types: deb\nURIs: ${archive.uri}\nSuites: trixie\nComponents: main\nSigned-By: ${keyring}\n`);
  const apt = [
    "-o", "Dir::Etc::SourceList=/dev/null",
    "-o", `Dir::Etc::SourceParts=${path.join(dir, "sources")}`,
    "-o", `Dir::State::Lists=${path.join(dir, "lists")}`,
    "-o", `Dir::Cache=${path.join(dir, "cache")}`,
    "-o", "APT::Sandbox::User=root",
  ];
  try {
    console.error("bench: fetching Debian trixie's gitleaks package into bench/.work (private apt state; nothing is installed)");
    execFileSync("apt-get", [...apt, "update", "-qq"], { stdio: ["ignore", "ignore", "inherit"] });
    execFileSync("apt-get", [...apt, "download", "-qq", "gitleaks"], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] });
    const deb = readdirSync(dir).find((f) => /^gitleaks_.*\.deb$/.test(f));
    if (!deb) throw new Error("apt-get download gave no .deb");
    execFileSync("dpkg", ["-x", deb, "root"], { cwd: dir });
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
