// The fallback for a .nix file that does not parse (or nests deeper than the
// parser goes): the lexer never throws, so every string token still goes
// through the token rules, and the shapes `a.b.c = "literal";` / `a.b = ./path;`
// still reach the option rules. The attribute path is the one written before
// `=`, prefixed with those of the enclosing `name = … {` sets (a brace stack
// over the tokens, blind to parentheses: issue 12, item 5, a value nested 1000
// parentheses deep keeps its option path).
import { type Token, tokenize } from "../nix/index.js";
import type { Folded } from "./fold.js";
import type { Hit } from "./hit.js";
import { literalOffset, sourceSpan } from "./locate.js";
import { type RuleIndex, verdictOf } from "./rule-index.js";
import { hintVars } from "./sinks.js";
import { scanText } from "./text-rules.js";

function matchesSuffix(path: readonly string[], pattern: string): boolean {
  const segs = pattern.split(".");
  if (segs.length > path.length) return false;
  for (let i = 1; i <= segs.length; i++) {
    const s = segs[segs.length - i]!, x = path[path.length - i]!;
    if (s === "*") continue;
    if (s.startsWith("/") && s.endsWith("/") && s.length > 2) { if (!new RegExp(s.slice(1, -1)).test(x)) return false; continue; }
    if (s !== x) return false;
  }
  return true;
}

/** The attribute path written just before token `i` (`a.b."c" =`), or null. */
function pathBefore(toks: readonly Token[], i: number, src: string): string[] | null {
  if (toks[i - 1]?.kind !== "ASSIGN") return null;
  const out: string[] = [];
  let j = i - 2;
  for (;;) {
    const t = toks[j];
    if (!t) break;
    if (t.kind === "ID" || t.kind === "OR_KW") out.unshift(src.slice(t.start, t.end));
    else if (t.kind === "STRING_CLOSE" && toks[j - 1]?.kind === "STR" && toks[j - 2]?.kind === "STRING_OPEN") { out.unshift(toks[j - 1]!.value ?? ""); j -= 2; }
    else break;
    if (toks[j - 1]?.kind !== "DOT") break;
    j -= 2;
  }
  return out.length > 0 ? out : null;
}

export function scanNixTokens(src: string, idx: RuleIndex, fileIsTest: boolean): Hit[] {
  const toks = tokenize(src);
  const hits: Hit[] = [];
  // The brace stack: each `{` (or `${`) opens a frame with the path its bindings
  // extend; `pending` is the path of the binding whose value is being written.
  const frames: { prefix: string[]; saved: string[] | null }[] = [{ prefix: [], saved: null }];
  let pending: string[] | null = null;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    const top = frames[frames.length - 1]!;
    if (t.kind === "ASSIGN") {
      const local = pathBefore(toks, i + 1, src);
      pending = local ? [...top.prefix, ...local] : null;
    } else if (t.kind === "LBRACE") {
      frames.push({ prefix: pending ?? top.prefix, saved: pending });
      pending = null;
    } else if (t.kind === "DOLLAR_CURLY") {
      frames.push({ prefix: [], saved: pending });
      pending = null;
    } else if (t.kind === "RBRACE" && frames.length > 1) {
      pending = frames.pop()!.saved;
    } else if (t.kind === "SEMI") {
      pending = null;
    }
    if ((t.kind === "STR" || t.kind === "IND_STR") && t.value && t.value.length >= 8) {
      const indented = t.kind === "IND_STR";
      const piece = { at: 0, text: t.value, kind: "lit" as const, start: t.start, end: t.end, indented: false, path: false };
      for (const m of scanText(t.value, idx.text)) {
        const start = indented ? t.start + m.start : literalOffset(src, piece, m.start);
        const end = indented ? t.start + m.end : literalOffset(src, piece, m.end);
        const hit: Hit = { rule: m.rule, start, end: Math.max(end, start + 1), secrets: [t.value.slice(m.start, m.end)], where: "", anchor: "", vars: {}, test: fileIsTest };
        if (m.severity) hit.severity = m.severity;
        hits.push(hit);
      }
    }
    // `path = "literal";` and `path = ./file;`
    const isStr = t.kind === "STRING_OPEN" && toks[i + 1]?.kind === "STR" && toks[i + 2]?.kind === "STRING_CLOSE";
    const isPath = t.kind === "PATH" || t.kind === "HPATH";
    if (!isStr && !isPath) continue;
    const local = pathBefore(toks, i, src);
    if (!local) continue;
    const path = [...top.prefix, ...local];
    const p = path[0] === "config" ? path.slice(1) : path;
    const where = p.join(".");
    for (const o of idx.options) {
      if (!o.m.paths.some((pat) => matchesSuffix(p, pat))) continue;
      if (isPath && o.m.value === "path") {
        const text = src.slice(t.start, t.end);
        if (o.m.accept?.({ path: p, text, literal: true, sink: null }) === false) continue;
        hits.push({ rule: o.rule, start: t.start, end: t.end, secrets: [], where: `${where} = ${text}`, anchor: `${where}=${text}`, vars: hintVars(p), test: fileIsTest });
      } else if (isStr && o.m.value === "string") {
        const s = toks[i + 1]!;
        const text = s.value ?? "";
        const v = verdictOf(o.m.accept ? o.m.accept({ path: p, text, literal: true, sink: null }) : true, text.length);
        if (!v || text.length === 0) continue;
        const f: Folded = { text, literal: true, pieces: [{ at: 0, text, kind: "lit", start: s.start, end: s.end, indented: false, path: false }] };
        const span = sourceSpan(src, f, v.range.start, v.range.end);
        const hit: Hit = { rule: o.rule, start: span.start, end: span.end, secrets: [text.slice(v.range.start, v.range.end)], where, anchor: where, vars: hintVars(p), test: fileIsTest };
        if (v.severity) hit.severity = v.severity;
        hits.push(hit);
      }
    }
  }
  return hits;
}

