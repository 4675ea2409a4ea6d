// The secrets store on disk: the manifest plus, per secret, a file per
// backend among its readers (`<secretsDir>/<name>.age` for agenix hosts,
// `<name>.sops.bin` for sops-nix hosts), each encrypted to the admins and
// the secret's hosts of that backend. Reading and writing values is in
// values.ts; the formats in format-*.ts.
import { lstatSync } from "node:fs";
import path from "node:path";
import { NixsecError } from "../errors.js";
import { findManifest, loadManifest, MANIFEST_FILE, type Manifest } from "../manifest/read.js";
import { RepoTree } from "../fs/tree.js";
import type { Backend, SecretFormat } from "./format.js";
import { ageFormat } from "./format-age.js";
import { sopsFormat } from "./format-sops.js";

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

/** The backend that decrypts on `host`: its own `backend`, else the repository's (settings.backend). */
export function hostBackend(store: Store, host: string): Backend {
  return store.manifest.data.hosts[host]?.backend ?? store.manifest.data.settings.backend;
}

/** Every format the store knows, age first (the order files are listed and tried in). */
export const FORMATS: readonly SecretFormat[] = [ageFormat, sopsFormat];

export function formatOf(backend: Backend): SecretFormat {
  return backend === "sops-nix" ? sopsFormat : ageFormat;
}

const ONE_FORMAT: Readonly<Record<Backend, readonly SecretFormat[]>> = { agenix: [ageFormat], "sops-nix": [sopsFormat] };
const uniform = new WeakMap<object, Backend | null>();

/**
 * The backend of every host when they all have the same (the usual case),
 * else null; worked out once per manifest, so a large store's planning does
 * not ask each secret's hosts again.
 */
function uniformBackend(store: Store): Backend | null {
  const data = store.manifest.data;
  let u = uniform.get(data);
  if (u === undefined) {
    u = Object.values(data.hosts).some((h) => h.backend !== undefined && h.backend !== data.settings.backend) ? null : data.settings.backend;
    uniform.set(data, u);
  }
  return u;
}

/**
 * The formats secret `name` is stored in: one per backend among its hosts,
 * so each host reads the form its backend decrypts (a secret read by agenix
 * and sops-nix hosts is stored twice, one value, kept together by add,
 * rotate and rekey). A secret only admins read is stored in the
 * repository's backend. Age first.
 */
export function formatsOf(store: Store, name: string): readonly SecretFormat[] {
  const secret = store.manifest.data.secrets[name];
  if (!secret) throw unknownSecret(store, name);
  const all = uniformBackend(store);
  if (all) return ONE_FORMAT[all];
  const backends = new Set(secret.hosts.map((h) => hostBackend(store, h)));
  if (backends.size === 0) backends.add(store.manifest.data.settings.backend);
  return FORMATS.filter((f) => backends.has(f.backend));
}

/** Where secret `name` is stored in `format`: `<secretsDir>/<name><extension>`. */
export function formFile(store: Store, name: string, format: SecretFormat): string {
  return path.join(store.secretsDir, `${name}${format.extension}`);
}

/** The store's formats in use: those of every secret. */
export function formatsInUse(store: Store): SecretFormat[] {
  const used = new Set<SecretFormat>();
  for (const name of Object.keys(store.manifest.data.secrets)) for (const f of formatsOf(store, name)) used.add(f);
  return FORMATS.filter((f) => used.has(f));
}

/** A reader of a secret, named as in the manifest. */
export interface Reader {
  kind: "admin" | "host";
  name: string;
  key: string;
}

/** Who reads `name`'s file in `format`: every admin, then the secret's hosts of that format's backend, each sorted by name. */
export function readersOf(store: Store, name: string, format: SecretFormat): Reader[] {
  const data = store.manifest.data;
  const secret = data.secrets[name];
  if (!secret) throw unknownSecret(store, name);
  const readers = Object.keys(data.admins).sort().map((n): Reader => ({ kind: "admin", name: n, key: data.admins[n]!.key }));
  // With one backend for every host, all of them read this format or none do.
  const all = uniformBackend(store);
  if (all !== null && all !== format.backend) return readers;
  for (const n of [...secret.hosts].sort()) {
    const host = data.hosts[n];
    if (!host) throw new NixsecError(`${store.manifest.path}: secrets.${name}.hosts: unknown host ${JSON.stringify(n)}`, { hint: "add it with `nixsec host add`" });
    if (all !== null || hostBackend(store, n) === format.backend) readers.push({ kind: "host", name: n, key: host.key });
  }
  return readers;
}

/** The recipient strings of `name`'s file in `format`; a key the format cannot carry is an error naming its field. */
export function recipientsOf(store: Store, name: string, format: SecretFormat): string[] {
  return readersOf(store, name, format).map((r) => {
    try {
      return format.recipient(r.key);
    } catch (err) {
      if (!(err instanceof NixsecError)) throw err;
      const where = r.kind === "admin" ? `admins.${r.name}.key` : `hosts.${r.name}.key`;
      throw new NixsecError(`${store.manifest.path}: ${where}: ${err.message}`, { hint: err.hints });
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
