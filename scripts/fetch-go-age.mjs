#!/usr/bin/env node
// Fetches Go age 1.3 (Debian's `age` package from unstable: static Go
// binaries, with Go age's own test plugins age-plugin-batchpass and
// age-plugin-tagtest) into .work/go-age/root/usr/bin, for the plugin interop
// tests and benchmark. Nothing is installed: the .deb is fetched with a
// private apt configuration (its own sources, lists and cache; the system's
// apt state is untouched) and unpacked with `dpkg -x`. The archive is the
// one the system's own apt sources name, so no host is written here.
//
//   node scripts/fetch-go-age.mjs     prints the bin directory, or fails with the reason
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const work = path.join(root, ".work/go-age");
export const goAgeBin = path.join(work, "root/usr/bin");
const NEEDED = ["age", "age-plugin-batchpass", "age-plugin-tagtest"];
const DEBIAN_SUITE = /^(bullseye|bookworm|trixie|forky|duke|stable|testing|oldstable)$/;

/** The Debian archive the system's apt sources use: { uri, keyring } or null. */
function systemDebianArchive() {
  const entries = [];
  const deb822 = (text) => {
    for (const para of text.split(/\n\s*\n/)) {
      const f = {};
      for (const l of para.split("\n")) {
        const m = /^([A-Za-z-]+):\s*(.*)$/.exec(l);
        if (m) f[m[1].toLowerCase()] = m[2].trim();
      }
      if (f.enabled === "no" || !(f.types ?? "").split(/\s+/).includes("deb")) continue;
      for (const uri of (f.uris ?? "").split(/\s+/).filter(Boolean)) entries.push({ uri, suites: (f.suites ?? "").split(/\s+/), keyring: f["signed-by"] });
    }
  };
  const oneLine = (text) => {
    for (const l of text.split("\n")) {
      const m = /^deb\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)/.exec(l.trim());
      if (m) entries.push({ uri: m[2], suites: [m[3]], keyring: /signed-by=(\S+)/.exec(m[1] ?? "")?.[1] });
    }
  };
  const etc = "/etc/apt";
  if (existsSync(`${etc}/sources.list`)) oneLine(readFileSync(`${etc}/sources.list`, "utf8"));
  const dir = `${etc}/sources.list.d`;
  for (const f of existsSync(dir) ? readdirSync(dir).sort() : []) {
    if (f.endsWith(".sources")) deb822(readFileSync(path.join(dir, f), "utf8"));
    else if (f.endsWith(".list")) oneLine(readFileSync(path.join(dir, f), "utf8"));
  }
  const main = entries.find((e) => e.suites.some((s) => DEBIAN_SUITE.test(s)));
  if (!main) return null;
  const keyring = main.keyring && existsSync(main.keyring) ? main.keyring : "/usr/share/keyrings/debian-archive-keyring.gpg";
  return { uri: main.uri, keyring };
}

const has = (cmd) => spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;

export function fetchGoAge() {
  if (NEEDED.every((b) => existsSync(path.join(goAgeBin, b)))) return goAgeBin;
  if (!has("apt-get") || !has("dpkg")) throw new Error("no apt-get/dpkg to fetch Debian's age 1.3 package");
  const archive = systemDebianArchive();
  if (!archive) throw new Error("the system's apt sources name no Debian archive to fetch age 1.3 from");
  for (const d of ["lists/partial", "cache/archives/partial", "sources"]) mkdirSync(path.join(work, d), { recursive: true });
  writeFileSync(path.join(work, "sources/unstable.sources"), `Types: deb\nURIs: ${archive.uri}\nSuites: unstable\nComponents: main\nSigned-By: ${archive.keyring}\n`);
  const apt = [
    "-o", "Dir::Etc::SourceList=/dev/null",
    "-o", `Dir::Etc::SourceParts=${path.join(work, "sources")}`,
    "-o", `Dir::State::Lists=${path.join(work, "lists")}`,
    "-o", `Dir::Cache=${path.join(work, "cache")}`,
    "-o", "APT::Sandbox::User=root",
  ];
  execFileSync("apt-get", [...apt, "update", "-qq"], { stdio: ["ignore", "ignore", "inherit"] });
  execFileSync("apt-get", [...apt, "download", "-qq", "age"], { cwd: work, stdio: ["ignore", "ignore", "inherit"] });
  const debs = readdirSync(work).filter((f) => /^age_1\.3\.[0-9.]+-[^_]+_[a-z0-9]+\.deb$/.test(f)).sort();
  if (debs.length === 0) throw new Error("apt-get download gave no age 1.3 .deb (is unstable still on 1.3?)");
  execFileSync("dpkg", ["-x", debs[debs.length - 1], "root"], { cwd: work });
  const missing = NEEDED.filter((b) => !existsSync(path.join(goAgeBin, b)));
  if (missing.length) throw new Error(`the package lacks ${missing.join(", ")}`);
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
