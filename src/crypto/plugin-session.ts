// What both state machines share in their second phase (age-plugin.md,
// "Phase 2"): the plugin leads, and may ask the user things (`msg`,
// `confirm`, `request-public`, `request-secret`) through the PluginUi; any
// command this client does not know is answered `unsupported`, as the spec
// requires (and as Go plugins test with grease). Questions that could not be
// put to anyone are remembered, so a failure can say what the plugin wanted.
import { randomBytes } from "node:crypto";
import { decodeB64NoPad } from "./bytes.js";
import { AgeError } from "./errors.js";
import { printableText, type PluginContext } from "./plugin-context.js";
import { PluginConnection } from "./plugin-process.js";
import type { Message } from "./plugin-wire.js";

export class PluginSession {
  /** Questions the UI could not ask (no terminal), for the error message. */
  readonly unanswered: string[] = [];
  readonly conn: PluginConnection;

  constructor(
    readonly name: string,
    stateMachine: "recipient-v1" | "identity-v1",
    private readonly ctx: PluginContext,
  ) {
    this.conn = PluginConnection.open(name, stateMachine, ctx);
  }

  /** A grease stanza (age-plugin.md, "Grease"): plugins must ignore unknown commands in phase 1. */
  sendGrease(): void {
    this.conn.send(`grease-${randomBytes(4).toString("hex")}`, [String(randomBytes(1)[0])], randomBytes(randomBytes(1)[0]! % 40));
  }

  /** Handles a user-facing request or an unknown command; false for the state machine's own commands. */
  async interact(m: Message, own: readonly string[]): Promise<boolean> {
    if (own.includes(m.command)) return false;
    const ui = this.ctx.ui;
    switch (m.command) {
      case "msg": {
        const shown = await ui.message(this.name, printableText(m.body));
        this.conn.send(shown ? "ok" : "fail");
        return true;
      }
      case "confirm": {
        const yes = m.args[0] === undefined ? null : decodeB64NoPad(m.args[0]);
        const no = m.args[1] === undefined ? undefined : decodeB64NoPad(m.args[1]);
        if (yes === null || no === null || m.args.length > 2) throw this.protocolError("a malformed confirm request");
        const prompt = printableText(m.body);
        const choice = await ui.confirm(this.name, prompt, printableText(yes, 40), no === undefined ? undefined : printableText(no, 40));
        if (choice === null) {
          this.unanswered.push(`a confirmation ("${printableText(prompt, 80)}")`);
          this.conn.send("fail");
        } else this.conn.send("ok", [choice ? "yes" : "no"]);
        return true;
      }
      case "request-public":
      case "request-secret": {
        const secret = m.command === "request-secret";
        const prompt = printableText(m.body);
        const value = await ui.requestValue(this.name, prompt, secret);
        if (value === null) {
          this.unanswered.push(`${secret ? "a secret" : "a value"} ("${printableText(prompt, 80)}")`);
          this.conn.send("fail");
        } else this.conn.send("ok", [], new TextEncoder().encode(value));
        return true;
      }
      default:
        this.conn.send("unsupported");
        return true;
    }
  }

  protocolError(what: string): AgeError {
    return new AgeError("plugin", `age-plugin-${this.name} sent ${what}`, { hint: `check the version of age-plugin-${this.name}` });
  }

  /** The error for a plugin that gave up after questions nobody could answer, or null. */
  noTerminalError(): AgeError | null {
    if (this.unanswered.length === 0) return null;
    return new AgeError("plugin", `age-plugin-${this.name} asked for ${this.unanswered.join(" and ")}, and there is no terminal to answer it`, {
      hint: "run the command in a terminal; the plugin asks there (once per run)",
    });
  }

  /** The plugin's own `error` command, as an AgeError naming it. */
  pluginError(body: Uint8Array): AgeError {
    const base = new AgeError("plugin", `age-plugin-${this.name}: ${printableText(body) || "unspecified error"}`);
    const why = this.noTerminalError();
    return why ? new AgeError("plugin", `${base.message} (it asked for ${this.unanswered.join(" and ")}, and there is no terminal to answer it)`, { hint: why.hints }) : base;
  }

  async close(): Promise<void> {
    await this.conn.close();
  }
}
