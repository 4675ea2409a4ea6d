// The secrets store on disk: the manifest plus `<secretsDir>/<name>.age`
// files, each encrypted to the admins and the secret's hosts.
import { lstatSync } from "node:fs";
import path from "node:path";
import { NixsecError } from "../errors.js";
import { AgeError, decryptBytes, encryptBytes, localIdentities, parseRecipient, preloadFileKeys, type LoadedIdentity, type ParsedRecipient } from "../crypto/index.js";
import { findManifest, loadManifest, MANIFEST_FILE, type Manifest } from "../manifest/read.js";
import { RepoTree } from "../fs/tree.js";

export interface Store {
  manifest: Manifest;
  /** The directory holding nixsec.yaml. */
  root: string;
  secretsDir: string;
  /** Every file of the store is read and written through this: no links, nothing outside the root. */
  tree: RepoTree;
}

function present(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

/** Finds and loads the store from `dir` upwards (as flakes are found), or at exactly `dir` with `explicit`. */
export async function openStore(dir: string, explicit = false): Promise<Store> {
  const file = explicit ? path.join(dir, MANIFEST_FILE) : await findManifest(dir);
  if (!file || !present(file)) {
    throw new NixsecError(`no ${MANIFEST_FILE} found ${explicit ? `in ${dir}` : `in ${dir} or above it (up to the repository root)`}`, {
      hint: "run `nixsec init` at the root of your flake, or pass --dir",
    });
  }
  return storeOf(await loadManifest(file));
}

export function storeOf(manifest: Manifest): Store {
  const root = path.dirname(path.resolve(manifest.path));
  return { manifest, root, secretsDir: path.join(root, manifest.data.settings.secretsDir), tree: new RepoTree(root) };
}

export function secretFile(store: Store, name: string): string {
  return path.join(store.secretsDir, `${name}.age`);
}

/** A reader of a secret, named as in the manifest. */
export interface Reader {
  kind: "admin" | "host";
  name: string;
  key: string;
}

/** Who may read `name`: every admin, then the secret's hosts, each sorted by name. */
export function readersOf(store: Store, name: string): Reader[] {
  const data = store.manifest.data;
  const secret = data.secrets[name];
  if (!secret) throw unknownSecret(store, name);
  const admins = Object.keys(data.admins).sort().map((n): Reader => ({ kind: "admin", name: n, key: data.admins[n]!.key }));
  const hosts = [...secret.hosts].sort().map((n): Reader => {
    const host = data.hosts[n];
    if (!host) throw new NixsecError(`${store.manifest.path}: secrets.${name}.hosts: unknown host ${JSON.stringify(n)}`, { hint: "add it with `nixsec host add`" });
    return { kind: "host", name: n, key: host.key };
  });
  return [...admins, ...hosts];
}

export function recipientsOf(store: Store, name: string): ParsedRecipient[] {
  return readersOf(store, name).map((r) => {
    try {
      return parseRecipient(r.key);
    } catch (err) {
      const where = r.kind === "admin" ? `admins.${r.name}.key` : `hosts.${r.name}.key`;
      throw new NixsecError(`${store.manifest.path}: ${where}: ${(err as Error).message}`, { hint: `fix the key with \`nixsec ${r.kind} set-key ${r.name}\`` });
    }
  });
}

export function unknownSecret(store: Store, name: string): NixsecError {
  const names = Object.keys(store.manifest.data.secrets);
  const near = names.filter((n) => n.toLowerCase().includes(name.toLowerCase().split("/").pop() ?? name)).slice(0, 3);
  return new NixsecError(`no secret named ${JSON.stringify(name)} in ${store.manifest.path}`, {
    hint: near.length ? `did you mean ${near.map((n) => JSON.stringify(n)).join(" or ")}? (\`nixsec list\` shows all)` : "`nixsec list` shows the secrets",
  });
}

/**
 * Encrypts `value` to the secret's readers and replaces its file atomically.
 * The new ciphertext is checked to decrypt with `verifyWith` (the admin
 * identity) before it replaces the old file, when given.
 */
export async function writeSecretValue(store: Store, name: string, value: Uint8Array, verifyWith?: LoadedIdentity[]): Promise<string> {
  const file = secretFile(store, name);
  const ciphertext = await encryptBytes(value, recipientsOf(store, name));
  // Plugins are left out: checking a file is no reason to ask a hardware key for a touch.
  const local = localIdentities(verifyWith ?? []);
  if (local.length) {
    let back: Uint8Array | null = null;
    try {
      back = await decryptBytes(ciphertext, local);
    } catch (err) {
      // The identity may no longer be a reader (an admin re-keyed or removed).
      if (!(err instanceof AgeError && err.kind === "no-match")) throw err;
    }
    if (back && Buffer.compare(Buffer.from(back), Buffer.from(value)) !== 0) {
      throw new NixsecError(`${name}: the new ciphertext does not decrypt to the value; nothing was written`, { exitCode: 3 });
    }
  }
  await store.tree.writeFile(file, ciphertext, 0o644);
  return file;
}

/**
 * Prepares reading many secrets (readSecretValue each, afterwards): the
 * files a plugin identity must open go to it in one session, so a hardware
 * key asks once for all of them. Missing or unreadable files are left for
 * readSecretValue to report.
 */
export async function preloadSecrets(store: Store, names: string[], identities: LoadedIdentity[]): Promise<void> {
  const files: Uint8Array[] = [];
  for (const name of names) {
    try {
      const bytes = store.tree.readFile(secretFile(store, name));
      if (bytes) files.push(bytes);
    } catch {
      // a link or an odd file there: reported by readSecretValue
    }
  }
  await preloadFileKeys(files, identities);
}

/** The ciphertext of secret `name`, read without following links (fs/tree.ts). */
export function readSecretFile(store: Store, name: string): Uint8Array {
  if (!store.manifest.data.secrets[name]) throw unknownSecret(store, name);
  const file = secretFile(store, name);
  const data = store.tree.readFile(file);
  if (!data) throw new NixsecError(`cannot read ${file}: the file is missing`, { hint: `set a value with \`nixsec add ${name} --force\`` });
  return data;
}

export async function readSecretValue(store: Store, name: string, identities: LoadedIdentity[]): Promise<Uint8Array> {
  return decryptSecretFile(store, name, readSecretFile(store, name), identities);
}

/** Decrypts `data`, the file of secret `name`, with a message naming the file when no identity fits. */
export async function decryptSecretFile(store: Store, name: string, data: Uint8Array, identities: LoadedIdentity[]): Promise<Uint8Array> {
  const file = secretFile(store, name);
  try {
    return await decryptBytes(data, identities);
  } catch (err) {
    if (err instanceof AgeError && err.kind === "no-match") {
      throw new NixsecError(`${file}: none of your identities can decrypt it`, {
        hint: [
          `identities tried: ${identities.map((i) => i.source).join(", ") || "none"}`,
          "pass -i/--identity with an admin key, or set NIXSEC_IDENTITY to its path",
        ],
      });
    }
    // A damaged or truncated file names itself; a plugin's failure names the plugin.
    if (err instanceof AgeError && err.kind !== "plugin") {
      throw new NixsecError(`${file}: ${err.message}`, { hint: err.hints.length ? err.hints : `the file is damaged: restore it from git, or set a new value with \`nixsec add ${name} --force\`` });
    }
    throw err;
  }
}
