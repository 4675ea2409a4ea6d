// One running plugin: `age-plugin-NAME --age-plugin=STATE_MACHINE`, found on
// the PATH of the context's environment (absolute entries only, as the spec
// requires), started in the temporary directory (plugins must not depend on
// the working directory), talked to over stdin/stdout. Whatever goes wrong
// on its side (not found, a crash, silence past the timeout, bytes that are
// not the protocol) becomes an AgeError naming the plugin; the process is
// always stopped, so nixsec never hangs on it or leaves it behind.
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { AgeError } from "./errors.js";
import type { PluginContext } from "./plugin-context.js";
import { encodeMessage, MessageReader, WireError, type Message } from "./plugin-wire.js";

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_NOTICE_MS = 3_000;
/** How long a plugin gets to exit after its stdin is closed. */
const EXIT_GRACE_MS = 2_000;
const STDERR_TAIL = 4096;

/** The binary for plugin `name` on `env`'s PATH, or null. */
export function findPlugin(name: string, env: PluginContext["env"]): string | null {
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (!path.isAbsolute(dir)) continue; // never the working directory
    const file = path.join(dir, `age-plugin-${name}`);
    try {
      if (!statSync(file).isFile()) continue;
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return null;
}

export class PluginConnection {
  private readonly reader = new MessageReader();
  private failure: AgeError | undefined;
  private wake: (() => void) | undefined;
  private ended = false;
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private stderr = "";

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    private readonly ctx: PluginContext,
  ) {
    child.stdout!.on("data", (chunk: Buffer) => {
      try {
        this.reader.push(chunk);
      } catch (err) {
        this.fail(new AgeError("plugin", `age-plugin-${name} sent something that is not the age plugin protocol (${(err as WireError).message})`, {
          hint: `check that age-plugin-${name} is an age plugin, and its version`,
        }));
      }
      this.wake?.();
    });
    child.stdout!.on("end", () => {
      this.ended = true;
      this.wake?.();
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString("utf8")).slice(-STDERR_TAIL);
    });
    child.stdin!.on("error", () => undefined); // EPIPE when it died: reported through its exit
    child.on("error", (err) => this.fail(new AgeError("plugin", `cannot run age-plugin-${name}: ${(err as NodeJS.ErrnoException).code ?? err.message}`)));
    child.on("close", (code, signal) => {
      this.exit = { code, signal };
      this.wake?.();
    });
  }

  /** Starts plugin `name` in `stateMachine`; throws when it is not on PATH. */
  static open(name: string, stateMachine: "recipient-v1" | "identity-v1", ctx: PluginContext): PluginConnection {
    const bin = findPlugin(name, ctx.env);
    if (bin === null) {
      throw new AgeError("plugin", `age plugin "${name}" not found: no age-plugin-${name} on PATH`, {
        hint: [`install age-plugin-${name} (https://age-encryption.org/awesome#plugins) or add its directory to PATH`],
      });
    }
    const env = Object.fromEntries(Object.entries(ctx.env).filter((e): e is [string, string] => e[1] !== undefined));
    const child = spawn(bin, [`--age-plugin=${stateMachine}`], { cwd: tmpdir(), env, stdio: ["pipe", "pipe", "pipe"] });
    return new PluginConnection(name, child, ctx);
  }

  send(command: string, args: string[] = [], body?: Uint8Array): void {
    if (this.failure || this.exit) return; // the next read reports why
    this.child.stdin!.write(encodeMessage(command, args, body));
  }

  /**
   * The plugin's next message. Waits at most the context's timeout (the
   * clock runs only here, never while the user answers a question), telling
   * the UI once when the plugin has been silent for a few seconds.
   */
  async next(): Promise<Message> {
    const timeoutMs = this.ctx.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const notice = setTimeout(() => this.ctx.ui.waiting?.(this.name), this.ctx.waitNoticeMs ?? DEFAULT_NOTICE_MS);
    const deadline = setTimeout(() => {
      this.fail(new AgeError("plugin", `age-plugin-${this.name} did not answer within ${Math.round(timeoutMs / 1000)} s; stopped it`, {
        hint: "if it waits for a device (a touch, a PIN pad), allow more time with NIXSEC_PLUGIN_TIMEOUT=SECONDS",
      }));
    }, timeoutMs);
    try {
      for (;;) {
        if (this.failure) throw this.failure;
        const m = this.reader.shift();
        if (m) return m;
        if (this.ended && this.exit) throw this.stopped();
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
      }
    } finally {
      clearTimeout(notice);
      clearTimeout(deadline);
    }
  }

  private stopped(): AgeError {
    const how = this.exit!.signal ? `was killed (${this.exit!.signal})` : `exited with code ${this.exit!.code}`;
    const last = this.stderr.trim().split("\n").pop()?.trim();
    const said = last ? `: ${last.replace(/[\u0000-\u001f\u007f]/g, " ").slice(0, 300)}` : "";
    return new AgeError("plugin", `age-plugin-${this.name} ${how} in the middle of the protocol${said}`, {
      hint: `run it by hand to see more: age-plugin-${this.name} --help`,
    });
  }

  private fail(err: AgeError): void {
    this.failure ??= err;
    this.kill();
    this.wake?.();
  }

  kill(): void {
    if (!this.exit && this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }

  /** Ends the session: closes its stdin and waits briefly for it to exit, then kills it. */
  async close(): Promise<void> {
    this.child.stdin!.end();
    if (this.exit) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.kill();
        resolve();
      }, EXIT_GRACE_MS);
      this.child.once("close", () => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}
