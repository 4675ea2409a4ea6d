// `nixsec add | show | edit | list | rm`: the lifecycle of one secret.
// A value reaches nixsec through a masked prompt, stdin, a file or a
// generator; never through argv or the environment.
import { existsSync } from "node:fs";
import path from "node:path";
import { NixsecError } from "../../errors.js";
import { utf8 } from "../../crypto/bytes.js";
import { putSecret, removeSecret, saveManifest, type SecretFields } from "../../manifest/index.js";
import { durationMs, secretNameProblem } from "../../manifest/names.js";
import { GENERATE_KINDS, generateValue, publicKeyOf, type GenerateKind } from "../../store/generate.js";
import { decryptSecretFile, readSecretFile, readSecretValue, secretFile, storeOf, writeSecretValue, type Store } from "../../store/store.js";
import { readLock, recordRemoval, recordWrite, resolveLock } from "../../store/lock.js";
import { checkValue } from "../../store/value-checks.js";
import { parseTemplate, templateSecrets, templateText } from "../../nixgen/template.js";
import { runEditor, withEditBuffer } from "../edit-buffer.js";
import { withWriteLock } from "../write-lock.js";
import { adminIdentities, openCliStore, type StoreOptions } from "../context.js";
import { webStream, type Io } from "../io.js";
import { readAll } from "../../crypto/index.js";
import { isPrintable, printInfo, printWarning } from "../output.js";
import { askSecret } from "../prompt.js";
import { asFlagError, checkNotEmpty, readFlagFile, requireHosts, requireSecret, requireSource } from "./flags.js";

export interface AddOptions extends StoreOptions {
  host?: string[];
  owner?: string;
  group?: string;
  mode?: string;
  format?: "text" | "env" | "binary";
  description?: string;
  maxAge?: string;
  stdin?: boolean;
  fromFile?: string;
  allowEmpty?: boolean;
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

/** Reads a value from standard input; on a terminal, first says what it is waiting for. */
export async function readStdinValue(io: Io, name: string): Promise<Uint8Array> {
  if (io.stdinIsTTY) {
    printInfo(io, `reading the value of ${name} from standard input (this terminal; what you type is shown): end it with Ctrl-D on an empty line, or Ctrl-C to cancel. Leave out --stdin for a masked prompt.`);
  }
  return readAll(webStream(io.stdin));
}

async function valueFor(io: Io, store: Store, name: string, opts: AddOptions): Promise<{ value: Uint8Array; generate?: SecretFields["generate"]; source: string }> {
  const sources = [opts.stdin, opts.fromFile !== undefined, opts.generate !== undefined].filter(Boolean).length;
  if (sources > 1) throw new NixsecError("give the value one way: --stdin, --from-file or --generate", { hint: "or none of them for a masked prompt" });
  if (opts.stdin) {
    const value = await readStdinValue(io, name);
    checkNotEmpty(value, "--stdin", name, opts.allowEmpty);
    return { value, source: "--stdin" };
  }
  if (opts.fromFile !== undefined) {
    const value = readFlagFile(opts.fromFile, "--from-file");
    checkNotEmpty(value, `--from-file ${opts.fromFile}`, name, opts.allowEmpty);
    return { value, source: `--from-file ${opts.fromFile}` };
  }
  if (opts.generate !== undefined) {
    const kind = opts.generate as GenerateKind;
    if (!GENERATE_KINDS.includes(kind)) {
      throw new NixsecError(`--generate: unknown kind ${JSON.stringify(opts.generate)}`, { hint: `one of: ${GENERATE_KINDS.join(", ")}` });
    }
    let password: string | undefined;
    if (kind === "password-hash") {
      if (!opts.from) throw new NixsecError("--generate password-hash needs --from SECRET (the secret holding the password)", { hint: `e.g. nixsec add ${name} --generate password-hash --from users/alice/password` });
      requireSecret(store.manifest, opts.from, "--from");
      password = Buffer.from(await readSecretValue(store, opts.from, await adminIdentities(io, store, opts))).toString("utf8");
    }
    const length = intFlag(opts.length, "--length");
    const bytes = intFlag(opts.bytes, "--bytes");
    const g = await generateValue({ kind, length, alphabet: opts.alphabet, bytes, password, comment: name });
    if (g.publicInfo) printInfo(io, `${g.publicInfo} (later: nixsec show ${name} --public)`);
    const spec =
      kind === "password" ? { kind, ...(length ? { length } : {}), ...(opts.alphabet ? { alphabet: opts.alphabet } : {}) }
      : kind === "hex" || kind === "base64" ? { kind, ...(bytes ? { bytes } : {}) }
      : kind === "password-hash" ? { kind, from: opts.from! }
      : { kind };
    return { value: g.value, generate: spec as SecretFields["generate"], source: `--generate ${kind}` };
  }
  const typed = await askSecret(io, {
    message: `Value for ${name}:`,
    alternative: "pass --stdin, --from-file FILE or --generate KIND",
    confirm: true,
  });
  if (typed === "") throw new NixsecError("empty value; nothing was changed", { hint: "type a value, or use --generate" });
  return { value: utf8.encode(typed), source: "the prompt" };
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
  if (Object.hasOwn(store.manifest.data.templates, name)) throw new NixsecError(`NAME ${JSON.stringify(name)} is a template`, { hint: "secrets and templates share one namespace; choose another name" });
  requireHosts(store.manifest, opts.host);
  if (opts.maxAge !== undefined && durationMs(opts.maxAge) === undefined) {
    throw new NixsecError(`--max-age ${JSON.stringify(opts.maxAge)}: must be a duration such as 12h, 90d, 8w or 1y`, { hint: "e.g. --max-age 90d" });
  }
  const fields: SecretFields = {};
  if (opts.host) fields.hosts = [...new Set(opts.host)];
  else if (!exists) fields.hosts = [];
  if (opts.owner !== undefined) fields.owner = opts.owner;
  if (opts.group !== undefined) fields.group = opts.group;
  if (opts.mode !== undefined) fields.mode = opts.mode;
  if (opts.format !== undefined) fields.format = opts.format;
  if (opts.description !== undefined) fields.description = opts.description;
  if (opts.maxAge !== undefined) fields.maxAge = opts.maxAge;
  // Validate the manifest change (name, hosts, owner, mode) before asking for a value.
  let m;
  try {
    m = putSecret(store.manifest, name, fields);
  } catch (err) {
    throw asFlagError(err, ["secrets", name], {
      hosts: { flag: "--host", value: fields.hosts }, owner: { flag: "--owner", value: opts.owner }, group: { flag: "--group", value: opts.group },
      mode: { flag: "--mode", value: opts.mode }, maxAge: { flag: "--max-age", value: opts.maxAge }, description: { flag: "--description", value: opts.description },
    });
  }
  const { value, generate, source } = await valueFor(io, store, name, opts);
  checkValue(name, m.data.secrets[name]!, value, source);
  if (generate) m = putSecret(m, name, { generate });
  const after = storeOf(m);
  const file = await writeSecretValue(after, name, value);
  await saveManifest(m);
  await recordWrite(after, name, { valueChanged: new Date() });
  const readers = after.manifest.data.secrets[name]!.hosts;
  printInfo(io, `${exists ? "replaced" : "added"} ${name} → ${path.relative(io.cwd, file) || file} (admins${readers.length ? ` + ${readers.join(", ")}` : " only"})`);
  if (!exists && readers.length === 0) printInfo(io, `no host can read it yet; give one access with: nixsec grant ${name} --host HOST`);
}

export async function secretShow(io: Io, name: string, opts: StoreOptions & { public?: boolean }): Promise<void> {
  const store = await openCliStore(io, opts);
  const kind = requireSource(store.manifest, name);
  const ids = await adminIdentities(io, store, opts);
  let value: Uint8Array;
  if (kind === "template") {
    if (opts.public) throw new NixsecError(`--public: ${name} is a template, which has no public key`, { hint: "--public is for WireGuard and SSH key secrets" });
    // Rendered here as the host renders it: the parts in order, values byte for byte.
    const { text, where } = templateText(store.root, name, store.manifest.data.templates[name]!);
    const parts = parseTemplate(text, where);
    for (const s of templateSecrets(parts)) requireSecret(store.manifest, s, `a placeholder of template ${name}`);
    const chunks: Uint8Array[] = [];
    for (const p of parts) chunks.push("text" in p ? utf8.encode(p.text) : await readSecretValue(store, p.secret, ids));
    value = Buffer.concat(chunks);
  } else {
    value = await readSecretValue(store, name, ids);
  }
  if (opts.public) {
    const pub = await publicKeyOf(name, value, store.manifest.data.secrets[name]!.generate?.kind as GenerateKind | undefined);
    value.fill(0);
    io.stdout.write(pub.publicKey + "\n");
    return;
  }
  if (io.stdout.isTTY && !isPrintable(value)) {
    throw new NixsecError(`refusing to print binary secret ${name} to a terminal`, { hint: `redirect it: nixsec show ${name} > file (mode 0600)` });
  }
  io.stdout.write(value);
}

export async function secretEdit(io: Io, name: string, opts: StoreOptions): Promise<void> {
  const store = await openCliStore(io, opts);
  requireSecret(store.manifest, name);
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
  checkValue(name, store.manifest.data.secrets[name]!, edited, "the editor");
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

export async function secretList(io: Io, opts: StoreOptions & { json?: boolean }): Promise<void> {
  const store = await openCliStore(io, opts);
  const lock = resolveLock(store, readLock(store));
  const rows = Object.entries(store.manifest.data.secrets)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, s]) => {
      const file = secretFile(store, name);
      return {
        name,
        hosts: s.hosts,
        owner: s.owner,
        group: s.group ?? null,
        mode: s.mode,
        format: s.format,
        file: path.relative(store.root, file).split(path.sep).join("/"),
        exists: existsSync(file),
        // When the value last changed (add, edit, rotate), from the lock; null when it does not know.
        valueChanged: lock.get(name)?.valueChanged ?? null,
        maxAge: s.maxAge ?? null,
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
  const table = [
    ["NAME", "HOSTS", "OWNER", "MODE", "FORMAT", "FILE", "VALUE CHANGED"],
    ...rows.map((r) => [r.name, r.hosts.join(",") || "(admins only)", `${r.owner}:${r.group ?? "-"}`, r.mode, r.format, r.exists ? r.file : `${r.file} (MISSING)`, r.valueChanged ?? "unknown"]),
  ];
  const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  for (const row of table) io.stdout.write(row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]!))).join("  ") + "\n");
}

export async function secretRm(io: Io, name: string, opts: StoreOptions): Promise<void> {
  const store = await openCliStore(io, opts);
  requireSecret(store.manifest, name);
  const users = Object.entries(store.manifest.data.templates).filter(([t, spec]) => {
    try {
      const { text, where } = templateText(store.root, t, spec);
      return templateSecrets(parseTemplate(text, where)).includes(name);
    } catch {
      return false; // a broken template is `nixsec gen`'s to report
    }
  }).map(([t]) => t);
  if (users.length) throw new NixsecError(`template ${users.join(", ")} uses ${name}`, { hint: "remove its placeholder first, or the template (nixsec template rm NAME)" });
  const m = removeSecret(store.manifest, name);
  const file = secretFile(store, name);
  store.tree.statFile(file); // a link or an irregular file there: refused before the manifest changes
  await saveManifest(m);
  store.tree.remove(file);
  await recordRemoval(store, name);
  printInfo(io, `removed ${name} and ${path.relative(io.cwd, file) || file}`);
  printWarning(io, "its ciphertext stays in git history; rotate the value where it is used if it may have leaked");
}
