// The naming rules of a manifest. Names become file names (`secrets/<name>.age`),
// runtime paths (`/run/agenix/<name>`) and Nix attribute names, so they are
// kept to a character set that is safe in all three without quoting tricks.
import { NIX_RESERVED_NAMES } from "../nixgen/emit.js";

const SEGMENT = "[A-Za-z0-9._-]+";

/** `service/key`: one or more segments of `[A-Za-z0-9._-]`, no `.` or `..` segment. */
export const SECRET_NAME_PATTERN = `^${SEGMENT}(/${SEGMENT})*$`;
export const SECRET_NAME_MAX = 200;

/** Host and admin names: like a host name, plus `_` and `.` (e.g. `alice.laptop`). */
export const PRINCIPAL_NAME_PATTERN = "^[A-Za-z0-9_][A-Za-z0-9._-]{0,62}$";

/** A Unix user or group name (as NixOS accepts them) or a numeric id. */
export const UNIX_NAME_PATTERN = "^([A-Za-z_][A-Za-z0-9_.-]{0,31}\\$?|[0-9]{1,10})$";

/** A permission mode for the decrypted file, as agenix and sops-nix take it. */
export const MODE_PATTERN = "^0[0-7]{3}$";

/**
 * Why a mode is refused, or undefined. A decrypted secret is never for
 * everyone: any permission for "other" users (the last digit) is refused,
 * since the file would be readable (or writable) by every account and
 * service on the host. Sharing goes through a group.
 */
export function modeProblem(mode: string): string | undefined {
  if (!new RegExp(MODE_PATTERN).test(mode)) return 'must be an octal mode such as "0400" or "0440"';
  if ((parseInt(mode, 8) & 0o007) !== 0) {
    return `${mode} gives every user on the host access to the decrypted file; the last digit must be 0 (share it with a group instead: group: NAME, mode: "0440")`;
  }
  return undefined;
}

/** A rotation age: a positive number of hours, days, weeks or years. */
export const DURATION_PATTERN = "^[1-9][0-9]*[hdwy]$";

/** A directory inside the repository, relative to the manifest. */
export const RELATIVE_DIR_PATTERN = `^${SEGMENT}(/${SEGMENT})*$`;

/** Why `name` is not a valid secret name, or undefined when it is. */
export function secretNameProblem(name: string): string | undefined {
  if (name === "") return "secret name is empty";
  if (name.length > SECRET_NAME_MAX) return `secret name is longer than ${SECRET_NAME_MAX} characters`;
  if (name.startsWith("/")) return "secret name must not start with /";
  if (name.endsWith("/")) return "secret name must not end with /";
  const segments = name.split("/");
  if (segments.includes("")) return "secret name has an empty segment (//)";
  if (segments.some((s) => s === "." || s === "..")) return "secret name must not contain . or .. segments";
  if (!new RegExp(SECRET_NAME_PATTERN).test(name)) {
    return "secret name may only use A-Z a-z 0-9 . _ - in each /-separated segment";
  }
  return reservedProblem("secret", name);
}

/** Why `name` is not a valid host or admin name, or undefined when it is. */
export function principalNameProblem(kind: "host" | "admin", name: string): string | undefined {
  if (!new RegExp(PRINCIPAL_NAME_PATTERN).test(name)) {
    return `${kind} name must be 1-63 characters of A-Z a-z 0-9 . _ - and not start with . or -`;
  }
  return reservedProblem(kind, name);
}

/**
 * Names become attribute names in generated Nix, where a few have a meaning of
 * their own, and keys of JavaScript objects, where `__proto__` is not a key.
 */
function reservedProblem(kind: string, name: string): string | undefined {
  if (name === "__proto__") return `${kind} name "__proto__" is reserved; choose another`;
  if (!NIX_RESERVED_NAMES.has(name)) return undefined;
  return `${kind} name ${JSON.stringify(name)} is reserved by nix; choose another`;
}

/** Why `dir` is not a safe repository-relative directory, or undefined when it is. */
export function relativeDirProblem(dir: string): string | undefined {
  if (dir.startsWith("/")) return "must be relative to the manifest, not absolute";
  const segments = dir.split("/");
  if (segments.some((s) => s === "." || s === "..")) return "must stay inside the repository (no . or .. segments)";
  if (!new RegExp(RELATIVE_DIR_PATTERN).test(dir)) {
    return "may only use A-Z a-z 0-9 . _ - in each /-separated segment";
  }
  return undefined;
}

/** Parses a `maxAge` such as `90d` into milliseconds; undefined when malformed. */
export function durationMs(text: string): number | undefined {
  const match = new RegExp(DURATION_PATTERN).exec(text);
  if (!match) return undefined;
  const hour = 3_600_000;
  const unit = { h: hour, d: 24 * hour, w: 7 * 24 * hour, y: 365 * 24 * hour }[text.slice(-1) as "h" | "d" | "w" | "y"];
  return Number(text.slice(0, -1)) * unit;
}
