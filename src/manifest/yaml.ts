// Reading nixsec.yaml's YAML: the one policy of limits for both parsers that
// see it. js-yaml reads the data of a manifest (fast: ~60 ms for 1000
// secrets, against ~500 ms for the `yaml` Document); the `yaml` Document is
// parsed only to edit the file keeping its comments and to point at problems
// (validate.ts, document.ts). Both go through here, so a manifest one of them
// refuses the other refuses too, with the same message, and the manifest
// cache (cache.ts), which stores only what validated, never holds what the
// full reader would refuse (issue 12).
//
// The limits, all checked before any schema check or copy of the data:
// - the text: at most MAX_BYTES (1000 secrets with 20 hosts each are 177 KiB);
// - nesting: at most MAX_DEPTH levels (a manifest needs 6);
// - aliases: at most MAX_ALIASES reuses of an anchored list or map;
// - the expanded size: the data as JSON, counting every alias in full, at
//   most MAX_EXPANDED bytes. This is what stops `base: &b {…4 MB…}` with
//   2000 × `*b` (issue 12's repro: minutes and gigabytes in the schema check,
//   the cache and the generator). Both parsers share an anchored node between
//   its aliases instead of copying it, so parsing such a file is cheap; the
//   walk below measures it without expanding (each shared node is sized once).
import jsyaml from "js-yaml";
import { type Document, parseDocument } from "yaml";
import { NixsecError } from "../errors.js";
import { type Issue, ManifestError } from "./issues.js";

export const YAML_LIMITS = {
  maxBytes: 4 * 1024 * 1024,
  maxDepth: 64,
  maxAliases: 10_000,
  maxExpanded: 16 * 1024 * 1024,
} as const;

const MiB = (n: number) => `${Number((n / (1024 * 1024)).toFixed(1))} MiB`;

/** Limits are not field problems: a plain error naming the file and the limit. */
function limitError(file: string, message: string): NixsecError {
  return new NixsecError(`${file}: ${message}`, {
    hint: "nixsec reads the manifest on every command and refuses one this large or this aliased; write secrets out instead of aliasing a large block",
  });
}

/** The text-size limit, before any parser runs. */
export function checkTextSize(bytes: number, file: string): void {
  if (bytes > YAML_LIMITS.maxBytes) throw limitError(file, `the manifest is ${bytes} bytes, more than the ${MiB(YAML_LIMITS.maxBytes)} (${YAML_LIMITS.maxBytes} bytes) nixsec reads`);
}

/**
 * Checks parsed data against the depth, alias and expanded-size limits
 * without copying it; throws a ManifestError naming the limit.
 */
export function checkDataLimits(data: unknown, file: string): void {
  const sizes = new Map<object, number>();
  const inProgress = new Set<object>();
  let aliases = 0;
  let total = 0;
  const fail = (message: string): never => {
    throw limitError(file, message);
  };
  const size = (v: unknown, depth: number): number => {
    if (typeof v === "string") return v.length + 2;
    if (v === null || typeof v !== "object") return String(v).length;
    const known = sizes.get(v);
    if (known !== undefined) {
      if (++aliases > YAML_LIMITS.maxAliases) fail(`the manifest reuses anchored lists or maps more than ${YAML_LIMITS.maxAliases} times (aliases)`);
      return known;
    }
    if (inProgress.has(v)) fail("an alias refers to the node that contains it (a recursive alias)");
    if (depth > YAML_LIMITS.maxDepth) fail(`the manifest is nested more than ${YAML_LIMITS.maxDepth} levels deep`);
    inProgress.add(v);
    let n = 2;
    if (Array.isArray(v)) {
      for (const item of v) n += size(item, depth + 1) + 1;
    } else {
      for (const [k, item] of Object.entries(v)) n += k.length + 3 + size(item, depth + 1) + 1;
    }
    inProgress.delete(v);
    sizes.set(v, n);
    return n;
  };
  // The total counts every alias in full, and is checked as it grows, so a
  // bomb stops after the first few copies.
  const walk = (v: unknown, depth: number): void => {
    const n = size(v, depth);
    total += n;
    if (total > YAML_LIMITS.maxExpanded) fail(`the manifest expands (aliases included) to more than ${MiB(YAML_LIMITS.maxExpanded)} of data`);
  };
  if (data !== null && typeof data === "object") {
    // Each top-level section and each secret separately, so `total` grows
    // by the expanded size of each alias and stops the bomb early.
    for (const v of Object.values(data)) {
      if (v !== null && typeof v === "object" && !Array.isArray(v)) for (const item of Object.values(v)) walk(item, 2);
      else walk(v, 1);
    }
  }
}

/** The result of the lean read: data, or the reason the full reader must explain the text. */
export type LeanRead = { data: unknown } | { fallBack: true };

/**
 * js-yaml's reading of `text` with the limits. A limit is an error thrown
 * here; a syntax error or a duplicate key returns `fallBack` so the Document
 * reader can say where.
 */
export function readYamlLean(text: string, file: string): LeanRead {
  checkTextSize(Buffer.byteLength(text), file);
  let data: unknown;
  try {
    // maxDepth above the limit: deeper text fails here, and the same text fails the data check in the full reader.
    data = jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA, json: false, maxDepth: YAML_LIMITS.maxDepth * 2 } as jsyaml.LoadOptions);
  } catch (e) {
    if (/maxDepth/.test((e as Error).message)) throw limitError(file, `the manifest is nested more than ${YAML_LIMITS.maxDepth} levels deep`);
    return { fallBack: true };
  }
  checkDataLimits(data, file);
  return { data };
}

/** The comment-keeping Document of `text`, parsed within the text-size limit; syntax errors are in `doc.errors`. */
export function parseYamlDocument(text: string, file: string): Document {
  checkTextSize(Buffer.byteLength(text), file);
  // Duplicate keys are reported by validateDocument with their field path instead.
  return parseDocument(text, { uniqueKeys: false });
}

/**
 * A Document's data with the limits. `yaml`'s own alias guard (maxAliasCount)
 * is off: it counts nodes, not bytes, and this check replaces it.
 */
export function documentData(doc: Document, file: string): unknown {
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: -1 });
  } catch (e) {
    const issue: Issue = { path: [], message: `cannot read the YAML: ${(e as Error).message.replace(/^./, (c) => c.toLowerCase())}` };
    throw new ManifestError(file, [issue]);
  }
  checkDataLimits(data, file);
  return data;
}
