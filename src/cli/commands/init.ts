// `nixsec init`: a manifest and a secrets directory in this repository, and
// an admin identity: a new age key (0600, outside the repository) or an
// existing one adopted (an age key file, ~/.ssh/id_ed25519, or a hardware
// key's plugin identity stub, whose `# Recipient:` comment is its public key).
//
// It never takes over what is there (issue 12: init in an agenix repository
// adopted its secrets/ without a word, and `gen` then replaced the
// hand-written secrets.nix): a secrets directory holding files init did not
// create is refused, and so is a directory below an existing nixsec.yaml.
import { readdirSync, readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { NixsecError } from "../../errors.js";
import { generateAgeKey, parseIdentityFile } from "../../crypto/index.js";
import { findManifest, MANIFEST_FILE, parseManifest } from "../../manifest/index.js";
import { RepoTree } from "../../fs/tree.js";
import { defaultKeyDir, recordIdentity } from "../../store/identity.js";
import { withRootLock } from "../write-lock.js";
import { configHome } from "../context.js";
import type { Io } from "../io.js";
import { printInfo } from "../output.js";
import { keyPassphrases } from "../prompt.js";
import { checkKeyFileMode, writeNewSecretFile } from "./age.js";

export interface InitOptions {
  dir?: string;
  admin?: string;
  adminKey?: string;
  keyOut?: string;
  secretsDir?: string;
  backend?: "agenix" | "sops-nix";
}

/** A new manifest with one admin (also what `nixsec import` starts a new repository from). */
export function manifestText(admin: string, key: string, secretsDir: string, backend = "agenix"): string {
  return `# nixsec manifest: who may read which secret. Edit by hand or with nixsec;
# comments and order are kept. JSON schema: schema/nixsec.schema.json in nixsec.
version: 1

settings:
  # Encrypted files live at <secretsDir>/<name>.age (agenix hosts) and
  # <secretsDir>/<name>.sops.bin (sops-nix hosts).
  secretsDir: ${secretsDir}
  # The NixOS module that decrypts on the hosts (agenix or sops-nix); a host
  # may name its own (hosts.NAME.backend).
  backend: ${backend}

# People who can decrypt, edit and rekey every secret.
admins:
  ${admin}:
    key: ${JSON.stringify(key)}

# Machines, named as in nixosConfigurations; key: /etc/ssh/ssh_host_ed25519_key.pub
hosts: {}

# Secrets, named like service/key. \`nixsec add NAME --host HOST\` adds one.
secrets: {}
`;
}

/** What init itself puts in a new secrets directory (and may find there from an interrupted init). */
const INIT_FILES = new Set([".gitattributes", ".gitkeep"]);

/** Refuses to set up where a store already is: here, above (up to the repository root), or a secrets dir in use. */
async function checkFreshRoot(root: string, tree: RepoTree, secretsDir: string): Promise<void> {
  const existing = await findManifest(root);
  if (existing === path.join(root, MANIFEST_FILE)) throw new NixsecError(`${existing} already exists`, { hint: "this repository is set up; `nixsec admin add` adds another admin" });
  if (existing) {
    throw new NixsecError(`${root} is inside the nixsec repository of ${existing}`, {
      hint: [`run nixsec from there (it finds ${MANIFEST_FILE} from any directory below it)`, "or pass --dir to init a separate repository outside it"],
    });
  }
  const dir = path.join(root, secretsDir);
  if (!tree.isDirectory(dir)) return;
  const foreign = readdirSync(dir).filter((f) => !INIT_FILES.has(f)).sort();
  if (foreign.length === 0) return;
  const shown = foreign.slice(0, 5).join(", ") + (foreign.length > 5 ? ` and ${foreign.length - 5} more` : "");
  throw new NixsecError(`${tree.rel(dir)}/ already holds files nixsec did not create (${shown}); init does not take over an existing store`, {
    hint: [
      foreign.includes("secrets.nix") ? `it looks like an agenix store: import it instead of init (\`nixsec import agenix ${tree.rel(dir)} --dry-run\` shows what it would do)` : `move them aside, or choose another directory: nixsec init --secrets-dir DIR`,
      "nixsec would otherwise regenerate files there and rekey what it does not know",
    ],
  });
}

export async function init(io: Io, opts: InitOptions): Promise<void> {
  const root = path.resolve(io.cwd, opts.dir ?? ".");
  await mkdir(root, { recursive: true });
  await withRootLock(io, root, "init", () => initLocked(io, root, opts));
}

async function initLocked(io: Io, root: string, opts: InitOptions): Promise<void> {
  const manifestPath = path.join(root, MANIFEST_FILE);
  const admin = opts.admin ?? io.env.USER ?? "admin";
  const secretsDir = opts.secretsDir ?? "secrets";
  const cfg = configHome(io);
  const tree = new RepoTree(root);
  await checkFreshRoot(root, tree, secretsDir);

  let identityPath: string;
  let publicKey: string;
  if (opts.adminKey) {
    ({ identityPath, publicKey } = await adoptAdminKey(io, opts.adminKey, root));
  } else {
    if (!cfg && !opts.keyOut) throw new NixsecError("cannot choose where to keep the new admin key (no HOME)", { hint: "pass --key-out FILE (outside the repository)" });
    identityPath = path.resolve(io.cwd, opts.keyOut ?? defaultAdminKeyPath(cfg!, root, admin));
    if (identityPath.startsWith(root + path.sep)) throw new NixsecError(`--key-out ${opts.keyOut} is inside the repository`, { hint: "keep private keys outside the repository" });
    const key = await generateAgeKey();
    await writeAdminKey(io, identityPath, key, root);
    publicKey = key.recipient;
  }

  const backend = opts.backend ?? "agenix";
  const text = manifestText(admin, publicKey, secretsDir, backend);
  parseManifest(text, manifestPath); // validate the admin name, key and secretsDir before writing
  tree.mkdir(path.join(root, secretsDir));
  const attrs = path.join(root, secretsDir, ".gitattributes");
  if (!tree.statFile(attrs)) await tree.writeFile(attrs, GITATTRIBUTES, 0o644);
  await tree.writeFile(manifestPath, text, 0o644);
  if (cfg) await recordIdentity(cfg, root, identityPath);
  printInfo(io, `wrote ${path.relative(io.cwd, manifestPath) || MANIFEST_FILE} with admin ${admin} (${publicKey.slice(0, 24)}…)`);
  printInfo(io, "next: nixsec host add HOST --key-file HOST.pub, then nixsec add SERVICE/KEY --host HOST");
  if (backend === "sops-nix") printInfo(io, "on the hosts, import sops-nix's module (sops-nix.nixosModules.sops) beside nixsec's");
}

/**
 * age files are binary (no text diffs or merges); sops files are JSON whose
 * diff shows which recipients or values changed, but a merge of two versions
 * never makes a valid file (one MAC over all values), so neither is merged.
 */
const GITATTRIBUTES = `# age files are binary: no text diffs or merges
*.age binary
# sops files (sops-nix hosts): diffs show the recipients and values that changed; never merged
*.sops.bin diff -merge
# the lock has one line per file; a union merge keeps both sides (nixsec resolves duplicates)
nixsec.lock merge=union
`;

/** Where a new admin key goes by default: ~/.config/nixsec/keys/REPO-ADMIN.key. */
export function defaultAdminKeyPath(configHome: string, root: string, admin: string): string {
  return path.join(defaultKeyDir(configHome), `${path.basename(root)}-${admin}.key`);
}

/** Writes a new admin key file (0600, never over an existing file) and says so. */
export async function writeAdminKey(io: Io, identityPath: string, key: { identity: string; recipient: string }, root: string): Promise<void> {
  await mkdir(path.dirname(identityPath), { recursive: true, mode: 0o700 });
  writeNewSecretFile(identityPath, `# nixsec admin key for ${root}\n# public key: ${key.recipient}\n${key.identity}\n`);
  printInfo(io, `created admin key ${identityPath} (mode 0600); back it up: without it (or another admin) the secrets are lost`);
}

/**
 * An existing identity adopted as the admin's (--admin-key): an age key
 * file, an OpenSSH key or a plugin's identity stub, kept outside the
 * repository; its public key is the admin's key.
 */
export async function adoptAdminKey(io: Io, file: string, root: string): Promise<{ identityPath: string; publicKey: string }> {
  const identityPath = path.resolve(io.cwd, file);
  let data: Buffer;
  try {
    data = readFileSync(identityPath);
  } catch {
    throw new NixsecError(`cannot read ${file} (--admin-key)`, { hint: "give an age key file or an SSH private key such as ~/.ssh/id_ed25519" });
  }
  const ids = await parseIdentityFile(data, file, { passphrase: keyPassphrases(io) });
  const first = ids[0];
  if (first && first.kind !== "plugin") checkKeyFileMode(io, identityPath);
  if (!first?.recipient) {
    throw new NixsecError(`${file} (--admin-key): cannot tell its public key`, {
      hint: first?.kind === "plugin"
        ? "add the plugin's recipient above the identity line as a comment, `# Recipient: age1…` (age-plugin-yubikey writes it there; `age-plugin-yubikey --list` prints it)"
        : "use an age key file, an OpenSSH ed25519/rsa key, or a plugin's identity file",
    });
  }
  if (identityPath.startsWith(root + path.sep)) {
    throw new NixsecError(`${file} (--admin-key) is inside the repository`, { hint: "keep private keys out of the repository (e.g. in ~/.config/nixsec/keys)" });
  }
  return { identityPath, publicKey: first.recipient };
}
