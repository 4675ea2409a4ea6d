// What an age file says about itself without any key: its stanzas (SSH key
// tags tell which SSH keys it is for; X25519 stanzas are anonymous), whether
// it is armored, and its sizes. Rekey uses the tags to see who can read a file.
import { decodeArmor, looksArmored } from "./armor.js";
import { parseAgeHeader } from "./header.js";

const CHUNK = 64 * 1024;
const PQ = new Set(["mlkem768x25519", "mlkem768p256tag", "scrypt"]);
const CLASSIC = new Set(["X25519", "ssh-ed25519", "ssh-rsa", "p256tag", "piv-p256"]);
const TAG = 16;
const NONCE = 16;

export interface StanzaInfo {
  type: string;
  args: string[];
  /** ssh-ed25519 / ssh-rsa: the 4-byte key tag, base64. */
  sshTag?: string;
  bodyLength: number;
}

export interface AgeInspection {
  armored: boolean;
  stanzas: StanzaInfo[];
  /** Counts per stanza type, e.g. { "ssh-ed25519": 3, "X25519": 1 }. */
  counts: Record<string, number>;
  headerSize: number;
  /** Bytes after the header: nonce and encrypted chunks. */
  payloadSize: number;
  /** The plaintext length implied by the payload size, or null if impossible. */
  plaintextSize: number | null;
  postQuantum: boolean;
}

function plaintextSizeOf(payload: number): number | null {
  const body = payload - NONCE;
  if (body < TAG) return null;
  const chunks = Math.ceil(body / (CHUNK + TAG));
  const plain = body - chunks * TAG;
  return plain < 0 ? null : plain;
}

/** Throws AgeError ("armor" or "header") when the file is not a valid age file. */
export function inspectAge(file: Uint8Array): AgeInspection {
  const armored = looksArmored(file);
  const bin = armored ? decodeArmor(file) : file;
  const h = parseAgeHeader(bin);
  const stanzas = h.stanzas.map((s): StanzaInfo => {
    const type = s.args[0]!;
    const info: StanzaInfo = { type, args: s.args.slice(1), bodyLength: s.body.length };
    if ((type === "ssh-ed25519" || type === "ssh-rsa") && s.args[1]) info.sshTag = s.args[1];
    return info;
  });
  const counts: Record<string, number> = {};
  for (const s of stanzas) counts[s.type] = (counts[s.type] ?? 0) + 1;
  const payloadSize = bin.length - h.length;
  return {
    armored,
    stanzas,
    counts,
    headerSize: h.length,
    payloadSize,
    plaintextSize: plaintextSizeOf(payloadSize),
    // As age-inspect: post-quantum when a post-quantum stanza is there and no classic one.
    postQuantum: stanzas.some((s) => PQ.has(s.type)) && !stanzas.some((s) => CLASSIC.has(s.type)),
  };
}
