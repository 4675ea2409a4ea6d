// What store commands share: finding the store (--dir or walking up) and
// loading the admin identity (one passphrase prompt per run).
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { NixsecError } from "../errors.js";
import { setPluginContext, type LoadedIdentity } from "../crypto/index.js";
import { openStore, type Store } from "../store/store.js";
import { resolveIdentityPaths } from "../store/identity.js";
import type { Io } from "./io.js";
import { loadIdentities } from "./commands/age.js";
import { cliPluginContext } from "./prompt.js";

export interface StoreOptions {
  dir?: string;
  identity?: string[];
}

export function configHome(io: Io): string | undefined {
  if (io.env.XDG_CONFIG_HOME) return io.env.XDG_CONFIG_HOME;
  const home = io.env.HOME ?? os.homedir();
  return home ? path.join(home, ".config") : undefined;
}

export function openCliStore(io: Io, opts: StoreOptions): Promise<Store> {
  // Plugin recipients in the manifest (hardware-key admins) run with this terminal.
  setPluginContext(cliPluginContext(io));
  return opts.dir ? openStore(path.resolve(io.cwd, opts.dir), true) : openStore(io.cwd);
}

export function homeDir(io: Io): string | undefined {
  return io.env.HOME || os.homedir() || undefined;
}

export async function adminIdentities(io: Io, store: Store, opts: StoreOptions): Promise<LoadedIdentity[]> {
  const adminKeys = Object.fromEntries(Object.entries(store.manifest.data.admins).map(([name, a]) => [name, a.key]));
  const paths = resolveIdentityPaths({ flags: opts.identity ?? [], envValue: io.env.NIXSEC_IDENTITY, configHome: configHome(io), home: homeDir(io), repoRoot: store.root, adminKeys });
  const ids = await loadIdentities(io, paths.map((p) => ({ path: p.path, from: p.source })));
  for (const id of ids) id.source = `${id.source} (${paths.find((p) => p.path === id.source)?.source ?? "-i"})`;
  return ids;
}

/** Reads a public key given as --key or --key-file (a .pub file). */
export function keyFromFlags(opts: { key?: string; keyFile?: string }, what: string): string | undefined {
  if (opts.key && opts.keyFile) throw new NixsecError("pass either --key or --key-file, not both", { hint: `--key "ssh-ed25519 AAAA…" or --key-file ${what}.pub` });
  if (opts.keyFile) {
    try {
      const lines = readFileSync(opts.keyFile, "utf8").split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
      if (lines.length !== 1) throw new NixsecError(`${opts.keyFile} (--key-file): expected exactly one public key line, found ${lines.length}`, { hint: "give a single .pub file" });
      return lines[0];
    } catch (err) {
      if (err instanceof NixsecError) throw err;
      throw new NixsecError(`cannot read ${opts.keyFile} (--key-file)`, { hint: "check the path" });
    }
  }
  return opts.key;
}
