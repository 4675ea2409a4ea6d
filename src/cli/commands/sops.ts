// `nixsec sops …`: sops files without the sops binary, for people debugging
// a file and for scripts. `decrypt` prints what `sops -d` prints; `encrypt`,
// `updatekeys` and `inspect` follow sops' flags where they overlap (`-i` is
// nixsec's identity flag here, as in `nixsec age`; sops' in-place flag is
// `--in-place`).
import { readFileSync } from "node:fs";
import path from "node:path";
import { NixsecError } from "../../errors.js";
import { parseRecipient, type ParsedRecipient } from "../../crypto/index.js";
import {
  Branch,
  creationRuleFor,
  decryptSops,
  emitPlain,
  emitValue,
  encryptSops,
  findSopsConfig,
  formatForPath,
  inspectSops,
  loadPlain,
  parseExtractPath,
  rewrapSops,
  SOPS_FORMATS,
  valueAt,
  type EncryptionRules,
  type SopsFormat,
} from "../../sops/index.js";
import { writeFileAtomic } from "../../fs/atomic.js";
import type { Io } from "../io.js";
import { isPrintable, printInfo, printWarning } from "../output.js";
import { sopsIdentities } from "./sops-keys.js";

function readInput(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new NixsecError(`cannot read ${file}: ${code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code === "EISDIR" ? "a directory" : "read error"}`, { hint: "check the path of the FILE argument" });
  }
}

function formatOption(v: string | undefined, flag: string): SopsFormat | undefined {
  if (v === undefined) return undefined;
  if (!(SOPS_FORMATS as readonly string[]).includes(v)) throw new NixsecError(`${flag}: unknown format "${v}"`, { hint: `use one of ${SOPS_FORMATS.join(", ")}` });
  return v as SopsFormat;
}

/** Writes output: -o FILE atomically (mode for plaintext 0600), else stdout, refusing binary on a terminal. */
async function writeOut(io: Io, bytes: Uint8Array, output: string | undefined, mode: number | undefined): Promise<void> {
  if (output !== undefined && output !== "-") return writeFileAtomic(output, bytes, mode);
  if (io.stdout.isTTY && !isPrintable(bytes)) throw new NixsecError("refusing to write binary output to a terminal", { hint: "pass -o FILE, or pipe the output" });
  io.stdout.write(bytes);
}

/** `--age` values: repeatable, each a comma-separated list as sops takes it. */
function recipientsFrom(io: Io, values: string[]): ParsedRecipient[] {
  const out: ParsedRecipient[] = [];
  for (const text of values.flatMap((v) => v.split(",")).map((s) => s.trim()).filter(Boolean)) {
    try {
      out.push(parseRecipient(text));
    } catch (err) {
      if (err instanceof NixsecError) throw new NixsecError(`--age: ${err.message}`, { hint: err.hints.length > 0 ? err.hints : "check the value given to --age" });
      throw err;
    }
  }
  if (out.some((r) => r.kind.startsWith("ssh-"))) {
    printWarning(io, "an ssh-ed25519/ssh-rsa recipient is read by sops, not by sops-nix hosts (they use ssh-to-age keys): for a host, pass the output of `nixsec age convert-ssh KEY.pub`");
  }
  return out;
}

/** Recipients and rules from --age, else from the .sops.yaml creation rule for `file` (as sops does). */
function target(io: Io, file: string, age: string[] | undefined): { recipients: ParsedRecipient[]; rules: EncryptionRules } {
  if (age && age.length > 0) return { recipients: recipientsFrom(io, age), rules: {} };
  const config = findSopsConfig(io.cwd);
  if (!config) throw new NixsecError("no recipients: pass --age, or add a .sops.yaml with creation_rules", { hint: "nixsec sops encrypt --age age1… FILE" });
  const rule = creationRuleFor(config, path.resolve(io.cwd, file));
  if (rule.otherKeys.length > 0) printWarning(io, `${config}: the rule's ${rule.otherKeys.join(", ")} keys are not applied (nixsec writes age recipients only)`);
  if (rule.age.length === 0) throw new NixsecError(`${config}: the creation rule for ${file} has no age recipients`, { hint: "add age: [age1…] to the rule, or pass --age" });
  return { recipients: recipientsFrom(io, rule.age), rules: rule.rules };
}

export interface DecryptOptions {
  identity?: string[];
  extract?: string;
  inputType?: string;
  outputType?: string;
  output?: string;
}

export async function sopsDecrypt(io: Io, file: string, opts: DecryptOptions): Promise<void> {
  const format = formatOption(opts.inputType, "--input-type") ?? formatForPath(file);
  const outFormat = formatOption(opts.outputType, "--output-type") ?? format;
  const extract = opts.extract === undefined ? null : parseExtractPath(opts.extract);
  if (opts.extract !== undefined && !extract) throw new NixsecError(`--extract: "${opts.extract}" is not a path like '["key"][0]'`, { hint: 'quote keys with double quotes inside brackets: --extract \'["db"]["password"]\'' });
  const bytes = readInput(file);
  const d = await decryptSops(bytes, await sopsIdentities(io, opts.identity), { file, format });
  if (d.undecryptedComments > 0) printWarning(io, `${file}: ${d.undecryptedComments} comment(s) look encrypted but do not decrypt; printed as they are`);
  // A binary file's one value is raw bytes; other output types show it as text, as sops does.
  const branches = format === "binary" && outFormat !== "binary" ? d.branches.map((b) => new Branch(b.items.map((it) => ("key" in it && it.value instanceof Uint8Array ? { key: it.key, value: Buffer.from(it.value).toString("utf8") } : it)))) : d.branches;
  let out: Uint8Array;
  if (extract) {
    const at = valueAt(branches[0] ?? new Branch(), extract);
    if ("missing" in at) throw new NixsecError(`--extract: ${at.missing} in ${file}`, { hint: `nixsec sops decrypt ${file} shows the keys` });
    out = at.value instanceof Branch ? emitPlain([at.value], outFormat, file) : emitValue(at.value, outFormat, file);
  } else {
    out = emitPlain(branches, outFormat, file);
  }
  await writeOut(io, out, opts.output, 0o600);
}

export interface EncryptOptions {
  age?: string[];
  inputType?: string;
  outputType?: string;
  output?: string;
  inPlace?: boolean;
}

export async function sopsEncrypt(io: Io, file: string, opts: EncryptOptions): Promise<void> {
  if (opts.inPlace && opts.output !== undefined) throw new NixsecError("--in-place and -o/--output cannot be used together", { hint: "choose one" });
  const format = formatOption(opts.inputType, "--input-type") ?? formatForPath(file);
  const outFormat = formatOption(opts.outputType, "--output-type") ?? format;
  const bytes = readInput(file);
  let encrypted = false;
  try {
    inspectSops(bytes, { file, format });
    encrypted = true;
  } catch {
    // not a sops file: what we are here to encrypt
  }
  if (encrypted) throw new NixsecError(`${file} is already a sops file`, { hint: "decrypt it first, or use nixsec sops updatekeys to change its recipients" });
  const { recipients, rules } = target(io, file, opts.age);
  const plain = loadPlain(bytes, format, file);
  const out = await encryptSops(plain.branches, recipients, { file, format: outFormat, rules, layout: outFormat === format ? plain.layout : {} });
  await writeOut(io, out, opts.inPlace ? file : opts.output, undefined);
}

export interface UpdateKeysOptions {
  identity?: string[];
  age?: string[];
  inputType?: string;
  dryRun?: boolean;
}

export async function sopsUpdateKeys(io: Io, files: string[], opts: UpdateKeysOptions): Promise<void> {
  for (const file of files) {
    const format = formatOption(opts.inputType, "--input-type") ?? formatForPath(file);
    const bytes = readInput(file);
    const info = inspectSops(bytes, { file, format });
    if (info.metadata.keyGroups.length > 1) throw new NixsecError(`${file}: several key groups (Shamir); nixsec does not update those`, { hint: "use sops updatekeys" });
    const { recipients } = target(io, file, opts.age);
    const before = info.metadata.keyGroups[0]!.age.map((e) => e.recipient);
    const after = recipients.map((r) => r.text);
    const added = after.filter((r) => !before.includes(r));
    const removed = before.filter((r) => !after.includes(r));
    if (added.length === 0 && removed.length === 0) {
      printInfo(io, `${file}: already up to date`);
      continue;
    }
    for (const r of added) io.stderr.write(`+++ ${r}\n`);
    for (const r of removed) io.stderr.write(`--- ${r}\n`);
    if (opts.dryRun) continue;
    const out = await rewrapSops(bytes, await sopsIdentities(io, opts.identity), recipients, { file, format });
    await writeFileAtomic(file, out);
    printInfo(io, `${file}: synced with ${after.length} age recipient${after.length === 1 ? "" : "s"} (values, MAC and lastmodified unchanged)`);
  }
}

export async function sopsInspect(io: Io, file: string, opts: { identity?: string[]; inputType?: string; json?: boolean }): Promise<void> {
  const format = formatOption(opts.inputType, "--input-type") ?? formatForPath(file);
  const bytes = readInput(file);
  const info = inspectSops(bytes, { file, format });
  const ids = await sopsIdentities(io, opts.identity);
  let mac: { status: "verified" | "failed" | "not checked"; reason?: string; openedBy?: string } = { status: "not checked", reason: "no identity opens the file" };
  let failure: NixsecError | undefined;
  const hasAge = info.metadata.keyGroups.some((g) => g.age.length > 0);
  if (ids.length > 0 && hasAge) {
    try {
      const d = await decryptSops(bytes, ids, { file, format });
      mac = { status: "verified", openedBy: d.openedBy };
    } catch (err) {
      if (!(err instanceof NixsecError)) throw err;
      if ((err as { kind?: string }).kind === "no-match") mac = { status: "not checked", reason: "none of the identities opens the file" };
      else {
        mac = { status: "failed", reason: err.message };
        failure = err;
      }
    }
  } else if (!hasAge) mac = { status: "not checked", reason: "no age recipient" };
  const md = info.metadata;
  const report = {
    file,
    format,
    version: md.version,
    lastmodified: md.lastModified,
    rules: md.rules,
    keyGroups: md.keyGroups.map((g) => ({ age: g.age.map((e) => e.recipient), others: g.others })),
    mac,
  };
  if (opts.json) io.stdout.write(JSON.stringify(report, null, 2) + "\n");
  else {
    const lines = [`${file}: sops ${format}, written by sops ${md.version || "(unknown version)"}`, `  lastmodified: ${md.lastModified}`];
    const rule = Object.entries(md.rules).map(([k, v]) => `${k.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase())}: ${String(v)}`);
    lines.push(`  rules: ${rule.join(", ")}`);
    md.keyGroups.forEach((g, i) => {
      lines.push(`  ${md.keyGroups.length > 1 ? `key group ${i + 1}` : "recipients"}:`);
      for (const e of g.age) lines.push(`    age ${e.recipient}`);
      for (const o of g.others) lines.push(`    ${o.type} ${o.name}`);
    });
    lines.push(`  mac: ${mac.status}${mac.openedBy ? ` (opened by the entry for ${mac.openedBy})` : mac.reason ? ` (${mac.reason})` : ""}`);
    io.stdout.write(lines.join("\n") + "\n");
  }
  if (failure) throw failure;
}
