// Which admin identity decrypts: `-i/--identity` flags, then NIXSEC_IDENTITY
// (a path, or several separated by ":"), then the identity recorded for this
// repository by `nixsec init` in the user's config directory (never in the
// repo), then any local key whose public half is an admin's: the files in
// ~/.config/nixsec/keys, sops' key file (~/.config/sops/age/keys.txt, where a
// sops-nix admin keeps theirs) and the usual SSH keys. The last step is what
// makes a second clone of the repository (or a teammate's first) work without -i.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { identityFileRecipients } from "../crypto/index.js";
import { NixsecError } from "../errors.js";
import { parseRecipient } from "../manifest/keys.js";
import { writeFileAtomic } from "../fs/atomic.js";

export interface IdentityLookup {
  flags: string[];
  /** The value of NIXSEC_IDENTITY, if set. */
  envValue?: string;
  /** $XDG_CONFIG_HOME or ~/.config; undefined when HOME is unknown. */
  configHome?: string;
  /** The user's home directory, for ~/.ssh; undefined when unknown. */
  home?: string;
  repoRoot: string;
  /** The manifest's admins and their public keys: a local key matching one is used without being named. */
  adminKeys?: Record<string, string>;
}

export interface IdentityPath {
  path: string;
  /** How it was chosen, for messages: "-i", "NIXSEC_IDENTITY", "recorded by nixsec init", "admin alice's key in …". */
  source: string;
}

/** The SSH keys looked at, as age and ssh look at them. */
const SSH_KEYS = ["id_ed25519", "id_rsa"];
/** Larger files in the keys directory are not keys. */
const MAX_KEY_FILE = 64 * 1024;

function recordFile(configHome: string): string {
  return path.join(configHome, "nixsec", "repos.json");
}

function readRecords(configHome: string | undefined): Record<string, string> {
  if (!configHome) return {};
  try {
    const parsed = JSON.parse(readFileSync(recordFile(configHome), "utf8"));
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}

export function resolveIdentityPaths(l: IdentityLookup): IdentityPath[] {
  if (l.flags.length > 0) return l.flags.map((p) => ({ path: p, source: "-i/--identity" }));
  if (l.envValue) return l.envValue.split(":").filter(Boolean).map((p) => ({ path: p, source: "NIXSEC_IDENTITY" }));
  const recorded = readRecords(l.configHome)[path.resolve(l.repoRoot)];
  if (recorded && existsSync(recorded)) return [{ path: recorded, source: "recorded by nixsec init" }];
  const search = findAdminKeys(l);
  if (search.found.length > 0) return search.found;
  const tilde = (p: string) => (l.home && p.startsWith(l.home + path.sep) ? "~" + p.slice(l.home.length) : p);
  throw new NixsecError("no admin identity to decrypt with", {
    hint: [
      "pass -i/--identity with your admin key file (a hardware key: its plugin identity file), or set NIXSEC_IDENTITY to its path",
      ...(recorded ? [`the key recorded for this repository, ${tilde(recorded)}, is gone`] : []),
      search.looked.length > 0
        ? `no key matching an admin of this repository in: ${search.looked.map(tilde).join(", ")}`
        : "no key directory to look in (HOME is not set)",
    ],
  });
}

/** Canonical public keys (age strings in lower case, SSH keys as "type blob"). */
function canonical(key: string): string | null {
  const r = parseRecipient(key);
  return "problem" in r ? null : r.canonical;
}

/**
 * Local identity files whose public key is an admin's, and the places
 * looked at (for the hint when none matches). Reads public halves only:
 * nothing here asks for a passphrase or starts a plugin.
 */
export function findAdminKeys(l: IdentityLookup): { found: IdentityPath[]; looked: string[] } {
  const admins = new Map<string, string>();
  for (const [name, key] of Object.entries(l.adminKeys ?? {})) {
    const c = canonical(key);
    if (c) admins.set(c, name);
  }
  const candidates: string[] = [];
  const looked: string[] = [];
  if (l.configHome) {
    const dir = defaultKeyDir(l.configHome);
    looked.push(dir + path.sep);
    try {
      for (const f of readdirSync(dir).sort()) if (!f.endsWith(".pub")) candidates.push(path.join(dir, f));
    } catch {
      // no keys directory yet
    }
  }
  if (l.configHome) looked.push(path.join(l.configHome, "sops", "age", "keys.txt"));
  if (l.home) for (const k of SSH_KEYS) looked.push(path.join(l.home, ".ssh", k));
  candidates.push(...looked.filter((p) => !p.endsWith(path.sep)));
  const found: IdentityPath[] = [];
  for (const file of candidates) {
    let data: Buffer;
    try {
      const st = statSync(file);
      if (!st.isFile() || st.size > MAX_KEY_FILE) continue;
      data = readFileSync(file);
    } catch {
      continue; // absent or unreadable: not ours to use
    }
    const name = identityFileRecipients(data, file)
      .map((k) => admins.get(canonical(k) ?? ""))
      .find((n) => n !== undefined);
    if (name !== undefined) found.push({ path: file, source: `admin ${name}'s key, found in ${path.dirname(file)}` });
  }
  return { found, looked };
}

/** Records the admin identity for a repository (0600 file in the user's config directory). */
export async function recordIdentity(configHome: string, repoRoot: string, identityPath: string): Promise<void> {
  const records = readRecords(configHome);
  records[path.resolve(repoRoot)] = path.resolve(identityPath);
  await mkdir(path.dirname(recordFile(configHome)), { recursive: true, mode: 0o700 });
  await writeFileAtomic(recordFile(configHome), JSON.stringify(records, null, 2) + "\n", 0o600);
}

export function defaultKeyDir(configHome: string): string {
  return path.join(configHome, "nixsec", "keys");
}
