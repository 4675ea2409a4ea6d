// `nixsec admin …` and `nixsec host …`: who can read the store. A change of
// readers runs the rekey it implies (see rekey.ts): exactly the files whose
// readers changed are re-encrypted, unless --no-rekey.
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { NixsecError } from "../../errors.js";
import { generateAgeKey, parseIdentityFile, parseRecipient, type LoadedIdentity } from "../../crypto/index.js";
import { addAdmin, addHost, removeAdmin, removeHost, setAdminKey, setHostBackend, setHostKey, type Manifest } from "../../manifest/index.js";
import { defaultKeyDir, recordIdentity, resolveIdentityPaths } from "../../store/identity.js";
import { keyIdOf } from "../../store/lock.js";
import { hostBackend, type Store } from "../../store/store.js";
import { adminIdentities, configHome, keyFromFlags, openCliStore, type StoreOptions } from "../context.js";
import type { Io } from "../io.js";
import { printInfo, printWarning } from "../output.js";
import { writeNewSecretFile } from "./age.js";
import { applyReaderChange, printRotateAdvice } from "./rekey.js";
import { requireAdmin } from "./flags.js";

type Kind = "admin" | "host";

interface KeyOptions extends StoreOptions {
  backend?: "agenix" | "sops-nix";
  key?: string;
  keyFile?: string;
  json?: boolean;
  rekey?: boolean;
}

function validateKey(key: string, flag: string): void {
  try {
    parseRecipient(key);
  } catch (err) {
    throw new NixsecError(`${flag}: ${(err as Error).message}`, { hint: `give a public key: "ssh-ed25519 AAAA… host" (from /etc/ssh/ssh_host_ed25519_key.pub) or age1…` });
  }
}

function howToGetHostKey(name: string): string[] {
  return [
    `on ${name}: cat /etc/ssh/ssh_host_ed25519_key.pub`,
    `from here: ssh-keyscan -t ed25519 ${name} 2>/dev/null | cut -d' ' -f2-`,
    `then: nixsec host add ${name} --key "ssh-ed25519 AAAA…"  (or --key-file ${name}.pub)`,
  ];
}

function secretsOfHost(m: Manifest, host: string): string[] {
  return Object.entries(m.data.secrets).filter(([, s]) => s.hosts.includes(host)).map(([n]) => n).sort();
}

export async function principalAdd(io: Io, kind: Kind, name: string, opts: KeyOptions): Promise<void> {
  const store = await openCliStore(io, opts);
  const key = keyFromFlags(opts, name);
  if (!key) {
    if (kind === "host") throw new NixsecError(`host ${name} needs its SSH host public key (--key or --key-file)`, { hint: howToGetHostKey(name) });
    throw new NixsecError(`admin ${name} needs a public key (--key or --key-file)`, { hint: "an age1… key from `nixsec age keygen`, or the admin's ~/.ssh/id_ed25519.pub" });
  }
  validateKey(key, opts.key ? "--key" : "--key-file");
  const m = kind === "admin" ? addAdmin(store.manifest, name, key) : addHost(store.manifest, name, key, opts.backend);
  // A new admin reads every secret; a new host reads none until a secret names it.
  await applyReaderChange(io, store, m, opts);
  printInfo(io, `added ${kind} ${name}${kind === "host" && opts.backend ? ` (decrypts with ${opts.backend})` : ""}`);
}

/**
 * `nixsec host set-backend NAME BACKEND`: the host's secrets get files in
 * that backend's format (made from their values), and files no host reads
 * any more go; the rekey this implies runs as for a key change.
 */
export async function hostSetBackend(io: Io, name: string, backend: string, opts: KeyOptions): Promise<void> {
  const store = await openCliStore(io, opts);
  if (backend !== "agenix" && backend !== "sops-nix") throw new NixsecError(`BACKEND ${JSON.stringify(backend)}: must be agenix or sops-nix`, { hint: `e.g. nixsec host set-backend ${name} sops-nix` });
  const m = setHostBackend(store.manifest, name, backend);
  if (hostBackend(store, name) === backend) {
    printInfo(io, `host ${name} already decrypts with ${backend}; nothing to do`);
    return;
  }
  await applyReaderChange(io, store, m, opts);
  printInfo(io, `host ${name} now decrypts with ${backend}; run \`nixsec gen\` and import ${backend === "sops-nix" ? "sops-nix's module (sops-nix.nixosModules.sops)" : "agenix's module (agenix.nixosModules.default)"} on ${name} before deploying`);
}

export async function principalSetKey(io: Io, kind: Kind, name: string, opts: KeyOptions): Promise<void> {
  const store = await openCliStore(io, opts);
  const key = keyFromFlags(opts, name);
  if (!key) throw new NixsecError(`set-key needs the new key (--key or --key-file)`, { hint: kind === "host" ? howToGetHostKey(name) : "pass --key age1… or --key-file FILE.pub" });
  validateKey(key, opts.key ? "--key" : "--key-file");
  const current = (kind === "admin" ? store.manifest.data.admins : store.manifest.data.hosts ?? {})[name]?.key;
  if (current !== undefined && keyIdOf(current) === keyIdOf(key)) {
    printInfo(io, `${kind} ${name} already has that key; nothing to do`);
    return;
  }
  const m = kind === "admin" ? setAdminKey(store.manifest, name, key) : setHostKey(store.manifest, name, key);
  await applyReaderChange(io, store, m, opts);
  printInfo(io, `changed the key of ${kind} ${name}`);
}

/** Names of admins whose key is one of `ids` (the person running nixsec). */
function adminsOf(store: Store, ids: LoadedIdentity[]): string[] {
  const mine = new Set(ids.flatMap((i) => (i.recipient ? [keyIdOf(i.recipient)] : [])));
  return Object.entries(store.manifest.data.admins).filter(([, a]) => mine.has(keyIdOf(a.key))).map(([n]) => n).sort();
}

export async function principalRm(io: Io, kind: Kind, name: string, opts: KeyOptions & { force?: boolean }): Promise<void> {
  const store = await openCliStore(io, opts);
  const readable = kind === "admin" ? Object.keys(store.manifest.data.secrets).sort() : secretsOfHost(store.manifest, name);
  let m: Manifest;
  let ids: LoadedIdentity[] | undefined;
  if (kind === "admin") {
    m = removeAdmin(store.manifest, name);
    if (opts.rekey !== false && readable.length > 0) {
      ids = await adminIdentities(io, store, opts);
      const mine = adminsOf(store, ids);
      if (!opts.force && mine.length === 1 && mine[0] === name) {
        throw new NixsecError(`${name} is your own admin key: after this you could not decrypt any secret`, { hint: "pass --force to remove it anyway, or run this as another admin" });
      }
    }
  } else {
    if (readable.length > 0 && !opts.force) {
      throw new NixsecError(`host ${name} still reads ${readable.length} secret${readable.length === 1 ? "" : "s"}: ${readable.join(", ")}`, {
        hint: `pass --force to remove it from those secrets too`,
      });
    }
    m = removeHost(store.manifest, name, { fromSecrets: true });
  }
  await applyReaderChange(io, store, m, opts, ids);
  printInfo(io, `removed ${kind} ${name}`);
  printRotateAdvice(io, store, readable, `${kind} ${name}`);
}

export interface RotateKeyOptions extends KeyOptions {
  keyOut?: string;
}

function newKeyPath(io: Io, store: Store, name: string, opts: RotateKeyOptions): string {
  if (opts.keyOut) return path.resolve(io.cwd, opts.keyOut);
  const cfg = configHome(io);
  if (!cfg) throw new NixsecError("cannot choose where to keep the new admin key (no HOME)", { hint: "pass --key-out FILE (outside the repository)" });
  const stamp = new Date().toISOString().slice(0, 10).replace(/-/g, "");
  const base = path.join(defaultKeyDir(cfg), `${path.basename(store.root)}-${name}-${stamp}`);
  for (let i = 1; ; i++) {
    const p = i === 1 ? `${base}.key` : `${base}-${i}.key`;
    if (!existsSync(p)) return p;
  }
}

/**
 * `nixsec admin rotate [NAME]`: a new key for an admin (by default, you),
 * the old one retired. Every secret is re-encrypted; the new key is checked
 * to decrypt each new file, and recorded as this repository's identity.
 */
export async function adminRotate(io: Io, name: string | undefined, opts: RotateKeyOptions): Promise<void> {
  const store = await openCliStore(io, opts);
  const oldIds = await adminIdentities(io, store, opts);
  const mine = adminsOf(store, oldIds);
  if (name === undefined) {
    if (mine.length !== 1) {
      throw new NixsecError(mine.length === 0 ? "none of your identities is an admin key of this repository" : `your identities are the keys of several admins: ${mine.join(", ")}`, {
        hint: "name the admin: nixsec admin rotate NAME",
      });
    }
    name = mine[0]!;
  }
  requireAdmin(store.manifest, name);
  let newKey = keyFromFlags(opts, name);
  let created: string | undefined;
  const verify: LoadedIdentity[] = [];
  if (newKey) {
    validateKey(newKey, opts.key ? "--key" : "--key-file");
  } else {
    if (opts.keyOut && path.resolve(io.cwd, opts.keyOut).startsWith(store.root + path.sep)) {
      throw new NixsecError(`--key-out ${opts.keyOut} is inside the repository`, { hint: "keep private keys outside the repository" });
    }
    created = newKeyPath(io, store, name, opts);
    const key = await generateAgeKey();
    await mkdir(path.dirname(created), { recursive: true, mode: 0o700 });
    writeNewSecretFile(created, `# nixsec admin key of ${name} for ${store.root}\n# public key: ${key.recipient}\n${key.identity}\n`);
    verify.push(...(await parseIdentityFile(new TextEncoder().encode(key.identity), created)));
    newKey = key.recipient;
    printInfo(io, `created the new admin key ${created} (mode 0600); back it up`);
  }
  if (keyIdOf(newKey) === keyIdOf(store.manifest.data.admins[name]!.key)) throw new NixsecError(`that is already the key of admin ${name}`, { hint: "give a new key, or omit --key to generate one" });
  const m = setAdminKey(store.manifest, name, newKey);
  try {
    await applyReaderChange(io, store, m, opts, [...oldIds, ...verify]);
  } catch (err) {
    if (created && err instanceof NixsecError) err.hints.push(`nothing changed; the unused new key ${created} can be deleted`);
    throw err;
  }
  printInfo(io, `admin ${name} now uses ${newKey.length > 40 ? newKey.slice(0, 40) + "…" : newKey}`);
  const cfg = configHome(io);
  if (created && mine.includes(name) && cfg) {
    const source = safeSource(io, store, opts);
    await recordIdentity(cfg, store.root, created);
    printInfo(io, `recorded ${created} as your identity for this repository`);
    if (source !== "recorded by nixsec init") printWarning(io, `you selected the old key with ${source}; use -i ${created} from now on`);
  } else if (!created) {
    printInfo(io, "pass the new private key with -i/--identity from now on");
  }
  printRotateAdvice(io, store, Object.keys(store.manifest.data.secrets), `the old key of admin ${name}`, true);
  printInfo(io, "retire the old key: delete it, or archive it offline");
}

function safeSource(io: Io, store: Store, opts: StoreOptions): string {
  try {
    return resolveIdentityPaths({ flags: opts.identity ?? [], envValue: io.env.NIXSEC_IDENTITY, configHome: configHome(io), repoRoot: store.root })[0]?.source ?? "";
  } catch {
    return "";
  }
}

export async function principalList(io: Io, kind: Kind, opts: KeyOptions): Promise<void> {
  const store = await openCliStore(io, opts);
  const group = kind === "admin" ? store.manifest.data.admins : store.manifest.data.hosts;
  const rows = Object.keys(group).sort().map((name) => {
    const key = group[name]!.key;
    let tag: string | undefined;
    let type = "?";
    try {
      const r = parseRecipient(key);
      type = r.kind;
      tag = r.ssh?.fingerprint;
    } catch {
      /* the manifest loader already validated it */
    }
    const secrets = kind === "host" ? secretsOfHost(store.manifest, name) : undefined;
    return { name, type, key, fingerprint: tag, ...(kind === "host" ? { backend: hostBackend(store, name) } : {}), ...(secrets ? { secrets } : {}) };
  });
  if (opts.json) {
    io.stdout.write(JSON.stringify(rows, null, 2) + "\n");
    return;
  }
  for (const r of rows) {
    const count = r.secrets ? `\t${r.secrets.length} secret${r.secrets.length === 1 ? "" : "s"}` : "";
    io.stdout.write(`${r.name}\t${r.type}\t${r.fingerprint ?? r.key}${"backend" in r ? `\t${r.backend}` : ""}${count}\n`);
  }
}
