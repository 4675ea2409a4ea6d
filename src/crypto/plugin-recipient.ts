// Wrapping file keys through a plugin: the `recipient-v1` state machine
// (C2SP age-plugin.md, "Wrapping with recipient-v1"). One session wraps any
// number of file keys to all its recipients and identities, and reports the
// stanzas' labels (extension-labels), which encryption checks like a native
// recipient's (labels.ts). A rekey wraps all its files' keys in one session
// per plugin (wrapPluginRecipients).
import { randomBytes } from "node:crypto";
import { AgeError } from "./errors.js";
import { pluginContext, type PluginContext } from "./plugin-context.js";
import { encodePluginIdentity, parsePluginIdentity, parsePluginRecipient } from "./plugin-name.js";
import { PluginSession } from "./plugin-session.js";
import { Stanza, type Recipient } from "./stanza.js";

export interface WrapRequest {
  recipients: string[];
  identities: string[];
  fileKeys: Uint8Array[];
}

export interface Wrapped {
  /** Stanzas per file key, in the order of `fileKeys`. */
  stanzas: Stanza[][];
  labels: string[];
}

const OWN = ["recipient-stanza", "labels", "error", "done"] as const;

/** Runs one recipient-v1 session of plugin `name`. */
export async function wrapWithPlugin(name: string, req: WrapRequest, ctx: PluginContext): Promise<Wrapped> {
  const s = new PluginSession(name, "recipient-v1", ctx);
  try {
    for (const r of req.recipients) s.conn.send("add-recipient", [r]);
    for (const i of req.identities) s.conn.send("add-identity", [i]);
    s.sendGrease();
    for (const k of req.fileKeys) s.conn.send("wrap-file-key", [], k);
    s.conn.send("extension-labels");
    s.conn.send("done");
    const stanzas: Stanza[][] = req.fileKeys.map(() => []);
    let labels: string[] | undefined;
    for (;;) {
      const m = await s.conn.next();
      if (await s.interact(m, OWN)) continue;
      if (m.command === "done") break;
      if (m.command === "error") {
        s.conn.send("ok");
        throw s.pluginError(m.body);
      }
      if (m.command === "labels") {
        if (labels !== undefined || new Set(m.args).size !== m.args.length) throw s.protocolError("labels twice, or repeated labels");
        labels = m.args;
      } else {
        // recipient-stanza FILE_INDEX TYPE ARGS…
        const index = m.args[0] !== undefined && /^(0|[1-9][0-9]*)$/.test(m.args[0]) ? Number(m.args[0]) : -1;
        if (index < 0 || index >= stanzas.length || m.args.length < 2) throw s.protocolError("a malformed recipient-stanza");
        stanzas[index]!.push(new Stanza(m.args.slice(1), m.body));
      }
      s.conn.send("ok");
    }
    if (stanzas.some((st) => st.length === 0)) {
      throw s.noTerminalError() ?? new AgeError("plugin", `age-plugin-${name} returned no recipient stanza for a file key`);
    }
    return { stanzas, labels: labels ?? [] };
  } catch (err) {
    s.conn.kill();
    throw err;
  } finally {
    await s.close();
  }
}

/**
 * A plugin recipient (`age1NAME1…`), or a plugin identity used as one
 * (`-j NAME` when encrypting, as age 1.3 does). Each wrap is one session;
 * many files at once go through wrapWithPlugin.
 */
export class PluginRecipient implements Recipient {
  readonly name: string;

  constructor(
    readonly text: string,
    readonly asIdentity: boolean,
    readonly ctx?: PluginContext,
  ) {
    this.name = (asIdentity ? parsePluginIdentity(text) : parsePluginRecipient(text)).name;
  }

  static fromName(name: string, ctx?: PluginContext): PluginRecipient {
    return new PluginRecipient(encodePluginIdentity(name), true, ctx);
  }

  async wrapWithLabels(fileKey: Uint8Array): Promise<{ stanzas: Stanza[]; labels: string[] }> {
    const ctx = pluginContext(this.ctx);
    if (!ctx) throw new AgeError("plugin", `age plugin "${this.name}" cannot run here`, { hint: "plugins run from the nixsec command line, where they can ask for a PIN or a touch" });
    const w = await wrapWithPlugin(this.name, { recipients: this.asIdentity ? [] : [this.text], identities: this.asIdentity ? [this.text] : [], fileKeys: [fileKey] }, ctx);
    return { stanzas: w.stanzas[0]!, labels: w.labels };
  }

  async wrapFileKey(fileKey: Uint8Array): Promise<Stanza[]> {
    return (await this.wrapWithLabels(fileKey)).stanzas;
  }
}

/** One file's plugin stanzas, wrapped in a batch (wrapPluginRecipients) under its own fresh file key. */
export interface PluginWrap {
  fileKey: Uint8Array;
  /** Per session: the plugin recipients it wrapped to (their texts), its stanzas for this file, its labels. */
  sessions: Array<{ texts: string[]; stanzas: Array<{ args: string[]; body: Uint8Array }>; labels: string[] }>;
}

/** What wrapPluginRecipients needs of a recipient: ParsedRecipient fits. */
interface PluginRecipientEntry {
  text: string;
  recipient: unknown;
}

/**
 * Wraps fresh file keys for many files' plugin recipients at once: one
 * recipient-v1 session per plugin and recipient set (recipient-v1 wraps any
 * number of file keys), instead of one per file. Each file then encrypts
 * with its PluginWrap (EncryptOptions.pluginWrap), which carries its file
 * key. null for a file without plugin recipients.
 */
export async function wrapPluginRecipients(files: PluginRecipientEntry[][], ctx?: PluginContext): Promise<Array<PluginWrap | null>> {
  const out: Array<PluginWrap | null> = files.map(() => null);
  const groups = new Map<string, { name: string; recipients: string[]; identities: string[]; texts: string[]; files: number[]; ctx?: PluginContext }>();
  files.forEach((entries, i) => {
    const byName = new Map<string, PluginRecipient[]>();
    for (const e of entries) {
      if (e.recipient instanceof PluginRecipient) byName.set(e.recipient.name, [...(byName.get(e.recipient.name) ?? []), e.recipient]);
    }
    for (const [name, rs] of byName) {
      const texts = [...new Set(rs.map((r) => r.text))].sort();
      const key = `${name}\n${texts.join("\n")}`;
      let g = groups.get(key);
      if (!g) {
        g = { name, recipients: rs.filter((r) => !r.asIdentity).map((r) => r.text), identities: rs.filter((r) => r.asIdentity).map((r) => r.text), texts, files: [], ctx: rs.find((r) => r.ctx)?.ctx };
        groups.set(key, g);
      }
      g.files.push(i);
      out[i] ??= { fileKey: new Uint8Array(randomBytes(16)), sessions: [] };
    }
  });
  for (const g of groups.values()) {
    const c = pluginContext(ctx ?? g.ctx);
    if (!c) throw new AgeError("plugin", `age plugin "${g.name}" cannot run here`, { hint: "plugins run from the nixsec command line, where they can ask for a PIN or a touch" });
    const w = await wrapWithPlugin(g.name, { recipients: g.recipients, identities: g.identities, fileKeys: g.files.map((i) => out[i]!.fileKey) }, c);
    g.files.forEach((fileIndex, k) => {
      out[fileIndex]!.sessions.push({ texts: g.texts, stanzas: w.stanzas[k]!.map((s) => ({ args: s.args, body: s.body })), labels: w.labels });
    });
  }
  return out;
}
