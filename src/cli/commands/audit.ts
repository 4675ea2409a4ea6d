// `nixsec audit [PATH…]`: find secrets that leak into the Nix store or git.
// The command owns the words and the exit code; the scan is the pure library
// in src/audit/ (no crypto stack on this path: the pre-commit budget).
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  AUDIT_CONFIG_FILE, AuditConfigError, BaselineError, DEFAULT_MAX_FILE_BYTES, MIN_DIGITS, MIN_VALUE_BYTES, RULES, SourceError, StagedSource, UnknownRuleError,
  MANIFEST, WorktreeSource, allowFromFlag, applyBaseline, closureFindings, closureNeedles, compareFindings, detectEnv, detectFile, emptyConfig,
  fileAllowed, findRepoRoot, findingAllowed, makeBaseline, parseAuditConfig, parseBaseline, readEntries, renderBaseline, renderJson, renderSarif, renderText,
  checkManagedStore, detectOversize, GitHistory, headOf, searchClosure, summarize,
  type AuditConfig, type ClosureSecret, type FileResult, type Finding, type Note, type Severity, type Source, type SourceEntry,
} from "../../audit/index.js";
import { SEVERITY_RANK } from "../../audit/types.js";
import { ExitCode, NixsecError } from "../../errors.js";
import type { Io } from "../io.js";
import { printInfo, printWarning, style } from "../output.js";
import { VERSION } from "../version.js";

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
  /** Search these paths (a built system) for the managed secrets' values instead. */
  closure?: boolean;
  /** Admin identities for --closure. */
  identity?: string[];
  /** Threads for a whole-repository scan (default: the CPU count, at most 4). */
  jobs?: number;
}

interface Scope {
  root: string;
  only: string[];
}

/** Where to scan: the repository root by default, one directory as its own root, or files/directories within the repository. */
function scanScope(io: Io, paths: readonly string[]): Scope {
  const askGit = io.env.GIT_DIR !== undefined || io.env.GIT_WORK_TREE !== undefined;
  if (paths.length === 0) return { root: findRepoRoot(io.cwd, askGit) ?? io.cwd, only: [] };
  const abs = paths.map((p) => path.resolve(io.cwd, p));
  for (const [i, a] of abs.entries()) if (!existsSync(a)) throw new NixsecError(`no such file or directory: ${paths[i]}`);
  if (abs.length === 1 && statSync(abs[0]!).isDirectory()) return { root: abs[0]!, only: [] };
  const root = findRepoRoot(io.cwd, askGit) ?? io.cwd;
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

/** `$XDG_CONFIG_HOME` or `~/.config`, where `nixsec init` records the admin identity (as context.ts reads it). */
function configHome(io: Io): string | undefined {
  if (io.env.XDG_CONFIG_HOME) return io.env.XDG_CONFIG_HOME;
  const home = io.env.HOME ?? os.homedir();
  return home ? path.join(home, ".config") : undefined;
}

interface Scan {
  findings: Finding[];
  notes: Note[];
  inline: number;
  allowed: number;
  binary: number;
  /** "scanned 12 files", "searched 3210 files (1.2 GB) for 9 values of 7 secrets". */
  what: string;
  files: number;
  source: "worktree" | "staged" | "closure";
}

async function scanRepository(io: Io, paths: string[], opts: AuditCommandOptions): Promise<Scan> {
  const scope = scanScope(io, paths);
  const config = await loadConfig(io, scope.root, opts.config);
  const allow = [...config.allow, ...(opts.allow ?? []).map(allowFromFlag)];
  const source: Source = opts.staged ? new StagedSource(scope.root, scope.only, [MANIFEST]) : new WorktreeSource(scope.root, scope.only);

  let entries: SourceEntry[];
  try {
    entries = source.list();
  } catch (err) {
    if (err instanceof SourceError) throw new NixsecError(err.message, err.hint ? { hint: err.hint } : {});
    throw err;
  }
  // Each V8 isolate already keeps ~1.4 cores busy (its compiler and GC threads):
  // on 2 cores a second scanning thread was slower (bench/README.md, "Audit").
  const cores = os.availableParallelism();
  const threads = opts.jobs ?? (cores >= 4 ? Math.min(4, Math.floor(cores / 2)) : 1);
  // Worker threads load the bundled parallel.js; the TypeScript sources (tests of the library) stay on one thread.
  const mayParallel = source instanceof WorktreeSource && threads > 1 && !import.meta.url.endsWith(".ts");
  // A directory walk lists files without their sizes (a single thread learns
  // them as it reads); splitting the work over threads needs them up front.
  if (mayParallel) entries = source.measure(entries);
  const disabled = [...config.disable, ...(opts.disable ?? [])];
  let env;
  try {
    env = detectEnv(entries.map((e) => e.path), { disabledRules: disabled, secretsDirs: config.secretsDirs, tracked: entries.filter((e) => e.tracked).map((e) => e.path) });
  } catch (err) {
    if (err instanceof UnknownRuleError) throw new NixsecError(err.message, { hint: "see nixsec audit --list-rules" });
    throw err;
  }
  // rotation advice: was a leaked value ever committed? (only inside a git repository)
  if (entries.some((e) => e.tracked !== undefined) || source instanceof StagedSource) {
    const history = new GitHistory(scope.root);
    env.committed = (p, secrets) => history.committed(p, secrets);
  }
  const managed = scope.only.length > 0 ? null : await checkManagedStore({ root: scope.root, source, entries, disabledRules: disabled, configHome: configHome(io) });
  if (managed?.secretsDir && !env.repo.secretsDirs.includes(managed.secretsDir)) env.repo.secretsDirs.push(managed.secretsDir);

  const scan: Scan = { findings: [], notes: [...(managed?.notes ?? [])], inline: 0, allowed: 0, binary: 0, what: "", files: 0, source: source.kind };
  const todo: SourceEntry[] = [];
  // Files over the cap are not read whole: seen by their first bytes, a text
  // or .nix one is a finding (fail closed), a binary one a note.
  const oversize: FileResult[] = [];
  const tooBig = (e: SourceEntry, size: number): void => {
    const head = headOf(source, e);
    if (head) oversize.push(detectOversize(e.path, size, head, env));
  };
  for (const e of entries) {
    if (fileAllowed(allow, e.path)) { scan.allowed++; continue; }
    if (e.size !== undefined && e.size > DEFAULT_MAX_FILE_BYTES) { tooBig(e, e.size); continue; }
    todo.push(e);
  }
  const bytes = todo.reduce((n, e) => n + (e.size ?? 0), 0);
  const PARALLEL_MIN_BYTES = 3 << 20; // below a few MB a thread costs more than it saves
  const parallel = mayParallel && bytes >= PARALLEL_MIN_BYTES && todo.length >= 2 * threads;
  let results: (FileResult | null)[];
  if (parallel) {
    results = await (await import("../../audit/parallel.js")).detectParallel(scope.root, todo.map((e) => ({ path: e.path, size: e.size ?? 0 })), env, { disabledRules: disabled, secretsDirs: config.secretsDirs }, threads);
  } else {
    // One thread detects while (for a walk of many files) another reads ahead.
    // A walk lists no sizes: a file over the cap shows as it is read, and its
    // note lands where the listing would have put it (in entry order, before
    // the notes of the scanned files).
    results = new Array<FileResult | null>(todo.length).fill(null);
    readEntries(source, todo, DEFAULT_MAX_FILE_BYTES, (i, got) => {
      if (typeof got === "number") tooBig(todo[i]!, got);
      else if (got) results[i] = detectFile(todo[i]!.path, got, env);
    });
  }
  let scanned = 0;
  for (const r of [...oversize, ...results]) {
    if (!r) continue;
    if (!oversize.includes(r)) scanned++;
    for (const n of r.notes) {
      if (n.message.startsWith("skipped: binary")) scan.binary++;
      scan.notes.push(n);
    }
    scan.inline += r.suppressed;
    for (const f of r.findings) {
      if (findingAllowed(allow, f.file, f.ruleId)) scan.allowed++;
      else scan.findings.push(f);
    }
  }
  for (const f of managed?.findings ?? []) {
    if (findingAllowed(allow, f.file, f.ruleId)) scan.allowed++;
    else scan.findings.push(f);
  }
  const what = opts.staged ? "staged file" : "file";
  scan.what = `scanned ${scanned} ${what}${scanned === 1 ? "" : "s"}${managed?.checked ? " and the managed store" : ""}`;
  scan.files = scanned;
  return scan;
}

function megabytes(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(1)} GB` : `${(n / 1e6).toFixed(1)} MB`;
}

/** --closure: decrypt the managed secrets and search the given paths for their values. */
async function scanClosure(io: Io, paths: string[], opts: AuditCommandOptions): Promise<Scan> {
  if (paths.length === 0) {
    throw new NixsecError("--closure needs at least one PATH to search", { hint: "nixsec audit --closure ./result (a result link, store paths, or $(nix-store -qR ./result) for the whole closure)" });
  }
  if (opts.staged) throw new NixsecError("--closure and --staged do not go together", { hint: "--closure searches a built system; --staged scans a commit" });
  for (const p of paths) if (!existsSync(path.resolve(io.cwd, p))) throw new NixsecError(`no such file or directory: ${p}`, { hint: "give a result link, a store path or a directory" });
  const { adminIdentities, openCliStore } = await import("../context.js");
  const { preloadSecrets, readSecretValue, secretFiles } = await import("../../store/values.js");
  const store = await openCliStore(io, {});
  const ids = await adminIdentities(io, store, { identity: opts.identity ?? [] });
  await preloadSecrets(store, Object.keys(store.manifest.data.secrets), ids); // a hardware key asks once
  const notes: Note[] = [];
  const secrets: ClosureSecret[] = [];
  for (const [name, spec] of Object.entries(store.manifest.data.secrets).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (secretFiles(store, name).length === 0) { notes.push({ file: MANIFEST, message: `${name}: not searched: it has no file` }); continue; }
    secrets.push({ name, value: await readSecretValue(store, name, ids), format: spec.format });
  }
  const { needles, skipped } = closureNeedles(secrets);
  for (const s of secrets) s.value.fill(0);
  for (const name of skipped) {
    notes.push({ file: MANIFEST, message: `${name}: not searched: shorter than ${MIN_VALUE_BYTES} bytes or only digits shorter than ${MIN_DIGITS}, it would match by chance` });
  }
  const rule = RULES.find((r) => r.id === "secret-in-closure")!;
  const r = searchClosure(paths, needles, io.cwd);
  for (const n of needles) n.bytes.fill(0);
  const values = new Set(needles.map((n) => n.name)).size;
  return {
    findings: closureFindings(r.hits, rule),
    notes: [...notes, ...r.notes],
    inline: 0, allowed: 0, binary: 0, files: r.files,
    what: `searched ${r.files} file${r.files === 1 ? "" : "s"} (${megabytes(r.bytes)}) for ${values} value${values === 1 ? "" : "s"} of ${secrets.length} secret${secrets.length === 1 ? "" : "s"}`,
    source: "closure",
  };
}

export async function audit(io: Io, paths: string[], opts: AuditCommandOptions): Promise<void> {
  if (opts.listRules) return listRules(io, opts.format === "json");
  if (opts.baseline && opts.writeBaseline && path.resolve(io.cwd, opts.baseline) === path.resolve(io.cwd, opts.writeBaseline)) {
    throw new NixsecError("--baseline and --write-baseline name the same file", { hint: "to refresh a baseline, run with --write-baseline only" });
  }
  if (opts.identity?.length && !opts.closure) throw new NixsecError("-i/--identity is only used with --closure", { hint: "the other checks never decrypt; drop -i" });
  const started = performance.now();
  const scan = opts.closure ? await scanClosure(io, paths, opts) : await scanRepository(io, paths, opts);
  let findings = scan.findings;
  const { notes, inline, allowed, binary } = scan;
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
  const tally = `${scan.what} in ${seconds} s${extra ? `; ${extra}` : ""}`;

  if (opts.writeBaseline) {
    writeFileSync(path.resolve(io.cwd, opts.writeBaseline), renderBaseline(makeBaseline(findings)));
    printInfo(io, `wrote ${findings.length} finding${findings.length === 1 ? "" : "s"} to ${opts.writeBaseline} (${tally})`);
    return;
  }

  const format = opts.format ?? "text";
  const suppressed = { inline, baseline: known, allow: allowed };
  let report: string;
  if (format === "json") report = renderJson(findings, notes, { version: VERSION, filesScanned: scan.files, suppressed, source: scan.source });
  else if (format === "sarif") report = renderSarif(findings, notes, VERSION);
  else {
    const toTty = !opts.output && (Boolean(io.stdout.isTTY) || (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== "0"));
    report = renderText(findings, toTty ? style(io) : undefined);
    const shown = notes.filter((n) => !n.message.startsWith("skipped: binary"));
    for (const n of shown.slice(0, 20)) printWarning(io, `${n.file}: ${n.message}`);
    if (shown.length > 20) printWarning(io, `… and ${shown.length - 20} more notes (--format json lists them all)`);
  }
  if (opts.output) writeFileSync(path.resolve(io.cwd, opts.output), report);
  else if (report) io.stdout.write(report);

  if (findings.length === 0) {
    printInfo(io, `no findings (${tally})`);
    return;
  }
  throw new NixsecError(`${summarize(findings)} (${tally})`, {
    exitCode: ExitCode.findings,
    hint: opts.closure
      ? ["each finding names the secret and how it is encoded, never the value; rotate those secrets once the configuration no longer copies them"]
      : [
        "each finding names the nixsec commands that move the value into the encrypted store",
        "to accept one: `# nixsec:allow RULE reason` on its line, an allow entry in .nixsec-audit.yaml, or --write-baseline FILE then --baseline FILE",
      ],
  });
}
