// `nixsec admin …` and `nixsec host …`: who can read the store. A change of
// readers re-encrypts the secrets they read, so no file stays readable by a
// removed key or unreadable by a new one.
import { NixsecError } from "../../errors.js";
import { parseRecipient } from "../../crypto/index.js";
import { addAdmin, addHost, removeAdmin, removeHost, saveManifest, setAdminKey, setHostKey, type Manifest } from "../../manifest/index.js";
import { readSecretValue, storeOf, writeSecretValue, type Store } from "../../store/store.js";
import { adminIdentities, keyFromFlags, openCliStore, type StoreOptions } from "../context.js";
import type { Io } from "../io.js";
import { printInfo } from "../output.js";

type Kind = "admin" | "host";

interface KeyOptions extends StoreOptions {
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

/** Re-encrypts `names` to their current readers; the old values come from the admin identity. */
async function reencrypt(io: Io, before: Store, after: Store, names: string[], opts: StoreOptions): Promise<void> {
  if (names.length === 0) return;
  const ids = await adminIdentities(io, before, opts);
  // Decrypt everything first: a wrong identity fails before anything is written.
  const values = new Map<string, Uint8Array>();
  for (const n of names) values.set(n, await readSecretValue(before, n, ids));
  for (const n of names) await writeSecretValue(after, n, values.get(n)!, ids);
  printInfo(io, `re-encrypted ${names.length} secret${names.length === 1 ? "" : "s"}: ${names.join(", ")}`);
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
  const m = kind === "admin" ? addAdmin(store.manifest, name, key) : addHost(store.manifest, name, key);
  const after = storeOf(m);
  // A new admin reads every secret; a new host reads none until a secret names it.
  if (kind === "admin" && opts.rekey !== false) await reencrypt(io, store, after, Object.keys(m.data.secrets).sort(), opts);
  await saveManifest(m);
  printInfo(io, `added ${kind} ${name}`);
}

export async function principalSetKey(io: Io, kind: Kind, name: string, opts: KeyOptions): Promise<void> {
  const store = await openCliStore(io, opts);
  const key = keyFromFlags(opts, name);
  if (!key) throw new NixsecError(`set-key needs the new key (--key or --key-file)`, { hint: kind === "host" ? howToGetHostKey(name) : "pass --key age1… or --key-file FILE.pub" });
  validateKey(key, opts.key ? "--key" : "--key-file");
  const m = kind === "admin" ? setAdminKey(store.manifest, name, key) : setHostKey(store.manifest, name, key);
  const affected = kind === "admin" ? Object.keys(m.data.secrets).sort() : secretsOfHost(m, name);
  if (opts.rekey !== false) await reencrypt(io, store, storeOf(m), affected, opts);
  await saveManifest(m);
  printInfo(io, `changed the key of ${kind} ${name}`);
}

export async function principalRm(io: Io, kind: Kind, name: string, opts: KeyOptions & { force?: boolean }): Promise<void> {
  const store = await openCliStore(io, opts);
  const readable = kind === "admin" ? Object.keys(store.manifest.data.secrets).sort() : secretsOfHost(store.manifest, name);
  let m: Manifest;
  if (kind === "admin") m = removeAdmin(store.manifest, name);
  else {
    if (readable.length > 0 && !opts.force) {
      throw new NixsecError(`host ${name} still reads ${readable.length} secret${readable.length === 1 ? "" : "s"}: ${readable.join(", ")}`, {
        hint: `pass --force to remove it from those secrets too`,
      });
    }
    m = removeHost(store.manifest, name, { fromSecrets: true });
  }
  if (opts.rekey !== false) await reencrypt(io, store, storeOf(m), readable, opts);
  await saveManifest(m);
  printInfo(io, `removed ${kind} ${name}`);
  if (readable.length > 0) {
    // Old ciphertexts stay in git history, readable with the removed key.
    printInfo(io, `${name} could read ${readable.length} secret${readable.length === 1 ? "" : "s"}; its old copies stay in git history. Rotate their values:`);
    io.stderr.write(`  nixsec rotate ${readable.join(" ")}\n`);
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
    return { name, type, key, fingerprint: tag, ...(secrets ? { secrets } : {}) };
  });
  if (opts.json) {
    io.stdout.write(JSON.stringify(rows, null, 2) + "\n");
    return;
  }
  for (const r of rows) io.stdout.write(`${r.name}\t${r.type}\t${r.fingerprint ?? r.key}${r.secrets ? `\t${r.secrets.length} secrets` : ""}\n`);
}
