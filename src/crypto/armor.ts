// ASCII armor (age spec "ASCII armor"): strict PEM with 64-column canonical
// base64. Decoding mirrors typage's rules but trims only ASCII whitespace (JS
// String.trim also strips U+00A0 and friends). Encoding streams, so an armored
// 100 MiB file never sits in memory whole.
import { base64 } from "@scure/base";
import { AgeError } from "./errors.js";

export const ARMOR_BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----";
export const ARMOR_END = "-----END AGE ENCRYPTED FILE-----";
const BINARY_MAGIC = "age-encryption.org/";

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/**
 * Whether a file is armored. A binary file starts with the version line; an
 * armored one has the BEGIN line near its start (leading garbage is then an
 * armor error, not a header error).
 */
export function looksArmored(head: Uint8Array): boolean {
  const s = Buffer.from(head.subarray(0, 1024)).toString("latin1");
  if (s.startsWith(BINARY_MAGIC)) return false;
  return s.trimStart().startsWith("-----") || /-----\s*BEGIN AGE ENCRYPTED FILE/i.test(s);
}

function fail(msg: string): never {
  throw new AgeError("armor", `invalid armor: ${msg}`);
}

export function decodeArmor(file: Uint8Array): Uint8Array {
  let start = 0;
  let end = file.length;
  while (start < end && isWs(file[start]!)) start++;
  while (end > start && isWs(file[end - 1]!)) end--;
  const text = Buffer.from(file.subarray(start, end)).toString("latin1");
  const lines = text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  if (lines.shift() !== ARMOR_BEGIN) fail("missing BEGIN line");
  if (lines.pop() !== ARMOR_END) fail("missing END line");
  if (lines.length === 0) return new Uint8Array(0); // valid armor of nothing: the header fails next
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const last = i === lines.length - 1;
    if (last ? l.length === 0 || l.length > 64 || l.length % 4 !== 0 : l.length !== 64) fail(`line ${i + 2} has the wrong length`);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(l) || (!last && l.includes("="))) fail(`line ${i + 2} is not base64`);
  }
  try {
    return base64.decode(lines.join("")); // @scure/base rejects non-canonical padding bits
  } catch {
    return fail("base64 is not canonical");
  }
}

/**
 * Armors a binary age file held in memory: the bytes armorEncoder streams,
 * without a stream per file (a sops file wraps its data key as one armored
 * age file per reader: thousands of small files in a rekey).
 */
export function armorBytes(bin: Uint8Array): Uint8Array {
  let out = ARMOR_BEGIN + "\n";
  for (let i = 0; i < bin.length; i += 48) out += base64.encode(bin.subarray(i, Math.min(i + 48, bin.length))) + "\n";
  return new TextEncoder().encode(out + ARMOR_END + "\n");
}

/** A TransformStream that armors a binary age file as it passes. */
export function armorEncoder(): TransformStream<Uint8Array, Uint8Array> {
  const enc = new TextEncoder();
  let pending: Uint8Array = new Uint8Array(0);
  return new TransformStream({
    start(controller) {
      controller.enqueue(enc.encode(ARMOR_BEGIN + "\n"));
    },
    transform(chunk, controller) {
      const buf = new Uint8Array(pending.length + chunk.length);
      buf.set(pending);
      buf.set(chunk, pending.length);
      const whole = buf.length - (buf.length % 48);
      if (whole > 0) {
        let out = "";
        for (let i = 0; i < whole; i += 48) out += base64.encode(buf.subarray(i, i + 48)) + "\n";
        controller.enqueue(enc.encode(out));
      }
      pending = buf.slice(whole);
    },
    flush(controller) {
      const tail = pending.length > 0 ? base64.encode(pending) + "\n" : "";
      controller.enqueue(enc.encode(tail + ARMOR_END + "\n"));
    },
  });
}
