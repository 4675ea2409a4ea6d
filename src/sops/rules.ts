// Which values sops encrypts (sops.go shouldBeEncrypted). A file names at
// most one rule in its metadata; none means `unencrypted_suffix: _unencrypted`.
// Regexes are Go RE2; the common subset is translated to JS and anything
// else is refused rather than matched differently.
import { SopsError } from "./errors.js";

export const DEFAULT_UNENCRYPTED_SUFFIX = "_unencrypted";

export interface EncryptionRules {
  unencryptedSuffix?: string;
  encryptedSuffix?: string;
  unencryptedRegex?: string;
  encryptedRegex?: string;
  unencryptedCommentRegex?: string;
  encryptedCommentRegex?: string;
  /** The MAC covers only encrypted values (and starts with SHA-256("sops")). */
  macOnlyEncrypted?: boolean;
}

/** Metadata key of each rule, in the order sops checks them. */
export const RULE_KEYS = [
  ["unencryptedSuffix", "unencrypted_suffix"],
  ["encryptedSuffix", "encrypted_suffix"],
  ["unencryptedRegex", "unencrypted_regex"],
  ["encryptedRegex", "encrypted_regex"],
  ["unencryptedCommentRegex", "unencrypted_comment_regex"],
  ["encryptedCommentRegex", "encrypted_comment_regex"],
] as const;

/** Checks that at most one rule is set and fills in sops' default. */
export function normalizeRules(r: EncryptionRules, where: string): EncryptionRules {
  const set = RULE_KEYS.filter(([k]) => (r[k] ?? "") !== "");
  if (set.length > 1) {
    throw new SopsError("format", `${where}: sets more than one of ${set.map(([, m]) => m).join(", ")}`, { hint: "sops allows one encryption rule per file" });
  }
  const out: EncryptionRules = {};
  for (const [k] of set) out[k] = r[k];
  if (set.length === 0) out.unencryptedSuffix = DEFAULT_UNENCRYPTED_SUFFIX;
  if (r.macOnlyEncrypted) out.macOnlyEncrypted = true;
  for (const [k, m] of RULE_KEYS) if (k.endsWith("Regex") && out[k] !== undefined) compileGoRegex(out[k]!, `${where}: ${m}`);
  return out;
}

const cache = new Map<string, RegExp>();

/**
 * A Go RE2 pattern as a JS RegExp (unanchored search, like regexp.Match).
 * Translates `(?i)`/`(?s)`/`(?m)` prefixes, `(?P<name>` and `\z`; refuses
 * RE2-only syntax JS would read differently (`\Q…\E`, POSIX classes).
 */
export function compileGoRegex(pattern: string, where: string): RegExp {
  let re = cache.get(pattern);
  if (re) return re;
  let flags = "u";
  let p = pattern;
  const lead = /^\(\?([ims]+)\)/.exec(p);
  if (lead) {
    flags += lead[1]!;
    p = p.slice(lead[0].length);
  }
  if (/\\Q|\[\[:|\(\?[a-zA-Z-]+[:)]/.test(p)) {
    throw new SopsError("unsupported", `${where}: the regex "${pattern}" uses RE2 syntax nixsec does not translate`, { hint: "use plain groups, classes and anchors, or decrypt this file with sops" });
  }
  p = p.replace(/\(\?P</g, "(?<").replace(/\\z/g, "$");
  try {
    re = new RegExp(p, flags);
  } catch {
    try {
      re = new RegExp(p, flags.replace("u", ""));
    } catch {
      throw new SopsError("unsupported", `${where}: the regex "${pattern}" does not compile`, { hint: "check the rule in the file's sops metadata or .sops.yaml" });
    }
  }
  cache.set(pattern, re);
  return re;
}

/**
 * Whether the value at `path` is encrypted. `comments` is the stack of
 * comment runs seen above the value, one per enclosing map or list.
 */
export function shouldEncrypt(r: EncryptionRules, path: string[], comments: string[][], isComment: boolean): boolean {
  let encrypted = true;
  if (r.unencryptedSuffix) {
    if (path.some((k) => k.endsWith(r.unencryptedSuffix!))) encrypted = false;
  }
  if (r.encryptedSuffix) encrypted = path.some((k) => k.endsWith(r.encryptedSuffix!));
  if (r.unencryptedRegex) {
    const re = compileGoRegex(r.unencryptedRegex, "unencrypted_regex");
    if (path.some((k) => re.test(k))) encrypted = false;
  }
  if (r.encryptedRegex) {
    const re = compileGoRegex(r.encryptedRegex, "encrypted_regex");
    encrypted = path.some((k) => re.test(k));
  }
  if (r.unencryptedCommentRegex) {
    const re = compileGoRegex(r.unencryptedCommentRegex, "unencrypted_comment_regex");
    if (comments.some((run) => run.some((c) => re.test(c)))) encrypted = false;
  }
  if (r.encryptedCommentRegex) {
    const re = compileGoRegex(r.encryptedCommentRegex, "encrypted_comment_regex");
    encrypted = false;
    const last = comments.length - 1;
    outer: for (let i = 0; i < comments.length; i++) {
      const run = comments[i]!;
      for (let j = 0; j < run.length; j++) {
        // sops: a comment matching the regex is not itself encrypted; only
        // what follows it is.
        if (isComment && i === last && j === run.length - 1) continue;
        if (re.test(run[j]!)) {
          encrypted = true;
          break outer;
        }
      }
    }
  }
  return encrypted;
}
