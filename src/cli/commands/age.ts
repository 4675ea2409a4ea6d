// `nixsec age …`: the age CLI's jobs with nixsec's SSH and plugin support,
// for people debugging a file and for scripts. Flags mirror age(1) where
// they overlap (`-j NAME` as in age 1.3).
import { closeSync, constants, createReadStream, fsyncSync, openSync, readFileSync, statSync, writeSync } from "node:fs";
import path from "node:path";
import { NixsecError } from "../../errors.js";
import {
  AgeError,
  decryptStream,
  encryptStream,
  generateAgeKey,
  inspectAge,
  lazyPassphraseIdentity,
  parseIdentityFile,
  parseRecipient,
  parseRecipientsFile,
  pluginLoaded,
  PluginIdentity,
  PluginRecipient,
  readAll,
  setPluginContext,
  sshToAgeIdentity,
  sshToAgeRecipient,
  type LoadedIdentity,
  type ParsedRecipient,
} from "../../crypto/index.js";
import { pipeTo, webStream, writeStreamAtomic, type Io } from "../io.js";
import { isPrintable, printInfo, printWarning } from "../output.js";
import { askSecret, cliPluginContext, keyPassphrases } from "../prompt.js";

function readInput(io: Io, file: string | undefined): ReadableStream<Uint8Array> {
  if (file === undefined || file === "-") return webStream(io.stdin);
  try {
    statSync(file);
  } catch {
    throw new NixsecError(`cannot read input file ${file}`, { hint: "check the path (the last argument is the input file; omit it to read stdin)" });
  }
  return webStream(createReadStream(file));
}

/** What a file system error code means, in words (never a raw ENOENT). */
export function fsProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "it is a directory";
    case "ENOTDIR":
      return "a part of the path is not a directory";
    case "ELOOP":
      return "too many symbolic links";
    default:
      return code ? `read error (${code})` : "read error";
  }
}

function readFileOrFail(file: string, flag: string, hint = `check the path given to ${flag}`): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new NixsecError(`cannot read ${file} (${flag}): ${fsProblem(err)}`, { hint });
  }
}

async function writeOutput(io: Io, out: ReadableStream<Uint8Array>, file: string | undefined, kind: "age" | "plaintext", armored: boolean): Promise<void> {
  if (file !== undefined && file !== "-") return writeStreamAtomic(file, out, kind === "plaintext" ? 0o600 : 0o644);
  if (io.stdout.isTTY) {
    if (kind === "age" && !armored) {
      throw new NixsecError("refusing to write binary age output to a terminal", { hint: "pass -a/--armor for text output, or -o FILE" });
    }
    // Plaintext: check the first chunk before anything reaches the terminal.
    const reader = out.getReader();
    const first = await reader.read();
    if (!first.done && !isPrintable(first.value)) {
      await reader.cancel();
      throw new NixsecError("refusing to write binary plaintext to a terminal", { hint: "pass -o FILE, or pipe the output" });
    }
    if (!first.done) io.stdout.write(first.value);
    const rest = new ReadableStream<Uint8Array>({
      async pull(c) {
        const r = await reader.read();
        if (r.done) c.close();
        else c.enqueue(r.value);
      },
    });
    return pipeTo(rest, io.stdout);
  }
  return pipeTo(out, io.stdout);
}

export interface EncryptOptions {
  recipient?: string[];
  recipientsFile?: string[];
  plugin?: string[];
  armor?: boolean;
  output?: string;
}

export async function ageEncrypt(io: Io, input: string | undefined, opts: EncryptOptions): Promise<void> {
  setPluginContext(cliPluginContext(io));
  const recipients: ParsedRecipient[] = [];
  for (const r of opts.recipient ?? []) recipients.push(withFlag(() => parseRecipient(r), "-r/--recipient"));
  for (const f of opts.recipientsFile ?? []) recipients.push(...withFlag(() => parseRecipientsFile(readFileOrFail(f, "-R").toString("utf8"), f), "-R/--recipients-file"));
  // -j NAME: the plugin's identity without data, encrypted to as age 1.3 does.
  for (const name of opts.plugin ?? []) recipients.push({ kind: "plugin", text: `-j ${name}`, recipient: withFlag(() => PluginRecipient.fromName(name), "-j") });
  if (recipients.length === 0) {
    throw new NixsecError("no recipients", { hint: "pass -r age1… / -r \"ssh-ed25519 AAAA…\", -R FILE (one recipient per line), or -j PLUGIN" });
  }
  const out = await encryptStream(readInput(io, input), recipients, { armor: Boolean(opts.armor) });
  await writeOutput(io, out, opts.output, "age", Boolean(opts.armor));
}

function withFlag<T>(fn: () => T, flag: string): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof NixsecError && err.hints.length === 0) throw new NixsecError(`${flag}: ${err.message}`, { hint: `check the value given to ${flag}` });
    if (err instanceof NixsecError) throw new NixsecError(`${flag}: ${err.message}`, { hint: err.hints });
    throw err;
  }
}

/** Warns, as ssh does, when a private key file is readable by others. */
export function checkKeyFileMode(io: Io, file: string): void {
  try {
    const st = statSync(file);
    if ((st.mode & 0o077) !== 0) printWarning(io, `${file} is readable by group or others (mode ${(st.mode & 0o777).toString(8)}); run: chmod 600 ${file}`);
  } catch {
    /* reported when read */
  }
}

/** An identity file to load, and where its path came from ("-i/--identity", "NIXSEC_IDENTITY", …). */
export interface IdentitySource {
  path: string;
  from: string;
}

/**
 * Loads identity files: age keys, SSH keys, plugin identity stubs. A file is
 * parsed before its mode is checked, so a public key given by mistake is
 * named as one without a warning about its (public) mode first.
 */
export async function loadIdentities(io: Io, files: Array<string | IdentitySource>): Promise<LoadedIdentity[]> {
  setPluginContext(cliPluginContext(io));
  const ask = keyPassphrases(io);
  const out: LoadedIdentity[] = [];
  for (const f of files) {
    const { path: file, from } = typeof f === "string" ? { path: f, from: "-i/--identity" } : f;
    const data = readFileOrFail(file, from, `check the path given by ${from}`);
    const ids = await parseIdentityFile(data, file, { passphrase: ask });
    // A plugin's identity stub holds no key material: its mode does not matter.
    if (ids.some((id) => id.kind !== "plugin")) checkKeyFileMode(io, file);
    out.push(...ids);
  }
  return out;
}

export interface DecryptOptions {
  identity?: string[];
  plugin?: string[];
  output?: string;
}

export async function ageDecrypt(io: Io, input: string | undefined, opts: DecryptOptions): Promise<void> {
  const ids = await loadIdentities(io, opts.identity ?? []);
  for (const name of opts.plugin ?? []) ids.push(pluginLoaded(withFlag(() => PluginIdentity.fromName(name), "-j"), `-j ${name}`));
  // Like age -d: a passphrase-encrypted file asks for its passphrase on the
  // terminal, unless a plugin is named (-j batchpass reads passphrase files).
  if (!opts.plugin?.length) ids.push(lazyPassphraseIdentity(() => askSecret(io, { message: "Passphrase:", alternative: "passphrase-encrypted files need a terminal; for scripts, encrypt to a key instead" })));
  let out: ReadableStream<Uint8Array>;
  try {
    out = await decryptStream(readInput(io, input), ids);
  } catch (err) {
    throw namingFile(err, input);
  }
  await writeOutput(io, out, opts.output, "plaintext", false).catch((err: unknown) => Promise.reject(namingFile(err, input)));
}

/** An age error about the input, with the input's name in front (a truncated file names itself). */
function namingFile(err: unknown, input: string | undefined): unknown {
  if (!(err instanceof AgeError) || input === undefined || input === "-" || err.kind === "plugin") return err;
  return new AgeError(err.kind, `${input}: ${err.message}`, { hint: err.hints });
}

export async function ageInspect(io: Io, file: string, opts: { json?: boolean }): Promise<void> {
  const data = file === "-" ? await readAll(webStream(io.stdin)) : readFileOrFail(file, "FILE");
  let info: ReturnType<typeof inspectAge>;
  try {
    info = inspectAge(data);
  } catch (err) {
    throw namingFile(err, file);
  }
  if (opts.json) {
    io.stdout.write(JSON.stringify({ file, ...info }, null, 2) + "\n");
    return;
  }
  const lines = [
    `${file}: age v1${info.armored ? ", armored" : ""}${info.postQuantum ? ", post-quantum" : ""}`,
    `  header: ${info.headerSize} bytes; payload: ${info.payloadSize} bytes; plaintext: ${info.plaintextSize ?? "invalid"} bytes`,
    `  stanzas (${info.stanzas.length}):`,
    ...info.stanzas.map((s) => `    ${s.type}${s.sshTag ? ` tag ${s.sshTag}` : ""} (${s.bodyLength}-byte body)`),
  ];
  io.stdout.write(lines.join("\n") + "\n");
}

export async function ageKeygen(io: Io, opts: { output?: string; pq?: boolean }): Promise<void> {
  const key = await generateAgeKey(opts.pq ? "pq" : "x25519");
  const text = `# created: ${new Date().toISOString().replace(/\.\d+Z$/, "Z")}\n# public key: ${key.recipient}\n${key.identity}\n`;
  if (opts.output === undefined || opts.output === "-") {
    io.stdout.write(text);
    if (!io.stdout.isTTY) printInfo(io, `public key: ${key.recipient}`);
    return;
  }
  writeNewSecretFile(opts.output, text);
  printInfo(io, `public key: ${key.recipient}`);
}

/** Creates a key file with mode 0600, refusing to replace an existing file (O_EXCL). */
export function writeNewSecretFile(file: string, text: string): void {
  let fd: number;
  try {
    fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw new NixsecError(`${file} already exists; not overwriting a key file`, { hint: "choose another path with -o, or remove the old file first" });
    throw new NixsecError(`cannot create ${file}: ${code}`, { hint: `check that ${path.dirname(file)} exists and is writable` });
  }
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export async function ageConvertSsh(io: Io, input: string | undefined, opts: { output?: string; privateKey?: boolean }): Promise<void> {
  const name = input ?? "stdin";
  const data = input === undefined || input === "-" ? Buffer.from(await readAll(webStream(io.stdin))) : readFileOrFail(input, "FILE");
  const text = data.toString("utf8");
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
    if (input) checkKeyFileMode(io, input);
    const key = await sshToAgeIdentity(text, name, keyPassphrases(io));
    const out = `# public key: ${key.recipient}\n${key.identity}\n`;
    if (opts.output && opts.output !== "-") writeNewSecretFile(opts.output, out);
    else io.stdout.write(out);
    return;
  }
  if (opts.privateKey) throw new NixsecError(`${name} is not an SSH private key`, { hint: "give the private key file (e.g. /etc/ssh/ssh_host_ed25519_key), not the .pub" });
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "" && !l.trim().startsWith("#"));
  if (lines.length === 0) throw new NixsecError(`${name}: no SSH public key found`, { hint: "give a .pub file or `ssh-keyscan HOST` output" });
  // ssh-keyscan output has the host name first; take the key fields.
  const out = lines.map((l) => sshToAgeRecipient(l.replace(/^[^\s]+\s+(?=ssh-)/, ""))).join("\n") + "\n";
  if (opts.output && opts.output !== "-") await writeStreamAtomic(opts.output, new Blob([out]).stream() as ReadableStream<Uint8Array>, 0o644);
  else io.stdout.write(out);
}
