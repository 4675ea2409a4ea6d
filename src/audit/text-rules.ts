// Token-format rules over decoded text (gitleaks' model: case-insensitive
// keywords first, the regex only when one is present, then the rule's own
// allow-list). Used on every Nix string literal, on the string tokens of files
// that do not parse, and on other text files.
import type { Rule, TextMatcher } from "./rule.js";
import type { Severity } from "./types.js";

export interface CompiledTextRule {
  rule: Rule;
  m: TextMatcher;
  keywords: string[];
  /** Any keyword of any rule, one case-insensitive test before the per-rule checks (set on the first rule). */
  any?: RegExp;
}

export interface TextMatch {
  rule: Rule;
  start: number;
  end: number;
  label: string;
  severity?: Severity;
}

export function compileTextRules(rules: readonly Rule[]): CompiledTextRule[] {
  const out: CompiledTextRule[] = [];
  for (const rule of rules) {
    const m = rule.matcher;
    if (m.on !== "text") continue;
    if (!m.pattern.global) throw new Error(`rule ${rule.id}: text pattern must be global`);
    out.push({ rule, m, keywords: m.keywords.map((k) => k.toLowerCase()) });
  }
  const all = out.flatMap((c) => c.keywords).map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  if (out[0] && all.length > 0) out[0].any = new RegExp(all.join("|"), "i");
  return out;
}

/** All token matches in `text`, in rule order then text order. */
export function scanText(text: string, rules: readonly CompiledTextRule[]): TextMatch[] {
  if (rules.length === 0) return [];
  if (rules[0]!.any && !rules[0]!.any.test(text)) return [];
  let lower: string | null = null;
  const out: TextMatch[] = [];
  for (const c of rules) {
    lower ??= text.toLowerCase();
    if (!c.keywords.some((k) => lower!.includes(k))) continue;
    const re = c.m.pattern;
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m[0].length === 0) { re.lastIndex++; continue; }
      const g = c.m.secretGroup ?? 0;
      const secret = m[g];
      if (secret === undefined || secret.length === 0) continue;
      if (c.m.allow?.some((a) => a.test(secret))) continue;
      const start = m.index + (g === 0 ? 0 : m[0].indexOf(secret));
      const hit: TextMatch = { rule: c.rule, start, end: start + secret.length, label: "" };
      const sev = c.m.severityOf?.(m[0]);
      if (sev) hit.severity = sev;
      out.push(hit);
    }
  }
  return out;
}
