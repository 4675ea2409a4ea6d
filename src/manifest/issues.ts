// Manifest problems, collected and reported together: one line per problem,
// `FILE: path.to.field: message`, in file order, in one error. Messages are
// lower-case, name the field and never echo key material beyond a name.
import type { z } from "zod";
import { ExitCode, NixsecError } from "../errors.js";

export type IssuePath = ReadonlyArray<string | number>;

export interface Issue {
  path: IssuePath;
  message: string;
  /** Line and column (1-based) when the problem is YAML syntax rather than a field. */
  at?: { line: number; col: number };
}

/** Thrown by the loader and the edit functions; `issues` lets callers render them as data. */
export class ManifestError extends NixsecError {
  constructor(
    readonly file: string,
    readonly issues: readonly Issue[],
  ) {
    super(issues.map((i) => formatIssue(file, i)).join("\n"), {
      exitCode: ExitCode.usage,
      hint: "every field of nixsec.yaml is described in nixsec's schema/nixsec.schema.json",
    });
    this.name = "ManifestError";
  }
}

export function formatIssue(file: string, issue: Issue): string {
  if (issue.at) return `${file}:${issue.at.line}:${issue.at.col}: ${issue.message}`;
  return `${file}: ${formatPath(issue.path)}: ${issue.message}`;
}

/** `secrets."svc/key".hosts[0]`: bare names when unambiguous, JSON-quoted otherwise. */
export function formatPath(path: IssuePath): string {
  if (path.length === 0) return "(top level)";
  return path
    .map((seg, i) => {
      if (typeof seg === "number") return `[${seg}]`;
      const name = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg) ? seg : JSON.stringify(seg);
      return i === 0 ? name : "." + name;
    })
    .join("");
}

/** The YAML word for a value's type, for "expected X, got Y". */
export function describeValue(value: unknown): string {
  if (value === null) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return "a string";
  if (typeof value === "number") return Number.isInteger(value) ? "an integer" : "a number";
  return `a ${typeof value}`;
}

const EXPECTED_WORDS: Record<string, string> = {
  object: "a mapping",
  record: "a mapping",
  array: "a list",
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
};

/**
 * Zod's per-parse error map: a friendly message for every issue the schema
 * did not give its own message. Schema-level messages take precedence.
 */
export function zodMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type": {
      if (issue.input === undefined) return "is required";
      const expected = EXPECTED_WORDS[issue.expected] ?? issue.expected;
      // `hosts:` with nothing under it is null in YAML.
      const empty = issue.input === null && expected === "a mapping" ? " (write {} for an empty section)" : "";
      return `expected ${expected}, got ${describeValue(issue.input)}${empty}`;
    }
    case "invalid_value": {
      const isVersion = issue.path?.length === 1 && issue.path[0] === "version";
      if (issue.input === undefined) return isVersion ? "is required; start the file with `version: 1`" : "is required";
      if (isVersion) return `unsupported manifest version ${JSON.stringify(issue.input)}; this nixsec reads version 1`;
      const values = issue.values.map((v) => JSON.stringify(v));
      return values.length === 1 ? `must be ${values[0]}` : `must be one of ${values.join(", ")}`;
    }
    case "too_small":
    case "too_big": {
      const bound = issue.code === "too_small" ? `at least ${issue.minimum}` : `at most ${issue.maximum}`;
      if (issue.origin === "string") return `must be ${bound} characters long`;
      if (issue.origin === "array") return `must have ${bound} items`;
      return `must be ${bound}`;
    }
    case "invalid_union":
      if ("discriminator" in issue && Array.isArray(issue.options)) {
        return `must be one of ${issue.options.map(String).join(", ")}`;
      }
      return "does not match any allowed form";
    case "invalid_format":
      return `does not match the pattern ${issue.pattern ?? issue.format}`;
    default:
      return undefined;
  }
}

/** Turns zod issues into ours: one per unknown field, with a did-you-mean for typos. */
export function fromZodIssues(
  issues: readonly z.core.$ZodIssue[],
  fieldsAt: (objectPath: IssuePath) => readonly string[],
): Issue[] {
  const out: Issue[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== "symbol");
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const near = closest(key, fieldsAt(path));
        const hint = near ? ` (did you mean ${JSON.stringify(near)}?)` : "";
        out.push({ path: [...path, key], message: `unknown field${hint}` });
      }
    } else if (issue.code === "invalid_key" || issue.code === "invalid_element") {
      out.push({ path, message: issue.issues[0]?.message ?? issue.message });
    } else {
      out.push({ path, message: issue.message });
    }
  }
  return out;
}

/**
 * Names a user may have meant by `word`: those within a few typos (a
 * quarter of the length, at least 1; a swap of two letters is one), nearest
 * first; failing that, those whose last path segment matches (`clientSecret`
 * for `withings/oauthClientSecret`). At most `max`.
 */
export function suggestions(word: string, candidates: Iterable<string>, max = 3): string[] {
  const w = word.toLowerCase();
  const scored: Array<[string, number]> = [];
  const bySegment: string[] = [];
  const last = (s: string) => s.split("/").pop()!.toLowerCase();
  for (const c of candidates) {
    if (c === word) continue;
    const d = editDistance(w, c.toLowerCase(), true);
    if (d <= Math.max(1, Math.floor(Math.max(w.length, c.length) / 4))) scored.push([c, d]);
    else if (last(c).includes(last(word)) || last(word).includes(last(c))) bySegment.push(c);
  }
  scored.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
  const near = scored.map(([c]) => c);
  return (near.length ? near : bySegment.sort()).slice(0, max);
}

/** `; did you mean "x"?` (or "x" or "y"), or "" when nothing is near. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const near = suggestions(word, candidates);
  return near.length ? `; did you mean ${near.map((n) => JSON.stringify(n)).join(" or ")}?` : "";
}

/** The known field within edit distance 2 of `word`, if exactly one is nearest. */
function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

/** Levenshtein distance; with `swaps`, a swap of adjacent letters counts as one edit (optimal string alignment). */
function editDistance(a: string, b: string, swaps = false): number {
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (swaps && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j]!, prev2[j - 2]! + 1);
    }
    prev2 = prev;
    prev = row;
  }
  return prev[b.length]!;
}
