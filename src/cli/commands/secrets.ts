// `nixsec add | show | edit | list | rm`: the lifecycle of one secret.
// A value reaches nixsec through a masked prompt, stdin, a file or a
// generator; never through argv or the environment.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { NixsecError } from "../../errors.js";
import { utf8 } from "../../crypto/bytes.js";
import { putSecret, removeSecret, saveManifest, type SecretFields } from "../../manifest/index.js";
import { secretNameProblem } from "../../manifest/names.js";
import { GENERATE_KINDS, generateValue, type GenerateKind } from "../../store/generate.js";
import { decryptSecretFile, readSecretFile, readSecretValue, secretFile, storeOf, unknownSecret, writeSecretValue, type Store } from "../../store/store.js";
import { recordRemoval, recordWrite } from "../../store/lock.js";
import { runEditor, withEditBuffer } from "../edit-buffer.js";
import { withWriteLock } from "../write-lock.js";
import { adminIdentities, openCliStore, type StoreOptions } from "../context.js";
import { webStream, type Io } from "../io.js";
import { readAll } from "../../crypto/index.js";
import { isPrintable, printInfo, printWarning } from "../output.js";
import { askSecret } from "../prompt.js";

export interface AddOptions extends StoreOptions {
  host?: string[];
  owner?: string;
  group?: string;
  mode?: string;
  format?: "text" | "env" | "binary";
  description?: string;
  stdin?: boolean;
  fromFile?: string;
  generate?: string;
  length?: string;
  alphabet?: string;
  bytes?: string;
  from?: string;
  force?: boolean;
}

function intFlag(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new NixsecError(`${flag} must be a whole number, got ${JSON.stringify(v)}`, { hint: `e.g. ${flag} 32` });
  return Number(v);
}

async function valueFor(io: Io, store: Store, name: string, opts: AddOptions): Promise<{ value: Uint8Array; generate?: SecretFields["generate"] }> {
  const sources = [opts.stdin, opts.fromFile !== undefined, opts.generate !== undefined].filter(Boolean).length;
  if (sources > 1) throw new NixsecError("give the value one way: --stdin, --from-file or --generate", { hint: "or none of them for a masked prompt" });
  if (opts.stdin) return { value: await readAll(webStream(io.stdin)) };
  if (opts.fromFile !== undefined) {
    try {
      return { value: new Uint8Array(readFileSync(opts.fromFile)) };
    } catch (err) {
      throw new NixsecError(`cannot read ${opts.fromFile} (--from-file): ${(err as NodeJS.ErrnoException).code ?? "error"}`, { hint: "check the path" });
    }
  }
  if (opts.generate !== undefined) {
    const kind = opts.generate as GenerateKind;
    if (!GENERATE_KINDS.includes(kind)) {
      throw new NixsecError(`--generate: unknown kind ${JSON.stringify(opts.generate)}`, { hint: `one of: ${GENERATE_KINDS.join(", ")}` });
    }
    let password: string | undefined;
    if (kind === "password-hash") {
      if (!opts.from) throw new NixsecError("--generate password-hash needs --from SECRET (the secret holding the password)", { hint: `e.g. nixsec add ${name} --generate password-hash --from users/alice/password` });
      password = Buffer.from(await readSecretValue(store, opts.from, await adminIdentities(io, store, opts))).toString("utf8");
    }
    const length = intFlag(opts.length, "--length");
    const bytes = intFlag(opts.bytes, "--bytes");
    const g = await generateValue({ kind, length, alphabet: opts.alphabet, bytes, password, comment: name });
    if (g.publicInfo) printInfo(io, g.publicInfo);
    const spec =
      kind === "password" ? { kind, ...(length ? { length } : {}), ...(opts.alphabet ? { alphabet: opts.alphabet } : {}) }
      : kind === "hex" || kind === "base64" ? { kind, ...(bytes ? { bytes } : {}) }
      : kind === "password-hash" ? { kind, from: opts.from! }
      : { kind };
    return { value: g.value, generate: spec as SecretFields["generate"] };
  }
  const typed = await askSecret(io, {
    message: `Value for ${name}:`,
    alternative: "pass --stdin, --from-file FILE or --generate KIND",
    confirm: true,
  });
  if (typed === "") throw new NixsecError("empty value; nothing was changed", { hint: "type a value, or use --generate" });
  return { value: utf8.encode(typed) };
}

/** A NAME argument that cannot be a secret name, reported as the argument it is. */
export function checkSecretNameArg(name: string): void {
  const problem = secretNameProblem(name);
  if (problem) {
    throw new NixsecError(`NAME ${JSON.stringify(name)}: ${problem}`, { hint: "secret names are paths like service/key: letters, digits, . _ - in each segment" });
  }
}

export async function secretAdd(io: Io, name: string, opts: AddOptions): Promise<void> {
  checkSecretNameArg(name);
  const store = await openCliStore(io, opts);
  const exists = Object.hasOwn(store.manifest.data.secrets, name);
  if (exists && !opts.force) {
    throw new NixsecError(`secret ${JSON.stringify(name)} already exists`, { hint: `pass --force to replace its value, or \`nixsec edit ${name}\`` });
  }
  const fields: SecretFields = {};
  if (opts.host) fields.hosts = [...new Set(opts.host)];
  else if (!exists) fields.hosts = [];
  if (opts.owner !== undefined) fields.owner = opts.owner;
  if (opts.group !== undefined) fields.group = opts.group;
  if (opts.mode !== undefined) fields.mode = opts.mode;
  if (opts.format !== undefined) fields.format = opts.format;
  if (opts.description !== undefined) fields.description = opts.description;
  // Validate the manifest change (name, hosts, owner, mode) before asking for a value.
  let m = putSecret(store.manifest, name, fields);
  const { value, generate } = await valueFor(io, store, name, opts);
  if (generate) m = putSecret(m, name, { generate });
  const after = storeOf(m);
  const file = await writeSecretValue(after, name, value);
  await saveManifest(m);
  await recordWrite(after, name, { valueChanged: new Date() });
  const readers = after.manifest.data.secrets[name]!.hosts;
  printInfo(io, `${exists ? "replaced" : "added"} ${name} → ${path.relative(io.cwd, file) || file} (admins${readers.length ? ` + ${readers.join(", ")}` : " only"})`);
  if (!exists && readers.length === 0) printInfo(io, `no host can read it yet; add one with: nixsec add ${name} --force --host HOST … or edit ${path.basename(store.manifest.path)}`);
}

export async function secretShow(io: Io, name: string, opts: StoreOptions): Promise<void> {
  const store = await openCliStore(io, opts);
  if (!store.manifest.data.secrets[name]) throw unknownSecret(store, name);
  const value = await readSecretValue(store, name, await adminIdentities(io, store, opts));
  if (io.stdout.isTTY && !isPrintable(value)) {
    throw new NixsecError(`refusing to print binary secret ${name} to a terminal`, { hint: `redirect it: nixsec show ${name} > file (mode 0600)` });
  }
  io.stdout.write(value);
}

export async function secretEdit(io: Io, name: string, opts: StoreOptions): Promise<void> {
  const store = await openCliStore(io, opts);
  if (!store.manifest.data.secrets[name]) throw unknownSecret(store, name);
  const ids = await adminIdentities(io, store, opts);
  const ciphertext = readSecretFile(store, name);
  const old = await decryptSecretFile(store, name, ciphertext, ids);
  const editor = io.env.VISUAL || io.env.EDITOR || "vi";
  // The editor gets the buffer's path, never the value; `sh -c` allows EDITOR="code --wait".
  const edited = await withEditBuffer(io.env, name, old, (file) => runEditor(editor, file, io.env));
  if (Buffer.compare(Buffer.from(edited), Buffer.from(old)) === 0) {
    printInfo(io, `${name} unchanged; nothing written`);
    return;
  }
  // The editor may have been open for minutes: the lock is taken only now, and
  // the write happens only if nobody changed the secret meanwhile (issue 12).
  await withWriteLock(io, opts, `edit ${name}`, async () => {
    const now = await openCliStore(io, opts);
    const current = now.manifest.data.secrets[name] ? now.tree.readFile(secretFile(now, name)) : undefined;
    if (!current || Buffer.compare(current, Buffer.from(ciphertext)) !== 0) {
      throw new NixsecError(`${name} was changed or removed by another nixsec while you edited it; your edit was not written`, { hint: `run \`nixsec edit ${name}\` again to edit the current value` });
    }
    await writeSecretValue(now, name, edited, ids);
    await recordWrite(now, name, { valueChanged: new Date() });
  });
  printInfo(io, `updated ${name}`);
}

function lastChangedByGit(store: Store): Map<string, string> {
  const out = new Map<string, string>();
  try {
    const log = execFileSync("git", ["log", "--format=%x00%cI", "--name-only", "--", store.secretsDir], { cwd: store.root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], maxBuffer: 1 << 26 });
    let date = "";
    for (const line of log.split("\n")) {
      if (line.startsWith("\0")) date = line.slice(1);
      else if (line && !out.has(line)) out.set(line, date);
    }
  } catch {
    /* not a git repository, or git missing: fall back to mtimes */
  }
  return out;
}

export async function secretList(io: Io, opts: StoreOptions & { json?: boolean }): Promise<void> {
  const store = await openCliStore(io, opts);
  const git = lastChangedByGit(store);
  let gitRoot = store.root;
  try {
    gitRoot = execFileSync("git", ["rev-parse", "--show-toplevel"], { cwd: store.root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    /* not in git */
  }
  const rows = Object.entries(store.manifest.data.secrets)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, s]) => {
      const file = secretFile(store, name);
      const rel = path.relative(store.root, file);
      const exists = existsSync(file);
      const committed = git.get(path.relative(gitRoot, file));
      return {
        name,
        hosts: s.hosts,
        owner: s.owner,
        group: s.group ?? null,
        mode: s.mode,
        format: s.format,
        file: rel,
        exists,
        lastChanged: committed ?? (exists ? statSync(file).mtime.toISOString() : null),
      };
    });
  if (opts.json) {
    io.stdout.write(JSON.stringify(rows, null, 2) + "\n");
    return;
  }
  if (rows.length === 0) {
    printInfo(io, "no secrets yet; add one with: nixsec add NAME --host HOST");
    return;
  }
  const w = Math.max(...rows.map((r) => r.name.length));
  for (const r of rows) {
    io.stdout.write(`${r.name.padEnd(w)}  ${(r.hosts.join(",") || "(admins only)").padEnd(20)}  ${r.owner}:${r.group ?? "-"} ${r.mode}  ${r.format.padEnd(6)}  ${r.exists ? (r.lastChanged ?? "") : "MISSING FILE"}\n`);
  }
}

export async function secretRm(io: Io, name: string, opts: StoreOptions): Promise<void> {
  const store = await openCliStore(io, opts);
  const m = removeSecret(store.manifest, name);
  const file = secretFile(store, name);
  store.tree.statFile(file); // a link or an irregular file there: refused before the manifest changes
  await saveManifest(m);
  store.tree.remove(file);
  await recordRemoval(store, name);
  printInfo(io, `removed ${name} and ${path.relative(io.cwd, file) || file}`);
  printWarning(io, "its ciphertext stays in git history; rotate the value where it is used if it may have leaked");
}
