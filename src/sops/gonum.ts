// Go's number text, byte for byte: the sops MAC covers values as Go's strconv
// writes them (aes/cipher.go, sops.go ToBytes), and the YAML and JSON stores
// print numbers as go-yaml and encoding/json do. JS and Go agree on the
// shortest round-trip digits; they differ in when and how exponents appear.

/** The shortest round-trip digits of a finite non-zero |f| and its decimal point position (Go's `digs.d`, `digs.dp`). */
function shortestDigits(f: number): { digits: string; dp: number } {
  const [mant, expText] = Math.abs(f).toExponential().split("e") as [string, string];
  const digits = mant.replace(".", "").replace(/0+$/, "") || "0";
  return { digits, dp: Number(expText) + 1 };
}

/** strconv.FormatFloat(f, 'f', -1, 64): never an exponent (the MAC text of a float). */
export function formatFloatF(f: number): string {
  if (Number.isNaN(f)) return "NaN";
  if (!Number.isFinite(f)) return f > 0 ? "+Inf" : "-Inf";
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  const { digits, dp } = shortestDigits(f);
  const sign = f < 0 ? "-" : "";
  if (dp <= 0) return `${sign}0.${"0".repeat(-dp)}${digits}`;
  if (dp >= digits.length) return sign + digits + "0".repeat(dp - digits.length);
  return `${sign}${digits.slice(0, dp)}.${digits.slice(dp)}`;
}

function formatE(sign: string, digits: string, dp: number, eChar = "e"): string {
  const exp = dp - 1;
  const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = Math.abs(exp);
  return `${sign}${mant}${eChar}${exp < 0 ? "-" : "+"}${e < 10 ? "0" : ""}${e}`;
}

/** strconv.FormatFloat(f, 'g', -1, 64): how go-yaml writes a float. */
export function formatFloatG(f: number): string {
  if (Number.isNaN(f)) return "NaN";
  if (!Number.isFinite(f)) return f > 0 ? "+Inf" : "-Inf";
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  const { digits, dp } = shortestDigits(f);
  const exp = dp - 1;
  // Go (ftoa.go): with the shortest precision, %e is used when exp < -4 || exp >= 6.
  if (exp < -4 || exp >= 6) return formatE(f < 0 ? "-" : "", digits, dp);
  return formatFloatF(f);
}

/** encoding/json's float64 text: 'f' in [1e-6, 1e21), else 'e' with a one-digit negative exponent kept short. */
export function formatFloatJson(f: number): string {
  if (!Number.isFinite(f)) throw new RangeError("json: unsupported value: " + String(f));
  const abs = Math.abs(f);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    const { digits, dp } = shortestDigits(f);
    return formatE(f < 0 ? "-" : "", digits, dp).replace(/e-0(\d)$/, "e-$1");
  }
  return formatFloatF(f);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** strconv.Atoi on a 64-bit platform: optional sign, decimal digits, int64 range. */
export function parseGoInt(s: string): bigint | null {
  if (!/^[+-]?\d+$/.test(s)) return null;
  const v = BigInt(s);
  return v < INT64_MIN || v > INT64_MAX ? null : v;
}

/** strconv.ParseFloat(s, 64) for decimal and special forms (hex floats are not sops output and are refused). */
export function parseGoFloat(s: string): number | null {
  const lower = s.toLowerCase();
  const special = /^([+-]?)(inf|infinity|nan)$/.exec(lower);
  if (special) return special[2] === "nan" ? NaN : special[1] === "-" ? -Infinity : Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return null;
  const v = Number(s);
  return Number.isFinite(v) ? v : null; // Go: out of range is an error
}

/** strconv.ParseBool. */
export function parseGoBool(s: string): boolean | null {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(s)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(s)) return false;
  return null;
}

/**
 * strconv.ParseInt(s, 0, 64) then ParseUint, as go-yaml resolves a plain
 * scalar: base prefixes 0x/0o/0b and a leading 0 for octal; underscores are
 * stripped by the caller. Values above int64 but within uint64 stay ints.
 */
export function parseGoIntBase0(s: string): bigint | null {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9]\d*)$/.exec(s);
  if (!m) return null;
  const sign = m[1] === "-" ? -1n : 1n;
  let body = m[2]!;
  let v: bigint;
  if (/^0[oO]/.test(body)) v = BigInt("0o" + body.slice(2));
  else if (/^0[xXbB]/.test(body)) v = BigInt(body.toLowerCase());
  else if (body.length > 1 && body[0] === "0") v = BigInt("0o" + body.slice(1));
  else v = BigInt(body);
  v *= sign;
  if (v >= INT64_MIN && v <= INT64_MAX) return v;
  if (sign > 0n && v <= 2n ** 64n - 1n) return v;
  return null;
}

/** strconv.FormatFloat(f, 'G', -1, 64), with ".0" added when it reads as an integer (stores.ValToString). */
export function formatFloatFlat(f: number): string {
  const s = formatFloatG(f).replace("e", "E");
  // 'f' with one decimal of an integral value is its digits and ".0"
  return !s.includes(".") && !s.includes("E") && Number.isFinite(f) ? s + ".0" : s;
}
