// Where a secret (or a rendered template) is used on its hosts: the manifest's
// `wire` entries. Keep in sync with the data contract in src/nixgen/data.ts and
// modules/lib.nix, which turn each entry into NixOS configuration.
import { NIX_RESERVED_NAMES } from "../nixgen/emit.js";
import type { WireEntry } from "./wire-schema.js";

export type { WireEntry } from "./wire-schema.js";

// A systemd service; ".service" may be left out.
export const UNIT_PATTERN = "^[A-Za-z0-9][A-Za-z0-9:_.@-]*$";
// A credential name is a file name under $CREDENTIALS_DIRECTORY; systemd
// refuses "." and ".." (checked apart from the pattern).
export const CREDENTIAL_PATTERN = "^[A-Za-z0-9_.-]{1,64}$";
export const ENV_VAR_PATTERN = "^[A-Za-z_][A-Za-z0-9_]*$";
export const UNIX_USER_PATTERN = "^[a-z_][a-z0-9_.-]{0,31}\\$?$";
/** An absolute path in the initrd (boot.initrd.secrets); no `.`/`..` segments, no spaces or quotes. */
export const INITRD_PATH_PATTERN = "^(/[A-Za-z0-9_.@+-]+)+$";

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_'-]*$/;
// Top-level names a wire may not set: the module system's own, and the
// options nixsec and its backends define themselves.
const FORBIDDEN_ROOTS = new Set(["_module", "nixsec", "age", "sops"]);

/**
 * Environment variables a `credential.env` may not name. The variable is set
 * to the credential's path, so each of these would make the unit load, run or
 * resolve something from the secret file (the dynamic loader, shells,
 * language runtimes, git, OpenSSL), or override what systemd itself sets for
 * the service. Names starting with a listed prefix are refused too.
 */
export const DANGEROUS_ENV_PREFIXES: readonly string[] = ["LD_", "DYLD_", "GLIBC_", "MALLOC_", "LC_", "SYSTEMD_", "LISTEN_", "WATCHDOG_", "GIT_CONFIG"];
export const DANGEROUS_ENV: ReadonlySet<string> = new Set([
  "PATH", "HOME", "USER", "LOGNAME", "SHELL", "TERM", "LANG", "LANGUAGE", "TZ", "TZDIR", "TMPDIR", "IFS", "CDPATH", "ENV", "BASH_ENV",
  "SHELLOPTS", "BASHOPTS", "PS4", "PROMPT_COMMAND", "GCONV_PATH", "LOCPATH", "NLSPATH", "HOSTALIASES", "RES_OPTIONS", "LOCALDOMAIN",
  "NODE_OPTIONS", "NODE_PATH", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONINSPECT", "PYTHONUSERBASE", "PERL5LIB", "PERL5OPT",
  "PERLLIB", "PERL5DB", "RUBYOPT", "RUBYLIB", "GEM_HOME", "GEM_PATH", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS",
  "CLASSPATH", "LUA_PATH", "LUA_CPATH", "PHPRC", "PHP_INI_SCAN_DIR", "GIT_EXEC_PATH", "GIT_SSH", "GIT_SSH_COMMAND", "GIT_ASKPASS",
  "SSH_ASKPASS", "OPENSSL_CONF", "OPENSSL_MODULES", "OPENSSL_ENGINES", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_RUNTIME_DIR",
  "CREDENTIALS_DIRECTORY", "NOTIFY_SOCKET", "MAINPID", "INVOCATION_ID", "JOURNAL_STREAM", "RUNTIME_DIRECTORY", "STATE_DIRECTORY",
  "CACHE_DIRECTORY", "LOGS_DIRECTORY", "CONFIGURATION_DIRECTORY", "MANAGERPID", "EXIT_CODE", "EXIT_STATUS", "SERVICE_RESULT",
]);

/** Why `name` may not be a credential's environment variable, or undefined. */
export function envVarProblem(name: string): string | undefined {
  if (!new RegExp(ENV_VAR_PATTERN).test(name)) return "must be an environment variable name";
  const prefix = DANGEROUS_ENV_PREFIXES.find((p) => name.startsWith(p));
  if (DANGEROUS_ENV.has(name) || prefix) {
    return `${name} is refused${prefix ? ` (like every ${prefix}* variable)` : ""}: pointing it at the secret file would change how the unit's programs start or load code; use a variable the program reads a file path from, such as DB_PASSWORD_FILE`;
  }
  return undefined;
}

/** Why `name` is not a credential name systemd accepts, or undefined. */
export function credentialNameProblem(name: string): string | undefined {
  if (!new RegExp(CREDENTIAL_PATTERN).test(name)) return "must be 1-64 characters of A-Z a-z 0-9 _ . -";
  if (name === "." || name === "..") return `${JSON.stringify(name)} is not a file name systemd accepts as a credential`;
  return undefined;
}

/**
 * An option path as written in Nix: identifiers and double-quoted names
 * separated by dots, e.g. `services.nginx.virtualHosts."a.example.com".basicAuthFile`.
 * Quoted names may hold any printable text; `\"` and `\\` escape, and `${`
 * is refused (in Nix it would interpolate).
 */
export function parseOptionPath(text: string): { segments: string[] } | { problem: string } {
  const segments: string[] = [];
  let i = 0;
  const bad = (problem: string) => ({ problem });
  for (;;) {
    if (text[i] === '"') {
      let seg = "";
      i++;
      for (;;) {
        const c = text[i];
        if (c === undefined) return bad("has an unterminated quoted name");
        if (c === '"') break;
        if (c === "\\") {
          const n = text[i + 1];
          if (n !== '"' && n !== "\\") return bad('has an escape other than \\" or \\\\ in a quoted name');
          seg += n;
          i += 2;
          continue;
        }
        if (c === "$" && text[i + 1] === "{") return bad("has ${ in a quoted name (nix would interpolate it)");
        if (/[\u0000-\u001f\u007f]/.test(c)) return bad("has a control character in a quoted name");
        seg += c;
        i++;
      }
      i++;
      if (seg === "") return bad("has an empty quoted name");
      segments.push(seg);
    } else {
      const m = /^[A-Za-z_][A-Za-z0-9_'-]*/.exec(text.slice(i));
      if (!m) return bad(i === 0 ? "must start with an option name such as services" : `has an empty or invalid name at character ${i + 1} (quote names with other characters: "a.example.com")`);
      segments.push(m[0]);
      i += m[0].length;
    }
    if (i === text.length) break;
    if (text[i] !== ".") return bad(`has ${JSON.stringify(text[i])} at character ${i + 1} where a . should be (quote names with other characters: "a b")`);
    i++;
  }
  if (segments.length < 2) return bad("must name an option below a top-level name, such as services.foo.passwordFile");
  if (!IDENTIFIER.test(segments[0]!) || FORBIDDEN_ROOTS.has(segments[0]!)) {
    return bad(`cannot start with ${JSON.stringify(segments[0])}${FORBIDDEN_ROOTS.has(segments[0]!) ? " (nixsec and its backend set those options themselves)" : ""}`);
  }
  const reserved = segments.find((s) => NIX_RESERVED_NAMES.has(s) || s === "__proto__");
  if (reserved) return bad(`uses ${JSON.stringify(reserved)}, which nix or the module system treats specially`);
  return { segments };
}

/** The segments of a valid option path (throws on an invalid one: validate first). */
export function optionSegments(text: string): string[] {
  const parsed = parseOptionPath(text);
  if ("problem" in parsed) throw new Error(`invalid option path ${JSON.stringify(text)}: ${parsed.problem}`);
  return parsed.segments;
}

/** Writes segments back as Nix would: identifiers bare, anything else quoted. */
export function formatOptionPath(segments: readonly string[]): string {
  return segments.map((s) => (IDENTIFIER.test(s) ? s : `"${s.replace(/[\\"]/g, (c) => "\\" + c)}"`)).join(".");
}

/** Consumers that need a given secret format, for cross-field checks. */
export function formatProblem(entry: WireEntry, format: string): string | undefined {
  if (entry.environmentFile && format !== "env") return `environmentFile needs format: env (the secret is ${format})`;
  if ((entry.samba || entry.userPassword) && format !== "text") return `${entry.samba ? "samba" : "userPassword"} needs format: text`;
  return undefined;
}

/** The consumer kinds of a wire entry (one, or none for a restart-only entry). */
export const CONSUMER_KINDS = ["option", "credential", "environmentFile", "samba", "userPassword", "initrd"] as const;

/** Consumers a rendered template cannot have: each needs the value itself, or a file before any unit runs. */
export function templateKindProblem(entry: WireEntry): string | undefined {
  if (entry.samba) return "a template cannot be a samba password (wire the password secret itself)";
  if (entry.userPassword) return "a template cannot be a user's hashedPasswordFile (users are created before templates are rendered)";
  if (entry.initrd) return "a template cannot go into the initrd (it is rendered after boot)";
  return undefined;
}

/** systemd.services attribute name of a unit ("foo.service" → "foo"). */
export function serviceName(unitName: string): string {
  return unitName.replace(/\.service$/, "");
}

/**
 * The service that reads an option, when its path says so (option wires
 * restart it where the host has it). Keep in sync with ownerUnit in
 * modules/lib.nix.
 */
export function ownerUnit(segments: readonly string[]): string | undefined {
  const [a, b, c, d] = segments;
  const n = segments.length;
  if (n > 2 && a === "services") return b;
  if (n > 4 && a === "networking" && b === "wireguard" && c === "interfaces") return `wireguard-${d}`;
  if (n > 2 && a === "containers") return `container@${b}`;
  if (n > 3 && a === "home-manager" && b === "users") return `home-manager-${c}`;
  return undefined;
}

/** The default credential name of a secret: the last part of its name. */
export function defaultCredentialName(secretName: string): string {
  return secretName.split("/").pop()!;
}
