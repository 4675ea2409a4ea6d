// Turns a rule's Example into audit inputs (shared by the rule and property tests).
import type { Example } from "../../src/audit/rule.js";
import type { AuditInput } from "../../src/audit/types.js";

/** Text with a NUL is binary: encode it byte for byte (latin-1), else UTF-8. */
export function toBytes(text: string): Uint8Array {
  if (text.includes("\u0000")) return Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
  return new TextEncoder().encode(text);
}

export function exampleInputs(ex: Example): { main: string; inputs: AuditInput[] } {
  const f = typeof ex === "string" ? { path: "example.nix", text: ex, with: undefined } : ex;
  const inputs: AuditInput[] = [{ path: f.path, content: toBytes(f.text) }];
  for (const [p, t] of Object.entries(f.with ?? {})) inputs.push({ path: p, content: toBytes(t) });
  return { main: f.path, inputs };
}
