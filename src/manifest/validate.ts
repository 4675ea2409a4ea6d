// Validating nixsec.yaml: the schema (zod), the cross-field checks, and the
// positions of problems in the YAML Document. Loaded only when a manifest is
// not in the cache (load.ts) or an edit must be checked (edit.ts). Both ways
// of reading the YAML go through yaml.ts and its one set of limits.
import { type Document, isMap, isScalar, isSeq } from "yaml";
import { cachedManifestData, storeManifestData } from "./cache.js";
import { checkManifest } from "./checks.js";
import { parseManifestDocument, withDocument } from "./document.js";
import { type Issue, type IssuePath, ManifestError, fromZodIssues, zodMessage } from "./issues.js";
import { fieldsAt } from "./json-schema.js";
import type { Manifest } from "./load.js";
import { type ManifestData, manifestSchema } from "./schema.js";
import { documentData, readYamlLean } from "./yaml.js";

/** Parses and validates manifest text; throws one ManifestError listing every problem. */
export function parseManifest(text: string, file: string): Manifest {
  const cached = cachedManifestData(text);
  if (cached) return { path: file, source: text, data: cached };
  return validateManifest(text, file);
}

/** parseManifest past the cache (load.ts has looked there already); a valid result is stored in it. */
export function validateManifest(text: string, file: string): Manifest {
  const fast = parseValidManifestFast(text, file);
  if (fast) {
    storeManifestData(text, fast.data);
    return fast;
  }
  return parseManifestFully(text, file);
}

// Names that YAML might read as numbers, booleans or null; the full path
// reports them (js-yaml would silently turn `123:` into "123").
const NON_STRING_NAME = /^([-+.\d]|(true|false|null|yes|no|on|off|y|n)$|~$)/i;

/**
 * The common case, fast: a valid manifest read with js-yaml (~10x faster than
 * the comment-keeping `yaml` Document on a 1000-secret manifest, which
 * dominated `nixsec rekey`'s no-op time). Anything unusual or invalid returns
 * null and goes through parseManifestFully, which reports problems with
 * positions. The Document for edits is parsed only when an edit asks for it
 * (document.ts).
 * A test checks both paths give the same data.
 */
function parseValidManifestFast(text: string, file: string): Manifest | null {
  // A limit is an error here already; syntax errors and duplicate keys fall
  // through to the full path, which explains them.
  const read = readYamlLean(text, file);
  if (!("data" in read)) return null;
  const raw = read.data;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return null;
  for (const section of ["admins", "hosts", "secrets"] as const) {
    const map = (raw as Record<string, unknown>)[section];
    if (typeof map === "object" && map !== null && Object.keys(map).some((k) => NON_STRING_NAME.test(k))) return null;
  }
  const result = manifestSchema.safeParse(raw);
  if (!result.success || checkManifest(raw).length > 0) return null;
  return { path: file, source: text, data: result.data };
}

/** The full path: the `yaml` Document, every problem with its position. */
export function parseManifestFully(text: string, file: string): Manifest {
  // Duplicate keys are reported by validateDocument with their field path instead.
  const doc = parseManifestDocument(text, file);
  if (doc.errors.length > 0) {
    throw new ManifestError(
      file,
      doc.errors.map((e) => ({
        path: [],
        message: lowerFirst(e.message.replace(/ at line \d+, column \d+:[\s\S]*$/, "")),
        at: e.linePos ? { line: e.linePos[0].line, col: e.linePos[0].col } : { line: 1, col: 1 },
      })),
    );
  }
  return withDocument({ path: file, source: text, data: validateDocument(doc, file) }, doc);
}

/** Validates a parsed (or edited) Document: schema, duplicate keys, cross-field checks. */
export function validateDocument(doc: Document, file: string): ManifestData {
  const raw = documentData(doc, file);
  if (raw === null || raw === undefined) {
    const message = "the manifest is empty; it needs `version: 1` and an `admins:` section";
    throw new ManifestError(file, [{ path: [], message }]);
  }
  const result = manifestSchema.safeParse(raw, { error: zodMessage });
  const issues = [
    ...duplicateKeys(doc.contents, []),
    ...unquotedNames(doc),
    ...(result.success ? [] : fromZodIssues(result.error.issues, fieldsAt)),
    ...checkManifest(raw),
  ];
  if (issues.length > 0 || !result.success) throw new ManifestError(file, sortByPosition(doc, issues));
  return result.data;
}

function duplicateKeys(node: unknown, at: IssuePath): Issue[] {
  if (isSeq(node)) return node.items.flatMap((item, i) => duplicateKeys(item, [...at, i]));
  if (!isMap(node)) return [];
  const seen = new Set<string>();
  return node.items.flatMap((pair) => {
    const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
    const issues = seen.has(key) ? [{ path: [...at, key], message: "is defined twice; keep one" }] : [];
    seen.add(key);
    return [...issues, ...duplicateKeys(pair.value, [...at, key])];
  });
}

/**
 * Names YAML reads as something other than a string (`123:`, `true:`, `01:`).
 * They would reach the data as "123", "true", "1" while edits address the
 * YAML key, so they must be quoted.
 */
function unquotedNames(doc: Document): Issue[] {
  return (["admins", "hosts", "secrets"] as const).flatMap((section) => {
    const map = doc.get(section, true);
    if (!isMap(map)) return [];
    return map.items.flatMap((pair) => {
      if (isScalar(pair.key) && typeof pair.key.value === "string") return [];
      const name = String(isScalar(pair.key) ? pair.key.value : pair.key);
      return [{ path: [section, name], message: `YAML does not read this name as text; quote it: "${name}"` }];
    });
  });
}

/** File order, so the report reads top to bottom; problems without a node go last. */
function sortByPosition(doc: Document, issues: Issue[]): Issue[] {
  const offset = (p: IssuePath): number => {
    for (let n = p.length; n >= 0; n--) {
      const node = doc.getIn(p.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return node.range[0];
    }
    return Number.MAX_SAFE_INTEGER;
  };
  return issues
    .map((issue, i) => ({ issue, i, at: offset(issue.path) }))
    .sort((a, b) => a.at - b.at || a.i - b.i)
    .map((x) => x.issue);
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

