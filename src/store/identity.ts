// Which admin identity decrypts: `-i/--identity` flags, then NIXSEC_IDENTITY
// (a path, or several separated by ":"), then the identity recorded for this
// repository by `nixsec init` in the user's config directory (never in the repo).
import { existsSync, readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { NixsecError } from "../errors.js";
import { writeFileAtomic } from "../fs/atomic.js";

export interface IdentityLookup {
  flags: string[];
  /** The value of NIXSEC_IDENTITY, if set. */
  envValue?: string;
  /** $XDG_CONFIG_HOME or ~/.config; undefined when HOME is unknown. */
  configHome?: string;
  repoRoot: string;
}

export interface IdentityPath {
  path: string;
  /** How it was chosen, for messages: "-i", "NIXSEC_IDENTITY", "recorded by nixsec init". */
  source: string;
}

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
  throw new NixsecError("no admin identity to decrypt with", {
    hint: [
      "pass -i/--identity with your admin key file (or ~/.ssh/id_ed25519 if that is your admin key)",
      "or set NIXSEC_IDENTITY to its path; `nixsec init` records one for this repository",
    ],
  });
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
