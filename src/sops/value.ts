// Value types and their plaintext bytes (getsops/sops aes/cipher.go and
// sops.go ToBytes): what is encrypted, and what the MAC hashes. On decrypt
// the bytes are parsed as their type and written back, as Go does, so the
// MAC covers "7" for an int encrypted as "007".
import { SopsError } from "./errors.js";
import { formatFloatF, formatFloatFlat, parseGoBool, parseGoFloat, parseGoInt } from "./gonum.js";
import { parseTimeValue } from "./gotime.js";
import type { Scalar } from "./tree.js";

export type SopsType = "str" | "int" | "float" | "bool" | "bytes" | "time" | "comment";

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder("utf-8", { fatal: true });
const utf8Lax = new TextDecoder("utf-8");

/** The sops type of a non-null scalar. */
export function typeOf(v: Exclude<Scalar, null>): SopsType {
  if (typeof v === "string") return "str";
  if (typeof v === "bigint") return "int";
  if (typeof v === "number") return "float";
  if (typeof v === "boolean") return "bool";
  if (v instanceof Uint8Array) return "bytes";
  return "time";
}

/** Go's ToBytes: the bytes a value is encrypted as and hashed as. */
export function plaintextOf(v: Exclude<Scalar, null>): Uint8Array {
  if (typeof v === "string") return utf8.encode(v);
  if (typeof v === "bigint") return utf8.encode(v.toString());
  if (typeof v === "number") return utf8.encode(formatFloatF(v));
  if (typeof v === "boolean") return utf8.encode(v ? "True" : "False");
  if (v instanceof Uint8Array) return v;
  // Go writes a time back in canonical form; hashing anything else would break the MAC.
  const t = parseTimeValue(v.text);
  if (!t) throw new SopsError("value", `"${v.text.slice(0, 40)}" is not an RFC 3339 time`, { hint: "time values look like 2006-01-02T15:04:05Z" });
  return utf8.encode(t.text);
}

/**
 * A decrypted value from its type and bytes, and the bytes the MAC hashes
 * for it (the value written back by Go). `str` that is not UTF-8 (only the
 * binary format stores such text) decodes with replacement characters, but
 * its MAC bytes stay the raw ones, as in Go.
 */
export function parseTyped(type: string, bytes: Uint8Array, where: string): { value: Scalar; mac: Uint8Array } {
  const text = (): string => utf8Lax.decode(bytes);
  const bad = (): never => {
    throw new SopsError("value", `${where}: the decrypted value is not a valid ${type}`, { hint: "the file was edited by hand or written by a broken tool" });
  };
  switch (type) {
    case "str":
      return { value: text(), mac: bytes };
    case "bytes":
      return { value: bytes, mac: bytes };
    case "int": {
      const v = parseGoInt(text()) ?? bad();
      return { value: v, mac: plaintextOf(v) };
    }
    case "float": {
      const v = parseGoFloat(text()) ?? bad();
      return { value: v, mac: plaintextOf(v) };
    }
    case "bool": {
      const v = parseGoBool(text()) ?? bad();
      return { value: v, mac: plaintextOf(v) };
    }
    case "time": {
      const v = parseTimeValue(text()) ?? bad();
      return { value: v, mac: plaintextOf(v) };
    }
    default:
      throw new SopsError("value", `${where}: unknown value type "${type.slice(0, 20)}"`, { hint: "sops writes str, int, float, bool, bytes, time and comment" });
  }
}

/** Whether bytes are valid UTF-8 (text a str value can hold exactly). */
export function isUtf8(bytes: Uint8Array): boolean {
  try {
    utf8Strict.decode(bytes);
    return true;
  } catch {
    return false;
  }
}


/** stores.ValToString: how dotenv and INI write a non-string value. */
export function flatText(v: Exclude<Scalar, string>): string {
  if (v === null) return "<nil>";
  if (typeof v === "number") return formatFloatFlat(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Uint8Array) return `[${Array.from(v).join(" ")}]`; // fmt %v of a []byte
  return v.text.replace(/\.\d+(?=Z|[+-]\d\d:\d\d$)/, ""); // time.RFC3339: no fraction
}
