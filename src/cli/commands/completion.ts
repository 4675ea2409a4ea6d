// `nixsec completion bash|zsh|fish` prints a shell script; the script asks
// `nixsec __complete SHELL -- WORDS…` for the candidates at each TAB.
// Commands and flags are read from the commander tree of this very run, so
// commands added later complete without touching this file; secret, host,
// admin and template names come from nixsec.yaml (the validated, cached manifest: no key,
// no decryption). Completion never fails loudly: on any problem it offers
// nothing, and the shell falls back to file names where files make sense.
import path from "node:path";
import type { Argument, Command, Option } from "commander";
import { findManifest, loadManifest } from "../../manifest/read.js";
import type { Io } from "../io.js";
import { completionScript, SHELLS, type Shell } from "./completion-scripts.js";

export { SHELLS, type Shell };

/** What a word position holds. */
type Kind = Named | "file" | "none" | { choices: readonly string[] };
/** Things nixsec.yaml names; a command group of the same name (`nixsec host rm NAME`) takes them. */
type Named = "secret" | "host" | "admin" | "template";
const GROUPS: readonly Named[] = ["host", "admin", "template"];

/** The last line of __complete's output when the shell should offer file names. */
export const FILES_DIRECTIVE = ":files";

export function completion(io: Io, shell: string): void {
  io.stdout.write(completionScript(shell as Shell));
}

interface Candidate {
  value: string;
  description?: string;
}

/**
 * The candidates for the last of `words` (the words after `nixsec`, the last
 * one possibly empty), one per line: `value` for bash, `value\tdescription`
 * for zsh and fish. FILES_DIRECTIVE ends the list where file names fit.
 */
export async function complete(io: Io, program: Command, shell: string, words: string[]): Promise<void> {
  const line = normalize(words);
  const { candidates, files } = await completeWords(program, line, io.cwd);
  // bash completes the text after `=` in `--flag=value`; zsh and fish the whole word.
  const cut = shell === "bash" && /^--[^=]+=/.test(line[line.length - 1]!) ? line[line.length - 1]!.indexOf("=") + 1 : 0;
  const lines = candidates.map((c) => (shell !== "bash" && c.description ? `${c.value}\t${c.description.replace(/\s+/g, " ")}` : c.value.slice(cut)));
  if (files) lines.push(FILES_DIRECTIVE);
  if (lines.length > 0) io.stdout.write(lines.join("\n") + "\n");
}

/** bash splits `--dir=x` into `--dir`, `=`, `x`; zsh and fish keep it whole. Both become `--dir=x`. */
function normalize(words: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    if (words[i] === "=" && out.length > 0 && out[out.length - 1]!.startsWith("--")) out[out.length - 1] += "=" + (words[++i] ?? "");
    else out.push(words[i]!);
  }
  return out.length > 0 ? out : [""];
}

export async function completeWords(program: Command, words: string[], cwd: string): Promise<{ candidates: Candidate[]; files: boolean }> {
  const cur = words[words.length - 1]!;
  let cmd = program;
  const cmdPath: string[] = [];
  let positional = 0;
  let dir: string | undefined;
  let pending: Option | undefined; // an option whose value is the next word
  for (const w of words.slice(0, -1)) {
    if (pending) {
      if (pending.long === "--dir") dir = w;
      pending = undefined;
    } else if (w === "--") {
      // after `--` every word is an operand; nixsec's commands take none there
    } else if (w.startsWith("-") && w.length > 1) {
      const [flag, inline] = w.startsWith("--") ? splitInline(w) : [w.slice(0, 2), w.length > 2 ? w.slice(2) : undefined];
      const opt = findOption(cmd, flag);
      if (opt?.required && inline === undefined) pending = opt; // an optional value (`[x]`) is not asked for
      if (opt?.long === "--dir" && inline !== undefined) dir = inline;
    } else {
      const sub = cmd.commands.find((c) => c.name() === w || c.aliases().includes(w));
      if (sub && positional === 0) {
        cmd = sub;
        cmdPath.push(sub.name());
      } else {
        positional++;
      }
    }
  }

  let kind: Kind;
  let prefix = "";
  let partial = cur;
  if (pending) {
    kind = optionKind(pending);
  } else if (cur.startsWith("--") && cur.includes("=")) {
    const [flag, value] = splitInline(cur);
    const opt = findOption(cmd, flag);
    kind = opt ? optionKind(opt) : "none";
    prefix = `${flag}=`;
    partial = value ?? "";
  } else if (cur.startsWith("-")) {
    const help = cmd.createHelp();
    const opts = [...help.visibleOptions(cmd), ...(cmd.parent ? [] : help.visibleGlobalOptions(cmd))];
    const flags = opts.flatMap((o) => [o.long, o.short].filter((f): f is string => Boolean(f)).map((f) => ({ value: f, description: o.description })));
    return { candidates: flags.filter((f) => f.value.startsWith(cur)), files: false };
  } else {
    const subs = positional === 0 ? cmd.createHelp().visibleCommands(cmd).filter((c) => c.name() !== "help") : [];
    const arg = argumentAt(cmd, positional);
    const subCandidates = subs.map((c) => ({ value: c.name(), description: c.description() }));
    kind = arg ? argumentKind(cmdPath, arg) : "none";
    const { candidates, files } = await valuesOf(kind, dir, cwd);
    return { candidates: [...subCandidates, ...candidates].filter((c) => c.value.startsWith(cur)), files };
  }
  const { candidates, files } = await valuesOf(kind, dir, cwd);
  return { candidates: candidates.filter((c) => c.value.startsWith(partial)).map((c) => ({ ...c, value: prefix + c.value })), files };
}

function splitInline(word: string): [string, string | undefined] {
  const eq = word.indexOf("=");
  return eq < 0 ? [word, undefined] : [word.slice(0, eq), word.slice(eq + 1)];
}

function findOption(cmd: Command, flag: string): Option | undefined {
  for (let c: Command | null = cmd; c; c = c.parent) {
    const o = c.options.find((x) => x.long === flag || x.short === flag);
    if (o) return o;
  }
  return undefined;
}

function argumentAt(cmd: Command, index: number): Argument | undefined {
  const args = cmd.registeredArguments;
  const last = args[args.length - 1];
  return args[index] ?? (last?.variadic ? last : undefined);
}

// Value kinds by the placeholder in the option's flags (`--key-file <file>`)
// and by the names nixsec uses for references to existing things.
function optionKind(o: Option): Kind {
  if (o.argChoices) return { choices: o.argChoices };
  const placeholder = /<([^>]+)>|\[([^\]]+)\]/.exec(o.flags);
  const name = placeholder?.[1] ?? placeholder?.[2] ?? "";
  if (/^(file|dir)s?$/.test(name)) return "file";
  if (o.long === "--host") return "host";
  if (o.long === "--from") return "secret";
  return "none";
}

function argumentKind(cmdPath: string[], a: Argument): Kind {
  if (a.argChoices) return { choices: a.argChoices };
  const name = a.name();
  if (/^(file|files|input|paths?|dir)$/.test(name)) return "file";
  const leaf = cmdPath[cmdPath.length - 1];
  if (leaf === "add" || leaf === "init") return "none"; // names a new thing
  if (name === "name" || name === "names") {
    if (cmdPath.length === 1) return "secret";
    const group = GROUPS.find((g) => g === cmdPath[0]);
    return cmdPath.length === 2 && group ? group : "none";
  }
  if (/^secrets?$/.test(name)) return "secret";
  if (/^hosts?$/.test(name)) return "host";
  if (/^admins?$/.test(name)) return "admin";
  return "none";
}

async function valuesOf(kind: Kind, dir: string | undefined, cwd: string): Promise<{ candidates: Candidate[]; files: boolean }> {
  if (kind === "file") return { candidates: [], files: true };
  if (kind === "none") return { candidates: [], files: false };
  if (typeof kind === "object") return { candidates: kind.choices.map((value) => ({ value })), files: false };
  return { candidates: (await manifestNames(kind, dir, cwd)).map((value) => ({ value })), files: false };
}

/** Names of one kind from the manifest at or above `dir` (else cwd); none when there is no valid manifest. */
async function manifestNames(kind: Named, dir: string | undefined, cwd: string): Promise<string[]> {
  try {
    const file = await findManifest(dir ? path.resolve(cwd, dir) : cwd);
    if (!file) return [];
    const data = (await loadManifest(file)).data;
    const names = Object.keys({ secret: data.secrets, host: data.hosts, admin: data.admins, template: data.templates }[kind] ?? {});
    // Validated names hold no whitespace; the check keeps a shell's word list intact regardless.
    return names.filter((n) => /^[\x21-\x7e]+$/.test(n)).sort();
  } catch {
    return [];
  }
}
