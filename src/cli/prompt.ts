// Prompts. Every prompt has a flag or a non-interactive alternative; without
// a terminal a missing answer is a usage error whose hint says what to pass.
// Ctrl-C at a prompt becomes InterruptedError (exit 130).
import { openSync } from "node:fs";
import { PassThrough } from "node:stream";
import tty from "node:tty";
import { InterruptedError, NixsecError } from "../errors.js";
import type { PluginContext, PluginUi } from "../crypto/index.js";
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

/**
 * The terminal's input handed to prompts one line at a time. A prompt's
 * readline takes whole chunks and drops what follows the first line when it
 * closes, so text typed ahead (both entries typed before the first prompt
 * showed, or the confirmation typed quickly) would be lost. Here the rest
 * waits for the next prompt. The terminal stays in raw mode (no echo) from
 * the first prompt until `close`, also between the two prompts.
 */
function lineFeed(input: NodeJS.ReadableStream): { next(): NodeJS.ReadableStream; close(): void } {
  const real = input as NodeJS.ReadableStream & { setRawMode?(mode: boolean): unknown; isTTY?: boolean };
  let pending = Buffer.alloc(0);
  let current: PassThrough | null = null;
  const pump = () => {
    if (!current || pending.length === 0) return;
    // Enter (CR or LF) ends a line; Ctrl-C and Ctrl-D must reach the prompt at once.
    const end = pending.findIndex((b) => b === 0x0d || b === 0x0a || b === 0x03 || b === 0x04);
    const chunk = end < 0 ? pending : pending.subarray(0, end + 1);
    pending = end < 0 ? Buffer.alloc(0) : pending.subarray(end + 1);
    const to = current;
    if (end >= 0) current = null; // a whole answer: the rest is for the next prompt
    to.write(chunk);
  };
  const onData = (d: Buffer | string) => {
    pending = Buffer.concat([pending, typeof d === "string" ? Buffer.from(d) : d]);
    pump();
  };
  real.on("data", onData);
  real.resume();
  return {
    next() {
      const stream = Object.assign(new PassThrough(), {
        isTTY: true,
        setRawMode(mode: boolean) {
          if (mode) real.setRawMode?.(true);
          return stream;
        },
      });
      current = stream;
      setImmediate(pump);
      return stream;
    },
    close() {
      real.removeListener("data", onData);
      real.setRawMode?.(false);
      real.pause();
    },
  };
}

type PromptContext = { input: NodeJS.ReadableStream; output: NodeJS.WritableStream; clearPromptOnDone: boolean };

/** Runs one prompt on the terminal, which is closed afterwards; Ctrl-C is InterruptedError; null without a terminal. */
async function onTerminal<T>(io: Io, run: (context: PromptContext) => Promise<T>): Promise<T | null> {
  const term = openTerminal(io);
  if (!term) return null;
  try {
    return await run({ input: term.input, output: term.output, clearPromptOnDone: false });
  } catch (err) {
    if (isExitPrompt(err)) throw new InterruptedError();
    throw err;
  } finally {
    term.close();
  }
}

/** Asks for a secret with a masked prompt; asks twice when `confirm` is set. */
export async function askSecret(io: Io, opts: AskSecretOptions): Promise<string> {
  const term = openTerminal(io);
  if (!term) {
    throw new NixsecError(`${opts.message.replace(/:$/, "").toLowerCase()} needs a terminal`, { hint: opts.alternative });
  }
  const { password } = await import("@inquirer/prompts");
  const feed = lineFeed(term.input);
  const context = () => ({ input: feed.next(), output: term.output, clearPromptOnDone: false });
  try {
    const first = await password({ message: opts.message, mask: "*" }, context());
    if (opts.confirm) {
      const again = await password({ message: "Confirm:", mask: "*" }, context());
      if (again !== first) throw new NixsecError("the two entries differ; nothing was changed", { hint: "run the command again" });
    }
    return first;
  } catch (err) {
    if (isExitPrompt(err)) throw new InterruptedError();
    throw err;
  } finally {
    feed.close();
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

/**
 * The plugin UI (src/crypto/plugin-context.ts) on this terminal: messages on
 * stderr, questions on the controlling terminal (masked for secrets). Without
 * a terminal a question returns null, the plugin is told `fail`, and the
 * error names the plugin and what it asked. Texts arrive sanitized.
 */
export function pluginUi(io: Io): PluginUi {
  const who = (name: string) => `age-plugin-${name}`;
  const ask = <T>(run: (context: PromptContext) => Promise<T>): Promise<T | null> => onTerminal(io, run);
  return {
    message(name, text) {
      io.stderr.write(`nixsec: ${who(name)}: ${text}\n`);
      return true;
    },
    async requestValue(name, prompt, secret) {
      const { input, password } = await import("@inquirer/prompts");
      const message = `${who(name)}: ${prompt}`;
      return ask((ctx) => (secret ? password({ message, mask: "*" }, ctx) : input({ message }, ctx)));
    },
    async confirm(name, prompt, yes, no) {
      const { select } = await import("@inquirer/prompts");
      const choices = [{ name: yes, value: true }, ...(no === undefined ? [] : [{ name: no, value: false }])];
      return ask((ctx) => select({ message: `${who(name)}: ${prompt}`, choices }, ctx));
    },
    waiting(name) {
      io.stderr.write(`nixsec: waiting for ${who(name)} (touch your key if it blinks)\n`);
    },
  };
}

/** NIXSEC_PLUGIN_TIMEOUT (seconds a plugin may stay silent), checked. */
function pluginTimeoutMs(io: Io): number | undefined {
  const v = io.env.NIXSEC_PLUGIN_TIMEOUT;
  if (v === undefined || v === "") return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new NixsecError(`NIXSEC_PLUGIN_TIMEOUT=${JSON.stringify(v)} is not a number of seconds`, { hint: "set it to e.g. 120, or unset it (default 60)" });
  return Math.round(n * 1000);
}

/**
 * How plugins run in this process: its environment (PATH), this terminal,
 * the timeout (read when a plugin starts, so a bad value fails only a
 * command that runs one).
 */
export function cliPluginContext(io: Io): PluginContext {
  return {
    env: io.env,
    ui: pluginUi(io),
    get timeoutMs() {
      return pluginTimeoutMs(io);
    },
  };
}

/** Whether a command can ask: stdin and stderr are a terminal (a script or CI cannot answer). */
export function canAsk(io: Io): boolean {
  return io.stdinIsTTY && Boolean(io.stderr.isTTY);
}

/** Asks for a line of text on the terminal, `suggested` taken on Enter; null without a terminal. */
export async function askText(io: Io, message: string, suggested: string): Promise<string | null> {
  const { input } = await import("@inquirer/prompts");
  return onTerminal(io, (ctx) => input({ message, default: suggested }, ctx));
}

/** Asks yes or no on the terminal (no unless answered yes); null without a terminal. */
export async function askYesNo(io: Io, message: string): Promise<boolean | null> {
  const { confirm } = await import("@inquirer/prompts");
  return onTerminal(io, (ctx) => confirm({ message, default: false }, ctx));
}
