// The Nix-aware scan of one parsed file. One walk over the tree carries the
// attribute path a value is bound to (through nested sets, mkIf/mkMerge and
// friends, lambdas and `let`), the lexical scope (for `let`/`rec`/`inherit`
// flow) and the context (option declarations and docs are skipped; VM tests
// lower severity). At each binding it asks the option rules; where the path is
// a sink (a unit, /etc text, a script) it folds the value and runs the content
// detectors; at each call it asks the call rules and the store writers; every
// string literal goes through the token rules.
import type { AttrSetNode, Binding, Inherit, ListNode, Node, StringNode } from "../nix/index.js";
import { detectContent, isLiteralSecretValue, wholeValue } from "./content.js";
import { type Folded, Scope, bindingScope, calleeName, concat, fold, hole, pathLiteralOf, pathText, refPath, resolve, selectFrom, withScope } from "./fold.js";
import type { Hit, HintVars } from "./hit.js";
import { literalOffset, sourceSpan } from "./locate.js";
import type { CallArg, DetectorKind, Rule, SinkKind } from "./rule.js";
import { type RuleIndex, type SegMatcher, candidatesFor, matchesSuffix, verdictOf } from "./rule-index.js";
import { SINK_WHERE, type Sink, hintVars, optionPath, quotePath, sinkAt } from "./sinks.js";
import { INITRD_HINT, wireInside } from "./hints.js";
import { TEXT_WRITERS, attrNames, mayReadSecret, secretNamedVar, storeCopyOf, writerCallOf } from "./nix-shapes.js";
import { secretRef } from "./secret-ref.js";
import { scanText } from "./text-rules.js";
import type { Severity } from "./types.js";
import { isSecretFileOption, isSecretName, isSecretPathText } from "./words.js";

interface Ctx {
  test: boolean;
}

// Calls that pass their last argument through as the option value.
const WRAP = new Set(["mkIf", "mkMerge", "mkDefault", "mkForce", "mkOverride", "mkBefore", "mkAfter", "mkOrder", "optionalAttrs",
  "optionals", "optional", "recursiveUpdate", "mkVMOverride", "mkImageMediaOverride", "mkOptionDefault", "mkAliasDefinitions"]);
// Calls whose lambda argument builds one entry per name.
const PER_NAME = new Set(["genAttrs", "mapAttrs", "mapAttrs'", "listToAttrs", "genAttrs'", "mapAttrsRecursive"]);
// Option declarations and documentation: nothing inside is a configured value.
const DECL = new Set(["mkOption", "mkEnableOption", "mkPackageOption", "mkPackageOptionMD", "mkSinkUndeclaredOptions", "literalExpression",
  "literalExample", "literalMD", "mdDoc", "mkRemovedOptionModule", "mkRenamedOptionModule", "mkChangedOptionModule", "mkAliasOptionModule",
  "mkMergedOptionModule", "lib.mdDoc", "throw", "abort", "warn", "trace"]);
const DOC_KEYS = new Set(["description", "longDescription", "example", "defaultText", "meta", "doc", "warnings", "assertions"]);
const TEST_FNS = new Set(["nixosTest", "runNixOSTest", "makeTest", "makeTestPython", "runTest", "nixosTestDriver", "runNixOSTestFor", "mkTest", "makeNixOSTest"]);
// Bindings whose value is a test: the VM variant of a system, derivation check phases, passthru tests, flake checks.
// (`checks` only near the top: a flake's outputs, not a service's health checks.)
const TEST_KEYS = new Set(["vmVariant", "vmVariantWithBootLoader", "installCheckPhase", "checkPhase", "preCheck", "postCheck", "preInstallCheck", "postInstallCheck", "tests", "nixosTests", "testScript"]);
const WRITERS = new Set(["writeText", "writeTextDir", "writeScript", "writeScriptBin", "writeShellScript", "writeShellScriptBin", "toFile",
  "runCommand", "runCommandLocal", "runCommandNoCC", "runCommandCC", "writeTextFile", "writeShellApplication", "writeCBin", "substituteAll"]);

const EMPTY: readonly string[] = [];
// A path just before an interpolation: what follows is a file name, not a value.
const PATH_BEFORE = /(?:\bcat\s+|<\s*|\binclude\s+["']?|\bsource\s+|[Ff]ile["']?\s*[=:]\s*["']?|[Pp]ath["']?\s*[=:]\s*["']?|-file[= ]["']?|=\s*@)$/;
// A secret word just before an interpolation: `password=${…}`, `token ${…}`, `user:${…}@` of a URL.
const SECRET_BEFORE = /(?:pass(?:word|wd)?|secret|token|key|psk|auth)["']?\s*[=:]?\s*["']?$|:\/\/[^\s:@/]*:$/i;

/** `lib.mkIf`, `pkgs.writers.writeBash`: the dotted name of a callee written as a selection (`*` for dynamic parts). */
function dottedName(fn: Node & { type: "Select" }): string {
  let s = fn.expr.type === "Var" ? fn.expr.name : fn.expr.type === "Select" ? dottedName(fn.expr) : "";
  for (const a of fn.path) s += "." + (a.name ?? "*");
  return s;
}

/** Whether `path` ends with one of the rule's compiled patterns. */
function suffixMatches(path: readonly string[], patterns: readonly SegMatcher[][]): boolean {
  for (const segs of patterns) if (matchesSuffix(path, segs)) return true;
  return false;
}

/** Scans one parsed file; returns raw hits (not yet ranked or deduplicated). */
export function scanNix(src: string, root: Node, idx: RuleIndex, fileIsTest: boolean): Hit[] {
  const hits: Hit[] = [];

  const emitFolded = (rule: Rule, f: Folded, a: number, b: number, where: string, anchor: string, vars: HintVars, ctx: Ctx, via?: number, runtime = false, severity?: Severity): void => {
    const { start, end } = sourceSpan(src, f, a, b);
    const hit: Hit = { rule, start, end, secrets: [f.text.slice(a, b)], where, anchor, vars, test: ctx.test };
    if (via !== undefined && via !== start) hit.via = via;
    if (severity) hit.severity = severity;
    if (runtime) hit.severity = "low";
    hits.push(hit);
  };

  // The attribute names written in this file, for name-to-name maps; collected on first use.
  let nameSet: Set<string> | null = null;
  const names = (): ReadonlySet<string> => (nameSet ??= attrNames(root));

  /** Items of a list-valued option (`[ a b ] ++ c`, through mkForce & co), else the value itself. */
  const items = (node: Node, scope: Scope, depth = 0): { node: Node; scope: Scope }[] => {
    if (depth > 20) return [{ node, scope }];
    if (node.type === "List") return node.items.flatMap((it) => items(it, scope, depth + 1));
    if (node.type === "Binary" && node.op === "++") return [...items(node.left, scope, depth + 1), ...items(node.right, scope, depth + 1)];
    if (node.type === "Call") {
      const n = calleeName(node.fn);
      if (n && (WRAP.has(n) || n === "mkForce") && node.args.length > 0) return items(node.args[node.args.length - 1]!, scope, depth + 1);
    }
    if (node.type === "Var" || node.type === "Select") {
      const e = resolve(node, scope);
      if (e?.node && e.node.type === "List") return items(e.node, e.scope, depth + 1);
    }
    return [{ node, scope }];
  };

  const checkOption = (path: readonly string[], value: Node, scope: Scope, ctx: Ctx, at: number, isLet = false): void => {
    const p = optionPath(path);
    if (p.length === 0) return;
    const sink = isLet ? null : sinkAt(p);
    // `environment.etc."x".source = ./file;` links a store copy of the file into /etc; any
    // module's `source` (home.file, a module of one's own) copies it too (options by shape)
    const last = p[p.length - 1];
    if (!isLet && last === "source") {
      const copy = storeCopyOf(value, scope);
      if (copy) checkPathCopy(copy, copy.text, quotePath(p), ctx);
    }
    // a writer's output given to a secret file option: what it writes is that secret, whole
    if (!isLet && (isSecretFileOption(last!) || (sink?.kind === "environment" && /FILE$/.test(last!) && isSecretName(last!.replace(/_?FILE$/, ""))))) {
      for (const it of items(value, scope)) {
        const w = writerCallOf(it.node, it.scope);
        if (!w) continue;
        const f = fold(w.content, w.scope);
        if (f?.literal) runDetectors({ kind: "writer", name: w.label }, f, `${quotePath(p)} (a store file)`, `${quotePath(p)}#writer`, hintVars(p), ctx, at, true);
      }
    }
    let folded: { node: Node; scope: Scope; f: Folded | null }[] | null = null;
    let whereMemo: string | null = null;
    const cands = candidatesFor(idx, last!);
    for (let ci = 0; ci < cands.length; ci++) { // indexed: a for-of iterator costs more while the code is still interpreted
      // the name tests ran once per name; `*` patterns match any path
      const c = cands[ci]!, o = c.o;
      if (c.pre && !o.m.pre!(p)) continue;
      if (!o.any && !suffixMatches(p, c.segs)) continue;
      const where = (whereMemo ??= quotePath(p));
      if (o.m.value === "path") {
        for (const it of items(value, scope)) {
          const pl = storeCopyOf(it.node, it.scope);
          if (!pl) continue;
          const text = pl.text;
          const v = verdictOf(o.m.accept ? o.m.accept({ path: p, text, literal: true, sink: sink?.kind ?? null, names }) : true, text.length);
          if (!v) continue;
          const hit: Hit = { rule: o.rule, start: pl.start, end: pl.end, secrets: [], where: `${where} = ${text}`, anchor: `${where}=${text}`, vars: hintVars(p), test: ctx.test, via: at };
          if (v.severity) hit.severity = v.severity;
          if (p[0] === "boot" && p[1] === "initrd" && o.rule.id === "secret-file-path-literal") hit.hint = INITRD_HINT;
          hits.push(hit);
        }
        continue;
      }
      folded ??= items(value, scope).map((it) => ({ ...it, f: fold(it.node, it.scope) }));
      for (const it of folded) {
        const f = it.f;
        if (!f || !f.literal || f.text.length === 0) continue;
        const v = verdictOf(o.m.accept ? o.m.accept({ path: p, text: f.text, literal: f.literal, sink: sink?.kind ?? null, names, inList: folded.length > 1 || value.type === "List" }) : true, f.text.length);
        if (!v) continue;
        emitFolded(o.rule, f, v.range.start, v.range.end, where, where, hintVars(p), ctx, at, false, v.severity);
      }
    }
    if (sink) checkSink(sink, p, value, scope, ctx, at);
    // (options under a `secrets` set take files: services.forgejo.secrets.*, age.secrets.*, sops.secrets.*)
    else if (!isLet && mayReadSecret(value) && p.indexOf("secrets") === -1) {
      // a secret value read at evaluation: given whole to a secret option, or after a secret word in a string (`password=${…}`)
      const named = isSecretName(last!) || /(?:^|[a-z_])(?:[Kk]ey|KEY|[Hh]ash)$/.test(last!);
      // unnamed: only a string whose own text puts a secret word before an interpolation (`password=${…}`)
      if (!named && (value.type !== "String" || !value.parts.some((x) => x.type === "Literal" && /pass|secret|token|key|psk|auth|:\/\//i.test(x.value)))) return;
      for (const it of items(value, scope)) {
        const f = fold(it.node, it.scope) ?? hole(it.node, it.scope);
        if (f.pieces.some((x) => x.kind === "hole")) evalSecrets("config-text", f, null, p, ctx, at, !named);
      }
    }
  };

  const sinkRule = (kind: SinkKind, detector: DetectorKind): Rule | null => {
    for (const s of idx.sinks) if (s.sinks.has(kind) && s.detectors.has(detector)) return s.rule;
    return null;
  };

  /**
   * Secret values read at evaluation (secret-ref.ts) in a folded value: each
   * is reported where it is used. With `keyword`, only those following a
   * secret word in the text (`password=${secrets.x}` in mount options).
   */
  const evalSecrets = (kind: SinkKind, f: Folded, where: string | null, p: readonly string[], ctx: Ctx, at: number, keyword = false, vars0?: HintVars): void => {
    const rule = sinkRule(kind, "eval");
    if (!rule) return;
    for (const piece of f.pieces) {
      if (piece.kind !== "hole" || !piece.node) continue;
      const ref = secretRef(piece.node, piece.scope ?? null);
      if (!ref) continue;
      const before = f.text.slice(Math.max(0, piece.at - 40), piece.at);
      if (keyword && !SECRET_BEFORE.test(before)) continue;
      if (PATH_BEFORE.test(before)) continue; // `$(cat ${secrets.x})`, `include "${…}"`, `key_file = ${…}`: the secret's path, read at run time
      const anchor = quotePath(p);
      const hashed = /hash/i.test(ref) || /hash/i.test(anchor);
      const vars = vars0 ?? hintVars(p); // computed only for a finding: hint variables are not free
      const v = keyword ? { ...vars, wire: wireInside(vars.unit) } : vars;
      emitFolded(rule, f, piece.at, piece.at + piece.text.length, `${ref} in ${where ?? anchor}`, `${anchor}#${ref}`, v, ctx, at, false, hashed ? "medium" : undefined);
    }
  };

  const runDetectors = (sink: Sink, f: Folded, where: string, anchor: string, vars: HintVars, ctx: Ctx, at: number, nameSaysSecret: boolean): void => {
    const kinds = new Set<DetectorKind>();
    for (const s of idx.sinks) if (s.sinks.has(sink.kind)) for (const d of s.detectors) kinds.add(d);
    // A value assembled from several pieces ("postgres://" + user + ":" + pw + "@db") can hold a token no single literal holds.
    if (f.pieces.length > 1) for (const m of scanText(f.text, idx.text)) {
      emitFolded(m.rule, f, m.start, m.end, where, `${anchor}#${m.rule.id}`, vars, ctx, at);
    }
    for (const h of detectContent(f.text, kinds, sink.kind === "flags" ? "args" : sink.kind === "unit-exec" ? "exec" : "shell")) {
      const rule = sinkRule(sink.kind, h.detector);
      if (!rule) continue;
      if (h.detector === "keygen") { // nothing secret in the text: the command is what is shown
        if (ctx.test) continue; // a VM test's throwaway certificate is what tests are for
        const { start, end } = sourceSpan(src, f, h.start, h.end);
        hits.push({ rule, start, end, secrets: [], where: `${h.label} in ${where}`, anchor: `${anchor}#keygen`, vars, test: ctx.test, via: at });
        continue;
      }
      if (h.runtime && sink.kind !== "unit-exec" && sink.kind !== "flags" && sink.kind !== "unit-script" && sink.kind !== "writer" && sink.kind !== "activation") continue;
      const label = anchor.endsWith(h.label) ? "" : `${h.label} in `;
      const before = hits.length;
      // a known program names the secret and the fix (`{unit}/luks-key`, `samba/alice`)
      const v = h.program ? { ...vars, secret: `${vars.unit ?? sink.name ?? "app"}/${h.program.secret}`, ...(h.user ? { user: h.user } : {}) } : vars;
      emitFolded(rule, f, h.start, h.end, `${label}${where}`, `${anchor}#${h.label}`, v, ctx, at, h.runtime, h.low ? "low" : h.hash ? "medium" : undefined);
      if (h.program?.hint && hits.length > before) hits[hits.length - 1]!.hint = h.program.hint;
    }
    if (nameSaysSecret && (sink.kind === "etc-text" || sink.kind === "writer") && kinds.has("whole") && f.literal) {
      const r = wholeValue(f.text);
      const rule = sinkRule(sink.kind, "whole");
      if (r && rule) emitFolded(rule, f, r.start, r.end, where, anchor, vars, ctx, at);
    }
  };

  const checkSink = (sink: Sink, p: readonly string[], value: Node, scope: Scope, ctx: Ctx, at: number): void => {
    const its = items(value, scope);
    const sep = sink.kind === "environment" ? "\n" : " ";
    const parts: Folded[] = [];
    for (const it of its) {
      if (parts.length > 0) parts.push({ text: sep, literal: true, pieces: [] });
      parts.push(fold(it.node, it.scope) ?? hole(it.node, it.scope));
    }
    if (parts.length === 0) return;
    const f = concat(parts);
    const where = `${quotePath(p)} (${SINK_WHERE[sink.kind]})`;
    const vars = hintVars(p);
    evalSecrets(sink.kind, f, where, p, ctx, at, false, vars);
    if (!f.pieces.some((x) => x.kind === "lit")) return;
    if (sink.kind === "environment" && p[p.length - 1] !== "Environment") {
      // `environment.NAME = value`: the value is taken whole, not shell-parsed.
      if (f.pieces.length > 1) for (const m of scanText(f.text, idx.text)) emitFolded(m.rule, f, m.start, m.end, where, `${quotePath(p)}#${m.rule.id}`, vars, ctx, at);
      const rule = sinkRule("environment", "assignment");
      if (rule && f.literal && isSecretName(sink.name) && isLiteralSecretValue(f.text)) {
        const t = f.text.trim(), s = f.text.indexOf(t);
        emitFolded(rule, f, s, s + t.length, where, quotePath(p), vars, ctx, at);
      }
      return;
    }
    runDetectors(sink, f, where, quotePath(p), vars, ctx, at, isSecretPathText(sink.name));
  };

  const callArg = (node: Node, scope: Scope, fn: string): CallArg => {
    const pl = pathLiteralOf(node, scope);
    if (pl && (node.type === "Path" || node.type === "Var" || node.type === "Select")) return { kind: "path", text: pathText(pl), fn };
    if (node.type === "Var" || node.type === "Select") {
      const r = refPath(node, scope);
      if (r) return { kind: "ref", text: r.join("."), fn };
    }
    const f = fold(node, scope);
    if (f) return { kind: "string", text: f.text, fn };
    if (node.type === "Call" && node.args.length > 0) return callArg(node.args[node.args.length - 1]!, scope, fn);
    return { kind: "other", text: "…", fn };
  };

  const checkCall = (node: Node & { type: "Call" }, name: string, full: string, scope: Scope, ctx: Ctx): void => {
    if (idx.callNames.has(name) && node.args.length > 0) {
      const arg = callArg(node.args[0]!, scope, name);
      for (const c of idx.calls) {
        if (!c.fns.has(name) && ![...c.fns].some((f) => full.endsWith(f))) continue;
        if (!c.accept(arg)) continue;
        const hit: Hit = { rule: c.rule, start: node.start, end: node.end, secrets: [], where: `${name} ${arg.text}`, anchor: `${name}(${arg.text})`, vars: { secret: "NAME" }, test: ctx.test };
        const sev = c.severityOf?.(arg);
        if (sev) hit.severity = sev;
        hits.push(hit);
        break;
      }
    }
    const isWriter = WRITERS.has(name) || full.includes("writers.");
    if (!isWriter || node.args.length === 0) return;
    const kind: SinkKind = name.startsWith("runCommand") ? "build" : "writer";
    let content: Node | null = null;
    let label = "";
    const first = node.args[0]!;
    if (first.type === "AttrSet" || (node.args.length === 1 && first.type !== "String")) {
      const set = resolve(first, scope)?.node;
      if (set?.type === "AttrSet") {
        for (const b of set.bindings) if (b.type === "Binding" && b.path.length === 1 && b.path[0]!.name === "text") content = b.value;
        for (const b of set.bindings) if (b.type === "Binding" && b.path.length === 1 && b.path[0]!.name === "name") label = fold(b.value, scope)?.text ?? "";
      }
    } else if (node.args.length >= 2) {
      content = node.args[node.args.length - 1]!;
      label = fold(first, scope)?.text ?? "";
    }
    if (!content) return;
    const f = fold(content, scope);
    if (!f || !f.pieces.some((x) => x.kind === "lit")) return;
    const where = `${name}${label ? ` "${label.slice(0, 60)}"` : ""} (${SINK_WHERE[kind]})`;
    // A text writer holds one secret whole when it is named like one (`writeText "db-password" "…"`) or
    // writes a variable named like one (`mkScript = pw: writeText "x" pw`); a script is never one value.
    const textWriter = TEXT_WRITERS.has(name);
    const named = isSecretPathText(label) || secretNamedVar(content);
    const wvars = { secret: label ? `app/${label}` : "NAME" };
    evalSecrets(kind, f, where, [`${name}:${label}`], ctx, node.start, false, wvars);
    runDetectors({ kind, name: label }, f, where, `${name}:${label}`, wvars, ctx, node.start, textWriter && named);
  };

  const checkPathCopy = (pl: { start: number; end: number }, text: string, where: string, ctx: Ctx): void => {
    for (const r of idx.paths) {
      if (!r.accept(text)) continue;
      hits.push({ rule: r.rule, start: pl.start, end: pl.end, secrets: [], where: `${text} in ${where}`, anchor: `${where}:${text}`, vars: {}, test: ctx.test });
      return;
    }
  };

  const checkString = (node: StringNode, ctx: Ctx): void => {
    if (idx.paths.length > 0) for (let i = 0; i < node.parts.length; i++) {
      const part = node.parts[i]!;
      if (part.type !== "Interpolation" || part.expr.type !== "Path") continue;
      const next = node.parts[i + 1];
      const tail = next?.type === "Literal" ? /^[^\s'"`;,)]*/.exec(next.value)![0] : "";
      checkPathCopy(part.expr, pathText(part.expr) + tail, "a string", ctx);
    }
    for (let pi = 0; pi < node.parts.length; pi++) {
      const part = node.parts[pi]!;
      if (part.type !== "Literal" || part.value.length < 8) continue;
      for (const m of scanText(part.value, idx.text)) {
        const piece = { at: 0, text: part.value, kind: "lit" as const, start: part.start, end: part.end, indented: node.indented, path: false };
        const start = literalOffset(src, piece, m.start);
        const end = Math.max(start + 1, literalOffset(src, piece, m.end));
        const hit: Hit = { rule: m.rule, start, end, secrets: [part.value.slice(m.start, m.end)], where: m.label, anchor: "", vars: {}, test: ctx.test };
        if (m.severity) hit.severity = m.severity;
        hits.push(hit);
      }
    }
  };

  // The walk. An explicit stack would be safer for pathological depth, but the
  // parser already caps nesting at 1000 and the recursion here is per node.
  const visit = (node: Node, path: readonly string[], scope: Scope, ctx: Ctx): void => {
    switch (node.type) {
      case "AttrSet": return visitSet(node, path, scope, ctx);
      case "Let": {
        const inner = bindingScope(node.bindings, scope);
        visitBindings(node.bindings, EMPTY, inner, scope, ctx, true);
        return visit(node.body, path, inner, ctx);
      }
      case "LegacyLet": return visitSet({ ...node, type: "AttrSet", rec: true }, path, scope, ctx);
      case "Lambda": {
        const inner = new Scope(scope);
        if (node.arg) inner.define(node.arg.name, { node: null, scope });
        if (node.formals) for (const f of node.formals.entries) {
          inner.define(f.name.name, { node: null, scope });
          if (f.default) visit(f.default, EMPTY, inner, ctx);
        }
        return visit(node.body, path, inner, ctx);
      }
      case "With": visit(node.env, EMPTY, scope, ctx); return visit(node.body, path, withScope(node.env, scope), ctx);
      case "Assert": visit(node.cond, EMPTY, scope, ctx); return visit(node.body, path, scope, ctx);
      case "If": visit(node.cond, EMPTY, scope, ctx); visit(node.consequent, path, scope, ctx); return visit(node.alternate, path, scope, ctx);
      case "List": { const its = (node as ListNode).items; for (let i = 0; i < its.length; i++) visit(its[i]!, path, scope, ctx); return; }
      case "Binary":
        visit(node.left, node.op === "//" || node.op === "++" ? path : EMPTY, scope, ctx);
        return visit(node.right, node.op === "//" || node.op === "++" ? path : EMPTY, scope, ctx);
      case "Unary": return visit(node.expr, EMPTY, scope, ctx);
      case "Select": visit(node.expr, EMPTY, scope, ctx); if (node.default) visit(node.default, path, scope, ctx); return;
      case "HasAttr": return visit(node.expr, EMPTY, scope, ctx);
      case "String": {
        checkString(node, ctx);
        const ps = node.parts;
        for (let i = 0; i < ps.length; i++) { const p = ps[i]!; if (p.type === "Interpolation") visit(p.expr, EMPTY, scope, ctx); }
        return;
      }
      case "Uri": {
        for (const m of scanText(node.value, idx.text)) hits.push({ rule: m.rule, start: node.start + m.start, end: node.start + m.end, secrets: [node.value.slice(m.start, m.end)], where: m.label, anchor: "", vars: {}, test: ctx.test });
        return;
      }
      case "Path": for (const p of node.parts) if (p.type === "Interpolation") visit(p.expr, EMPTY, scope, ctx); return;
      case "Call": return visitCall(node, path, scope, ctx);
      default: return;
    }
  };

  const visitCall = (node: Node & { type: "Call" }, path: readonly string[], scope: Scope, ctx: Ctx): void => {
    const name = calleeName(node.fn);
    const full = node.fn.type === "Select" ? dottedName(node.fn) : (name ?? "");
    if (name && (DECL.has(name) || DECL.has(full))) return;
    let inner = ctx;
    if (name && (TEST_FNS.has(name) || full.includes("testers.") || (name === "import" && node.args[0]?.type === "Path" && /make-test|tests?\//.test(pathText(node.args[0]))))) {
      inner = { ...ctx, test: true };
    }
    if (name) checkCall(node, name, full, scope, inner);
    visit(node.fn, EMPTY, scope, inner);
    if (name && WRAP.has(name)) {
      node.args.forEach((a, i) => visit(a, i === node.args.length - 1 || name === "mkMerge" || name === "recursiveUpdate" ? path : EMPTY, scope, inner));
      return;
    }
    if (name && PER_NAME.has(name)) {
      for (const a of node.args) visit(a, a.type === "Lambda" ? [...path, "*"] : EMPTY, scope, inner);
      return;
    }
    for (let i = 0; i < node.args.length; i++) visit(node.args[i]!, EMPTY, scope, inner);
    instantiate(node, path, scope, inner);
  };

  // Calls of local functions (`mkBackup = name: password: { … }; … mkBackup "a" "pw"`):
  // the body is scanned again with the arguments bound, so a literal passed in
  // is followed to where the body writes it (issue 15). Bounded: two levels of
  // nesting, 200 calls per file, bodies under 20,000 characters.
  let instances = 0, instanceDepth = 0;
  const instantiate = (node: Node & { type: "Call" }, path: readonly string[], scope: Scope, ctx: Ctx): void => {
    if (instanceDepth >= 2 || instances >= 200 || (node.fn.type !== "Var" && node.fn.type !== "Select")) return;
    if (!node.args.some((a) => a.type === "String" || a.type === "AttrSet" || a.type === "Var" || a.type === "Select")) return;
    const e = resolve(node.fn, scope);
    if (!e?.node || e.node.type !== "Lambda" || e.node.end - e.node.start > 20_000) return;
    let body: Node = e.node;
    let inner = e.scope;
    for (const arg of node.args) {
      if (body.type !== "Lambda") return; // applied to more than it takes
      inner = new Scope(inner);
      if (body.arg) inner.define(body.arg.name, { node: arg, scope });
      if (body.formals) {
        const set = resolve(arg, scope);
        for (const f of body.formals.entries) {
          const given = set?.node?.type === "AttrSet" ? selectFrom(set.node, [f.name.name], set.scope) : null;
          inner.define(f.name.name, given ?? (f.default ? { node: f.default, scope: inner } : { node: null, scope }));
        }
      }
      body = body.body;
    }
    if (body.type === "Lambda") return; // partly applied: nothing written yet
    instances++;
    instanceDepth++;
    visit(body, path, inner, ctx);
    instanceDepth--;
  };

  // Loops over nodes here and in visit are indexed: they run mostly before V8
  // optimises them, when a for-of iterator costs more than the loop body.
  const visitBindings = (bindings: readonly (Binding | Inherit)[], path: readonly string[], scope: Scope, outer: Scope, ctx: Ctx, isLet = false): void => {
    for (let bi = 0; bi < bindings.length; bi++) {
      const b = bindings[bi]!;
      if (b.type === "Inherit") {
        for (const n of b.names) {
          if (!n.name) continue;
          const value: Node = b.from ? { type: "Select", expr: b.from, path: [n], default: null, start: n.start, end: n.end } : { type: "Var", name: n.name, start: n.start, end: n.end };
          checkOption([...path, n.name], value, outer, ctx, n.start, isLet);
        }
        if (b.from) visit(b.from, EMPTY, outer, ctx);
        continue;
      }
      // One array per binding: the full attribute path its value is bound to.
      const full = path.slice();
      let doc = false, testKey = false;
      for (let ai = 0; ai < b.path.length; ai++) {
        const a = b.path[ai]!, n = a.name ?? "*";
        if (DOC_KEYS.has(n)) doc = true;
        if (TEST_KEYS.has(n)) testKey = true;
        full.push(n);
        if (!a.expr) continue;
        if (a.expr.type === "String") checkString(a.expr, ctx); // url."https://oauth2:TOKEN@host/".insteadOf
        else visit(a.expr, EMPTY, scope, ctx);
      }
      if (doc) continue;
      if (full[0] === "options" || (full[0] === "config" && full[1] === "options")) continue;
      const c = !ctx.test && (testKey || full[0] === "checks" || full[1] === "checks") ? { ...ctx, test: true } : ctx;
      checkOption(full, b.value, scope, c, b.start, isLet);
      visit(b.value, full, scope, c);
    }
  };

  const visitSet = (node: AttrSetNode, path: readonly string[], scope: Scope, ctx: Ctx): void => {
    const inner = node.rec ? bindingScope(node.bindings, scope) : scope;
    let c = ctx;
    if (!c.test && node.bindings.some((b) => b.type === "Binding" && b.path[0]?.name === "testScript")) c = { ...ctx, test: true };
    visitBindings(node.bindings, path, inner, scope, c);
  };

  visit(root, EMPTY, new Scope(null), { test: fileIsTest });
  return hits;
}

