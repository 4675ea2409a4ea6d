// The closure check: which files of a built system (a `result` link, store
// paths, any directory) hold the value of a managed secret, raw or in a common
// encoding. The values come from the caller (the CLI decrypts them with the
// admin identity); nothing here prints, and a hit names the secret and the
// encoding, never the bytes.
//
// Values shorter than MIN_VALUE_BYTES are not searched: a 5-byte value
// ("admin", "12345") turns up by chance in any closure, so every hit would be
// noise. Nor are values of only digits shorter than MIN_DIGITS (an id such as
// 123456789 is in every libc). The caller gets them back as `skipped` and
// says so.
import { closeSync, openSync, readSync, readdirSync, statSync, type Stats } from "node:fs";
import path from "node:path";
import { fillHint } from "./hints.js";
import { fingerprintHash } from "./hash.js";
import type { Rule } from "./rule.js";
import type { Finding, Note } from "./types.js";

export const MIN_VALUE_BYTES = 6;
export const MIN_DIGITS = 12;

export interface ClosureSecret {
  name: string;
  value: Uint8Array;
  /** The manifest's format: `env` values are searched per variable, `binary` ones in binary encodings only. */
  format: "text" | "env" | "binary";
}

/** One byte string to look for, and what it stands for. */
export interface Needle {
  /** The secret's name in the manifest. */
  secret: string;
  /** What to call it: the name, with the variable for an env secret: `withinbot/env (TOKEN)`. */
  name: string;
  encoding: "raw" | "base64" | "base64url" | "hex" | "url" | "json";
  bytes: Buffer;
}

export interface ClosureHit {
  file: string;
  secret: string;
  name: string;
  encoding: Needle["encoding"];
  /** 1-based line and column of the first occurrence (line 1 in a binary file). */
  line: number;
  column: number;
}

const td = new TextDecoder("utf-8", { fatal: true });

function textOf(b: Uint8Array): string | null {
  try {
    return td.decode(b);
  } catch {
    return null;
  }
}

/** The values to search for: each secret (or env variable) trimmed of trailing newlines, in every encoding that differs from the raw bytes. */
export function closureNeedles(secrets: readonly ClosureSecret[], minBytes = MIN_VALUE_BYTES): { needles: Needle[]; skipped: string[] } {
  const needles: Needle[] = [];
  const skipped: string[] = [];
  const seen = new Set<string>();
  const values: { secret: string; name: string; bytes: Buffer; text: string | null }[] = [];
  for (const s of secrets) {
    const text = s.format === "binary" ? null : textOf(s.value);
    if (s.format === "env" && text !== null) {
      for (const line of text.split(/\r?\n/)) {
        const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
        if (!m) continue;
        const v = m[2]!.replace(/^(["'])(.*)\1$/, "$2");
        values.push({ secret: s.name, name: `${s.name} (${m[1]})`, bytes: Buffer.from(v, "utf8"), text: v });
      }
    } else if (text !== null) {
      const v = text.replace(/[\r\n]+$/, "");
      values.push({ secret: s.name, name: s.name, bytes: Buffer.from(v, "utf8"), text: v });
    } else {
      values.push({ secret: s.name, name: s.name, bytes: Buffer.from(s.value), text: null });
    }
  }
  for (const v of values) {
    const add = (encoding: Needle["encoding"], bytes: Buffer): void => {
      const key = `${v.name}\0${bytes.toString("latin1")}`;
      if (seen.has(key)) return;
      seen.add(key);
      needles.push({ secret: v.secret, name: v.name, encoding, bytes });
    };
    if (v.bytes.length < minBytes || (v.text !== null && /^[0-9]+$/.test(v.text) && v.text.length < MIN_DIGITS)) {
      skipped.push(v.name);
      continue;
    }
    add("raw", v.bytes);
    const b64 = v.bytes.toString("base64").replace(/=+$/, "");
    add("base64", Buffer.from(b64));
    const b64url = v.bytes.toString("base64url");
    if (b64url !== b64) add("base64url", Buffer.from(b64url));
    const hex = v.bytes.toString("hex");
    add("hex", Buffer.from(hex));
    if (/[a-f]/.test(hex)) add("hex", Buffer.from(hex.toUpperCase()));
    if (v.text === null) continue;
    for (const url of new Set([encodeURIComponent(v.text), encodeURIComponent(v.text).replace(/%20/g, "+")])) {
      if (url !== v.text) add("url", Buffer.from(url));
    }
    const json = JSON.stringify(v.text).slice(1, -1);
    if (json !== v.text) add("json", Buffer.from(json));
    const ascii = json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
    if (ascii !== json) add("json", Buffer.from(ascii));
  }
  return { needles, skipped };
}

const CHUNK = 4 << 20;

/**
 * Searches one file, read in chunks that overlap by the longest needle, and
 * returns the first occurrence of each (secret, encoding). Pure over the
 * `read` callback, so examples can run it over strings.
 */
export function searchChunks(file: string, read: (buf: Buffer, at: number) => number, needles: readonly Needle[]): ClosureHit[] {
  const longest = needles.reduce((m, n) => Math.max(m, n.bytes.length), 0);
  if (longest === 0) return [];
  const buf = Buffer.allocUnsafe(CHUNK + longest);
  const found = new Map<string, ClosureHit>();
  let keep = 0; // bytes carried over from the previous chunk
  let base = 0; // file offset of buf[0]
  let linesBefore = 1; // line number at buf[0]
  let lastNl = -1; // file offset of the last newline before buf[0]
  let binary = false;
  let first = true;
  for (;;) {
    const n = read(buf.subarray(keep, keep + CHUNK), base + keep);
    if (n <= 0) break;
    const len = keep + n;
    const view = buf.subarray(0, len);
    if (first) binary = view.subarray(0, 8000).indexOf(0) >= 0;
    first = false;
    for (const nd of needles) {
      const key = `${nd.name}\0${nd.encoding}`;
      if (found.has(key)) continue;
      const at = view.indexOf(nd.bytes);
      if (at < 0) continue;
      let line = 1, column = 1;
      if (!binary) {
        line = linesBefore;
        let nl = lastNl;
        for (let i = view.indexOf(10); i >= 0 && i < at; i = view.indexOf(10, i + 1)) { line++; nl = base + i; }
        column = base + at - nl;
      }
      found.set(key, { file, secret: nd.secret, name: nd.name, encoding: nd.encoding, line, column });
    }
    if (found.size === needles.length) break;
    // carry the tail over, so a value split across chunks is still found
    const carry = Math.min(longest - 1, len);
    const consumed = len - carry;
    if (!binary) {
      for (let i = view.indexOf(10); i >= 0 && i < consumed; i = view.indexOf(10, i + 1)) { linesBefore++; lastNl = base + i; }
    }
    buf.copy(buf, 0, consumed, len);
    base += consumed;
    keep = carry;
  }
  return [...found.values()];
}

export interface ClosureScan {
  hits: ClosureHit[];
  notes: Note[];
  files: number;
  bytes: number;
}

/**
 * Walks the given files and directories, following symbolic links (a
 * `result` link, the links of a system's toplevel into other store paths),
 * each real file or directory once, and searches every regular file.
 * Unreadable entries are skipped with a note.
 */
export function searchClosure(roots: readonly string[], needles: readonly Needle[], cwd: string): ClosureScan {
  const scan: ClosureScan = { hits: [], notes: [], files: 0, bytes: 0 };
  const seen = new Set<string>();
  const note = (file: string, err: unknown): void => {
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    scan.notes.push({ file, message: code === "ENOENT" ? "skipped: broken link" : `skipped: unreadable (${code})` });
  };
  const visit = (shown: string): void => {
    const abs = path.resolve(cwd, shown);
    let st: Stats;
    try {
      st = statSync(abs);
    } catch (err) {
      note(shown, err);
      return;
    }
    const id = `${st.dev}:${st.ino}`;
    if (seen.has(id)) return;
    seen.add(id);
    if (st.isDirectory()) {
      let names: string[];
      try {
        names = readdirSync(abs).sort();
      } catch (err) {
        note(shown, err);
        return;
      }
      for (const n of names) visit(path.join(shown, n));
      return;
    }
    if (!st.isFile()) return; // sockets, fifos, devices: never read
    let fd: number;
    try {
      fd = openSync(abs, "r");
    } catch (err) {
      note(shown, err);
      return;
    }
    try {
      scan.hits.push(...searchChunks(shown, (b, at) => readSync(fd, b, 0, b.length, at), needles));
      scan.files++;
      scan.bytes += st.size;
    } catch (err) {
      note(shown, err);
    } finally {
      closeSync(fd);
    }
  };
  for (const r of roots) visit(r);
  return scan;
}

/** Searches in-memory files (the rule examples, tests). */
export function searchTexts(files: Record<string, string | Uint8Array>, needles: readonly Needle[]): ClosureHit[] {
  const hits: ClosureHit[] = [];
  for (const [file, content] of Object.entries(files)) {
    const data = Buffer.from(content);
    hits.push(...searchChunks(file, (b, at) => data.copy(b, 0, at, Math.min(data.length, at + b.length)), needles));
  }
  return hits;
}

/** Findings for the hits, under the closure rule: the secret's name and the encoding, never the value. */
export function closureFindings(hits: readonly ClosureHit[], rule: Rule): Finding[] {
  return hits.map((h) => ({
    ruleId: rule.id,
    severity: rule.severity,
    file: h.file,
    line: h.line,
    column: h.column,
    endLine: h.line,
    endColumn: h.column,
    message: `${rule.title} ${h.name} (${h.encoding})`,
    hint: fillHint(rule.hint, { secret: h.secret }),
    snippet: "",
    fingerprint: `${rule.id}:${h.file}:${fingerprintHash(`${h.name}\0${h.encoding}`)}`,
  }));
}
