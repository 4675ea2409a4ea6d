// Fetching one Debian package without installing it: the .deb is downloaded
// with a private apt configuration (its own sources, package lists and cache:
// the system's apt state is untouched) and unpacked with `dpkg -x` into a work
// directory. The archive is the one the system's own apt sources name, so no
// host is written in this repository. Used by scripts/fetch-go-age.mjs (Go age
// 1.3 and its test plugins, for the tests) and bench/native-gitleaks.mjs.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const DEFAULT_KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg";

/**
 * The Debian archive of the system's apt sources (deb822 `.sources` files and
 * one-line `.list` files under /etc/apt): the URI of an entry for the main
 * archive (a suite named after a Debian release; not -security, not a
 * third-party repository), with its keyring. Null when there is none.
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
        if (field("Enabled") === "no" || !/^deb\b/m.test(field("Types") ?? "")) continue;
        for (const uri of (field("URIs") ?? "").split(/\s+/).filter(Boolean)) entries.push({ uri, suites: (field("Suites") ?? "").split(/\s+/), keyring: field("Signed-By") });
      }
    } else {
      for (const line of text.split("\n")) {
        const m = /^\s*deb\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)/.exec(line);
        if (m) entries.push({ uri: m[2], suites: [m[3]], keyring: /signed-by=(\S+)/.exec(m[1] ?? "")?.[1] });
      }
    }
  }
  const main = entries.find((e) => e.suites.some((s) => /^(?:bullseye|bookworm|trixie|forky|duke|sid|unstable|testing|stable|oldstable)$/.test(s)) && !/security/.test(e.uri));
  if (!main) return null;
  return { uri: main.uri, keyring: main.keyring && existsSync(main.keyring) ? main.keyring : DEFAULT_KEYRING };
}

export const hasCommand = (cmd) => spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;

/**
 * Downloads package `pkg` from `suite` of the system's Debian archive into
 * `workDir` and unpacks it into `workDir/root`; returns that root. `deb`
 * picks the .deb among the downloaded files (the newest match wins). Throws
 * with the reason when it cannot.
 */
export function fetchDebianPackage({ pkg, suite, workDir, deb = new RegExp(`^${pkg}_.*\\.deb$`) }) {
  if (!hasCommand("apt-get") || !hasCommand("dpkg")) throw new Error(`no apt-get/dpkg to fetch Debian's ${pkg} package`);
  const archive = systemDebianArchive();
  if (!archive) throw new Error(`the system's apt sources name no Debian archive to fetch ${pkg} from`);
  for (const d of ["lists/partial", "cache/archives/partial", "sources"]) mkdirSync(path.join(workDir, d), { recursive: true });
  writeFileSync(path.join(workDir, `sources/${suite}.sources`), `Types: deb\nURIs: ${archive.uri}\nSuites: ${suite}\nComponents: main\nSigned-By: ${archive.keyring}\n`);
  const apt = [
    "-o", "Dir::Etc::SourceList=/dev/null",
    "-o", `Dir::Etc::SourceParts=${path.join(workDir, "sources")}`,
    "-o", `Dir::State::Lists=${path.join(workDir, "lists")}`,
    "-o", `Dir::Cache=${path.join(workDir, "cache")}`,
    "-o", "APT::Sandbox::User=root",
  ];
  execFileSync("apt-get", [...apt, "update", "-qq"], { stdio: ["ignore", "ignore", "inherit"] });
  execFileSync("apt-get", [...apt, "download", "-qq", pkg], { cwd: workDir, stdio: ["ignore", "ignore", "inherit"] });
  const debs = readdirSync(workDir).filter((f) => deb.test(f)).sort();
  if (debs.length === 0) throw new Error(`apt-get download gave no ${pkg} .deb from ${suite}`);
  execFileSync("dpkg", ["-x", debs[debs.length - 1], "root"], { cwd: workDir });
  return path.join(workDir, "root");
}
