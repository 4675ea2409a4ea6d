// Detectors for text that is rendered into the store, a unit or a command
// line: shell scripts, config files, environment assignments. They look for
// shapes, not entropy: `NAME=value` with a secret-ish NAME, `--password value`,
// `echo user:pw | chpasswd`. Values read at run time (`$VAR`, `$(cat …)`,
// `${cfg.passwordFile}`, `%d/…`, `@VAR@`) are not secrets; `$(cat …)` on a
// command line is still reported, at low severity, because the expanded value
// is visible in /proc/<pid>/cmdline (nixpkgs#156400).
import type { DetectorKind, Range } from "./rule.js";
import { GENERIC_NAME, isSecretName, looksGenerated, notASecret } from "./words.js";

export interface ContentHit extends Range {
  detector: DetectorKind;
  /** The NAME or flag that says this is a secret (safe to show). */
  label: string;
  /** A run-time read exposed on a command line: report at low severity. */
  runtime?: boolean;
}

/**
 * Reads a value at `p`: quoted, or bare to the end of the word (or, for
 * `rest`, to the end of the line). In shell text a word also ends at shell
 * punctuation; in argv-like text (Exec lines, flag lists) only at whitespace.
 */
function readValue(text: string, p: number, rest: boolean, shell = true): Range & { quoted: boolean } {
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
  const stop = shell ? /[\s;,)}\]"'`|&]/ : /[\s"']/;
  while (e < text.length && !stop.test(text[e]!)) e++;
  return { start: p, end: e, quoted: false };
}

const RUNTIME_READ = /^\$\((?:cat|<|systemd-creds|head|tr|jq|yq|pass |rbw |op |sops |age |gpg )/;

function valueIsSecret(v: string): boolean {
  if (v.includes("${") || /\$[A-Za-z_{(]/.test(v)) return false;
  return notASecret(v) === null;
}

// NAME = value / NAME: value / "NAME": "value" / export NAME=value
// (also PHP `$config['name'] = value`: a `]` may follow the quoted name)
const ASSIGN = /(?<![A-Za-z0-9_.$-])(["']?)([A-Za-z_][A-Za-z0-9_.-]{0,80})\1\]?[ \t]*(:=|=>|=|:)[ \t]*/g;



// SQL: CREATE ROLE x PASSWORD 'pw', ALTER USER x IDENTIFIED BY 'pw'
const SQL_PASSWORD = /\b(PASSWORD|IDENTIFIED\s+BY)\s+'([^'\n]+)'/gi;

// netrc (`machine h login u password pw`) and space-separated directives (redis `requirepass pw`)
const SPACED = /\bmachine\s+\S+(?:\s+login\s+\S+)?\s+(password)\s+(\S+)|^[ \t]*(requirepass|masterauth|rpcpassword|bindpw|secret)[ \t]+(\S+)[ \t]*$/gm;

function assignments(text: string, out: ContentHit[]): void {
  SPACED.lastIndex = 0;
  for (let m = SPACED.exec(text); m; m = SPACED.exec(text)) {
    const v = (m[2] ?? m[4])!;
    if (!valueIsSecret(v)) continue;
    const start = m.index + m[0].lastIndexOf(v);
    out.push({ start, end: start + v.length, detector: "assignment", label: (m[1] ?? m[3])! });
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
    if (m[3] === ":" && /^\/\//.test(v)) continue; // a URL scheme, not an assignment
    if (!r.quoted && /[()[\]{}]/.test(v)) continue; // code (`TOKEN = os.environ["X"]`), not a literal
    if (!valueIsSecret(v)) continue;
    if (generic && !looksGenerated(v)) continue;
    out.push({ start: r.start, end: r.end, detector: "assignment", label: full });
  }
}

const FLAG = /(?<![A-Za-z0-9_-])--?((?:[a-z0-9]+-)*(?:password|passwd|pass|passphrase|token|secret|api-?key|key|psk|bearer))(=|[ \t]+)/gi;
const NOT_SECRET_FLAG = /(?:^|-)(?:public|pub|host|ssh|gpg|signing|tls|ssl|key-?id)(?:-|$)|^(?:no|skip|ask|prompt)-/;

function cmdlineFlags(text: string, out: ContentHit[], shell: boolean): void {
  FLAG.lastIndex = 0;
  for (let m = FLAG.exec(text); m; m = FLAG.exec(text)) {
    const flag = m[1]!.toLowerCase();
    if ((flag === "key" || flag === "pass") && m[0].startsWith("--") === false) continue; // -key / -pass are too ambiguous
    if (NOT_SECRET_FLAG.test(flag)) continue;
    const r = readValue(text, m.index + m[0].length, false, shell);
    const v = text.slice(r.start, r.end);
    if (v.startsWith("-")) continue;
    if (RUNTIME_READ.test(v) || /^"?\$\((?:cat|<)/.test(text.slice(m.index + m[0].length))) {
      const s = m.index + m[0].length;
      const close = text.indexOf(")", s);
      out.push({ start: s, end: close > s ? close + 1 : r.end, detector: "cmdline", label: "--" + m[1], runtime: true });
      continue;
    }
    if (!valueIsSecret(v)) continue;
    out.push({ start: r.start, end: r.end, detector: "cmdline", label: "--" + m[1] });
  }
  // sshpass -p VALUE, mysql -pVALUE, smbclient -U user%VALUE, curl -u user:VALUE, mosquitto_pub -P VALUE, redis-cli -a VALUE
  const SHORT = /\bsshpass\s+-p\s*(\S+)|\bmysql(?:dump|admin)?\b[^\n|;]*?\s-p([^\s'"$-][^\s'"]*)|\s-U\s+['"]?[^\s%'"]+%([^\s'"]+)|\bcurl\b[^\n|;]*?\s(?:-u|--user)\s+['"]?[^\s:'"]+:([^\s'"@]+)|\bmosquitto_(?:pub|sub|rr)\b[^\n|;]*?\s-P\s+(\S+)|\bredis-cli\b[^\n|;]*?\s-a\s+(\S+)/g;
  for (let m = SHORT.exec(text); m; m = SHORT.exec(text)) {
    const g = m.findIndex((x, i) => i > 0 && x !== undefined);
    const v = m[g]!.replace(/^['"]|['"]$/g, "");
    if (!valueIsSecret(v)) continue;
    const start = m.index + m[0].lastIndexOf(m[g]!) + (m[g]!.startsWith("'") || m[g]!.startsWith('"') ? 1 : 0);
    out.push({ start, end: start + v.length, detector: "cmdline", label: "a command-line password" });
  }
}

// `echo root:pw | chpasswd`, `(echo pw; echo pw) | smbpasswd -s -a bob`, `printf 'pw\npw' | passwd --stdin`
const CHPASSWD = /(?:echo|printf)\s+(?:-[neE]+\s+)?(["']?)([^"'|;)\n]+?)\1\)?\s*\|\s*(?:sudo\s+)?(?:\S*\/)?(chpasswd|passwd|smbpasswd|htpasswd|chgpasswd|mkpasswd|pdbedit)\b/g;

// `printf '%s\n%s\n' "pw" "pw" | smbpasswd -s -a alice`: the value is the first argument after the format
const PRINTF_PIPE = /printf\s+(['"])[^'"\n]*\1\s+(["']?)([^"'\s|]+)\2[^|\n]*\|\s*(?:sudo\s+)?(?:\S*\/)?(chpasswd|passwd|smbpasswd|htpasswd|chgpasswd|pdbedit)\b/g;

function chpasswd(text: string, out: ContentHit[]): void {
  PRINTF_PIPE.lastIndex = 0;
  for (let m = PRINTF_PIPE.exec(text); m; m = PRINTF_PIPE.exec(text)) {
    const v = m[3]!;
    if (!valueIsSecret(v)) continue;
    const off = m.index + m[0].indexOf(m[2]! + v) + m[2]!.length;
    out.push({ start: off, end: off + v.length, detector: "chpasswd", label: m[4]! });
  }
  CHPASSWD.lastIndex = 0;
  for (let m = CHPASSWD.exec(text); m; m = CHPASSWD.exec(text)) {
    let v = m[2]!;
    let off = m.index + m[0].indexOf(v);
    if (m[3] === "chpasswd" || m[3] === "chgpasswd") {
      const colon = v.indexOf(":");
      if (colon < 0) continue;
      off += colon + 1;
      v = v.slice(colon + 1);
    }
    const first = v.split(/\\n/)[0]!;
    if (!valueIsSecret(first)) continue;
    out.push({ start: off, end: off + first.length, detector: "chpasswd", label: m[3]! });
  }
}

/** Runs the given detectors over `text`; results are in text order. */
/** `shell`: the text is a shell script (or config); false for argv-like text (Exec lines, flag lists). */
export function detectContent(text: string, kinds: ReadonlySet<DetectorKind>, shell = true): ContentHit[] {
  const out: ContentHit[] = [];
  const lower = text.toLowerCase();
  const keyword = /pass|secret|token|key|psk|auth|cred|salt|bearer|-u\s/.test(lower);
  if (!keyword) return out;
  if (kinds.has("cmdline")) cmdlineFlags(text, out, shell);
  if (kinds.has("chpasswd")) chpasswd(text, out);
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
