// How recipients and identities map to plugin binaries (C2SP age-plugin.md,
// "Mapping recipients and identities to plugin binaries"): a recipient
// `age1NAME1…` (Bech32, HRP `age1name`) and an identity `AGE-PLUGIN-NAME-1…`
// (HRP `AGE-PLUGIN-NAME-`) are handled by the binary `age-plugin-name`.
// Bech32 here has no 90-character limit: plugin payloads may be long.
import { bech32 } from "@scure/base";
import { AgeError } from "./errors.js";

/** `NAME = 1*(ALPHA / DIGIT / "-" / "_" / "." / "+")`; case-insensitive, never a path. */
const NAME = /^[A-Za-z0-9._+-]+$/;

export function isPluginName(name: string): boolean {
  return NAME.test(name) && name !== "." && name !== "..";
}

export interface PluginKey {
  /** The plugin name, lower case (the binary is `age-plugin-${name}`). */
  name: string;
  data: Uint8Array;
}

function decode(s: string): { prefix: string; data: Uint8Array } | null {
  try {
    const d = bech32.decode(s as `${string}1${string}`, false);
    return { prefix: d.prefix, data: bech32.fromWords(d.words) };
  } catch {
    return null;
  }
}

/**
 * `age1NAME1…` → the plugin and its payload. Native recipient types
 * (`age1…`, `age1pq1…`, `age1tag1…`, `age1tagpq1…`) are parsed elsewhere;
 * this takes any other `age1NAME1…`.
 */
export function parsePluginRecipient(s: string): PluginKey {
  if (s !== s.toLowerCase()) throw new AgeError("key", "age recipients are written in lower case");
  const d = decode(s);
  if (!d || !d.prefix.startsWith("age1")) throw new AgeError("key", `malformed plugin recipient: invalid bech32 encoding`);
  const name = d.prefix.slice(4);
  if (!isPluginName(name)) throw new AgeError("key", `malformed plugin recipient: invalid plugin name ${JSON.stringify(name)}`);
  return { name, data: d.data };
}

/** `AGE-PLUGIN-NAME-1…` → the plugin and its payload (upper case, as plugins print them). */
export function parsePluginIdentity(s: string): PluginKey {
  if (s !== s.toUpperCase()) throw new AgeError("key", "malformed plugin identity: must be upper case");
  const d = decode(s);
  const m = d ? /^age-plugin-(.+)-$/.exec(d.prefix) : null;
  if (!d || !m) throw new AgeError("key", "malformed plugin identity: invalid bech32 encoding");
  if (!isPluginName(m[1]!)) throw new AgeError("key", `malformed plugin identity: invalid plugin name ${JSON.stringify(m[1])}`);
  return { name: m[1]!, data: d.data };
}

/** The identity `-j NAME` stands for: the plugin with an empty payload, as age 1.3 does. */
export function encodePluginIdentity(name: string, data: Uint8Array = new Uint8Array(0)): string {
  if (!isPluginName(name)) {
    throw new AgeError("key", `invalid plugin name ${JSON.stringify(name)}`, { hint: "a plugin name has letters, digits and - _ . + only (the binary is age-plugin-NAME)" });
  }
  return bech32.encode(`age-plugin-${name.toLowerCase()}-`, bech32.toWords(data), false).toUpperCase();
}

/** The HRP of a Bech32 string (before its last "1"), or "" without one. */
export function hrpOf(s: string): string {
  const i = s.lastIndexOf("1");
  return i < 0 ? "" : s.slice(0, i);
}
