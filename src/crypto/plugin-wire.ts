// The plugin protocol's framing (C2SP age-plugin.md, "IPC protocol"): every
// message is an age stanza, `-> COMMAND ARGS…` then its body in 64-column
// canonical base64 lines ending with a shorter (possibly empty) line. The
// reader takes bytes as they arrive from a plugin and yields whole stanzas;
// anything else a plugin writes is a protocol error, never a guess.
import { decodeB64NoPad, isCanonicalB64NoPad } from "./bytes.js";
import { stanzaText } from "./header.js";

export interface Message {
  /** The command (the stanza's first argument). */
  command: string;
  args: string[];
  body: Uint8Array;
}

export class WireError extends Error {}

const COLUMNS = 64;
/** Longest first line accepted: a post-quantum recipient stanza's arguments are ~1.6 KB. */
const MAX_LINE = 64 * 1024;
/** Largest body accepted (a wrapped file key is 32 bytes; messages are short). */
const MAX_BODY = 1 << 20;

export function encodeMessage(command: string, args: string[] = [], body: Uint8Array = new Uint8Array(0)): string {
  return stanzaText([command, ...args], body);
}

function isVcharString(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 33 || c > 126) return false;
  }
  return true;
}

/** Accumulates a plugin's output and cuts it into messages. */
export class MessageReader {
  private buf = "";
  private pending: { args: string[]; body: string } | null = null;
  private readonly ready: Message[] = [];

  /** Adds bytes read from the plugin; throws WireError on anything but well-formed stanzas. */
  push(chunk: Uint8Array): void {
    // latin1 keeps one char per byte, so non-ASCII bytes are seen and refused.
    this.buf += Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString("latin1");
    for (;;) {
      const end = this.buf.indexOf("\n");
      if (end < 0) {
        if (this.buf.length > MAX_LINE) throw new WireError("a line longer than 64 KiB");
        return;
      }
      const line = this.buf.slice(0, end);
      this.buf = this.buf.slice(end + 1);
      this.line(line);
    }
  }

  /** The next complete message, if one has arrived. */
  shift(): Message | undefined {
    return this.ready.shift();
  }

  /** Whether bytes of an unfinished message are buffered (at end of input: a truncated message). */
  get partial(): boolean {
    return this.pending !== null || this.buf.length > 0;
  }

  private line(line: string): void {
    if (this.pending === null) {
      if (!line.startsWith("-> ")) throw new WireError(`expected a stanza, got ${JSON.stringify(line.slice(0, 40))}`);
      const args = line.slice(3).split(" ");
      if (!args.every(isVcharString)) throw new WireError("malformed stanza arguments");
      this.pending = { args, body: "" };
      return;
    }
    if (line.length > COLUMNS || !isCanonicalB64NoPad(line)) throw new WireError("malformed stanza body");
    this.pending.body += line;
    if (this.pending.body.length > (MAX_BODY * 4) / 3) throw new WireError("stanza body larger than 1 MiB");
    if (line.length === COLUMNS) return;
    const body = this.pending.body === "" ? new Uint8Array(0) : decodeB64NoPad(this.pending.body);
    if (body === null) throw new WireError("malformed stanza body");
    const [command, ...args] = this.pending.args;
    this.pending = null;
    this.ready.push({ command: command!, args, body });
  }
}
