// The one entry: run(argv, io) maps every outcome to an exit code. Commander
// and the program are loaded here, not statically, so the fast paths
// (fast-path.ts: the pre-commit hook) start without them.
import { ExitCode, InterruptedError, NixsecError } from "../errors.js";
import { fastPath } from "./fast-path.js";
import { processIo, type Io } from "./io.js";
import { printError } from "./output.js";

export async function run(argv: string[], io: Io): Promise<number> {
  try {
    const fast = fastPath(argv);
    if (fast) {
      await fast(io);
      return ExitCode.ok;
    }
    const { buildProgram } = await import("./program.js");
    await buildProgram(io).parseAsync(argv, { from: "user" });
    return ExitCode.ok;
  } catch (err) {
    return reportError(io, err);
  }
}

/** commander's own errors (usage, --help, --version), which it has already printed; all its codes start with "commander.". */
function isCommanderError(err: unknown): err is Error & { code: string } {
  const code = (err as { code?: unknown } | null)?.code;
  return err instanceof Error && typeof code === "string" && code.startsWith("commander.");
}

function reportError(io: Io, err: unknown): number {
  if (isCommanderError(err)) {
    if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") return ExitCode.ok;
    return ExitCode.usage;
  }
  if (err instanceof InterruptedError) return ExitCode.interrupted;
  if (err instanceof NixsecError) {
    printError(io, err.message, err.hints);
    return err.exitCode;
  }
  if (err instanceof Error && err.name === "ExitPromptError") return ExitCode.interrupted;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === "EPIPE") return ExitCode.ok;
  // A bug: say so plainly; the stack only on request (it could hold paths, never values).
  printError(io, `internal error: ${err instanceof Error ? err.message : String(err)}`, [
    "please report this at the nixsec issue tracker, with the command you ran (not your secrets)",
  ]);
  if (io.env.NIXSEC_DEBUG && err instanceof Error && err.stack) io.stderr.write(err.stack + "\n");
  return ExitCode.internal;
}

export async function main(): Promise<void> {
  const io = processIo();
  process.on("SIGINT", () => process.exit(ExitCode.interrupted));
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(ExitCode.ok);
  });
  const code = await run(process.argv.slice(2), io);
  process.exitCode = code;
}
