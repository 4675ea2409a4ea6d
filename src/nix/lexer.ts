// The Nix lexer: a charCodeAt state machine that reproduces the token stream of
// Nix 2.8's flex lexer (src/libexpr/lexer.l) exactly, including its longest-match
// rules (`a/b` is a path, `x:y` a URI, `1e3` is INT then ID) and its state stack
// (strings, indented strings, paths with `${}`). Flex's states do not depend on
// the parser, so the whole file is tokenised up front and the parser reads the
// buffer. Lexing never throws: what Nix rejects becomes an ERROR token.

/** Token kinds; the names are those of Nix's parser.y where it has one. */
export enum Tok {
  EOF, ERROR,
  ID, INT, FLOAT, PATH, HPATH, SPATH, URI,
  STR, IND_STR, IND_STR_ESC, PATH_STR, PATH_END,
  STRING_OPEN, STRING_CLOSE, IND_STRING_OPEN, IND_STRING_CLOSE, DOLLAR_CURLY,
  IF, THEN, ELSE, ASSERT, WITH, LET, IN, REC, INHERIT, OR_KW, ELLIPSIS,
  EQ, NEQ, LEQ, GEQ, AND, OR, IMPL, UPDATE, CONCAT,
  LBRACE, RBRACE, LPAREN, RPAREN, LBRACK, RBRACK,
  SEMI, COLON, COMMA, AT, DOT, QUESTION, ASSIGN, PLUS, MINUS, STAR, SLASH, LT, GT, NOT,
}

/** Struct-of-arrays token buffer; `messages` holds ERROR texts by token index. */
export interface TokenBuffer {
  count: number;
  kinds: Uint8Array;
  starts: Int32Array;
  ends: Int32Array;
  messages: Map<number, string>;
}

export type CommentHandler = (start: number, end: number) => void;

// Lexer states, as in lexer.l. INITIAL is the bottom of the stack; a `}` there
// does not pop (Nix's own guard), which keeps stray braces from underflowing.
const INITIAL = 0, DEFAULT = 1, STRING = 2, IND_STRING = 3, INPATH = 4, INPATH_SLASH = 5;

const C_ID_START = 1, C_ID = 2, C_SCHEME = 4, C_URI = 8, C_DIGIT = 16, C_PATH = 32;
const cls = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  const alpha = /[a-zA-Z]/.test(ch), digit = /[0-9]/.test(ch);
  cls[c] = (alpha || ch === "_" ? C_ID_START : 0)
    | (alpha || digit || "_'-".includes(ch) ? C_ID : 0)
    | (alpha || digit || "+-.".includes(ch) ? C_SCHEME : 0)
    | (alpha || digit || "%/?:@&=+$,-_.!~*'".includes(ch) ? C_URI : 0)
    | (digit ? C_DIGIT : 0)
    | (alpha || digit || "._-+".includes(ch) ? C_PATH : 0);
}
const has = (c: number, bit: number): boolean => c < 128 && (cls[c]! & bit) !== 0;
/** `PATH_CHAR` of lexer.l: `[a-zA-Z0-9\.\_\-\+]`. */
const isPathChar = (c: number): boolean => c < 128 && (cls[c]! & C_PATH) !== 0;

// Runs of one character class are measured with sticky regexes: irregexp
// compiles them to native code after their first use, while a charCodeAt
// loop stays in the interpreter until V8 optimises the function around it,
// which is much of a one-shot audit of a few thousand files. The classes
// are those of `cls` above (ASCII only, like flex's).
const WS_RUN = /[ \t\r\n]*/y;
const ID_RUN = /[a-zA-Z0-9_'-]*/y;
const PATH_RUN = /[a-zA-Z0-9._+-]*/y;
const SCHEME_RUN = /[a-zA-Z0-9+.-]*/y;
const COMMENT_RUN = /[^\r\n]*/y;
const STRING_CHARS = /[^"\\$]*/y;
const IND_STRING_CHARS = /[^$']*/y;
const SPACES = / */y;

/** The end of the run of `re` (a sticky, possibly empty pattern) that starts at `i`. */
function runEnd(re: RegExp, src: string, i: number): number {
  re.lastIndex = i;
  re.test(src);
  return re.lastIndex;
}

/**
 * The keyword token for the identifier src[s, s+len), else ID. Decided by
 * first letter and length, then compared in place: a slice and a map lookup
 * per short identifier cost more than the rest of lexing it.
 */
function keyword(src: string, s: number, len: number): Tok {
  let kw: string, k: Tok;
  switch (src.charCodeAt(s)) {
    case 105: // i
      if (len === 2) { const d = src.charCodeAt(s + 1); return d === 102 ? Tok.IF : d === 110 ? Tok.IN : Tok.ID; }
      kw = "inherit"; k = Tok.INHERIT; break;
    case 116: kw = "then"; k = Tok.THEN; break;
    case 101: kw = "else"; k = Tok.ELSE; break;
    case 97: kw = "assert"; k = Tok.ASSERT; break;
    case 119: kw = "with"; k = Tok.WITH; break;
    case 108: kw = "let"; k = Tok.LET; break;
    case 114: kw = "rec"; k = Tok.REC; break;
    case 111: kw = "or"; k = Tok.OR_KW; break;
    default: return Tok.ID;
  }
  return len === kw.length && src.startsWith(kw, s) ? k : Tok.ID;
}

// One set of token arrays is handed from parse to parse (recycle): a fresh
// set per file is a zeroed allocation of about twice the file's size, and on
// an audit of thousands of files those allocations and the page faults and
// collections they cause cost as much as lexing the tokens into them.
let spare: TokenBuffer | null = null;

/**
 * Gives the arrays of a buffer that is no longer read back to `lex`. Only
 * for callers that drop every reference to `buf` (the parser does).
 */
export function recycle(buf: TokenBuffer): void {
  if (spare === null || spare.kinds.length < buf.kinds.length) spare = buf;
}

/**
 * Tokenises `src` exactly as Nix 2.8 would; never throws. The arrays may be
 * longer than `count`; two EOF kinds always follow the last token, so the
 * parser's lookahead never reads past the end.
 */
export function lex(src: string, onComment?: CommentHandler): TokenBuffer {
  const n = src.length;
  let cap: number, kinds: Uint8Array, starts: Int32Array, ends: Int32Array;
  const reuse = spare;
  spare = null;
  if (reuse !== null) {
    ({ kinds, starts, ends } = reuse);
    cap = kinds.length;
  } else {
    cap = (n >> 2) + 16;
    kinds = new Uint8Array(cap); starts = new Int32Array(cap); ends = new Int32Array(cap);
  }
  const messages = new Map<number, string>();
  let count = 0;
  const stack: number[] = [];
  let state = INITIAL;

  const push = (k: Tok, s: number, e: number): void => {
    if (count === cap) {
      cap *= 2;
      const k2 = new Uint8Array(cap); k2.set(kinds); kinds = k2;
      const s2 = new Int32Array(cap); s2.set(starts); starts = s2;
      const e2 = new Int32Array(cap); e2.set(ends); ends = e2;
    }
    kinds[count] = k; starts[count] = s; ends[count] = e; count++;
  };
  const error = (s: number, e: number, message: string): void => {
    messages.set(count, message);
    push(Tok.ERROR, s, e);
  };
  const enter = (next: number): void => { stack.push(state); state = next; };
  const leave = (): void => { state = stack.pop() ?? INITIAL; };
  // A path token (PATH, HPATH or PATH_STR) puts the lexer into INPATH or, after
  // a trailing slash, INPATH_SLASH, where a non-path character ends the path.
  const pathState = (e: number): number => (src.charCodeAt(e - 1) === 47 ? INPATH_SLASH : INPATH);

  let pathRunEnd = 0, schemeRunEnd = 0;
  let i = 0;
  while (i < n) {
    const c = src.charCodeAt(i);
    if (state <= DEFAULT) {
      // The commonest tokens inline: whitespace, and identifiers that no path
      // or URI character follows (word's fast path). In the interpreter each
      // call costs more than such a token.
      if (c === 32 || c === 10) { i = runEnd(WS_RUN, src, i + 1); continue; }
      if (c < 128 && (cls[c]! & C_ID_START) !== 0) {
        const j = runEnd(ID_RUN, src, i + 1), d = src.charCodeAt(j);
        if (d !== 46 && d !== 43 && d !== 58 && d !== 47) {
          const len = j - i;
          push(len >= 2 && len <= 7 ? keyword(src, i, len) : Tok.ID, i, j);
          i = j;
          continue;
        }
      }
      i = lexDefault(c, i);
      continue;
    }
    if (state === STRING) {
      if (c === 34) { push(Tok.STRING_CLOSE, i, i + 1); leave(); i++; continue; }
      if (c === 36 && src.charCodeAt(i + 1) === 123) { push(Tok.DOLLAR_CURLY, i, i + 2); enter(DEFAULT); i += 2; continue; }
      const e = scanStringRun(src, i);
      if (e > i) { push(Tok.STR, i, e); i = e; continue; }
      // Only a lone `$`, `\` or `$\` at end of input gets here (lexer.l rule 5).
      error(i, n, "unterminated string"); leave(); i = n; continue;
    }
    if (state === IND_STRING) {
      if (c === 39 && src.charCodeAt(i + 1) === 39) {
        const c2 = i + 2 < n ? src.charCodeAt(i + 2) : -1;
        if (c2 === 36 || c2 === 39) { push(Tok.IND_STR_ESC, i, i + 3); i += 3; continue; }
        if (c2 === 92 && i + 3 < n) { push(Tok.IND_STR_ESC, i, i + 4); i += 4; continue; }
        push(Tok.IND_STRING_CLOSE, i, i + 2); leave(); i += 2; continue;
      }
      if (c === 36 && src.charCodeAt(i + 1) === 123) { push(Tok.DOLLAR_CURLY, i, i + 2); enter(DEFAULT); i += 2; continue; }
      const e = scanIndentedRun(src, i, n);
      push(e > i ? Tok.IND_STR : Tok.IND_STR_ESC, i, e > i ? e : i + 1); // a lone `$` or `'`
      i = e > i ? e : i + 1;
      continue;
    }
    if (state === INPATH || state === INPATH_SLASH) {
      if (c === 36 && src.charCodeAt(i + 1) === 123) {
        state = INPATH; push(Tok.DOLLAR_CURLY, i, i + 2); enter(DEFAULT); i += 2; continue;
      }
      const e = scanPathPart(src, i);
      if (e > i) { push(Tok.PATH_STR, i, e); state = pathState(e); i = e; continue; }
      if (state === INPATH_SLASH) error(i, i, "path has a trailing slash");
      else push(Tok.PATH_END, i, i);
      leave();
      continue;
    }
  }
  // End of input with states open: paths end, strings are unterminated
  // (also when the input stops inside one of their interpolations).
  while (state !== INITIAL) {
    if (state === INPATH) push(Tok.PATH_END, n, n);
    else if (state === INPATH_SLASH) error(n, n, "path has a trailing slash");
    else if (state !== DEFAULT) error(n, n, "unterminated string");
    leave();
  }
  push(Tok.EOF, n, n);
  push(Tok.EOF, n, n);
  push(Tok.EOF, n, n);
  count -= 2;
  return { count, kinds, starts, ends, messages };

  function lexDefault(c: number, i: number): number {
    switch (c) {
      case 32: case 9: case 10: case 13: {
        return runEnd(WS_RUN, src, i + 1);
      }
      case 35: { // # comment, up to (not including) CR or LF
        const j = runEnd(COMMENT_RUN, src, i + 1);
        onComment?.(i, j);
        return j;
      }
      case 47: { // `/`: comment, `//`, a path, or division
        const d = src.charCodeAt(i + 1);
        if (d === 42) {
          const close = src.indexOf("*/", i + 2);
          if (close < 0) { error(i, n, "unterminated comment"); return n; }
          onComment?.(i, close + 2);
          return close + 2;
        }
        if (d === 47) { push(Tok.UPDATE, i, i + 2); return i + 2; }
        return word(c, i);
      }
      case 126: { // `~/…` home path
        const e = src.charCodeAt(i + 1) === 47 ? scanHomePath(src, i) : -1;
        if (e < 0) return bad(i);
        push(Tok.HPATH, i, e); enter(pathState(e)); return e;
      }
      case 60: { // `<nixpkgs/…>`, `<=`, `<`
        const e = scanSearchPath(src, i);
        if (e > 0) { push(Tok.SPATH, i, e); return e; }
        return op2(i, 61, Tok.LEQ, Tok.LT);
      }
      case 62: return op2(i, 61, Tok.GEQ, Tok.GT);
      case 61: return op2(i, 61, Tok.EQ, Tok.ASSIGN);
      case 33: return op2(i, 61, Tok.NEQ, Tok.NOT);
      case 38: return src.charCodeAt(i + 1) === 38 ? tok(Tok.AND, i, 2) : bad(i);
      case 124: return src.charCodeAt(i + 1) === 124 ? tok(Tok.OR, i, 2) : bad(i);
      case 36:
        if (src.charCodeAt(i + 1) !== 123) return bad(i);
        push(Tok.DOLLAR_CURLY, i, i + 2); enter(DEFAULT); return i + 2;
      case 123: push(Tok.LBRACE, i, i + 1); enter(DEFAULT); return i + 1;
      case 125: push(Tok.RBRACE, i, i + 1); if (state !== INITIAL) leave(); return i + 1;
      case 34: push(Tok.STRING_OPEN, i, i + 1); enter(STRING); return i + 1;
      case 39: {
        if (src.charCodeAt(i + 1) !== 39) return bad(i);
        // `''` swallows trailing spaces and one newline: `\'\'(\ *\n)?`
        let j = i + 2;
        while (src.charCodeAt(j) === 32) j++;
        const e = src.charCodeAt(j) === 10 ? j + 1 : i + 2;
        push(Tok.IND_STRING_OPEN, i, e); enter(IND_STRING); return e;
      }
      case 40: return tok(Tok.LPAREN, i, 1);
      case 41: return tok(Tok.RPAREN, i, 1);
      case 91: return tok(Tok.LBRACK, i, 1);
      case 93: return tok(Tok.RBRACK, i, 1);
      case 59: return tok(Tok.SEMI, i, 1);
      case 58: return tok(Tok.COLON, i, 1);
      case 44: return tok(Tok.COMMA, i, 1);
      case 64: return tok(Tok.AT, i, 1);
      case 63: return tok(Tok.QUESTION, i, 1);
      case 42: return tok(Tok.STAR, i, 1);
      default:
        if (isPathChar(c)) return word(c, i);
        return bad(i);
    }
  }

  function tok(k: Tok, i: number, len: number): number { push(k, i, i + len); return i + len; }
  function op2(i: number, second: number, two: Tok, one: Tok): number {
    return src.charCodeAt(i + 1) === second ? tok(two, i, 2) : tok(one, i, 1);
  }
  function bad(i: number): number {
    const cp = src.codePointAt(i)!;
    const len = cp > 0xffff ? 2 : 1;
    error(i, i + len, `unexpected character ${JSON.stringify(String.fromCodePoint(cp))}`);
    return i + len;
  }

  // Identifiers, keywords, numbers, paths and URIs compete by longest match;
  // flex breaks ties by rule order (keywords, operators, ID, INT, FLOAT, paths, URI).
  function word(c: number, i: number): number {
    let best = Tok.ERROR, bestEnd = i;
    if (has(c, C_ID_START)) {
      let j = i + 1;
      j = runEnd(ID_RUN, src, j);
      best = Tok.ID; bestEnd = j;
      const d = src.charCodeAt(j);
      if (d !== 46 && d !== 43 && d !== 58 && d !== 47) return emitWord(best, i, bestEnd); // fast path
    } else if (has(c, C_DIGIT)) {
      let j = i + 1;
      while (has(src.charCodeAt(j), C_DIGIT)) j++;
      best = Tok.INT; bestEnd = j;
    }
    if (c === 46 || has(c, C_DIGIT)) {
      const e = scanFloat(src, i);
      if (e > bestEnd) { best = Tok.FLOAT; bestEnd = e; }
    }
    const two = src.charCodeAt(i + 1);
    if (c === 46 && two === 46 && src.charCodeAt(i + 2) === 46 && bestEnd < i + 3) { best = Tok.ELLIPSIS; bestEnd = i + 3; }
    if (c === 45 && two === 62 && bestEnd < i + 2) { best = Tok.IMPL; bestEnd = i + 2; }
    if (c === 43 && two === 43 && bestEnd < i + 2) { best = Tok.CONCAT; bestEnd = i + 2; }
    // Runs of path and scheme characters are scanned once, not once per
    // token inside them: `a.b.c…` or `-----` would otherwise be quadratic.
    if (i >= pathRunEnd) pathRunEnd = runEnd(PATH_RUN, src, i);
    const p = scanPath(src, pathRunEnd);
    if (p > bestEnd) { best = Tok.PATH; bestEnd = p; }
    if (has(c, C_ID_START) && c !== 95) {
      if (i + 1 >= schemeRunEnd) schemeRunEnd = runEnd(SCHEME_RUN, src, i + 1);
      const u = scanUri(src, schemeRunEnd);
      if (u > bestEnd) { best = Tok.URI; bestEnd = u; }
    }
    if (bestEnd === i) {
      const single = c === 46 ? Tok.DOT : c === 45 ? Tok.MINUS : c === 43 ? Tok.PLUS : c === 47 ? Tok.SLASH : Tok.ERROR;
      if (single === Tok.ERROR) return bad(i);
      return tok(single, i, 1);
    }
    return emitWord(best, i, bestEnd);
  }

  function emitWord(k: Tok, s: number, e: number): number {
    if (k === Tok.ID) {
      const len = e - s;
      if (len >= 2 && len <= 7) k = keyword(src, s, len);
    } else if (k === Tok.INT) {
      if (e - s >= 19 && !fitsInt64(src.slice(s, e))) { error(s, e, `invalid integer '${src.slice(s, e)}'`); return e; }
    } else if (k === Tok.FLOAT) {
      if (!floatInRange(src.slice(s, e))) { error(s, e, `invalid float '${src.slice(s, e)}'`); return e; }
    }
    push(k, s, e);
    if (k === Tok.PATH) enter(pathState(e));
    return e;
  }
}

// STRING state run (lexer.l rules 1 and 2): plain chars, `$x`, `\x` and `$\x`;
// a `$` right before the closing quote belongs to the run. Plain characters
// are skipped by regex; the rest is left to this loop (one regex for the
// whole grammar would need irregexp's backtrack stack per character, which
// overflows on strings of tens of megabytes).
function scanStringRun(src: string, i: number): number {
  const n = src.length;
  for (;;) {
    i = runEnd(STRING_CHARS, src, i);
    if (i >= n) return i;
    const c = src.charCodeAt(i);
    if (c === 34) return i;
    if (c === 92) { if (i + 1 >= n) return i; i += 2; continue; }
    // c === 36 (`$`)
    if (i + 1 >= n) return i;
    const d = src.charCodeAt(i + 1);
    if (d === 123) return i;
    if (d === 34) return i + 1;
    if (d === 92) { if (i + 2 >= n) return i; i += 3; continue; }
    i += 2;
  }
}

// `{PATH_CHAR}*(\/{PATH_CHAR}+)+\/?` (a PATH), or `{PATH_CHAR}*\/` when `${`
// follows (lexer.l's PATH_SEG rule, which yields the same PATH token).
// `j` is the end of the run of path characters the token starts with.
function scanPath(src: string, j: number): number {
  if (src.charCodeAt(j) !== 47) return -1;
  if (!isPathChar(src.charCodeAt(j + 1))) {
    return src.charCodeAt(j + 1) === 36 && src.charCodeAt(j + 2) === 123 ? j + 1 : -1;
  }
  return scanSegments(src, j);
}

function scanSegments(src: string, j: number): number {
  while (src.charCodeAt(j) === 47) {
    if (!isPathChar(src.charCodeAt(j + 1))) return j + 1;
    j += 2;
    while (isPathChar(src.charCodeAt(j))) j++;
  }
  return j;
}

// Inside a path after `${…}`: `{PATH}|{PATH_SEG}|{PATH_CHAR}+`, longest.
function scanPathPart(src: string, i: number): number {
  let j = i;
  while (isPathChar(src.charCodeAt(j))) j++;
  return src.charCodeAt(j) === 47 ? scanSegments(src, j) : j;
}

function scanHomePath(src: string, i: number): number {
  if (src.charCodeAt(i + 2) === 36 && src.charCodeAt(i + 3) === 123) return i + 2; // `~/${`
  if (!isPathChar(src.charCodeAt(i + 2))) return -1;
  return scanSegments(src, i + 1);
}

function scanSearchPath(src: string, i: number): number {
  let j = i + 1;
  if (!isPathChar(src.charCodeAt(j))) return -1;
  for (;;) {
    while (isPathChar(src.charCodeAt(j))) j++;
    const c = src.charCodeAt(j);
    if (c === 62) return j + 1;
    if (c !== 47 || !isPathChar(src.charCodeAt(j + 1))) return -1;
    j++;
  }
}

/** `j` is the end of the scheme characters after the first letter. */
function scanUri(src: string, j: number): number {
  if (src.charCodeAt(j) !== 58 || !has(src.charCodeAt(j + 1), C_URI)) return -1;
  j += 2;
  while (has(src.charCodeAt(j), C_URI)) j++;
  return j;
}

// `(([1-9][0-9]*\.[0-9]*)|(0?\.[0-9]+))([Ee][+-]?[0-9]+)?`
function scanFloat(src: string, i: number): number {
  let j = i;
  const c = src.charCodeAt(j);
  if (c >= 49 && c <= 57) {
    while (has(src.charCodeAt(j), C_DIGIT)) j++;
    if (src.charCodeAt(j) !== 46) return -1;
    j++;
    while (has(src.charCodeAt(j), C_DIGIT)) j++;
  } else {
    if (c === 48) j++;
    if (src.charCodeAt(j) !== 46 || !has(src.charCodeAt(j + 1), C_DIGIT)) return -1;
    j += 2;
    while (has(src.charCodeAt(j), C_DIGIT)) j++;
  }
  const e = src.charCodeAt(j);
  if (e === 69 || e === 101) {
    let k = j + 1;
    const s = src.charCodeAt(k);
    if (s === 43 || s === 45) k++;
    if (has(src.charCodeAt(k), C_DIGIT)) {
      while (has(src.charCodeAt(k), C_DIGIT)) k++;
      j = k;
    }
  }
  return j;
}

const INT64_MAX = "9223372036854775807";
function fitsInt64(digits: string): boolean {
  let k = 0;
  while (k < digits.length - 1 && digits.charCodeAt(k) === 48) k++;
  const d = digits.slice(k);
  return d.length < 19 || (d.length === 19 && d <= INT64_MAX);
}

// Nix checks errno after strtod: overflow and underflow (a subnormal or zero
// result from non-zero digits) are "invalid float" errors.
function floatInRange(text: string): boolean {
  const v = Number(text);
  if (!Number.isFinite(v)) return false;
  if (v === 0) return !/[1-9]/.test(text.replace(/[eE].*$/, ""));
  return Math.abs(v) >= 2.2250738585072014e-308;
}

/** Token kind names: Nix's own (parser.y) where it has one, plus COMMENT. */
export type TokenKind = keyof typeof Tok | "COMMENT";

/**
 * One token. `value` is set for string pieces (STR decoded, IND_STR raw with
 * indentation not yet stripped, IND_STR_ESC decoded) and for ERROR (a message).
 */
export interface Token {
  kind: TokenKind;
  start: number;
  end: number;
  value?: string;
}

export interface TokenizeOptions {
  /** Include COMMENT tokens (default false). */
  comments?: boolean;
}

/**
 * The token stream of any input, for scanning files that do not parse. Never
 * throws: text Nix would reject yields ERROR tokens and lexing goes on. Ends with EOF.
 */
export function tokenize(source: string, options: TokenizeOptions = {}): Token[] {
  const comments: Token[] = [];
  const buf = lex(source, options.comments ? (start, end) => comments.push({ kind: "COMMENT", start, end }) : undefined);
  const out: Token[] = [];
  let c = 0;
  for (let i = 0; i < buf.count; i++) {
    const k = buf.kinds[i]! as Tok, start = buf.starts[i]!, end = buf.ends[i]!;
    while (c < comments.length && comments[c]!.start <= start) out.push(comments[c++]!);
    const t: Token = { kind: Tok[k] as keyof typeof Tok, start, end };
    if (k === Tok.STR) t.value = decodeString(source, start, end);
    else if (k === Tok.IND_STR) t.value = source.slice(start, end);
    else if (k === Tok.IND_STR_ESC) t.value = decodeIndentedEscape(source, start, end);
    else if (k === Tok.ERROR) t.value = buf.messages.get(i) ?? "invalid token";
    out.push(t);
  }
  return out;
}

// ---------------------------------------------------------------------------
// String pieces. Nix decodes "…" pieces with unescapeStr and keeps ''…'' runs
// raw until stripIndentation (parser.y); both are reproduced here because the
// parser and the --parse printer (show.ts) need them token by token.

/** IND_STRING run `([^\$\']|\$[^\{\']|\'[^\'\$])+` in src[i, n); returns `i` when empty. */
function scanIndentedRun(src: string, i: number, n: number): number {
  while (i < n) {
    i = runEnd(IND_STRING_CHARS, src, i); // may pass n: the closing `''` stops it soon after
    if (i >= n) return n;
    const c = src.charCodeAt(i); // `$` or `'`
    if (i + 1 >= n) return i;
    const d = src.charCodeAt(i + 1);
    if (d === 39 || (c === 36 ? d === 123 : d === 36)) return i;
    i += 2;
  }
  return i;
}

/** Nix's unescapeStr on src[start, end): `\n \r \t`, `\x` → x, CR and CRLF → LF. */
export function decodeString(src: string, start: number, end: number): string {
  let j = start;
  while (j < end) {
    const c = src.charCodeAt(j);
    if (c === 92 || c === 13) break;
    j++;
  }
  if (j === end) return src.slice(start, end);
  let out = src.slice(start, j);
  while (j < end) {
    const c = src.charCodeAt(j++);
    if (c === 92) {
      const d = src.charCodeAt(j++);
      out += d === 110 ? "\n" : d === 114 ? "\r" : d === 116 ? "\t" : String.fromCharCode(d);
    } else if (c === 13) {
      out += "\n";
      if (src.charCodeAt(j) === 10) j++;
    } else {
      let k = j;
      while (k < end) { const d = src.charCodeAt(k); if (d === 92 || d === 13) break; k++; }
      out += src.slice(j - 1, k);
      j = k;
    }
  }
  return out;
}

/** The value of an IND_STR_ESC token: `''$`, `'''`, `''\x`, or a lone `$` or `'`. */
export function decodeIndentedEscape(src: string, start: number, end: number): string {
  if (end - start === 1) return src[start]!;
  const c = src.charCodeAt(start + 2);
  if (c === 36) return "$";
  if (c === 39) return "''";
  return decodeString(src, start + 2, end);
}

/** One literal token of an indented string; `indent` is Nix's hasIndentation. */
export interface IndentedItem {
  text: string;
  indent: boolean;
}

/** Re-lexes the literal source range [start, end) of an indented string into Nix's tokens. */
export function indentedItems(src: string, start: number, end: number): IndentedItem[] {
  const items: IndentedItem[] = [];
  let i = start;
  while (i < end) {
    let e: number;
    if (src.charCodeAt(i) === 39 && src.charCodeAt(i + 1) === 39) e = src.charCodeAt(i + 2) === 92 ? i + 4 : i + 3;
    else {
      e = scanIndentedRun(src, i, end);
      if (e > i) { items.push({ text: src.slice(i, e), indent: true }); i = e; continue; }
      e = i + 1;
    }
    items.push({ text: decodeIndentedEscape(src, i, e), indent: false });
    i = e;
  }
  return items;
}

/**
 * parser.y's stripIndentation, token by token: `null` items are interpolations.
 * The minimum indentation counts only spaces at line starts of raw runs (tabs
 * and escapes end it; whitespace-only lines do not count); then that many
 * leading spaces are dropped from every line, and a final whitespace-only line
 * is removed if it is the last token. Returns one string (or null) per item.
 */
export function stripIndentation(items: readonly (IndentedItem | null)[]): (string | null)[] {
  // Runs of spaces are measured by regex and dropped with one slice per line.
  let atStart = true, minIndent = 1000000, cur = 0;
  for (const it of items) {
    if (it === null || !it.indent) {
      if (atStart) { atStart = false; if (cur < minIndent) minIndent = cur; }
      continue;
    }
    const t = it.text;
    for (let j = 0; j < t.length;) {
      if (!atStart) { // skip to the next line
        j = t.indexOf("\n", j) + 1;
        if (j === 0) break;
        atStart = true; cur = 0;
        continue;
      }
      const e = runEnd(SPACES, t, j);
      cur += e - j;
      j = e;
      if (j >= t.length) break;
      if (t.charCodeAt(j++) === 10) cur = 0;
      else { atStart = false; if (cur < minIndent) minIndent = cur; }
    }
  }
  const out: (string | null)[] = new Array<string | null>(items.length);
  atStart = true;
  let dropped = 0;
  for (let k = 0; k < items.length; k++) {
    const it = items[k]!;
    if (it === null) { atStart = false; dropped = 0; out[k] = null; continue; }
    const t = it.text;
    let s = "", from = 0;
    for (let j = 0; j < t.length;) {
      if (!atStart) {
        j = t.indexOf("\n", j);
        if (j < 0) break;
        atStart = true;
        j++;
        continue;
      }
      // Of a run of spaces at a line start, the first (minIndent - dropped) go.
      const e = runEnd(SPACES, t, j);
      const drop = Math.min(e - j, minIndent - dropped);
      if (drop > 0) { s += t.slice(from, j); from = j + drop; }
      dropped += e - j;
      j = e;
      if (j >= t.length) break;
      if (t.charCodeAt(j++) === 10) dropped = 0;
      else { atStart = false; dropped = 0; }
    }
    s = from === 0 ? t : s + t.slice(from);
    if (k === items.length - 1) {
      const p = s.lastIndexOf("\n");
      if (p >= 0 && /^ *$/.test(s.slice(p + 1))) s = s.slice(0, p + 1);
    }
    out[k] = s;
  }
  return out;
}
