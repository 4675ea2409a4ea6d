// `--format sarif`: SARIF 2.1.0 (OASIS), as GitHub code scanning reads it.
// Columns are UTF-16 code units, SARIF's default columnKind, which is what
// the parser's offsets are. partialFingerprints carries the baseline
// fingerprint so code scanning tracks a finding across edits too.
import type { Rule } from "../rule.js";
import { RULES } from "../rules/index.js";
import type { Finding, Note, Severity } from "../types.js";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = { high: "error", medium: "warning", low: "note" };
const SECURITY_SEVERITY: Record<Severity, string> = { high: "8.0", medium: "5.0", low: "2.0" };

function ruleDescriptor(r: Rule): Record<string, unknown> {
  return {
    id: r.id,
    name: r.id.replace(/(^|-)([a-z])/g, (_, _d, c: string) => c.toUpperCase()),
    shortDescription: { text: r.title },
    fullDescription: { text: r.description },
    help: { text: r.hint.replace(/\{(\w+)\}/g, (_, k: string) => k.toUpperCase()) },
    defaultConfiguration: { level: LEVEL[r.severity] },
    properties: { tags: ["security", "secrets", "nix"], "security-severity": SECURITY_SEVERITY[r.severity], catalogue: r.catalogue },
  };
}

export function renderSarif(findings: readonly Finding[], notes: readonly Note[], version: string): string {
  const index = new Map(RULES.map((r, i) => [r.id, i]));
  const log = {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [{
      tool: { driver: { name: "nixsec", version, semanticVersion: version, rules: RULES.map(ruleDescriptor) } },
      originalUriBaseIds: { "%SRCROOT%": { description: { text: "the scanned root" } } },
      invocations: [{
        executionSuccessful: true,
        toolExecutionNotifications: notes.map((n) => ({
          level: "note",
          message: { text: n.message },
          locations: [{ physicalLocation: { artifactLocation: { uri: encodeUri(n.file), uriBaseId: "%SRCROOT%" } } }],
        })),
      }],
      results: findings.map((f) => ({
        ruleId: f.ruleId,
        ruleIndex: index.get(f.ruleId) ?? -1,
        level: LEVEL[f.severity],
        message: { text: `${f.message}. Fix: ${f.hint}` },
        locations: [{
          physicalLocation: {
            artifactLocation: { uri: encodeUri(f.file), uriBaseId: "%SRCROOT%" },
            region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn, snippet: { text: f.snippet } },
          },
        }],
        partialFingerprints: { "nixsec/v1": f.fingerprint },
        properties: { severity: f.severity },
      })),
    }],
  };
  return JSON.stringify(log, null, 2) + "\n";
}

/** A relative path as a URI reference: each segment percent-encoded, `/` kept. */
function encodeUri(p: string): string {
  return p.split("/").map(encodeURIComponent).join("/");
}
