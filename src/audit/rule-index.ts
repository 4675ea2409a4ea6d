// The enabled rules sorted by what they match, built once per run: option
// rules indexed by the last segment of their patterns (so a binding only
// meets the rules that could match it), sinks, calls, path copies, text.
import type { CallArg, DetectorKind, OptionMatcher, Range, Rule, SinkKind, Verdict } from "./rule.js";
import type { Severity } from "./types.js";
import type { CompiledTextRule } from "./text-rules.js";
import { memoKey } from "./words.js";

/** The rules sorted by what they match, in rank order; built once per run. */
export interface RuleIndex {
  options: OptionEntry[];
  /** Option rules by the literal last segment of their patterns; `anyLast` for `*` or regex last segments. */
  optionsByLast: Map<string, OptionEntry[]>;
  anyLast: OptionEntry[];
  sinks: { rule: Rule; sinks: Set<SinkKind>; detectors: Set<DetectorKind> }[];
  calls: { rule: Rule; fns: Set<string>; accept: (a: CallArg) => boolean; severityOf?: (a: CallArg) => Severity | undefined }[];
  paths: { rule: Rule; accept: (text: string) => boolean }[];
  text: CompiledTextRule[];
  callNames: Set<string>;
  /** candidatesFor's memo. */
  candidates: Map<string, Candidate[]>;
}

export type SegMatcher = (s: string) => boolean;
export interface OptionEntry {
  rule: Rule;
  m: OptionMatcher;
  segs: SegMatcher[][];
  rank: number;
  /** A bare `*` pattern: matches every path. */
  any: boolean;
  /** `segs` by their last segment: those with a literal one by that name, and the rest (`*`, regexes). */
  byLast: Map<string, SegMatcher[][]>;
  otherLast: SegMatcher[][];
}

const isRegexSeg = (s: string): boolean => s.startsWith("/") && s.endsWith("/") && s.length > 2;

function compileSeg(s: string): SegMatcher {
  if (s === "*") return () => true;
  if (isRegexSeg(s)) {
    const re = new RegExp(s.slice(1, -1));
    return (x) => re.test(x);
  }
  return (x) => x === s;
}

export function indexRules(rules: readonly Rule[], text: CompiledTextRule[]): RuleIndex {
  const idx: RuleIndex = { options: [], optionsByLast: new Map(), anyLast: [], sinks: [], calls: [], paths: [], text, callNames: new Set(), candidates: new Map() };
  rules.forEach((rule, rank) => {
    const m = rule.matcher;
    if (m.on === "option") {
      const e: OptionEntry = { rule, m, segs: m.paths.map((p) => p.split(".").map(compileSeg)), rank, any: m.paths.includes("*"), byLast: new Map(), otherLast: [] };
      m.paths.forEach((p, k) => {
        const l = p.slice(p.lastIndexOf(".") + 1);
        if (l === "*" || isRegexSeg(l)) e.otherLast.push(e.segs[k]!);
        else e.byLast.set(l, [...(e.byLast.get(l) ?? []), e.segs[k]!]);
      });
      idx.options.push(e);
      const lasts = m.paths.map((p) => p.slice(p.lastIndexOf(".") + 1));
      if (lasts.some((l) => l === "*" || l.startsWith("/"))) idx.anyLast.push(e);
      else for (const l of new Set(lasts)) idx.optionsByLast.set(l, [...(idx.optionsByLast.get(l) ?? []), e]);
    } else if (m.on === "sink") idx.sinks.push({ rule, sinks: new Set(m.sinks), detectors: new Set(m.detectors) });
    else if (m.on === "call") {
      idx.calls.push({ rule, fns: new Set(m.functions), accept: (a) => m.accept(a), ...(m.severityOf ? { severityOf: (a: CallArg) => m.severityOf!(a) } : {}) });
      for (const f of m.functions) idx.callNames.add(f.slice(f.lastIndexOf(".") + 1));
    } else if (m.on === "path") idx.paths.push({ rule, accept: (t) => m.accept(t) });
  });
  return idx;
}

/**
 * The option rules that may match a path ending in `last`, in rank order:
 * those indexed under that name plus those whose last segment is a wildcard
 * or a regex (memoised per name: bindings repeat the same few thousand names).
 * Each keeps only the patterns whose last segment accepts `last`, and a rule
 * left with none is no candidate: a rule with a regex last segment among a
 * dozen patterns would otherwise test them all on every binding.
 */
export function candidatesFor(idx: RuleIndex, last: string): readonly Candidate[] {
  let c = idx.candidates.get(last);
  if (c) return c;
  const named = idx.optionsByLast.get(last);
  const all = named ? [...named, ...idx.anyLast].sort((a, b) => a.rank - b.rank) : idx.anyLast;
  c = [];
  for (let i = 0; i < all.length; i++) {
    const o = all[i]!;
    const segs = o.any ? o.segs : patternsEndingWith(o, last);
    if (!o.any && segs.length === 0) continue;
    if (o.m.preName) {
      if (o.m.preName(last)) c.push({ o, pre: false, segs });
      else if (o.m.pre) c.push({ o, pre: true, segs });
    } else {
      c.push({ o, pre: o.m.pre !== undefined, segs });
    }
  }
  if (c.length === 0) c = NO_CANDIDATES;
  if (idx.candidates.size < 50_000) idx.candidates.set(memoKey(last), c);
  return c;
}

/** The patterns of `o` whose last segment accepts `last`. */
function patternsEndingWith(o: OptionEntry, last: string): SegMatcher[][] {
  const named = o.byLast.get(last);
  if (o.otherLast.length === 0) return named ?? NO_PATTERNS;
  const out = named ? [...named] : [];
  for (const s of o.otherLast) if (s[s.length - 1]!(last)) out.push(s);
  return out;
}
const NO_PATTERNS: SegMatcher[][] = [];

/** An option rule that may match a name, and whether its path test (`pre`) must still run. */
export interface Candidate {
  o: OptionEntry;
  pre: boolean;
  /** The rule's patterns whose last segment accepts the name (all of them for a bare `*`). */
  segs: SegMatcher[][];
}
const NO_CANDIDATES: Candidate[] = [];

/** Whether `path` ends with the compiled segments. */
export function matchesSuffix(path: readonly string[], segs: readonly SegMatcher[]): boolean {
  if (segs.length > path.length) return false;
  for (let i = 1; i <= segs.length; i++) if (!segs[segs.length - i]!(path[path.length - i]!)) return false;
  return true;
}

/** An option rule's answer as a range of the value and an optional severity; null for no. */
export function verdictOf(ok: boolean | Range | Verdict, length: number): { range: Range; severity?: Severity } | null {
  if (ok === false) return null;
  if (ok === true) return { range: { start: 0, end: length } };
  if ("start" in ok) return { range: ok };
  return { range: ok.range ?? { start: 0, end: length }, ...(ok.severity ? { severity: ok.severity } : {}) };
}
