// Detectors for text that is rendered into the store, a unit or a command
// line: shell scripts, config files, environment assignments. They look for
// shapes, not entropy: shell data flow (shell/flow.ts: a literal piped into
// cryptsetup, `--password value`, `PGPASSWORD=… psql`), and config-file
// assignments with a secret-ish NAME (`password = …`, `token: …`, SQL
// `IDENTIFIED BY '…'`). Values read at run time (`$VAR`, `$(cat …)`,
// `${cfg.passwordFile}`, `%d/…`, `@VAR@`) are not secrets.
import type { DetectorKind, Range } from "./rule.js";
import { mayHoldShellSecret, shellSecrets } from "./shell/flow.js";
import type { Program } from "./shell/programs.js";
import { GENERIC_NAME, isSecretName } from "./words.js";
import { looksGenerated, notASecret, valueConfidence } from "./values.js";

export interface ContentHit extends Range {
  detector: DetectorKind;
  /** The NAME or flag that says this is a secret (safe to show). */
  label: string;
  /** A run-time read exposed on a command line: report at low severity. */
  runtime?: boolean;
  /** The value reads like a name more than a secret: report at low severity. */
  low?: boolean;
  /** The text says the value is a hash, not the password (ircd `flags = encrypted`): medium. */
  hash?: boolean;
  /** The program that takes the secret (shell/programs.ts): its hint and secret name. */
  program?: Program;
  /** The user it is for, when the command says. */
  user?: string;
}

/**
 * Reads a value at `p`: quoted, or bare to the end of the word (or, for
 * `rest`, to the end of the line); a bare word also ends at punctuation.
 */
function readValue(text: string, p: number, rest: boolean): Range & { quoted: boolean } {
  const q = text[p];
  if (q === '"' || q === "'") {
    let e = p + 1;
    while (e < text.length && text[e] !== q && text[e] !== "\n") e += text[e] === "\\" && q === '"' ? 2 : 1;
    return { start: p + 1, end: Math.min(e, text.length), quoted: true };
  }
  let e = p;
  if (rest) {
    while (e < text.length && text[e] !== "\n") e++;
    let v = text.slice(p, e);
    const hash = v.search(/\s#/);
    if (hash >= 0) v = v.slice(0, hash);
    v = v.replace(/[\s;,]+$/, "");
    return { start: p, end: p + v.length, quoted: false };
  }
  const stop = /[\s;,)}\]"'`|&]/;
  while (e < text.length && !stop.test(text[e]!)) e++;
  return { start: p, end: e, quoted: false };
}

function valueIsSecret(v: string): boolean {
  if (v.includes("${") || /\$[A-Za-z_{(]/.test(v)) return false;
  return notASecret(v) === null;
}

// NAME = value / NAME: value / "NAME": "value" / export NAME=value
// (also PHP `$config['name'] = value`: a `]` may follow the quoted name)
const ASSIGN = /(?<![A-Za-z0-9_.$-])(["']?)([A-Za-z_][A-Za-z0-9_.-]{0,80})\1\]?[ \t]*(:=|=>|=|:)[ \t]*/g;



// SQL: CREATE ROLE x PASSWORD 'pw', ALTER USER x IDENTIFIED BY 'pw'
const SQL_PASSWORD = /\b(PASSWORD|IDENTIFIED\s+BY)\s+'([^'\n]+)'/gi;

// netrc (`machine h login u password pw`) and space-separated directives (redis `requirepass pw`, snmpd `rocommunity pw`)
const SPACED = /\bmachine\s+\S+(?:\s+login\s+\S+)?\s+(password)\s+(\S+)|^[ \t]*(requirepass|masterauth|rpcpassword|bindpw|secret|r[ow]community6?|com2sec\s+\S+\s+\S+)[ \t]+(\S+)(?:[ \t]+\S+)*[ \t]*$/gm;

// an HTTP credential in any text: `proxy_set_header Authorization "Basic …"`, `Authorization: Bearer …`, `X-Api-Key: …`
const AUTH_HEADER = /\b(Authorization|X-Api-Key|X-Auth-Token|Private-Token|X-Vault-Token)["']?\s*[:=]?\s*["']?(?:(?:Basic|Bearer|Token|Bot)\s+)?([A-Za-z0-9+/=._~-]{12,})/gi;

// a .pgpass line: host:port:database:user:password
const PGPASS = /^[\w.*-]+:(?:\d+|\*):[^:\s]+:[^:\s]+:(\S+)$/gm;

/** Whether `v` is named elsewhere in the text as an object id (`-object secret,id=X … password-secret=X`): a reference, not a secret. */
function isIdReference(text: string, v: string): boolean {
  return v.length > 0 && new RegExp(`\\bid=${v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`).test(text);
}

/** A hash rather than a password: the block says so (ircd `flags = encrypted;`). */
function saysEncrypted(text: string, at: number): boolean {
  return /\b(?:flags\s*=\s*[^;\n]*\bencrypted|encrypted\s*=\s*(?:yes|true|1))\b/i.test(text.slice(Math.max(0, at - 200), at + 200));
}

function assignments(text: string, out: ContentHit[]): void {
  SPACED.lastIndex = 0;
  for (let m = SPACED.exec(text); m; m = SPACED.exec(text)) {
    const v = (m[2] ?? m[4])!, label = (m[1] ?? m[3])!;
    if (!valueIsSecret(v)) continue;
    const start = m.index + m[0].indexOf(v, m[0].indexOf(label) + label.length);
    out.push({ start, end: start + v.length, detector: "assignment", label });
  }
  AUTH_HEADER.lastIndex = 0;
  for (let m = AUTH_HEADER.exec(text); m; m = AUTH_HEADER.exec(text)) {
    const v = m[2]!;
    if (!valueIsSecret(v) || /^(?:application|text|multipart)\//i.test(v)) continue;
    const start = m.index + m[0].length - v.length;
    out.push({ start, end: start + v.length, detector: "assignment", label: m[1]! });
  }
  PGPASS.lastIndex = 0;
  for (let m = PGPASS.exec(text); m; m = PGPASS.exec(text)) {
    const v = m[1]!;
    if (!valueIsSecret(v)) continue;
    const start = m.index + m[0].length - v.length;
    out.push({ start, end: start + v.length, detector: "assignment", label: "a .pgpass password" });
  }
  SQL_PASSWORD.lastIndex = 0;
  for (let m = SQL_PASSWORD.exec(text); m; m = SQL_PASSWORD.exec(text)) {
    const v = m[2]!;
    if (!valueIsSecret(v)) continue;
    const start = m.index + m[0].length - v.length - 1;
    out.push({ start, end: start + v.length, detector: "assignment", label: m[1]!.toUpperCase() });
  }
  ASSIGN.lastIndex = 0;
  for (let m = ASSIGN.exec(text); m; m = ASSIGN.exec(text)) {
    const full = m[2]!;
    const name = full.includes(".") ? full.slice(full.lastIndexOf(".") + 1) : full;
    const generic = GENERIC_NAME.has(name.toLowerCase());
    if (!generic && !isSecretName(name)) continue;
    const p = m.index + m[0].length;
    // `key = value with spaces` (INI, YAML) when NAME starts the line and the separator is spaced.
    let ls = m.index;
    while (ls > 0 && text[ls - 1] !== "\n") ls--;
    const startsLine = /^[ \t]*(?:export[ \t]+|-[ \t]+)?["']?$/.test(text.slice(ls, m.index + (m[1]?.length ?? 0)));
    const spaced = /\s$/.test(m[0]) || m[3] === ":";
    const r = readValue(text, p, startsLine && spaced && m[3] !== "=>");
    const v = text.slice(r.start, r.end);
    // `name: value` needs the space YAML needs: `did:key:z6Mk…`, `host:port`, `C:\x` are no assignments
    if (m[3] === ":" && !m[1] && !/\s$/.test(m[0])) continue;
    if (m[3] === ":" && /^\/\//.test(v)) continue; // a URL scheme, not an assignment
    if (!r.quoted && /[()[\]{}]/.test(v)) continue; // code (`TOKEN = os.environ["X"]`), not a literal
    if (!r.quoted && /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.test(v)) continue; // a reference (`process.env.PASSWORD_HASH`)
    if (!valueIsSecret(v) || isIdReference(text, v)) continue;
    if (generic && !looksGenerated(v)) continue;
    let c: "high" | "medium" | "low" | null = generic ? "high" : valueConfidence(v, name);
    if (c === null) continue;
    if (c === "high" && saysEncrypted(text, r.start)) c = "medium";
    out.push({ start: r.start, end: r.end, detector: "assignment", label: full, ...(c === "low" ? { low: true } : c === "medium" ? { hash: true } : {}) });
  }
}

// Every finding needs one of these: a secret word, a short flag that takes a
// password, a key-generating verb, or a table program whose name has none of
// them (shell/programs.ts; the table's examples check that each still passes).
// One test skips the shell reader for most texts: short names (`wg`, `net`,
// `nix`) are not listed on their own, they match almost any text.
const SHELL_KEYWORD = /pass|secret|token|key|psk|auth|cred|salt|bearer|identified|community|:\d+:|genrsa|genpkey|-[apPwnSU]\s|-G\b|\b(?:cryptsetup|pdbedit|mysql\w*|mariadb\w*|7za?|rabbitmqctl|vault|kinit|ssh-add|obscure)\b/i;

/**
 * Runs the given detectors over `text`: shell text or a config file
 * ("shell"), a systemd Exec line ("exec"), or arguments without a command (a
 * module's extraFlags: "args"). Results are in text order.
 */
export function detectContent(text: string, kinds: ReadonlySet<DetectorKind>, mode: "shell" | "exec" | "args" = "shell"): ContentHit[] {
  const out: ContentHit[] = [];
  if (!SHELL_KEYWORD.test(text)) return out;
  if ((kinds.has("cmdline") || kinds.has("stdin") || kinds.has("assignment") || kinds.has("keygen")) && mayHoldShellSecret(text)) {
    for (const h of shellSecrets(text, mode)) {
      const detector: DetectorKind = h.kind;
      if (!kinds.has(detector)) continue;
      const { kind: _k, ...rest } = h;
      out.push({ ...rest, detector });
    }
  }
  if (kinds.has("assignment")) assignments(text, out);
  out.sort((a, b) => a.start - b.start);
  return out;
}

/** A value given whole (an attribute-set environment variable): secret when not a placeholder or runtime read. */
export function isLiteralSecretValue(v: string): boolean {
  return valueIsSecret(v.trim());
}

/** A whole text that is a single secret-looking value (for sinks whose name says "password"). */
export function wholeValue(text: string): Range | null {
  const t = text.trim();
  if (t.length === 0 || t.includes("\n") || t.length > 512) return null;
  if (t.includes("${") || notASecret(t) !== null) return null;
  if (/^[A-Za-z_][\w.-]*\s*[=:]\s*\S/.test(t)) return null; // a setting (`minlen = 12`), not a value
  const start = text.indexOf(t);
  return { start, end: start + t.length };
}
