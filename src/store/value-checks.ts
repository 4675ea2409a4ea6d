// Checks a new value against what its consumers expect, before it is stored:
// an `env` secret is read by systemd as an EnvironmentFile, a user password
// by NixOS as a crypt(3) hash. Problems name the line, never its content:
// the value is secret.
import { NixsecError } from "../errors.js";
import type { SecretSpec } from "../manifest/read.js";

const NAME = /^[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*=(.*)$/s;

/**
 * Why `value` is not an EnvironmentFile systemd reads as meant, or undefined.
 * Rules (systemd.exec(5), EnvironmentFile=): `NAME=value` lines; empty lines
 * and lines starting with # or ; are comments; a value may be quoted with
 * ' or " (a quote may span lines); a backslash at the end continues a line.
 * systemd skips a line it cannot read with only a log message, so nixsec
 * refuses it instead. Hand-written (the dotenv parsers on npm accept and
 * drop bad lines silently, which is what this check is for).
 */
export function dotenvProblem(value: Uint8Array): string | undefined {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(value);
  } catch {
    return "is not valid UTF-8";
  }
  if (text.includes("\u0000")) return "contains a NUL byte";
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const first = i + 1;
    let line = lines[i]!.replace(/\r$/, "");
    if (/^[ \t]*([#;]|$)/.test(line)) continue;
    while (line.endsWith("\\") && i + 1 < lines.length) line = line.slice(0, -1) + lines[++i]!.replace(/\r$/, "");
    if (/^[ \t]*export[ \t]/.test(line)) return `line ${first} starts with "export", which systemd does not understand; write NAME=value`;
    const m = NAME.exec(line);
    if (!m) return `line ${first} is not NAME=value (a NAME is letters, digits and _, not starting with a digit)`;
    let rest = m[2]!.replace(/^[ \t]+/, "");
    const quote = rest[0];
    if (quote !== '"' && quote !== "'") continue;
    // A quoted value: find its closing quote, across lines if need be.
    rest = rest.slice(1);
    for (;;) {
      const close = quote === '"' ? /(^|[^\\])(\\\\)*"/.exec(rest) : /'/.exec(rest);
      if (close) {
        const after = rest.slice(close.index + close[0].length);
        if (after.trim() !== "" && !/^[ \t]*#/.test(after)) return `line ${first}: text after the closing quote`;
        break;
      }
      if (i + 1 >= lines.length) return `line ${first}: the ${quote === '"' ? "double" : "single"} quote is never closed`;
      rest = lines[++i]!;
    }
  }
  return undefined;
}

// crypt(3) hashes NixOS accepts in hashedPasswordFile: yescrypt ($y$,
// $gy$), scrypt ($7$), bcrypt ($2a$/$2b$/$2x$/$2y$), SHA-512 ($6$),
// SHA-256 ($5$), MD5 ($1$, weak); or "!"/"*" (login disabled).
const CRYPT = /^(?:[!*]|[!]?\$(?:y|gy|7|2[abxy]|6|5|1)\$[./A-Za-z0-9$=,-]{4,})$/;

/** Whether `value` (one line, an optional final newline) is a crypt(3) hash. */
export function isCryptHash(value: Uint8Array): boolean {
  const text = Buffer.from(value).toString("latin1").replace(/\n$/, "");
  return CRYPT.test(text);
}

/** The hint that turns a password into a hash. */
export function hashHint(name: string): string {
  return `store the hash instead: nixsec add ${name}-hash --host HOST --generate password-hash --from ${name} (or mkpasswd -m yescrypt, then --stdin)`;
}

/** Checks `value` for secret `name` against its format and consumers; throws naming `source`. */
export function checkValue(name: string, spec: Pick<SecretSpec, "format" | "wire">, value: Uint8Array, source: string): void {
  if (spec.format === "env") {
    const problem = dotenvProblem(value);
    if (problem) {
      throw new NixsecError(`the value of ${name} (${source}) is not an environment file: ${problem}; nothing was changed`, {
        hint: "an env secret is read by systemd as EnvironmentFile=: NAME=value lines, # comments; or store it with --format text",
      });
    }
  }
  const user = spec.wire.find((w) => w.userPassword)?.userPassword;
  if (user !== undefined && !isCryptHash(value)) {
    throw new NixsecError(`the value of ${name} (${source}) is not a crypt(3) password hash, and it is users.users.${user}.hashedPasswordFile; nothing was changed`, { hint: hashHint(name) });
  }
}
