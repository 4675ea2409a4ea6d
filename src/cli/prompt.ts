// Prompts. Every prompt has a flag or a non-interactive alternative; without
// a terminal a missing answer is a usage error whose hint says what to pass.
// Ctrl-C at a prompt becomes InterruptedError (exit 130).
import { openSync } from "node:fs";
import tty from "node:tty";
import { InterruptedError, NixsecError } from "../errors.js";
import type { Io } from "./io.js";

interface Terminal {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  close(): void;
}

/** The controlling terminal, even when stdin is a pipe (as age does), or null. */
function openTerminal(io: Io): Terminal | null {
  if (io.stdinIsTTY && io.stderr.isTTY) return { input: io.stdin, output: io.stderr, close() {} };
  try {
    const fd = openSync("/dev/tty", "r+");
    const input = new tty.ReadStream(fd);
    const output = new tty.WriteStream(fd);
    return {
      input,
      output,
      close() {
        input.destroy();
        output.destroy();
      },
    };
  } catch {
    return null;
  }
}

function isExitPrompt(err: unknown): boolean {
  return err instanceof Error && (err.name === "ExitPromptError" || err.name === "AbortPromptError");
}

export interface AskSecretOptions {
  message: string;
  /** How to give the answer without a terminal, for the error hint. */
  alternative: string;
  confirm?: boolean;
}

/** Asks for a secret with a masked prompt; asks twice when `confirm` is set. */
export async function askSecret(io: Io, opts: AskSecretOptions): Promise<string> {
  const term = openTerminal(io);
  if (!term) {
    throw new NixsecError(`${opts.message.replace(/:$/, "").toLowerCase()} needs a terminal`, { hint: opts.alternative });
  }
  const { password } = await import("@inquirer/prompts");
  const context = { input: term.input, output: term.output, clearPromptOnDone: false };
  try {
    const first = await password({ message: opts.message, mask: "*" }, context);
    if (opts.confirm) {
      const again = await password({ message: "Confirm:", mask: "*" }, context);
      if (again !== first) throw new NixsecError("the two entries differ; nothing was changed", { hint: "run the command again" });
    }
    return first;
  } catch (err) {
    if (isExitPrompt(err)) throw new InterruptedError();
    throw err;
  } finally {
    term.close();
  }
}

/** A PassphraseProvider for encrypted SSH keys: asks once per key per run. */
export function keyPassphrases(io: Io): (name: string) => Promise<string> {
  const asked = new Map<string, Promise<string>>();
  return (name: string) => {
    let p = asked.get(name);
    if (!p) {
      p = askSecret(io, {
        message: `Passphrase for ${name}:`,
        alternative: `run in a terminal, or use an unencrypted copy of the key (ssh-keygen -p -f ${name})`,
      });
      asked.set(name, p);
    }
    return p;
  };
}
