// The five sops file formats behind one shape (getsops/sops stores/*):
// load an encrypted file into its document and metadata, write one back,
// and read or write the plaintext forms `sops -d` prints. Metadata sits
// under a `sops` key (YAML: in every document; JSON), as `sops_…` lines
// (dotenv) or a `[sops]` section (INI, with newlines written as \n).
import { SopsError } from "./errors.js";
import { flattenBranch, keepOrder, unflatten, type FlatItem } from "./flatten.js";
import { emitDotenv, joinDotenvMetadata, readDotenv, splitDotenvMetadata } from "./dotenv.js";
import { emitIni, readIni } from "./ini.js";
import { emitJson, jsonValue } from "./json-emit.js";
import { readJson } from "./json-read.js";
import { checkSize, LIMITS } from "./limits.js";
import { METADATA_KEY } from "./metadata.js";
import { Branch, Comment, type Value } from "./tree.js";
import { emitYaml, emitYamlValue } from "./yaml-emit.js";
import type { readYaml as YamlReader } from "./yaml-read.js";

export type SopsFormat = "yaml" | "json" | "dotenv" | "ini" | "binary";
export const SOPS_FORMATS: readonly SopsFormat[] = ["yaml", "json", "dotenv", "ini", "binary"];

// The YAML reader, and the `yaml` package under it, come with the engine's
// full entry (index.ts registers it). The store's entry (binary.ts) reads
// binary files only, so a store command never loads that parser.
let yamlReader: typeof YamlReader | undefined;

/** Called once by index.ts: YAML files can be read from then on. */
export function registerYamlReader(r: typeof YamlReader): void {
  yamlReader = r;
}

function readYaml(bytes: Uint8Array, file: string): ReturnType<typeof YamlReader> {
  if (!yamlReader) throw new Error("internal: reading YAML needs the sops engine's full entry (src/sops/index.ts)");
  return yamlReader(bytes, file);
}

/** How a file was laid out, so a rewrite keeps it: indentation, and the order of flat metadata keys. */
export interface Layout {
  yamlIndent?: number;
  jsonIndent?: string;
  flatOrder?: string[];
  /**
   * The newlines that end the file (JSON and INI). sops' releases differ:
   * JSON before 3.9.2 had no final newline, INI before 3.8 a blank line.
   */
  ending?: string;
}

const endingOf = (bytes: Uint8Array): string => /\n*$/.exec(Buffer.from(bytes.subarray(Math.max(0, bytes.length - 8))).toString("latin1"))![0];

function withEnding(text: string, ending: string | undefined): string {
  if (ending === undefined) return text;
  // The trailing newlines replaced (a scan from the end, not a regex over the whole text).
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x0a) end--;
  return text.slice(0, end) + ending;
}

/** An encrypted file as read: values still ENC[…], metadata as its (unflattened) tree. */
export interface EncryptedDocument {
  format: SopsFormat;
  branches: Branch[];
  metadata: Branch;
  layout: Layout;
}

/** sops' rule (cmd/sops/formats): the extension decides, anything else is binary. */
export function formatForPath(path: string): SopsFormat {
  if (path.endsWith(".yaml") || path.endsWith(".yml")) return "yaml";
  if (path.endsWith(".json")) return "json";
  if (path.endsWith(".env")) return "dotenv";
  if (path.endsWith(".ini")) return "ini";
  return "binary";
}

const utf8 = new TextEncoder();

function takeNested(branches: Branch[], file: string): { branches: Branch[]; metadata: Branch } {
  let metadata: Branch | undefined;
  const out = branches.map((b, i) => {
    const items = b.items.filter((it) => {
      if (it instanceof Comment || it.key !== METADATA_KEY) return true;
      if (i === 0) {
        if (metadata) throw new SopsError("format", `${file}: two "${METADATA_KEY}" entries`);
        if (!(it.value instanceof Branch)) throw new SopsError("format", `${file}: the "${METADATA_KEY}" entry is not a map`);
        metadata = it.value;
      }
      return false;
    });
    return new Branch(items);
  });
  if (!metadata) throw new SopsError("format", `${file}: sops metadata not found`, { hint: "is this a sops-encrypted file, and is its format right? (--input-type)" });
  return { branches: out, metadata };
}

function putNested(branches: Branch[], metadata: Branch, file: string): Branch[] {
  return branches.map((b) => {
    if (b.get(METADATA_KEY) !== undefined) throw new SopsError("format", `${file}: the data has a top-level key "${METADATA_KEY}", which sops reserves for its metadata`, { hint: "rename the key" });
    return new Branch([...b.items, { key: METADATA_KEY, value: metadata }]);
  });
}

const escapeNl = (items: FlatItem[]): FlatItem[] => items.map(([k, v]) => [k, typeof v === "string" ? v.replaceAll("\n", "\\n") : v]);

export function loadEncrypted(bytes: Uint8Array, format: SopsFormat, file: string): EncryptedDocument {
  switch (format) {
    case "yaml": {
      const y = readYaml(bytes, file);
      return { format, ...takeNested(y.docs, file), layout: { yamlIndent: y.indent } };
    }
    case "json":
    case "binary": {
      const j = readJson(bytes, file);
      return { format, ...takeNested([j.branch], file), layout: { jsonIndent: j.indent, ending: endingOf(bytes) } };
    }
    case "dotenv": {
      const { data, flat } = splitDotenvMetadata(readDotenv(bytes, file), file);
      return { format, branches: [data], metadata: unflatten(flat, file), layout: { flatOrder: flat.map(([k]) => k) } };
    }
    case "ini": {
      const { branches, metadata } = takeNested([readIni(bytes, file)], file);
      const flat: FlatItem[] = metadata.entries().map((e) => [e.key, typeof e.value === "string" ? e.value.replaceAll("\\n", "\n") : e.value]);
      return { format, branches, metadata: unflatten(flat, file), layout: { flatOrder: flat.map(([k]) => k), ending: endingOf(bytes) } };
    }
  }
}

function flatMetadata(metadata: Branch, layout: Layout): FlatItem[] {
  const fresh = flattenBranch(metadata);
  return layout.flatOrder ? keepOrder(layout.flatOrder, fresh) : fresh;
}

export function emitEncrypted(doc: EncryptedDocument, file: string): Uint8Array {
  switch (doc.format) {
    case "yaml":
      return utf8.encode(emitYaml(putNested(doc.branches, doc.metadata, file), doc.layout.yamlIndent ?? 4));
    case "json":
    case "binary":
      return utf8.encode(withEnding(emitJson(putNested(doc.branches.slice(0, 1), doc.metadata, file)[0]!, doc.layout.jsonIndent ?? "\t"), doc.layout.ending));
    case "dotenv":
      return utf8.encode(emitDotenv(joinDotenvMetadata(doc.branches[0] ?? new Branch(), flatMetadata(doc.metadata, doc.layout), file), file));
    case "ini": {
      const section = new Branch(escapeNl(flatMetadata(doc.metadata, doc.layout)).map(([key, value]) => ({ key, value })));
      return utf8.encode(withEnding(emitIni(putNested(doc.branches.slice(0, 1), section, file)[0]!, file), doc.layout.ending));
    }
  }
}

/** A plaintext file to encrypt. Binary is the whole file as one `data` value. */
export function loadPlain(bytes: Uint8Array, format: SopsFormat, file: string): { branches: Branch[]; layout: Layout } {
  switch (format) {
    case "yaml": {
      const y = readYaml(bytes, file);
      return { branches: y.docs, layout: { yamlIndent: y.indent } };
    }
    case "json": {
      const j = readJson(bytes, file);
      return { branches: [j.branch], layout: { jsonIndent: j.indent } };
    }
    case "dotenv":
      return { branches: [readDotenv(bytes, file)], layout: {} };
    case "ini":
      return { branches: [readIni(bytes, file)], layout: {} };
    case "binary":
      checkSize(bytes, LIMITS.otherBytes, file);
      return { branches: [new Branch([{ key: "data", value: bytes }])], layout: {} };
  }
}

/** The plaintext `sops -d` prints for decrypted branches. */
export function emitPlain(branches: Branch[], format: SopsFormat, file: string, layout: Layout = {}): Uint8Array {
  switch (format) {
    case "yaml":
      return utf8.encode(emitYaml(branches, layout.yamlIndent ?? 4));
    case "json":
      return utf8.encode(emitJson(branches[0] ?? new Branch(), layout.jsonIndent ?? "\t"));
    case "dotenv":
      return utf8.encode(emitDotenv(branches[0] ?? new Branch(), file));
    case "ini":
      return utf8.encode(emitIni(branches[0] ?? new Branch(), file));
    case "binary": {
      const data = branches.length === 1 ? branches[0]!.get("data") : undefined;
      if (data instanceof Uint8Array) return data;
      if (typeof data === "string") return utf8.encode(data);
      throw new SopsError("format", `${file}: no binary data found (a binary sops file holds one "data" value)`, {
        hint: "this is likely not an encrypted binary file; choose the output type with --output-type",
      });
    }
  }
}

/** One value as `sops -d --extract` prints it: strings raw, other values in the output format. */
export function emitValue(v: Value, format: SopsFormat, file: string): Uint8Array {
  if (typeof v === "string") return utf8.encode(v);
  if (v instanceof Uint8Array) return v;
  switch (format) {
    case "yaml":
      return utf8.encode(emitYamlValue(v));
    case "json":
      return utf8.encode(jsonValue(v, "\t"));
    case "dotenv":
    case "ini":
    case "binary":
      throw new SopsError("format", `${file}: the ${format} output type can only print a string value here`, { hint: "use --output-type yaml or json" });
  }
}
