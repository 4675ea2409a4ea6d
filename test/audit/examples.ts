// Turns a rule's Example into something to run (shared by the rule and property tests):
// file examples become audit inputs, store examples StoreFacts, closure examples
// needles and in-memory files.
import type { Example, StoreFacts } from "../../src/audit/rule.js";
import { closureNeedles, searchTexts, type ClosureHit } from "../../src/audit/closure.js";
import { emptyStoreFacts } from "../../src/audit/store-checks.js";
import type { AuditInput } from "../../src/audit/types.js";

/** Text with a NUL is binary: encode it byte for byte (latin-1), else UTF-8. */
export function toBytes(text: string): Uint8Array {
  if (text.includes("\u0000")) return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
  return new TextEncoder().encode(text);
}

export type FileExample = Exclude<Example, { store: unknown } | { closure: unknown }>;

export function isFileExample(ex: Example): ex is FileExample {
  return typeof ex === "string" || "path" in ex;
}

export function exampleInputs(ex: FileExample): { main: string; inputs: AuditInput[]; tracked: string[]; maxBytes?: number } {
  const f = typeof ex === "string" ? { path: "example.nix", text: ex, with: undefined, tracked: false, maxBytes: undefined } : ex;
  const inputs: AuditInput[] = [{ path: f.path, content: toBytes(f.text) }];
  for (const [p, t] of Object.entries(f.with ?? {})) inputs.push({ path: p, content: toBytes(t) });
  return { main: f.path, inputs, tracked: f.tracked ? [f.path] : [], ...(f.maxBytes ? { maxBytes: f.maxBytes } : {}) };
}

export function exampleStore(ex: { store: Partial<StoreFacts> }): StoreFacts {
  return emptyStoreFacts(ex.store);
}

/** Runs a closure example: its secrets (text values; a NUL or a non-ASCII character makes it binary) through the search. */
export function exampleClosure(ex: { closure: { secrets: Record<string, string>; files: Record<string, string> } }): ClosureHit[] {
  const secrets = Object.entries(ex.closure.secrets).map(([name, v]) => {
    const binary = /[\u0000-\u0008\u0080-\u00ff]/.test(v);
    return { name, value: binary ? Uint8Array.from(v, (c) => c.charCodeAt(0)) : new TextEncoder().encode(v), format: binary ? "binary" as const : "text" as const };
  });
  const files = Object.fromEntries(Object.entries(ex.closure.files).map(([p, t]) => [p, toBytes(t)]));
  return searchTexts(files, closureNeedles(secrets).needles);
}
