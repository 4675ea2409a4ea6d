// The managed-store checks: pure, from StoreFacts (store-facts.ts gathers them)
// to findings, with the store rules in rank order. Like the per-file detector,
// a finding never carries a value: store facts hold names, paths and modes.
import { fillHint } from "./hints.js";
import { fingerprintHash } from "./hash.js";
import type { Rule, StoreFacts } from "./rule.js";
import type { Finding } from "./types.js";

/** Facts with nothing in them, for examples and callers that know only part of a store. */
export function emptyStoreFacts(partial: Partial<StoreFacts> = {}): StoreFacts {
  return { manifest: "nixsec.yaml", secretsDir: "secrets/", generatedDir: "nixsec/", secrets: [], files: [], generated: [], identity: null, specials: [], ...partial };
}

export function checkStore(facts: StoreFacts, rules: readonly Rule[]): Finding[] {
  const findings: Finding[] = [];
  for (const rule of rules) {
    if (rule.matcher.on !== "store") continue;
    for (const h of rule.matcher.check(facts)) {
      findings.push({
        ruleId: rule.id,
        severity: rule.severity,
        file: h.file,
        line: h.line,
        column: 1,
        endLine: h.line,
        endColumn: 1,
        message: `${rule.title}: ${h.detail}`,
        hint: fillHint(rule.hint, h.vars ?? {}),
        snippet: "",
        fingerprint: `${rule.id}:${h.file}:${fingerprintHash(h.anchor)}`,
      });
    }
  }
  return findings;
}
