// A cache of validated manifests, so a command on a large fleet does not parse
// and validate the same nixsec.yaml on every run. Reading YAML is the slowest
// part of starting a command: a 1000-secret manifest (177 KiB) takes ~70 ms of
// js-yaml and ~40 ms of schema checks in a cold process, JSON.parse of the
// validated result ~2 ms (bench/README.md, "Rekey", no-op).
//
// Entries live under $NIXSEC_CACHE_DIR, else $XDG_CACHE_HOME/nixsec/manifests,
// else ~/.cache/nixsec/manifests, named by the SHA-256 of the build id and the
// manifest's bytes: an entry is used only by the build that wrote it (the
// build id covers the sources and the locked dependencies: scripts/build.mjs)
// for exactly those bytes, wherever the file is (`audit --staged` reads the
// manifest from a temporary checkout of the index). The newest MAX_ENTRIES are
// kept. Only manifests that validated are stored, and a manifest holds public
// data only (names, public keys, wiring), no values.
// Any problem reading or writing the cache is ignored: it is never needed.
// NIXSEC_NO_CACHE=1 turns it off. Running from TypeScript sources (tests of
// the library) there is no build id and no cache.
//
// The cache is trusted only as far as its files are the user's own (issue 12:
// an entry planted in a writable cache directory passed a secret named
// `../../../x` to `rotate`): the directory must be a real directory, not a
// link, owned by this user and writable by nobody else, and so must each
// entry file (opened without following links). Names, key strings and
// directories in an entry are checked as strictly as the schema checks them
// in the file (cachedDataProblem); an entry that fails is ignored and the
// manifest is read from its text.
import { createHash, randomBytes } from "node:crypto";
import fs, { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from "node:fs";
import os from "node:os";
import path from "node:path";
import { principalNameProblem, relativeDirProblem, secretNameProblem } from "./names.js";
import type { ManifestData } from "./schema.js";

declare const __NIXSEC_BUILD_ID__: string | undefined;

const BUILD_ID: string | null = typeof __NIXSEC_BUILD_ID__ === "string" ? __NIXSEC_BUILD_ID__ : null;

/** Entries kept: a few repositories and their recent versions. */
export const MAX_ENTRIES = 16;

interface Entry {
  build: string;
  sha256: string;
  data: ManifestData;
}

function cacheDir(env: NodeJS.ProcessEnv): string | null {
  if (env.NIXSEC_NO_CACHE === "1") return null;
  if (env.NIXSEC_CACHE_DIR) return path.resolve(env.NIXSEC_CACHE_DIR);
  const base = env.XDG_CACHE_HOME ? env.XDG_CACHE_HOME : env.HOME ? path.join(env.HOME, ".cache") : os.homedir() ? path.join(os.homedir(), ".cache") : null;
  return base ? path.join(base, "nixsec", "manifests") : null;
}

function digest(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function entryFile(dir: string, sha256: string): string {
  return path.join(dir, digest(`${BUILD_ID}\0${sha256}`).slice(0, 40) + ".json");
}

/** Removes all but the newest MAX_ENTRIES entries (and temp files a crash left). */
function prune(dir: string): void {
  const entries = readdirSync(dir)
    .filter((f) => f.endsWith(".json") || f.endsWith(".tmp"))
    .map((f) => ({ f, t: statSync(path.join(dir, f)).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  for (const e of entries.slice(MAX_ENTRIES)) rmSync(path.join(dir, e.f), { force: true });
}

/** Whether `st` is this user's own, writable by no one else (always true where there are no uids). */
function ownPrivate(st: Stats): boolean {
  const uid = process.getuid?.();
  return (uid === undefined || st.uid === uid) && (st.mode & 0o022) === 0;
}

/** The cache directory, if it is a trustworthy one (see the file comment). */
function trustedDir(dir: string): boolean {
  try {
    const st = fs.lstatSync(dir);
    return st.isDirectory() && ownPrivate(st);
  } catch {
    return false;
  }
}

/** An entry file's text, if it is a regular file of this user's, writable by no one else. */
function readTrusted(file: string): string | null {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0));
  } catch {
    return null;
  }
  try {
    const st = fs.fstatSync(fd);
    return st.isFile() && ownPrivate(st) ? fs.readFileSync(fd, "utf8") : null;
  } finally {
    fs.closeSync(fd);
  }
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * What in cached data the schema would refuse in a file and the store relies
 * on: names (they become paths), the directories, the readers of each secret.
 * The rest was validated by this build before it was stored.
 */
export function cachedDataProblem(data: unknown): string | undefined {
  if (!isMap(data) || !isMap(data.settings) || !isMap(data.admins) || !isMap(data.hosts) || !isMap(data.secrets)) return "not a manifest";
  for (const field of ["secretsDir", "generatedDir"] as const) {
    const dir = data.settings[field];
    if (typeof dir !== "string" || relativeDirProblem(dir)) return `settings.${field}`;
  }
  for (const [group, kind] of [["admins", "admin"], ["hosts", "host"]] as const) {
    for (const [name, entry] of Object.entries(data[group] as Record<string, unknown>)) {
      if (principalNameProblem(kind, name) || !isMap(entry) || typeof entry.key !== "string") return `${group}.${name}`;
    }
  }
  if (Object.keys(data.admins).length === 0) return "no admin";
  // A secret's hosts are looked up in `hosts` where they are used (readersOf: an unknown one is an error).
  for (const [name, secret] of Object.entries(data.secrets)) {
    if (secretNameProblem(name) || !isMap(secret) || !Array.isArray(secret.hosts)) return `secrets.${name}`;
  }
  // Template names follow the secret-name rules (they become /run paths); their files are checked where read.
  if (data.templates !== undefined) {
    if (!isMap(data.templates)) return "templates";
    for (const [name, t] of Object.entries(data.templates)) if (secretNameProblem(name) || !isMap(t)) return `templates.${name}`;
  }
  return undefined;
}

/** The validated data cached for exactly this manifest text, or null. */
export function cachedManifestData(text: string, env: NodeJS.ProcessEnv = process.env): ManifestData | null {
  const dir = BUILD_ID ? cacheDir(env) : null;
  if (!dir || !trustedDir(dir)) return null;
  try {
    const sha256 = digest(text);
    const raw = readTrusted(entryFile(dir, sha256));
    if (raw === null) return null;
    const entry = JSON.parse(raw) as Entry;
    if (entry.build !== BUILD_ID || entry.sha256 !== sha256 || cachedDataProblem(entry.data) !== undefined) return null;
    return entry.data;
  } catch {
    return null;
  }
}

/** Records `data` as the validated form of `text`; best effort, atomic (a reader sees the old entry or the new). */
export function storeManifestData(text: string, data: ManifestData, env: NodeJS.ProcessEnv = process.env): void {
  const dir = BUILD_ID ? cacheDir(env) : null;
  if (!dir) return;
  const sha256 = digest(text);
  const file = entryFile(dir, sha256);
  const temp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!trustedDir(dir)) return;
    writeFileSync(temp, JSON.stringify({ build: BUILD_ID!, sha256, data } satisfies Entry), { mode: 0o600, flag: "wx" });
    renameSync(temp, file);
    prune(dir);
  } catch {
    try {
      rmSync(temp, { force: true });
    } catch { /* nothing more to do */ }
  }
}
