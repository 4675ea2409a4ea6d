// A small POSIX-shell reader for the audit: just enough structure to follow a
// literal from where it is written to the program that reads it (issue 15,
// "command lines are data flow"). It splits text into pipelines of commands
// and groups, words with their decoded values (quotes and escapes removed)
// and a map back to the text, redirections with here-strings and here-doc
// bodies. It never throws and never evaluates anything: `$VAR`, `$(…)`,
// backticks and Nix holes (`${pkgs.x}`) stay as written and mark a word as
// not literal. Hand-written: no npm shell parser keeps offsets for every
// decoded character, which the finding positions need.

/** A word: `value` is decoded, `offs[i]` the text offset of value[i]. */
export interface Word {
  start: number;
  end: number;
  value: string;
  offs: number[];
  /** No expansion at all: the value is exactly what the program sees. */
  literal: boolean;
  /** Holds a command substitution (`$(…)` or backticks): read at run time. */
  subst: boolean;
  /** A process substitution `<(…)`: the program reads the output of these commands as a file. */
  proc?: Pipeline[];
}

export interface Redirect {
  /** `<`, `>`, `>>`, `<<<`, `<<`, `<<-`, `<&`, `>&`, `&>` … (a leading fd number dropped). */
  op: string;
  target: Word | null;
  /** For here-docs: the body (decoded like a quoted word when the delimiter is quoted, else as written). */
  body?: Word;
}

export interface Simple {
  kind: "simple";
  /** Leading `NAME=value` words. */
  assigns: Word[];
  words: Word[];
  redirects: Redirect[];
}

export interface Group {
  kind: "group";
  body: Pipeline[];
  redirects: Redirect[];
}

export type Stage = Simple | Group;

/** Commands joined by `|`; `op` is what joins this pipeline to the next (`;`, `&&`, `||`, `&`, newline). */
export interface Pipeline {
  stages: Stage[];
}

const SPACE = new Set([" ", "\t"]);
// Characters that end a bare word.
const META = new Set([" ", "\t", "\n", ";", "&", "|", "(", ")", "<", ">"]);
const ARGV_META = new Set([" ", "\t", "\n", "\r"]);
const RESERVED = new Set(["if", "then", "else", "elif", "fi", "do", "done", "while", "until", "for", "in", "case", "esac", "!", "time", "{", "}"]);

/**
 * Parses shell text. With `argv`, the text is one command line as systemd's
 * Exec= or a module's flag list gives it to a program: words split at white
 * space only (`&`, `|`, `;`, `<` are ordinary characters), quotes honoured.
 */
export function parseShell(text: string, argv = false): Pipeline[] {
  if (argv) return [{ stages: [new Reader(text).argv()] }];
  return new Reader(text).list(null);
}

class Reader {
  private i = 0;
  private pendingDocs: { redirect: Redirect; delim: string; strip: boolean; quoted: boolean }[] = [];
  private depth = 0;
  private meta = META;
  constructor(private readonly t: string) {}

  /** The whole text as one command's words (systemd Exec lines, flag lists). */
  argv(): Simple {
    this.meta = ARGV_META;
    const cmd: Simple = { kind: "simple", assigns: [], words: [], redirects: [] };
    while (this.i < this.t.length) {
      this.skipBlankLines();
      const w = this.word();
      if (w) cmd.words.push(w);
      else this.i++;
    }
    return cmd;
  }

  list(close: string | null): Pipeline[] {
    const out: Pipeline[] = [];
    const t = this.t;
    while (this.i < t.length) {
      this.skipBlank();
      const c = t[this.i];
      if (c === undefined) break;
      if (close !== null && c === close) { this.i++; return out; }
      if (c === "\n") { this.i++; this.readDocs(); continue; }
      if (c === ";" || c === "&" || (c === "|" && t[this.i + 1] === "|") || c === ")" || c === "}") {
        // separators, `;;` of case, a stray `)` of a case pattern
        this.i += c === "|" || (c === ";" && t[this.i + 1] === ";") || (c === "&" && t[this.i + 1] === "&") ? 2 : 1;
        continue;
      }
      const p = this.pipeline(close);
      if (p.stages.length > 0) out.push(p);
      else this.i++; // nothing readable here: step over it
    }
    return out;
  }

  private pipeline(close: string | null): Pipeline {
    const stages: Stage[] = [];
    for (;;) {
      this.skipBlank();
      const s = this.stage(close);
      if (s) stages.push(s);
      this.skipBlank();
      if (this.t[this.i] === "|" && this.t[this.i + 1] !== "|") {
        this.i += this.t[this.i + 1] === "&" ? 2 : 1;
        this.skipBlankLines();
        continue;
      }
      return { stages };
    }
  }

  private stage(close: string | null): Stage | null {
    const t = this.t;
    // reserved words that start a compound command or a condition are skipped
    for (;;) {
      if (!"iedwu!t".includes(t[this.i] ?? "x")) break; // the cheap test first
      const m = /^(?:if|then|else|elif|do|while|until|!|time)(?=[ \t\n;])/.exec(t.slice(this.i, this.i + 6));
      if (!m) break;
      this.i += m[0].length;
      this.skipBlank();
    }
    const c = t[this.i];
    if (c === "(" || (c === "{" && SPACE.has(t[this.i + 1] ?? "") ) || (c === "{" && t[this.i + 1] === "\n")) {
      if (this.depth > 50) return null;
      this.i++;
      this.depth++;
      const body = this.list(c === "(" ? ")" : "}");
      this.depth--;
      const redirects: Redirect[] = [];
      this.redirectsInto(redirects);
      return { kind: "group", body, redirects };
    }
    const cmd: Simple = { kind: "simple", assigns: [], words: [], redirects: [] };
    for (;;) {
      this.skipBlank();
      const ch = t[this.i];
      if (ch === undefined || ch === "\n" || ch === ";" || ch === "|" || ch === "&" && t[this.i + 1] !== ">" || ch === ")" || (close !== null && ch === close && cmd.words.length === 0)) break;
      if (ch === "#" ) { while (this.i < t.length && t[this.i] !== "\n") this.i++; break; }
      if ((ch === "<" || ch === ">") && t[this.i + 1] === "(" && this.depth <= 50) {
        const start = this.i;
        this.i += 2;
        this.depth++;
        const proc = this.list(")");
        this.depth--;
        cmd.words.push({ start, end: this.i, value: "", offs: [], literal: false, subst: true, proc });
        continue;
      }
      if (this.redirect(cmd.redirects)) continue;
      if (ch === "(") { // `f() {`, `$(` is inside words; a bare `(` here is odd: stop
        if (t[this.i + 1] === ")") { this.i += 2; continue; }
        break;
      }
      const w = this.word();
      if (!w) { this.i++; continue; }
      if (cmd.words.length === 0 && /^[A-Za-z_][A-Za-z0-9_]*\+?=/.test(w.value) && !w.value.startsWith("=")) cmd.assigns.push(w);
      else if (cmd.words.length === 0 && RESERVED.has(w.value) && (w.value === "}" || w.value === "fi" || w.value === "done" || w.value === "esac")) continue;
      else cmd.words.push(w);
    }
    return cmd.words.length || cmd.assigns.length || cmd.redirects.length ? cmd : null;
  }

  private redirectsInto(out: Redirect[]): void {
    for (;;) {
      this.skipBlank();
      if (!this.redirect(out)) return;
    }
  }

  /** Reads a redirection at the cursor, if there is one. */
  private redirect(out: Redirect[]): boolean {
    const c = this.t.charCodeAt(this.i);
    if (c !== 60 && c !== 62 && c !== 38 && (c < 48 || c > 57)) return false; // `<`, `>`, `&` or a digit: the cheap test first
    const m = /^(?:\d+)?(<<<|<<-|<<|<&|>&|&>>|&>|>>|>\||<>|<|>)/.exec(this.t.slice(this.i, this.i + 6));
    if (!m) return false;
    if (/^\d/.test(m[0]) && this.i > 0 && !SPACE.has(this.t[this.i - 1]!) && this.t[this.i - 1] !== "\n") return false;
    this.i += m[0].length;
    const op = m[1]!;
    this.skipBlank();
    const target = this.word();
    const r: Redirect = { op, target };
    out.push(r);
    if ((op === "<<" || op === "<<-") && target) {
      const quoted = /['"\\]/.test(this.t.slice(target.start, target.end));
      this.pendingDocs.push({ redirect: r, delim: target.value, strip: op === "<<-", quoted });
    }
    return true;
  }

  /** After a newline: the bodies of the here-docs opened on the line just read. */
  private readDocs(): void {
    const t = this.t;
    for (const d of this.pendingDocs) {
      const start = this.i;
      let end = t.length, next = t.length;
      for (let ls = this.i; ls < t.length;) {
        let le = t.indexOf("\n", ls);
        if (le < 0) le = t.length;
        if (t.slice(ls, le).trim() === d.delim) { end = ls; next = Math.min(le + 1, t.length); break; }
        ls = le + 1;
      }
      const value = t.slice(start, end);
      const offs = Array.from({ length: value.length }, (_, k) => start + k);
      d.redirect.body = { start, end, value, offs, literal: d.quoted || !/[$`]/.test(value), subst: !d.quoted && /\$\(|`/.test(value) };
      this.i = next;
    }
    this.pendingDocs = [];
  }

  private skipBlank(): void {
    const t = this.t;
    while (this.i < t.length) {
      const c = t[this.i]!;
      if (SPACE.has(c) || c === "\r") this.i++;
      else if (c === "\\" && t[this.i + 1] === "\n") this.i += 2;
      else break;
    }
  }

  private skipBlankLines(): void {
    while (this.i < this.t.length && (SPACE.has(this.t[this.i]!) || this.t[this.i] === "\n" || this.t[this.i] === "\r")) this.i++;
  }

  /** One word at the cursor (null if none): quotes removed, escapes applied, expansions kept as written. */
  private word(): Word | null {
    const t = this.t;
    const start = this.i;
    let value = "";
    const offs: number[] = [];
    let literal = true, subst = false;
    const add = (ch: string, at: number): void => { value += ch; offs.push(at); };
    while (this.i < t.length) {
      const c = t[this.i]!;
      if (this.meta.has(c)) break;
      if (c === "\\") {
        if (t[this.i + 1] === "\n") { this.i += 2; continue; }
        if (this.i + 1 < t.length) add(t[this.i + 1]!, this.i + 1);
        this.i += 2;
        continue;
      }
      if (c === "'") {
        const e = t.indexOf("'", this.i + 1);
        const stop = e < 0 ? t.length : e;
        for (let k = this.i + 1; k < stop; k++) add(t[k]!, k);
        this.i = stop + 1;
        continue;
      }
      if (c === "$" && t[this.i + 1] === "'") {
        // ANSI-C quoting: \n, \t, \\, \' decoded; the rest kept
        let k = this.i + 2;
        while (k < t.length && t[k] !== "'") {
          if (t[k] === "\\" && k + 1 < t.length) {
            const e = t[k + 1]!;
            add(e === "n" ? "\n" : e === "t" ? "\t" : e === "r" ? "\r" : e, k);
            k += 2;
          } else { add(t[k]!, k); k++; }
        }
        this.i = k + 1;
        continue;
      }
      if (c === "\"") {
        let k = this.i + 1;
        while (k < t.length && t[k] !== "\"") {
          const d = t[k]!;
          if (d === "\\" && k + 1 < t.length && "\"\\$`\n".includes(t[k + 1]!)) {
            if (t[k + 1] !== "\n") add(t[k + 1]!, k + 1);
            k += 2;
            continue;
          }
          if (d === "$" || d === "`") {
            const e = this.expansion(k);
            if (t[k + 1] === "(" || d === "`") subst = true;
            literal = false;
            for (let j = k; j < e; j++) add(t[j]!, j);
            k = e;
            continue;
          }
          add(d, k);
          k++;
        }
        this.i = Math.min(k + 1, t.length);
        continue;
      }
      if (c === "$" || c === "`") {
        const e = this.expansion(this.i);
        if (e === this.i + 1 && c === "$") { add(c, this.i); this.i++; continue; } // a lone `$`
        if (t[this.i + 1] === "(" || c === "`") subst = true;
        literal = false;
        for (let j = this.i; j < e; j++) add(t[j]!, j);
        this.i = e;
        continue;
      }
      add(c, this.i);
      this.i++;
    }
    if (this.i === start) return null;
    return { start, end: this.i, value, offs, literal, subst };
  }

  /** End of the expansion starting at `k` (`$x`, `${…}`, `$(…)`, `$((…))`, `` `…` ``). */
  private expansion(k: number): number {
    const t = this.t;
    if (t[k] === "`") {
      const e = t.indexOf("`", k + 1);
      return e < 0 ? t.length : e + 1;
    }
    const n = t[k + 1];
    if (n === "{" || n === "(") {
      const open = n, closeCh = n === "{" ? "}" : ")";
      let depth = 0;
      for (let j = k + 1; j < t.length; j++) {
        const ch = t[j]!;
        if (ch === "\\") { j++; continue; }
        if (ch === "'" && open === "(") { const e = t.indexOf("'", j + 1); if (e < 0) return t.length; j = e; continue; }
        if (ch === open) depth++;
        else if (ch === closeCh && --depth === 0) return j + 1;
      }
      return t.length;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*|^[0-9@*#?$!-]/.exec(t.slice(k + 1, k + 65));
    return k + 1 + (m ? m[0].length : 0);
  }
}
