// Secrets in shell text, as data flow (issue 15): a literal that reaches a
// program's secret-reading position. Three shapes, over the commands that
// parse.ts reads:
// - piped in: `echo`/`printf`/here-strings/here-docs/subshells feeding a
//   program that reads a key or password from standard input (programs.ts);
// - a flag's value: any long flag whose name says secret (`--api-key …`,
//   `--password=…`), and the short flags and positions of programs.ts;
// - an assignment: `PGPASSWORD=… psql`, `export API_TOKEN=…`.
// `sh -c '…'` (and bash, su -c) is read recursively. A value read at run time
// (`$(cat …)`) on a command line is still reported, at low severity: it is
// visible in /proc/<pid>/cmdline (nixpkgs#156400).
import { looksGenerated, notASecret, valueConfidence } from "../values.js";
import { isSecretName } from "../words.js";
import { type Group, type Pipeline, type Simple, type Stage, type Word, parseShell } from "./parse.js";
import { KEYGENS } from "./keygens.js";
import { PROGRAMS, type Program, type ValueShape, programNamed } from "./programs.js";

export interface ShellHit {
  /** Offsets into the text given to shellSecrets. */
  start: number;
  end: number;
  kind: "stdin" | "cmdline" | "assignment" | "keygen";
  /** What says it is a secret (a flag, a program, a variable name): safe to show. */
  label: string;
  /** Read at run time, exposed on a command line: low severity. */
  runtime?: boolean;
  /** The value reads like a name rather than a secret: low severity. */
  low?: boolean;
  /** The program that takes the secret (its hint and secret name), when the table knows it. */
  program?: Program;
  /** The user the secret is for, when the command says (`smbpasswd -a alice`). */
  user?: string;
}

/** A decoded piece of text and where each of its characters is in the shell text. */
interface Piece {
  value: string;
  offs: readonly number[];
}

const SHELLS = new Set(["sh", "bash", "dash", "zsh", "ash", "ksh", "busybox"]);
const WRAPPERS = new Set(["exec", "command", "nohup", "time", "builtin", "setsid", "stdbuf", "ionice", "chrt", "nice", "timeout", "doas", "sudo", "env", "xargs"]);
const EXPORTS = new Set(["export", "declare", "local", "readonly", "typeset"]);

function isSecretValue(v: string): boolean {
  return !/\$[A-Za-z_{(]|`/.test(v) && notASecret(v) === null;
}

const basename = (v: string): string => v.slice(v.lastIndexOf("/") + 1);

function sub(p: Piece, a: number, b: number): Piece {
  return { value: p.value.slice(a, b), offs: p.offs.slice(a, b) };
}

/** Splits a piece into lines at real newlines and at `\n` escapes (echo -e, printf). */
function lines(p: Piece): Piece[] {
  const out: Piece[] = [];
  let s = 0;
  for (let i = 0; i <= p.value.length; i++) {
    const nl = p.value[i] === "\n";
    const esc = p.value[i] === "\\" && (p.value[i + 1] === "n" || p.value[i + 1] === "r");
    if (i === p.value.length || nl || esc) {
      if (i > s) out.push(sub(p, s, i));
      if (esc) i++;
      s = i + 1;
    }
  }
  return out;
}

function trimmed(p: Piece): Piece {
  const a = p.value.length - p.value.trimStart().length;
  const b = p.value.trimEnd().length;
  return sub(p, a, Math.max(a, b));
}

// What a finding of this reader needs somewhere in the text: a program of the
// table (or a key generator) as a word, a flag or an assignment whose name
// says secret, or a `…Password value` argument. One test before the parse:
// most scripts mention none (the table's examples check it lets theirs through).
const NEEDS = new RegExp(
  `(?:^|[^\\w.-])(?:${[...PROGRAMS, ...KEYGENS].flatMap((p) => p.names).map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})(?![\\w-])` +
  "|-[\\w.-]*(?:pass|secret|token|key|psk|bearer|auth|cred|hash)" +
  "|(?:pass|secret|token|key|psk|bearer|auth|cred|salt|pw|pwd)\\w*\\+?=" +
  "|[Pp]assword|[Pp]asswd|[Pp]assphrase",
  "i",
);

/** Whether `text` could hold anything shellSecrets reports (a cheap test; false means no parse is needed). */
export function mayHoldShellSecret(text: string): boolean {
  return NEEDS.test(text);
}

/**
 * The secrets in shell text, or (`mode` "exec") in a command line as systemd
 * runs it, or ("args") in arguments with no command in front (a module's
 * `extraFlags`): words split at white space only, the first a flag too.
 */
export function shellSecrets(text: string, mode: "shell" | "exec" | "args" = "shell"): ShellHit[] {
  const out: ShellHit[] = [];
  const pre = mode === "args" ? "_ " : "";
  analyze(parseShell(pre + text, mode !== "shell"), (p, a, b) => ({ start: (p.offs[a] ?? 0) - pre.length, end: (p.offs[b - 1] ?? 0) + 1 - pre.length }), out, 0);
  return out;
}

type Span = (p: Piece, a: number, b: number) => { start: number; end: number };

function analyze(list: readonly Pipeline[], span: Span, out: ShellHit[], depth: number): void {
  if (depth > 4) return;
  for (const pl of list) {
    for (let k = 0; k < pl.stages.length; k++) {
      const st = pl.stages[k]!;
      if (st.kind === "group") { analyze(st.body, span, out, depth + 1); continue; }
      const fed = k > 0 ? outputOf(pl.stages[k - 1]!) : [];
      command(st, fed, span, out, depth);
    }
  }
}

/** What a stage writes to a pipe, as far as it is literal: echo and printf arguments, cat's here-docs, a group's commands. */
function outputOf(st: Stage): Piece[] {
  if (st.kind === "group") {
    const out: Piece[] = [];
    for (const pl of (st as Group).body) { const last = pl.stages[pl.stages.length - 1]; if (last) out.push(...outputOf(last)); }
    return out;
  }
  const [cmd, ...args] = st.words;
  if (!cmd) return [];
  const name = basename(cmd.value);
  if (name === "echo") {
    let i = 0;
    while (i < args.length && /^-[neE]+$/.test(args[i]!.value)) i++;
    return args.slice(i).filter((w) => w.literal).map((w) => ({ value: w.value, offs: w.offs }));
  }
  if (name === "printf") {
    const rest = args[0]?.value === "--" ? args.slice(1) : args;
    const [fmt, ...vals] = rest;
    const out: Piece[] = vals.filter((w) => w.literal).map((w) => ({ value: w.value, offs: w.offs }));
    if (fmt?.literal) {
      // the format's own text between directives (`printf 'pw\npw\n'`)
      const re = /%[-+ #0]*\d*(?:\.\d+)?[a-zA-Z%]/g;
      let s = 0;
      for (let m = re.exec(fmt.value); ; m = re.exec(fmt.value)) {
        const e = m ? m.index : fmt.value.length;
        if (e > s) out.push(sub({ value: fmt.value, offs: fmt.offs }, s, e));
        if (!m) break;
        s = m.index + m[0].length;
      }
    }
    return out;
  }
  if (name === "cat" || name === "tee") return heredocs(st);
  return [];
}

/** Here-strings and here-doc bodies given to a command. */
function heredocs(st: Simple | Group): Piece[] {
  const out: Piece[] = [];
  for (const r of st.redirects) {
    if (r.op === "<<<" && r.target?.literal) out.push({ value: r.target.value, offs: r.target.offs });
    if ((r.op === "<<" || r.op === "<<-") && r.body?.literal) out.push({ value: r.body.value, offs: r.body.offs });
  }
  return out;
}

interface Resolved {
  /** The command word (for a key generator: what the finding points at). */
  cmd: Word | null;
  name: string;
  args: Word[];
  /** `sudo -S` read the pipe before the command did. */
  sudoReadsStdin: boolean;
  assigns: Word[];
}

/** The program a command runs, past `sudo`, `env X=y`, `exec`, `timeout 5` and the like. */
function resolve(st: Simple): Resolved | null {
  const assigns = [...st.assigns];
  let words = st.words;
  let sudoReadsStdin = false;
  for (let guard = 0; guard < 8 && words.length > 0; guard++) {
    const name = basename(words[0]!.value);
    if (!WRAPPERS.has(name)) break;
    if ((name === "sudo" || name === "doas") && words.slice(1).some((w) => /^-[a-zA-Z]*S[a-zA-Z]*$/.test(w.value))) sudoReadsStdin = true;
    let i = 1;
    // the wrapper's own options and arguments: `sudo -u alice`, `timeout 5`, `nice -n 10`, `env A=b`
    while (i < words.length) {
      const v = words[i]!.value;
      if (name === "env" && /^[A-Za-z_][A-Za-z0-9_]*=/.test(v)) { assigns.push(words[i]!); i++; continue; }
      if (v.startsWith("-")) { i += /^-[ugCnpcst]$/.test(v) && name !== "env" ? 2 : 1; continue; }
      if ((name === "timeout" || name === "nice" || name === "chrt") && /^[0-9.]+[smhd]?$/.test(v)) { i++; continue; }
      break;
    }
    words = words.slice(i);
  }
  if (words.length === 0) return assigns.length ? { cmd: null, name: "", args: [], sudoReadsStdin, assigns } : null;
  return { cmd: words[0]!, name: basename(words[0]!.value), args: words.slice(1), sudoReadsStdin, assigns };
}

function command(st: Simple, fed: Piece[], span: Span, out: ShellHit[], depth: number): void {
  const r = resolve(st);
  if (!r) return;
  const data = [...fed, ...heredocs(st)];
  const argv = r.args.map((w) => w.value);

  // assignments: `PGPASSWORD=… psql`, `env X_TOKEN=…`, `export API_KEY=…`
  const assignWords = [...r.assigns, ...(EXPORTS.has(r.name) ? r.args : [])];
  for (const w of assignWords) assignment(w, span, out);

  // sh -c 'script', su -c 'script': read the script as shell text
  if (SHELLS.has(r.name) || r.name === "su" || r.name === "runuser") {
    const i = r.args.findIndex((w) => w.value === "-c" || /^-[a-z]*c$/.test(w.value));
    const script = i >= 0 ? r.args[i + 1] : undefined;
    if (script) {
      const inner: Span = (p, a, b) => {
        const s = p.offs[a] ?? 0, e = (p.offs[b - 1] ?? s) + 1;
        return { start: script.offs[s] ?? script.start, end: (script.offs[e - 1] ?? script.start) + 1 };
      };
      analyze(parseShell(script.value), (p, a, b) => inner(p, a, b), out, depth + 1);
    }
    return;
  }

  // a private key generated here (only build-time sinks ask for these)
  const gen = KEYGENS.find((k) => k.names.includes(r.name));
  if (gen && r.cmd && gen.generates(argv)) out.push({ start: r.cmd.start, end: r.cmd.end, kind: "keygen", label: `${r.name} generates a private key` });

  const prog = programNamed(r.name);
  // piped in
  if (data.length > 0) {
    const user = prog?.user?.(argv) ?? undefined;
    if (r.sudoReadsStdin) stdinHits(data, programNamed("sudo")!, "line", span, out);
    else if (prog?.stdin?.(argv)) stdinHits(data, prog, prog.stdinShape ?? "line", span, out, user);
  }
  // flags and positions
  for (let i = 0; i < r.args.length; i++) {
    const w = r.args[i]!;
    const v = w.value;
    const spec = prog?.flags?.find((f) => (v === f.flag || v.startsWith(f.flag + "=") || (f.attached && v.startsWith(f.flag) && v.length > f.flag.length && !v.startsWith("--")))
      && (!f.when || f.when(argv)));
    if (spec) {
      if (v === spec.flag && spec.separate !== false && r.args[i + 1]) flagValue(r.args[i + 1]!, 0, spec.flag, spec.value ?? "whole", prog, span, out);
      else if (v.startsWith(spec.flag + "=")) flagValue(w, spec.flag.length + 1, spec.flag, spec.value ?? "whole", prog, span, out);
      else if (v !== spec.flag) flagValue(w, spec.flag.length, spec.flag, spec.value ?? "whole", prog, span, out);
      continue;
    }
    const m = /^(--?)([A-Za-z][A-Za-z0-9_.-]*)(=)?/.exec(v);
    if (!m || (m[1] === "-" && m[2]!.length < 5)) continue;
    // `--b2-key K001…`: a name that holds a secret only sometimes counts with a generated value
    const strength = isSecretName(m[2]!) ? "name" : GENERIC_LAST.test(m[2]!) ? "generated" : null;
    if (!strength) continue;
    const value = m[3] ? w : r.args[i + 1] && !r.args[i + 1]!.value.startsWith("-") ? r.args[i + 1]! : null;
    if (!value || (strength === "generated" && !looksGenerated(value.value.slice(m[3] ? m[0].length : 0)))) continue;
    flagValue(value, m[3] ? m[0].length : 0, m[1] + m[2]!, "whole", prog, span, out);
  }
  // `wg set wg0 private-key <(echo KEY)`: a literal handed to a program as a file
  for (let i = 0; i < r.args.length; i++) {
    const w = r.args[i]!;
    if (!w.proc) continue;
    const before = i > 0 ? r.args[i - 1]!.value : "";
    if (!/key|pass|secret|token|cred|psk|auth/i.test(before) && !prog) continue;
    const data = w.proc.flatMap((p) => (p.stages.length ? outputOf(p.stages[p.stages.length - 1]!) : []));
    stdinHits(data, prog ?? GENERIC_FILE, "line", span, out, undefined, `${before || r.name} reads it from a process substitution`);
  }
  // `ServerPassword VALUE`, `password VALUE`: a secret-named word and its value (not in echo/printf text)
  if (!QUIET.has(r.name)) for (let i = 0; i + 1 < r.args.length; i++) {
    const w = r.args[i]!;
    if (!w.literal || w.value.startsWith("-") || !SECRET_ARG.test(w.value)) continue;
    const next = r.args[i + 1]!;
    if (next.literal && next.value.length >= 6 && !next.value.startsWith("-")) flagValue(next, 0, w.value, "whole", prog, span, out);
  }
  const pos = prog?.positional?.(argv);
  if (prog && pos !== null && pos !== undefined && r.args[pos]) flagValue(r.args[pos]!, 0, `${r.name} argument`, "whole", prog, span, out);
}

function assignment(w: Word, span: Span, out: ShellHit[]): void {
  const eq = w.value.indexOf("=");
  if (eq <= 0) return;
  const name = w.value.slice(0, eq).replace(/\+$/, "");
  if (!isSecretName(name) || !w.literal) return;
  const p = trimmed(sub({ value: w.value, offs: w.offs }, eq + 1, w.value.length));
  const c = valueConfidence(p.value, name);
  if (c === null || p.value.length === 0) return;
  out.push({ ...span(p, 0, p.value.length), kind: "assignment", label: name, ...(c === "low" ? { low: true } : {}) });
}

// Commands whose arguments are text, not settings (and netrc's `machine … password …`, the config rules' business).
const QUIET = new Set(["machine", "default", "echo", "printf", "logger", "notify-send", "wall", "write", "systemd-cat", "gettext", "grep", "sed", "awk", "jq", "test", "["]);
const SECRET_ARG = /^(?:[A-Z][A-Za-z]*(?:Password|Passwd|Passphrase|Secret|Token)|password|passwd|passphrase)$/;
const GENERIC_FILE: Program = { names: ["a program"], what: "secret", secret: "secret", examples: { leaks: [], safe: [] } };
const GENERIC_LAST = /(?:^|[-_])(?:key|auth|credentials?)$/i;
const RUNTIME_READ = /^\$\((?:cat|<|systemd-creds|head|tr|jq|yq|pass |rbw |op |sops |age |gpg |clan |bw |vault |kubectl )/;

/** A flag's value (from `from` on in `w`): cut to the secret by `shape`, reported if it is one. */
function flagValue(w: Word, from: number, label: string, shape: ValueShape, prog: Program | undefined, span: Span, out: ShellHit[]): void {
  let p: Piece = sub({ value: w.value, offs: w.offs }, from, w.value.length);
  if (!w.literal) {
    // a secret read at run time, but on the command line: /proc/<pid>/cmdline shows it
    if (w.subst && RUNTIME_READ.test(p.value.replace(/^[^$]*(?=\$\()/, ""))) {
      const s = p.value.indexOf("$(");
      out.push({ ...span(p, s, p.value.length), kind: "cmdline", label, runtime: true });
    }
    return;
  }
  const cut = cutValue(p.value, shape);
  if (!cut) return;
  p = sub(p, cut[0], cut[1]);
  if (!isSecretValue(p.value)) return;
  out.push({ ...span(p, 0, p.value.length), kind: "cmdline", label: prog ? `${label} of ${prog.names[0]}` : label, ...(prog ? { program: prog } : {}) });
}

/** The [start, end) of the secret inside a flag value of the given shape, or null. */
function cutValue(v: string, shape: ValueShape): [number, number] | null {
  switch (shape) {
    case "whole": return [0, v.length];
    case "after-colon": { const i = v.indexOf(":"); return i >= 0 ? [i + 1, v.length] : null; }
    case "after-percent": { const i = v.indexOf("%"); return i >= 0 ? [i + 1, v.length] : null; }
    case "pass-prefix": return v.startsWith("pass:") ? [5, v.length] : null;
    case "header": {
      const m = /^\s*(?:authorization\s*:\s*(?:bearer|basic|token|bot|apikey)\s+|(?:x-api-key|x-auth-token|private-token|x-access-token|api-key|apikey|x-vault-token)\s*:\s*)(\S+)\s*$/i.exec(v);
      return m ? [v.length - m[1]!.length - (v.length - v.trimEnd().length), v.trimEnd().length] : null;
    }
    case "options": {
      const m = /(?:^|,)(?:password|pass)=([^,]+)/.exec(v);
      return m ? [m.index + m[0].length - m[1]!.length, m.index + m[0].length] : null;
    }
  }
}

const SQL_PASSWORD = /\b(?:PASSWORD|IDENTIFIED\s+BY)\s+'([^'\n]+)'/gi;

function stdinHits(data: readonly Piece[], prog: Program, shape: "line" | "after-colon" | "sql", span: Span, out: ShellHit[], user?: string, how?: string): void {
  const seen = new Set<string>();
  const label = how ?? `${prog.names[0]} reads it from standard input`;
  for (const d of data) {
    if (shape === "sql") {
      SQL_PASSWORD.lastIndex = 0;
      for (let m = SQL_PASSWORD.exec(d.value); m; m = SQL_PASSWORD.exec(d.value)) {
        const s = m.index + m[0].length - m[1]!.length - 1;
        if (isSecretValue(m[1]!)) out.push({ ...span(d, s, s + m[1]!.length), kind: "stdin", label, program: prog });
      }
      continue;
    }
    for (let line of lines(d)) {
      let who = user;
      if (shape === "after-colon") {
        const c = line.value.indexOf(":");
        if (c < 0) continue;
        who = line.value.slice(0, c).trim() || undefined;
        line = sub(line, c + 1, line.value.length);
      }
      line = trimmed(line);
      if (line.value.length === 0 || seen.has(line.value) || !isSecretValue(line.value)) continue;
      seen.add(line.value);
      out.push({ ...span(line, 0, line.value.length), kind: "stdin", label, program: prog, ...(who ? { user: who } : {}) });
    }
  }
}

