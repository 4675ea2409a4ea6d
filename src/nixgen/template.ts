// Templates: text that is not secret, with placeholders `{{ nixsec:SECRET }}`
// where a secret's value goes. `nixsec gen` splits the text into parts (text,
// secret, text, …) for the generated data; the host renders a template by
// writing the parts in order, each secret part copied byte for byte from its
// decrypted file. A value is never scanned for placeholders, so a value that
// contains `{{ nixsec:… }}`, newlines or shell syntax lands as it is.
import path from "node:path";
import { NixsecError } from "../errors.js";
import { RepoTree } from "../fs/tree.js";
import type { ManifestData, TemplateSpec } from "../manifest/read.js";
import { secretNameProblem } from "../manifest/names.js";
import { didYouMean } from "../manifest/issues.js";

export type TemplatePart = { text: string } | { secret: string };

/** Templates are configuration files; a larger one is a mistake. */
export const TEMPLATE_MAX_BYTES = 1 << 20;

const OPEN = /\{\{[ \t]*nixsec:/g;
const PLACEHOLDER = /^\{\{[ \t]*nixsec:([A-Za-z0-9._/-]*)[ \t]*\}\}/;

/**
 * Splits template text into parts. A `{{` followed by `nixsec:` that is not
 * a whole placeholder with a valid secret name is an error naming its line
 * (never a silent literal); any other `{{` is text.
 */
export function parseTemplate(text: string, where: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let last = 0;
  const pushText = (t: string) => {
    if (t === "") return;
    const prev = parts[parts.length - 1];
    if (prev && "text" in prev) prev.text += t;
    else parts.push({ text: t });
  };
  for (const m of text.matchAll(OPEN)) {
    const at = m.index!;
    if (at < last) continue;
    const line = text.slice(0, at).split("\n").length;
    const p = PLACEHOLDER.exec(text.slice(at, at + 300));
    if (!p) throw new NixsecError(`${where}:${line}: a placeholder must be {{ nixsec:SECRET }} with a secret name and closing }}`, { hint: "secret names are paths like service/key: letters, digits, . _ - in each segment" });
    const problem = secretNameProblem(p[1]!);
    if (problem) throw new NixsecError(`${where}:${line}: placeholder ${JSON.stringify(p[1])}: ${problem}`, { hint: "write {{ nixsec:service/key }}" });
    pushText(text.slice(last, at));
    parts.push({ secret: p[1]! });
    last = at + p[0].length;
  }
  pushText(text.slice(last));
  return parts;
}

/** The secrets a template names, each once, in order of first use. */
export function templateSecrets(parts: readonly TemplatePart[]): string[] {
  return [...new Set(parts.flatMap((p) => ("secret" in p ? [p.secret] : [])))];
}

/**
 * A template's text: its inline `content`, or its `file` read from the
 * repository as every store file is (src/fs/tree.ts: a regular file with one
 * name, no symbolic link on the way, opened with O_NOFOLLOW), valid UTF-8
 * without NUL, at most TEMPLATE_MAX_BYTES.
 */
export function templateText(root: string, name: string, spec: TemplateSpec): { text: string; where: string } {
  if (spec.content !== undefined) return checkedText(Buffer.from(spec.content, "utf8"), `templates.${name}.content`);
  const rel = spec.file!;
  const tree = new RepoTree(root);
  const file = path.resolve(tree.root, rel);
  if (!file.startsWith(tree.root + path.sep)) {
    throw new NixsecError(`${rel} (template ${name}) is outside the repository`, { hint: "keep template files in the repository" });
  }
  let bytes: Buffer | undefined;
  try {
    bytes = tree.readFile(file, { maxBytes: TEMPLATE_MAX_BYTES, what: "a template: 1 MiB" });
  } catch (err) {
    if (!(err instanceof NixsecError)) throw err;
    throw new NixsecError(`template ${name}: ${err.message}`, { hint: err.hints, exitCode: err.exitCode, cause: err });
  }
  if (bytes === undefined) {
    throw new NixsecError(`cannot read ${rel} (template ${name}): no such file`, { hint: `create it, or change templates.${name}.file in nixsec.yaml` });
  }
  return checkedText(bytes, rel);
}

function checkedText(bytes: Buffer, where: string): { text: string; where: string } {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new NixsecError(`${where}: not valid UTF-8`, { hint: "templates are text; a binary file cannot be one" });
  }
  if (text.includes("\u0000")) throw new NixsecError(`${where}: contains a NUL byte`, { hint: "templates are text; a binary file cannot be one" });
  return { text, where };
}

/**
 * Parses a template and checks what it names against the manifest: every
 * placeholder is a secret of the text or env format, read by every host
 * that renders the template.
 */
export function resolveTemplate(root: string, data: ManifestData, name: string): TemplatePart[] {
  const spec = data.templates[name]!;
  const { text, where } = templateText(root, name, spec);
  const parts = parseTemplate(text, where);
  for (const secret of templateSecrets(parts)) {
    const s = data.secrets[secret];
    if (!s) {
      throw new NixsecError(`template ${name} (${where}): unknown secret ${JSON.stringify(secret)}${didYouMean(secret, Object.keys(data.secrets))}`, { hint: "`nixsec list` shows the secrets; add it with `nixsec add`" });
    }
    if (s.format === "binary") throw new NixsecError(`template ${name}: secret ${secret} has format binary; a template inserts text`, { hint: "use a text or env secret, or deliver the binary one with --credential" });
    const missing = spec.hosts.filter((h) => !s.hosts.includes(h));
    if (missing.length) {
      throw new NixsecError(`template ${name} is rendered on ${missing.join(", ")}, which cannot read secret ${secret}`, { hint: missing.map((h) => `nixsec grant ${secret} --host ${h}`) });
    }
  }
  return parts;
}
