// The age v1 header, parsed strictly and without any key, so nixsec can
// inspect a file (which SSH keys it is for, how many stanzas) and classify a
// failure as "header" before any identity is tried.
// Spec: https://github.com/C2SP/C2SP/blob/main/age.md#header
import { Stanza } from "./stanza.js";
import { decodeB64NoPad, isCanonicalB64NoPad } from "./bytes.js";
import { AgeError } from "./errors.js";

export const AGE_VERSION_LINE = "age-encryption.org/v1";
const COLUMNS = 64;

export interface AgeHeader {
  stanzas: Stanza[];
  mac: Uint8Array;
  /** Header bytes up to and including "---", the HMAC input. */
  headerNoMac: Uint8Array;
  /** Bytes of the whole header including the MAC line's newline. */
  length: number;
}

function fail(msg: string): never {
  throw new AgeError("header", `invalid age header: ${msg}`);
}

function isVchar(c: number): boolean {
  return c >= 33 && c <= 126;
}

const NON_PRINTABLE = /[^\x20-\x7e]/;

/** Reads one LF-terminated line starting at `off`; returns [line, next offset]. */
function readLine(b: Buffer, off: number, maxLen: number): [string, number] {
  const end = b.indexOf(0x0a, off);
  if (end < 0) {
    if (b.length - off > maxLen) fail("line too long");
    fail("unexpected end of header");
  }
  if (end - off > maxLen) fail("line too long");
  // latin1 maps each byte to one char, so the printable check sees every byte
  const line = b.toString("latin1", off, end);
  if (NON_PRINTABLE.test(line)) fail("non-printable character in header");
  return [line, end + 1];
}

/**
 * Parses the header at the start of `file` (binary age, not armored).
 * Throws AgeError kind "header"; needs only the header bytes to be present.
 */
export function parseAgeHeader(file: Uint8Array, maxLine = 1 << 16): AgeHeader {
  const b = Buffer.from(file.buffer, file.byteOffset, file.byteLength); // a view, not a copy
  let [line, off] = readLine(b, 0, maxLine);
  if (line !== AGE_VERSION_LINE) fail("unknown version line");
  const stanzas: Stanza[] = [];
  for (;;) {
    const lineStart = off;
    [line, off] = readLine(b, off, maxLine);
    if (line.startsWith("---")) {
      if (!line.startsWith("--- ")) fail("malformed MAC line");
      const mac = decodeB64NoPad(line.slice(4));
      if (mac === null || mac.length !== 32) fail("malformed MAC");
      return { stanzas, mac, headerNoMac: file.subarray(0, lineStart + 3), length: off };
    }
    if (!line.startsWith("-> ")) fail("expected a stanza or the MAC line");
    const args = line.slice(3).split(" ");
    if (args.length === 0 || args.some((a) => a.length === 0)) fail("empty stanza argument");
    for (const a of args) for (let i = 0; i < a.length; i++) if (!isVchar(a.charCodeAt(i))) fail("invalid stanza argument");
    // Body lines are checked now (a malformed stanza makes the whole file
    // invalid) and decoded only when an identity reads the stanza.
    let text = "";
    for (;;) {
      let bodyLine: string;
      [bodyLine, off] = readLine(b, off, COLUMNS);
      if (!isCanonicalB64NoPad(bodyLine)) fail("invalid stanza body encoding");
      text += bodyLine;
      if (bodyLine.length < COLUMNS) break;
    }
    stanzas.push(Stanza.fromBase64(args, text));
  }
}

/**
 * Finds where the header ends (the index after the MAC line's newline), or
 * -1 if `buf` does not yet hold a complete header. Used by streaming readers.
 */
export function findHeaderEnd(buf: Uint8Array): number {
  let off = 0;
  for (;;) {
    const end = buf.indexOf(0x0a, off);
    if (end < 0) return -1;
    if (buf[off] === 0x2d && buf[off + 1] === 0x2d && buf[off + 2] === 0x2d) return end + 1;
    off = end + 1;
  }
}

/**
 * One stanza as text: `-> ARGS` and the body in 64-column base64 lines. The
 * age header and the plugin protocol (age-plugin.md, "IPC protocol") share it.
 */
export function stanzaText(args: string[], body: Uint8Array): string {
  let s = "-> " + args.join(" ") + "\n";
  const b64 = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("base64").replace(/=+$/, "");
  for (let i = 0; i < b64.length; i += COLUMNS) s += b64.slice(i, i + COLUMNS) + "\n";
  // The body ends with a line shorter than 64 columns, possibly empty.
  if (b64.length % COLUMNS === 0) s += "\n";
  return s;
}

/** Encodes a header without its MAC (up to and including "---"). */
export function encodeHeaderNoMac(stanzas: Stanza[]): Uint8Array {
  let s = AGE_VERSION_LINE + "\n";
  for (const st of stanzas) s += stanzaText(st.args, st.body);
  return new Uint8Array(Buffer.from(s + "---", "latin1"));
}
