// The `nixsec …` commands inside a hint, and a check that this version's CLI
// accepts each: parsed against the real command tree (buildProgram) with every
// action replaced by a no-op, so nothing runs and nothing is written. A hint
// writes a command as `nixsec WORDS…` and ends it at `,`, `;`, `(`, `)` or a
// word of prose (then, and, or, if, instead, to, …), as the hints do.
import { PassThrough } from "node:stream";
import type { Command } from "commander";
import { buildProgram } from "../../src/cli/program.js";

const PROSE = new Set(["then", "and", "or", "if", "instead", "to", "for", "with", "so", "in", "of", "when", "which", "that", "is", "are", "the", "a", "an", "it", "each", "once", "on"]);

const quiet = (): { stdin: PassThrough; stdout: PassThrough; stderr: PassThrough; env: Record<string, string>; cwd: string; stdinIsTTY: boolean } =>
  ({ stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough(), env: {}, cwd: "/nonexistent", stdinIsTTY: false });
// `nixsec` followed by one of the CLI's commands starts a command; elsewhere it is prose ("the nixsec module").
const COMMANDS = buildProgram(quiet()).commands.map((c) => c.name());

/** The commands a hint names, each as its argv after `nixsec`. */
export function hintCommands(hint: string): string[][] {
  const out: string[][] = [];
  const re = new RegExp(`\\bnixsec\\s+(?=(?:${COMMANDS.join("|")})\\b)`, "g");
  for (let m = re.exec(hint); m; m = re.exec(hint)) {
    const rest = hint.slice(m.index + "nixsec".length);
    const argv: string[] = [];
    // tokens: quoted strings keep their spaces
    const tok = /\s*("[^"]*"|'[^']*'|[^\s,;()]+)([,;()]?)/y;
    for (let t = tok.exec(rest); t; t = tok.exec(rest)) {
      let word = t[1]!;
      if (/^["']/.test(word)) word = word.slice(1, -1);
      if (PROSE.has(word) || /^(?:\||<<<|<|>|&&)$/.test(word) || word.startsWith("$") || word === "…") break;
      argv.push(word);
      if (t[2]) break;
    }
    if (argv.length > 0) out.push(argv);
  }
  return out;
}

function silence(cmd: Command): void {
  cmd.action(() => {});
  for (const c of cmd.commands) silence(c);
}

/** Null when the CLI accepts `nixsec ARGV…`, else commander's complaint. */
export async function cliRejects(argv: readonly string[]): Promise<string | null> {
  const err = new PassThrough();
  let said = "";
  err.on("data", (d) => { said += d.toString(); });
  const io = { ...quiet(), stderr: err };
  const program = buildProgram(io);
  silence(program);
  try {
    await program.parseAsync(["node", "nixsec", ...argv]);
    return null;
  } catch (e) {
    return said.trim() || (e as Error).message;
  }
}
