// `nixsec import agenix|nixops`: another tool's secrets into nixsec. Every
// import shows its plan first: `--dry-run` stops there; a real run asks on
// a terminal (or takes --yes), then writes (src/import/apply.ts), refreshes
// the generated Nix and, with --rekey, re-encrypts the imported files.
// Runs under the repository lock, except a dry run (a reader).
import { availableParallelism } from "node:os";
import path from "node:path";
import { NixsecError } from "../../errors.js";
import { decryptBytes, generateAgeKey, type LoadedIdentity } from "../../crypto/index.js";
import { writeGenerated } from "../../fs/generated.js";
import { RepoTree } from "../../fs/tree.js";
import { applyImport, planImport, planJson, planLines, resolvePrincipals, type ImportPlan, type ImportSource, type PrincipalFlags } from "../../import/index.js";
import { checkKey } from "../../import/keys.js";
import { findManifest, loadManifest, MANIFEST_FILE, type Manifest } from "../../manifest/index.js";
import { generatedFiles } from "../../nixgen/gen.js";
import { findAdminKeys, recordIdentity } from "../../store/identity.js";
import { executeRekey } from "../../store/rekey-run.js";
import { planScan, scanStore } from "../../store/rekey.js";
import { storeOf, type Store } from "../../store/store.js";
import { adminIdentities, configHome, homeDir } from "../context.js";
import type { Io } from "../io.js";
import { printInfo, printWarning } from "../output.js";
import { askText, askYesNo, canAsk } from "../prompt.js";
import { withRootLock } from "../write-lock.js";
import { adoptAdminKey, defaultAdminKeyPath, manifestText, writeAdminKey } from "./init.js";

export interface ImportOptions {
  dir?: string;
  identity?: string[];
  dryRun?: boolean;
  yes?: boolean;
  json?: boolean;
  admin?: string[];
  host?: string[];
  name?: string[];
  adminKey?: string;
  secretsDir?: string;
  prefix?: string;
  rekey?: boolean;
}

/** What an import command hands the runner: how to read its source, given the repository. */
export interface SourceReader {
  kind: string;
  read(ctx: { root: string; tree: RepoTree; existing?: Manifest; adminKey?: { name: string; key: string } }): Promise<ImportSource>;
  replaceRules?: boolean;
  /** A new repository whose source names no admin gets a new admin key, as `nixsec init` makes one (nixops: machines only). */
  newAdminKey?: boolean;
}

/** `NAME=VALUE` flag values, split at the first `=`; `what` names the flag for errors. */
export function pairs(values: string[] | undefined, flag: string, example: string): Array<[string, string]> {
  return (values ?? []).map((v) => {
    const at = v.indexOf("=");
    if (at <= 0 || at === v.length - 1) throw new NixsecError(`${flag} ${JSON.stringify(v)}: expected NAME=VALUE`, { hint: `e.g. ${flag} ${example}` });
    return [v.slice(0, at), v.slice(at + 1)];
  });
}

interface AdminKey {
  identityPath: string;
  publicKey: string;
  name: string;
  id: string;
  created?: { identity: string; recipient: string };
}

export async function runImport(io: Io, opts: ImportOptions, reader: SourceReader): Promise<void> {
  const explicit = opts.dir !== undefined;
  const start = path.resolve(io.cwd, opts.dir ?? ".");
  const found = explicit ? null : await findManifest(start);
  const root = found ? path.dirname(found) : start;
  const go = () => importLocked(io, opts, reader, root);
  await (opts.dryRun ? go() : withRootLock(io, root, `import ${reader.kind}`, go));
}

async function importLocked(io: Io, opts: ImportOptions, reader: SourceReader, root: string): Promise<void> {
  const manifestPath = path.join(root, MANIFEST_FILE);
  const tree = new RepoTree(root);
  const existing = tree.statFile(manifestPath) ? await loadManifest(manifestPath) : undefined;
  const user = io.env.USER || "admin";
  let adminKey: AdminKey | undefined;
  if (opts.adminKey) {
    const adopted = await adoptAdminKey(io, opts.adminKey, root);
    adminKey = { ...adopted, name: user, id: idOf(adopted.publicKey, "--admin-key") };
  }
  const src = await reader.read({ root, tree, existing, adminKey: adminKey && { name: adminKey.name, key: adminKey.publicKey } });
  const flags: PrincipalFlags = {
    admins: opts.admin ?? [],
    hosts: opts.host ?? [],
    names: pairs(opts.name, "--name", "hannibal=system1").map(([name, which]) => ({ name, which })),
    adminKeyId: adminKey?.id,
  };
  if (adminKey && !existing && src.keys.length && !src.keys.some((k) => k.id === adminKey!.id) && !reader.newAdminKey) {
    throw new NixsecError(`--admin-key ${opts.adminKey}: its public key reads none of the secrets of ${src.from}`, { hint: ["give the private key of one of its readers (an admin of that store)", "or import without --admin-key; `nixsec admin add` adds you afterwards, and `nixsec rekey` (by someone who can read them) gives you the secrets"] });
  }
  const ask = canAsk(io) && !opts.yes ? nameAsker(io) : undefined;
  const principals = await resolvePrincipals(src, existing?.data, flags, ask);
  if (!existing && reader.newAdminKey && !principals.some((p) => p.role === "admin")) {
    adminKey ??= await newAdminKey(io, root, user);
    principals.unshift({ id: adminKey.id, key: adminKey.publicKey, name: adminKey.name, role: "admin", why: !adminKey.created ? "your --admin-key" : opts.dryRun ? "a new admin key, made when the import is written (this dry run shows a sample key)" : "a new admin key (as nixsec init makes one)", existing: false, reads: 0, of: 0 });
  }
  const plan = planImport(src, principals, {
    root, tree, manifestPath, existing, secretsDir: opts.secretsDir, prefix: opts.prefix, replaceRules: Boolean(reader.replaceRules),
    newManifest: (a, dir, backend) => manifestText(a.name, a.key, dir, backend),
  });
  const identity = existing ? undefined : adminKey ?? localAdminKey(io, root, plan);
  for (const line of planLines(plan)) io.stderr.write(`  ${line}\n`);
  if (!existing) io.stderr.write(`  admin identity: ${identity ? (identity.created ? `a new key, ${identity.identityPath}` : `${identity.identityPath} (recorded for this repository)`) : "none of your local keys is an admin's (later: -i or NIXSEC_IDENTITY)"}\n`);
  for (const w of plan.warnings) printWarning(io, w);
  const pending = plan.secrets.filter((s) => s.rekey.length);
  if (opts.json) io.stdout.write(JSON.stringify({ dryRun: Boolean(opts.dryRun), ...planJson(plan), afterwards: src.afterwards }, null, 2) + "\n");
  if (opts.dryRun) {
    printInfo(io, "dry run: nothing written");
    return;
  }
  await confirm(io, opts);
  const rekeyIds = opts.rekey && pending.length ? await checkDecrypt(io, plan, opts, identity) : [];
  if (identity?.created) await writeAdminKey(io, identity.identityPath, identity.created, root);
  const result = await applyImport(plan);
  const cfg = configHome(io);
  if (identity && cfg) await recordIdentity(cfg, root, identity.identityPath);
  const counts = ["keep", "move", "encrypt"].map((a) => plan.secrets.filter((s) => s.action === a).length);
  printInfo(io, `imported ${plan.secrets.length} secret${plan.secrets.length === 1 ? "" : "s"} into ${path.relative(io.cwd, manifestPath) || MANIFEST_FILE} (${counts[0]} kept in place, ${counts[1]} moved, ${counts[2]} encrypted)`);
  const removed = result.removed.filter((f) => !(plan.rules?.action === "replace" && f === plan.rules.path));
  if (removed.length) printInfo(io, `removed ${removed.map((f) => tree.rel(f)).join(", ")}`);
  if (rekeyIds.length) await rekeyImported(io, result.store, plan, rekeyIds);
  else if (pending.length) printInfo(io, `${pending.length} imported secret${pending.length === 1 ? " needs" : "s need"} a rekey (${pending.map((s) => s.name).join(", ")}): run \`nixsec rekey\` with an identity that reads ${pending.length === 1 ? "it" : "them"}`);
  await regenerate(io, result.store, plan);
  for (const line of src.afterwards) io.stderr.write(`${line}\n`);
}

function idOf(key: string, what: string): string {
  const c = checkKey(key);
  if ("problem" in c) throw new NixsecError(`${what}: ${c.problem}`, { hint: "give an age key file or an OpenSSH ed25519/rsa key" });
  return c.id;
}

function nameAsker(io: Io) {
  return async (key: { key: string; where: string }, suggested: string, role: string): Promise<string> => {
    const answer = await askText(io, `name for the ${role} key ${key.key.slice(0, 60)}${key.key.length > 60 ? "…" : ""} (${key.where}):`, suggested);
    return answer ?? suggested;
  };
}

async function newAdminKey(io: Io, root: string, user: string): Promise<AdminKey> {
  const cfg = configHome(io);
  if (!cfg) throw new NixsecError("cannot choose where to keep a new admin key (no HOME)", { hint: "pass --admin-key FILE with a key of yours" });
  const key = await generateAgeKey();
  return { identityPath: defaultAdminKeyPath(cfg, root, user), publicKey: key.recipient, name: user, id: idOf(key.recipient, "new key"), created: key };
}

/** A local key (~/.config/nixsec/keys, ~/.ssh) of one of the new repository's admins, as `nixsec init --admin-key` would adopt. */
function localAdminKey(io: Io, root: string, plan: ImportPlan): AdminKey | undefined {
  const adminKeys = Object.fromEntries(plan.principals.filter((p) => p.role === "admin").map((p) => [p.name, p.key]));
  const hit = findAdminKeys({ flags: [], configHome: configHome(io), home: homeDir(io), repoRoot: root, adminKeys }).found[0];
  if (!hit) return undefined;
  const p = plan.principals.find((x) => hit.source.includes(`admin ${x.name}'s`))!;
  return { identityPath: hit.path, publicKey: p.key, name: p.name, id: p.id };
}

async function confirm(io: Io, opts: ImportOptions): Promise<void> {
  if (opts.yes) return;
  if (!canAsk(io)) throw new NixsecError("the import needs your go-ahead, and there is no terminal to ask on", { hint: "look at the plan (--dry-run), then run again with --yes" });
  const yes = await askYesNo(io, "write this?");
  if (!yes) throw new NixsecError("nothing was written", { hint: "change the plan with the flags (nixsec import --help), or run with --dry-run to look again" });
}

/** With --rekey: every file to re-encrypt must decrypt with the identity before anything is written. */
async function checkDecrypt(io: Io, plan: ImportPlan, opts: ImportOptions, adopted: AdminKey | undefined): Promise<LoadedIdentity[]> {
  const store = storeOf(plan.manifest);
  const flags = opts.identity?.length ? opts.identity : adopted && !adopted.created ? [adopted.identityPath] : [];
  const ids = await adminIdentities(io, store, { identity: flags });
  for (const s of plan.secrets) {
    if (!s.rekey.length || s.found.content.kind !== "file") continue;
    try {
      (await decryptBytes(s.found.content.bytes, ids)).fill(0);
    } catch {
      throw new NixsecError(`--rekey: ${s.origin}: none of your identities decrypts ${plan.source.kind === "agenix" ? path.relative(plan.root, s.found.content.path) : s.name}; nothing was written`, {
        hint: [`identities tried: ${ids.map((i) => i.source).join(", ") || "none"}`, "pass -i with a key that reads it, or import without --rekey (then `nixsec rekey` later)"],
      });
    }
  }
  return ids;
}

async function rekeyImported(io: Io, store: Store, plan: ImportPlan, identities: LoadedIdentity[]): Promise<void> {
  const names = new Set(plan.secrets.filter((s) => s.rekey.length && s.action !== "encrypt").map((s) => s.name));
  const scan = await scanStore(store);
  const full = planScan(scan, { all: true });
  // Also the files of formats their hosts need (made from the value) and those no host reads.
  const rplan = { ...full, rekey: full.rekey.filter((i) => names.has(i.secret)), retire: full.retire.filter((r) => names.has(r.secret)), lockOnly: [], dropped: [], unchanged: 0 };
  const r = await executeRekey(store, scan, rplan, { identities, cores: availableParallelism() });
  printInfo(io, `re-encrypted ${r.written.length} imported file${r.written.length === 1 ? "" : "s"} to their nixsec readers (each checked before it replaced the old one)`);
}

/** The generated Nix for the new repository; a hand-written rules file kept at the generated path is left alone. */
async function regenerate(io: Io, store: Store, plan: ImportPlan): Promise<void> {
  const kept = plan.rules?.action === "keep" && plan.rules.conflicts ? plan.rules.path : undefined;
  try {
    const written: string[] = [];
    for (const f of generatedFiles(store)) {
      if (f.path === kept) continue;
      if ((await writeGenerated(store.tree, f.path, f.content)).written) written.push(store.tree.rel(f.path));
    }
    if (written.length) printInfo(io, `wrote ${written.join(", ")}`);
    if (kept) printWarning(io, `${store.tree.rel(kept)} was kept as you wrote it: \`nixsec gen\` refuses to replace it until you remove it (git rm ${store.tree.rel(kept)}, then nixsec gen)`);
  } catch (err) {
    printWarning(io, `could not write the generated Nix: ${err instanceof Error ? err.message : String(err)}; run \`nixsec gen\``);
  }
}

/** Builds the principal flags' key map for a reader that needs host keys (nixops). */
export function hostKeyFlags(io: Io, values: string[] | undefined, existing: Manifest | undefined, readKeyFile: (file: string, machine: string) => string): Map<string, string> {
  const keys = new Map<string, string>();
  for (const [name, h] of Object.entries(existing?.data.hosts ?? {})) keys.set(name, h.key);
  for (const [machine, value] of pairs(values, "--host-key", "chrysalis=chrysalis.pub")) {
    const key = /^(ssh-|age1)/.test(value) ? value : readKeyFile(path.resolve(io.cwd, value), machine);
    const known = existing?.data.hosts[machine];
    if (known && idOf(known.key, `host ${machine}`) !== idOf(key, `--host-key ${machine}`)) {
      throw new NixsecError(`--host-key ${machine}: nixsec.yaml has another key for host ${machine}`, { hint: `leave out --host-key (its key is known), or change it first: nixsec host set-key ${machine} --key-file …` });
    }
    keys.set(machine, key);
  }
  return keys;
}
