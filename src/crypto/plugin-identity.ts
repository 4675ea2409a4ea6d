// Unwrapping file keys through a plugin: the `identity-v1` state machine
// (C2SP age-plugin.md, "Unwrapping with identity-v1"). One session takes the
// stanzas of many files, so a run that decrypts a whole store (a rekey, an
// admin rotation) starts each plugin once and a hardware key asks for its
// PIN or touch once, where agenix starts `age` (and its plugin) per file.
//
// A PluginIdentity keeps what its sessions answered, by header digest:
// preloading a batch of files (age.ts, preloadFileKeys) fills it, and the
// per-file decryption that follows reads it instead of starting the plugin
// again. A file nobody preloaded gets a session of its own.
import { AgeError } from "./errors.js";
import { pluginContext, type PluginContext } from "./plugin-context.js";
import { encodePluginIdentity, parsePluginIdentity } from "./plugin-name.js";
import { PluginSession } from "./plugin-session.js";
import type { Stanza } from "./stanza.js";

/** A file key, an error for that file, or null: the plugin cannot open it. */
export type Unwrapped = Uint8Array | AgeError | null;

const OWN = ["file-key", "error", "done"] as const;

/** Runs one identity-v1 session of plugin `name` over `files` (each file's header stanzas). */
export async function unwrapWithPlugin(name: string, identities: string[], files: Stanza[][], ctx: PluginContext): Promise<Unwrapped[]> {
  const s = new PluginSession(name, "identity-v1", ctx);
  const out: Unwrapped[] = files.map(() => null);
  try {
    for (const i of identities) s.conn.send("add-identity", [i]);
    s.sendGrease();
    files.forEach((stanzas, index) => {
      for (const st of stanzas) s.conn.send("recipient-stanza", [String(index), ...st.args], st.body);
    });
    s.conn.send("done");
    for (;;) {
      const m = await s.conn.next();
      if (await s.interact(m, OWN)) continue;
      if (m.command === "done") break;
      if (m.command === "file-key") {
        const index = indexOf(m.args[0], files.length);
        if (index < 0 || m.args.length !== 1 || m.body.length !== 16 || out[index] instanceof Uint8Array) throw s.protocolError("a malformed file-key");
        out[index] = m.body;
        s.conn.send("ok");
        continue;
      }
      // error identity N | error stanza FILE STANZA | error internal
      s.conn.send("ok");
      const file = m.args[0] === "stanza" ? indexOf(m.args[1], files.length) : -1;
      if (file < 0) throw s.pluginError(m.body);
      const e = s.pluginError(m.body);
      out[file] = new AgeError("header", `invalid stanza: ${e.message}`);
    }
    const why = s.noTerminalError();
    if (why) for (let i = 0; i < out.length; i++) if (out[i] === null) out[i] = why;
    return out;
  } catch (err) {
    s.conn.kill();
    throw err;
  } finally {
    await s.close();
  }
}

function indexOf(arg: string | undefined, n: number): number {
  if (arg === undefined || !/^(0|[1-9][0-9]*)$/.test(arg)) return -1;
  const i = Number(arg);
  return i < n ? i : -1;
}

/** An `AGE-PLUGIN-NAME-1…` identity (or `-j NAME`). */
export class PluginIdentity {
  readonly name: string;
  /** Session answers by header digest (age.ts). */
  readonly answers = new Map<string, Unwrapped>();

  constructor(
    readonly text: string,
    readonly ctx?: PluginContext,
  ) {
    this.name = parsePluginIdentity(text).name;
  }

  static fromName(name: string, ctx?: PluginContext): PluginIdentity {
    return new PluginIdentity(encodePluginIdentity(name), ctx);
  }
}

export interface HeaderStanzas {
  digest: string;
  stanzas: Stanza[];
}

/**
 * Asks the plugins behind `ids` about `files`: one session per plugin name
 * (several identities of one plugin share it), only for files no identity
 * has answered yet. Answers are stored in every identity of the plugin.
 */
export async function askPlugins(ids: PluginIdentity[], files: HeaderStanzas[]): Promise<void> {
  const byName = new Map<string, PluginIdentity[]>();
  for (const id of ids) byName.set(id.name, [...(byName.get(id.name) ?? []), id]);
  const opened = new Set<string>();
  for (const [name, group] of byName) {
    const todo = files.filter((f) => !opened.has(f.digest) && !group[0]!.answers.has(f.digest));
    if (todo.length > 0) {
      const ctx = pluginContext(group.find((g) => g.ctx)?.ctx);
      if (!ctx) throw new AgeError("plugin", `age plugin "${name}" cannot run here`, { hint: "plugins run from the nixsec command line, where they can ask for a PIN or a touch" });
      const texts = [...new Set(group.map((g) => g.text))];
      const answers = await unwrapWithPlugin(name, texts, todo.map((f) => f.stanzas), ctx);
      todo.forEach((f, i) => {
        for (const g of group) g.answers.set(f.digest, answers[i]!);
      });
    }
    for (const f of files) if (group[0]!.answers.get(f.digest) instanceof Uint8Array) opened.add(f.digest);
  }
}

/** What the plugins answered for one file: its key, else the first error, else null. */
export function pluginAnswer(ids: PluginIdentity[], digest: string): Uint8Array | null {
  let error: AgeError | undefined;
  for (const id of ids) {
    const a = id.answers.get(digest);
    if (a instanceof Uint8Array) return new Uint8Array(a); // the caller wipes its copy
    if (a instanceof AgeError) error ??= a;
  }
  if (error) throw error;
  return null;
}
