// `nixsec audit [PATH…]`: find secrets that leak into the Nix store or git.
// The command owns the words and the exit code; the scan is the pure library
// in src/audit/ (no crypto stack on this path: the pre-commit budget).
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  AUDIT_CONFIG_FILE, AuditConfigError, BaselineError, DEFAULT_MAX_FILE_BYTES, RULES, SourceError, StagedSource, UnknownRuleError, WorktreeSource,
  allowFromFlag, applyBaseline, compareFindings, detectEnv, detectFile, emptyConfig, fileAllowed, findRepoRoot, findingAllowed, makeBaseline,
  parseAuditConfig, parseBaseline, renderBaseline, renderJson, renderSarif, renderText, summarize,
  type AuditConfig, type Finding, type Note, type Severity, type Source,
} from "../../audit/index.js";
import { SEVERITY_RANK } from "../../audit/types.js";
import { ExitCode, NixsecError } from "../../errors.js";
import type { Io } from "../io.js";
import { printInfo, printWarning, style } from "../output.js";
import { VERSION } from "../program.js";

export interface AuditCommandOptions {
  format?: "text" | "json" | "sarif";
  output?: string;
  staged?: boolean;
  baseline?: string;
  writeBaseline?: string;
  allow?: string[];
  disable?: string[];
  /** A path, or false for --no-config. */
  config?: string | false;
  minSeverity?: Severity;
  listRules?: boolean;
}

interface Scope {
  root: string;
  only: string[];
}

/** Where to scan: the repository root by default, one directory as its own root, or files/directories within the repository. */
function scanScope(io: Io, paths: readonly string[]): Scope {
  if (paths.length === 0) return { root: findRepoRoot(io.cwd) ?? io.cwd, only: [] };
  const abs = paths.map((p) => path.resolve(io.cwd, p));
  for (const [i, a] of abs.entries()) if (!existsSync(a)) throw new NixsecError(`no such file or directory: ${paths[i]}`);
  if (abs.length === 1 && statSync(abs[0]!).isDirectory()) return { root: abs[0]!, only: [] };
  const root = findRepoRoot(io.cwd) ?? io.cwd;
  const only = abs.map((a, i) => {
    const rel = path.relative(root, a);
    if (rel.startsWith("..") || path.isAbsolute(rel)) throw new NixsecError(`${paths[i]} is outside ${root}`, { hint: "run nixsec audit from inside the repository, or pass one directory to scan it on its own" });
    return rel === "" ? "." : rel.split(path.sep).join("/");
  });
  return { root, only };
}

async function loadConfig(io: Io, root: string, opt: string | false | undefined): Promise<AuditConfig> {
  if (opt === false) return emptyConfig();
  const file = opt === undefined ? path.join(root, AUDIT_CONFIG_FILE) : path.resolve(io.cwd, opt);
  if (opt === undefined && !existsSync(file)) return emptyConfig();
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new NixsecError(`cannot read ${opt ?? file}`, { hint: "check the --config path" });
  }
  try {
    return await parseAuditConfig(text, opt ?? AUDIT_CONFIG_FILE);
  } catch (err) {
    if (err instanceof AuditConfigError) throw new NixsecError(`${err.file} is not valid`, { hint: err.problems });
    throw err;
  }
}

function listRules(io: Io, json: boolean): void {
  if (json) {
    io.stdout.write(JSON.stringify(RULES.map((r) => ({ id: r.id, severity: r.severity, title: r.title, description: r.description, hint: r.hint, catalogue: r.catalogue })), null, 2) + "\n");
    return;
  }
  const w = Math.max(...RULES.map((r) => r.id.length));
  for (const r of RULES) io.stdout.write(`${r.id.padEnd(w)}  ${r.severity.padEnd(6)}  ${r.title}\n`);
}

export async function audit(io: Io, paths: string[], opts: AuditCommandOptions): Promise<void> {
  if (opts.listRules) return listRules(io, opts.format === "json");
  if (opts.baseline && opts.writeBaseline && path.resolve(io.cwd, opts.baseline) === path.resolve(io.cwd, opts.writeBaseline)) {
    throw new NixsecError("--baseline and --write-baseline name the same file", { hint: "to refresh a baseline, run with --write-baseline only" });
  }
  const started = performance.now();
  const scope = scanScope(io, paths);
  const config = await loadConfig(io, scope.root, opts.config);
  const allow = [...config.allow, ...(opts.allow ?? []).map(allowFromFlag)];
  const source: Source = opts.staged ? new StagedSource(scope.root, scope.only) : new WorktreeSource(scope.root, scope.only);

  let entries;
  try {
    entries = source.list();
  } catch (err) {
    if (err instanceof SourceError) throw new NixsecError(err.message, err.hint ? { hint: err.hint } : {});
    throw err;
  }
  let env;
  try {
    env = detectEnv(entries.map((e) => e.path), { disabledRules: [...config.disable, ...(opts.disable ?? [])], secretsDirs: config.secretsDirs });
  } catch (err) {
    if (err instanceof UnknownRuleError) throw new NixsecError(err.message, { hint: "see nixsec audit --list-rules" });
    throw err;
  }

  let findings: Finding[] = [];
  const notes: Note[] = [];
  let inline = 0, allowed = 0, scanned = 0, binary = 0;
  for (const e of entries) {
    if (fileAllowed(allow, e.path)) { allowed++; continue; }
    if (e.size !== undefined && e.size > DEFAULT_MAX_FILE_BYTES) {
      notes.push({ file: e.path, message: `skipped: larger than ${DEFAULT_MAX_FILE_BYTES / 1024} KiB` });
      continue;
    }
    const bytes = source.read(e);
    if (!bytes) continue;
    scanned++;
    const r = detectFile(e.path, bytes, env);
    for (const n of r.notes) {
      if (n.message === "skipped: binary") binary++;
      notes.push(n);
    }
    inline += r.suppressed;
    for (const f of r.findings) {
      if (findingAllowed(allow, f.file, f.ruleId)) allowed++;
      else findings.push(f);
    }
  }
  findings.sort(compareFindings);

  const min = SEVERITY_RANK[opts.minSeverity ?? "low"];
  findings = findings.filter((f) => SEVERITY_RANK[f.severity] >= min);

  let known = 0;
  if (opts.baseline) {
    let text: string;
    try {
      text = readFileSync(path.resolve(io.cwd, opts.baseline), "utf8");
    } catch {
      throw new NixsecError(`cannot read baseline ${opts.baseline}`, { hint: "create it with --write-baseline FILE" });
    }
    try {
      const split = applyBaseline(findings, parseBaseline(text));
      findings = split.fresh;
      known = split.known.length;
    } catch (err) {
      if (err instanceof BaselineError) throw new NixsecError(`${opts.baseline}: ${err.message}`, { hint: "create it with --write-baseline FILE" });
      throw err;
    }
  }

  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  const extra = [
    inline ? `${inline} allowed inline` : "",
    allowed ? `${allowed} allow-listed` : "",
    known ? `${known} in the baseline` : "",
    binary ? `${binary} binary file${binary === 1 ? "" : "s"} skipped` : "",
  ].filter(Boolean).join(", ");
  const what = opts.staged ? "staged file" : "file";
  const tally = `scanned ${scanned} ${what}${scanned === 1 ? "" : "s"} in ${seconds} s${extra ? `; ${extra}` : ""}`;

  if (opts.writeBaseline) {
    writeFileSync(path.resolve(io.cwd, opts.writeBaseline), renderBaseline(makeBaseline(findings)));
    printInfo(io, `wrote ${findings.length} finding${findings.length === 1 ? "" : "s"} to ${opts.writeBaseline} (${tally})`);
    return;
  }

  const format = opts.format ?? "text";
  const suppressed = { inline, baseline: known, allow: allowed };
  let report: string;
  if (format === "json") report = renderJson(findings, notes, { version: VERSION, filesScanned: scanned, suppressed, source: source.kind });
  else if (format === "sarif") report = renderSarif(findings, notes, VERSION);
  else {
    const toTty = !opts.output && (Boolean(io.stdout.isTTY) || (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== "0"));
    report = renderText(findings, toTty ? style(io) : undefined);
    for (const n of notes) if (n.message !== "skipped: binary") printWarning(io, `${n.file}: ${n.message}`);
  }
  if (opts.output) writeFileSync(path.resolve(io.cwd, opts.output), report);
  else if (report) io.stdout.write(report);

  if (findings.length === 0) {
    printInfo(io, `no findings (${tally})`);
    return;
  }
  throw new NixsecError(`${summarize(findings)} (${tally})`, {
    exitCode: ExitCode.findings,
    hint: [
      "each finding names the nixsec commands that move the value into the encrypted store",
      "to accept one: `# nixsec:allow RULE reason` on its line, an allow entry in .nixsec-audit.yaml, or --write-baseline FILE then --baseline FILE",
    ],
  });
}
