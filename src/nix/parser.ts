// Recursive-descent parser for Nix 2.x expressions. It accepts exactly what
// Nix 2.8's parser.y accepts (checked differentially against
// `nix-instantiate --parse`, see test/nix/), including the parse-time checks
// Nix makes: duplicate attributes and formals, dynamic attributes in `let` and
// `inherit`. It does not resolve variables (Nix's bindVars step).
import { NixsecError } from "../errors.js";
import { LineMap } from "./ast.js";
import type { AttrName, AttrSetNode, BinaryOp, BindingLike, Formal, Formals, Ident, Inherit, Interpolation, Node, StringNode, StringPart } from "./ast.js";
import { type CommentHandler, type IndentedItem, Tok, type TokenBuffer, decodeIndentedEscape, decodeString, lex, recycle, stripIndentation } from "./lexer.js";

/** The only error `parse` throws; `message` ends with the position. */
export class NixParseError extends NixsecError {
  readonly reason: string;
  readonly offset: number;
  readonly line: number;
  readonly column: number;
  constructor(reason: string, source: string, offset: number) {
    const { line, column } = new LineMap(source).position(offset);
    super(`${reason} at line ${line}, column ${column}`);
    this.name = "NixParseError";
    this.reason = reason;
    this.offset = offset;
    this.line = line;
    this.column = column;
  }
}

export interface ParseOptions {
  /** Maximum nesting of expressions (also bounds the depth of the tree); default 1000. */
  maxDepth?: number;
  /** Called for each line (`#`) and block comment with its source range. */
  onComment?: CommentHandler;
}

/** Parses one Nix expression (a whole file). Throws only NixParseError. */
export function parse(source: string, options: ParseOptions = {}): Node {
  const toks = lex(source, options.onComment);
  const p = new Parser(source, toks, options.maxDepth ?? 1000);
  try {
    const e = p.parseExpr();
    if (p.kind() !== Tok.EOF) p.unexpected("end of file");
    return e;
  } catch (err) {
    // Belt and braces for the depth cap: a stack overflow is a parse error too.
    if (err instanceof RangeError) throw new NixParseError("expression nested too deeply", source, 0);
    throw err;
  } finally {
    recycle(toks); // nothing built from the tokens refers to them
  }
}

// Binding power per operator token, from parser.y's precedence list (weakest
// first). NOT (7) and NEGATE (12) are prefix levels between them.
const PREC = new Uint8Array(64);
PREC[Tok.IMPL] = 1; PREC[Tok.OR] = 2; PREC[Tok.AND] = 3;
PREC[Tok.EQ] = PREC[Tok.NEQ] = 4;
PREC[Tok.LT] = PREC[Tok.GT] = PREC[Tok.LEQ] = PREC[Tok.GEQ] = 5;
PREC[Tok.UPDATE] = 6;
PREC[Tok.PLUS] = PREC[Tok.MINUS] = 8;
PREC[Tok.STAR] = PREC[Tok.SLASH] = 9;
PREC[Tok.CONCAT] = 10;
PREC[Tok.QUESTION] = 11;
const NOT_OPERAND = 8, NEGATE_OPERAND = 13;
const RIGHT = new Set([1, 6, 10]), NONASSOC = new Set([4, 5]);

const OPS: Partial<Record<Tok, BinaryOp>> = {
  [Tok.EQ]: "==", [Tok.NEQ]: "!=", [Tok.LT]: "<", [Tok.LEQ]: "<=", [Tok.GT]: ">", [Tok.GEQ]: ">=",
  [Tok.AND]: "&&", [Tok.OR]: "||", [Tok.IMPL]: "->", [Tok.UPDATE]: "//",
  [Tok.PLUS]: "+", [Tok.MINUS]: "-", [Tok.STAR]: "*", [Tok.SLASH]: "/", [Tok.CONCAT]: "++",
};

/** Tokens that may start a lambda, assert, with, let or if (parser.y's expr_function). */
const FUNCTION_FORM = new Uint8Array(64);
for (const t of [Tok.ID, Tok.LBRACE, Tok.ASSERT, Tok.WITH, Tok.LET, Tok.IF]) FUNCTION_FORM[t] = 1;

/** Tokens that can start an `expr_select` (a function argument or list element). */
const STARTS_SELECT = new Uint8Array(64);
for (const t of [Tok.ID, Tok.INT, Tok.FLOAT, Tok.STRING_OPEN, Tok.IND_STRING_OPEN, Tok.PATH, Tok.HPATH,
  Tok.SPATH, Tok.URI, Tok.LPAREN, Tok.LET, Tok.REC, Tok.LBRACE, Tok.LBRACK]) STARTS_SELECT[t] = 1;

class Parser {
  private readonly kinds: Uint8Array;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private pos = 0;
  private depth = 0;
  /** The last indented string that Nix folds to a constant string (see constString). */
  private folded: StringNode | null = null;
  private foldedValue = "";

  constructor(private readonly src: string, private readonly toks: TokenBuffer, private readonly maxDepth: number) {
    this.kinds = toks.kinds;
    this.starts = toks.starts;
    this.ends = toks.ends;
  }

  kind(): Tok { return this.kinds[this.pos]!; }

  // --- errors --------------------------------------------------------------
  fail(reason: string, offset: number): never {
    throw new NixParseError(reason, this.src, offset);
  }

  unexpected(expected?: string): never {
    const i = this.pos, k = this.kinds[i]!, s = this.starts[i]!;
    if (k === Tok.ERROR) this.fail(this.toks.messages.get(i) ?? "invalid token", s);
    const what = k === Tok.EOF ? "end of file"
      : k === Tok.PATH_END ? "end of path"
      : `'${this.src.slice(s, Math.min(this.ends[i]!, s + 40))}'`;
    this.fail(`unexpected ${what}${expected ? `, expecting ${expected}` : ""}`, s);
  }

  private expect(k: Tok, what: string): number {
    if (this.kinds[this.pos] !== k) this.unexpected(what);
    return this.ends[this.pos++]!;
  }

  /** End offset of the last token consumed. */
  private lastEnd(): number {
    return this.ends[this.pos - 1]!;
  }

  private deeper(): void {
    if (++this.depth > this.maxDepth) this.fail(`expression nested more than ${this.maxDepth} levels deep`, this.starts[this.pos]!);
  }

  private ident(): Ident {
    const i = this.pos++;
    return { type: "Ident", name: this.src.slice(this.starts[i], this.ends[i]), start: this.starts[i]!, end: this.ends[i]! };
  }

  // --- expr_function: lambdas, assert, with, let, if -------------------------
  // Each nesting level costs a few stack frames (parseExpr, parseOp, parseApp,
  // parseSelect, parseSimple); the rarer forms live in their own methods so
  // these stay small and a deep file hits maxDepth well before the JS stack.
  parseExpr(): Node {
    this.deeper();
    const k = this.kinds[this.pos]!;
    const e = FUNCTION_FORM[k] === 1 && this.isFunctionForm(k) ? this.parseFunction(k) : this.parseOp(0);
    this.depth--;
    return e;
  }

  private isFunctionForm(k: Tok): boolean {
    const k1 = this.kinds[this.pos + 1];
    if (k === Tok.ID) return k1 === Tok.COLON || k1 === Tok.AT;
    if (k === Tok.LBRACE) return this.isFormals();
    return k !== Tok.LET || k1 !== Tok.LBRACE;
  }

  private parseFunction(k: Tok): Node {
    const start = this.starts[this.pos]!;
    switch (k) {
      case Tok.ID: {
        const k1 = this.kinds[this.pos + 1];
        if (k1 === Tok.COLON) {
          const arg = this.ident();
          this.pos++;
          const body = this.parseExpr();
          return { type: "Lambda", arg, formals: null, body, start, end: this.lastEnd() };
        }
        const arg = this.ident();
        this.pos++;
        if (this.kinds[this.pos] !== Tok.LBRACE) this.unexpected("'{'");
        return this.finishLambda(start, arg, this.parseFormals());
      }
      case Tok.LBRACE: {
        const formals = this.parseFormals();
        let arg: Ident | null = null;
        if (this.kinds[this.pos] === Tok.AT) {
          this.pos++;
          if (this.kinds[this.pos] !== Tok.ID) this.unexpected("an identifier");
          arg = this.ident();
        }
        return this.finishLambda(start, arg, formals);
      }
      case Tok.ASSERT: case Tok.WITH: {
        this.pos++;
        const first = this.parseExpr();
        this.expect(Tok.SEMI, "';'");
        const body = this.parseExpr();
        return k === Tok.ASSERT
          ? { type: "Assert", cond: first, body, start, end: this.lastEnd() }
          : { type: "With", env: first, body, start, end: this.lastEnd() };
      }
      case Tok.LET: {
        this.pos++;
        const bindings = this.parseBinds(Tok.IN, true);
        this.pos++;
        const body = this.parseExpr();
        return { type: "Let", bindings, body, start, end: this.lastEnd() };
      }
      default: {
        this.pos++;
        const cond = this.parseExpr();
        this.expect(Tok.THEN, "'then'");
        const consequent = this.parseExpr();
        this.expect(Tok.ELSE, "'else'");
        const alternate = this.parseExpr();
        return { type: "If", cond, consequent, alternate, start, end: this.lastEnd() };
      }
    }
  }

  // `{` starts formals (rather than an attribute set) when followed by `}` and
  // then `:` or `@`, by `...`, or by an identifier and then `,` `?` or `}`.
  // This is the choice Nix's GLR parser makes by trying both.
  private isFormals(): boolean {
    const k1 = this.kinds[this.pos + 1], k2 = this.kinds[this.pos + 2];
    if (k1 === Tok.RBRACE) return k2 === Tok.COLON || k2 === Tok.AT;
    if (k1 === Tok.ELLIPSIS) return true;
    return k1 === Tok.ID && (k2 === Tok.COMMA || k2 === Tok.QUESTION || k2 === Tok.RBRACE);
  }

  private parseFormals(): Formals {
    const start = this.starts[this.pos++]!;
    const entries: Formal[] = [];
    let ellipsis = false;
    for (;;) {
      const k = this.kinds[this.pos];
      if (k === Tok.RBRACE) break;
      if (k === Tok.ELLIPSIS) {
        ellipsis = true;
        this.pos++;
        if (this.kinds[this.pos] !== Tok.RBRACE) this.unexpected("'}'");
        break;
      }
      if (k !== Tok.ID) this.unexpected("an argument name, '...' or '}'");
      const name = this.ident();
      let def: Node | null = null;
      if (this.kinds[this.pos] === Tok.QUESTION) {
        this.pos++;
        def = this.parseExpr();
      }
      entries.push({ type: "Formal", name, default: def, start: name.start, end: this.lastEnd() });
      if (this.kinds[this.pos] === Tok.COMMA) { this.pos++; continue; }
      if (this.kinds[this.pos] !== Tok.RBRACE) this.unexpected("',' or '}'");
      break;
    }
    const end = this.ends[this.pos++]!;
    const seen = new Set<string>();
    for (const f of entries) {
      if (seen.has(f.name.name)) this.fail(`duplicate formal function argument '${f.name.name}'`, f.start);
      seen.add(f.name.name);
    }
    return { entries, ellipsis, start, end };
  }

  private finishLambda(start: number, arg: Ident | null, formals: Formals): Node {
    if (arg && formals.entries.some((f) => f.name.name === arg.name)) {
      this.fail(`duplicate formal function argument '${arg.name}'`, arg.start);
    }
    if (this.kinds[this.pos] !== Tok.COLON) this.unexpected(arg ? "':'" : "':' or '@'");
    this.pos++;
    const body = this.parseExpr();
    return { type: "Lambda", arg, formals, body, start, end: this.lastEnd() };
  }

  // --- expr_op: operators by precedence climbing -----------------------------
  // Spans come from tokens, not from child nodes, so that they include the
  // parentheses of a parenthesized operand (which leaves no node of its own).
  private parseOp(minPrec: number): Node {
    const k0 = this.kinds[this.pos], start = this.starts[this.pos]!;
    let left = k0 === Tok.NOT || k0 === Tok.MINUS ? this.parsePrefix(k0) : this.parseApp();
    let chain = 0; // nodes stacked on `left` here; counted into the depth cap
    for (;;) {
      const k = this.kinds[this.pos]! as Tok, p = PREC[k]!;
      if (p === 0 || p < minPrec) return left;
      this.pos++;
      if (++chain + this.depth > this.maxDepth) this.fail(`expression nested more than ${this.maxDepth} levels deep`, this.starts[this.pos - 1]!);
      const saved = this.depth;
      this.depth += chain;
      if (k === Tok.QUESTION) {
        const path = this.parseAttrPath();
        // `?` is %nonassoc in parser.y, but its right side is an attrpath, so no
        // conflict ever consults that: `a ? b ? c` is `(a ? b) ? c`.
        left = { type: "HasAttr", expr: left, path, start, end: this.lastEnd() };
      } else if (RIGHT.has(p)) {
        // Right-associative chains are collected iteratively, then folded.
        const operands = [left], starts = [start];
        for (;;) {
          starts.push(this.starts[this.pos]!);
          operands.push(this.parseOp(p + 1));
          if (this.kinds[this.pos] !== k) break;
          this.pos++;
          if (++chain + saved > this.maxDepth) this.fail(`expression nested more than ${this.maxDepth} levels deep`, this.starts[this.pos - 1]!);
        }
        const end = this.lastEnd();
        let right = operands.pop()!;
        starts.pop();
        while (operands.length > 0) right = { type: "Binary", op: OPS[k]!, left: operands.pop()!, right, start: starts.pop()!, end };
        left = right;
      } else {
        const right = this.parseOp(p + 1);
        left = { type: "Binary", op: OPS[k]!, left, right, start, end: this.lastEnd() };
        if (NONASSOC.has(p) && PREC[this.kinds[this.pos]!] === p) this.unexpected();
      }
      this.depth = saved;
    }
  }

  private parsePrefix(k: Tok): Node {
    this.deeper();
    const start = this.starts[this.pos++]!;
    const expr = this.parseOp(k === Tok.NOT ? NOT_OPERAND : NEGATE_OPERAND);
    this.depth--;
    return { type: "Unary", op: k === Tok.NOT ? "!" : "-", expr, start, end: this.lastEnd() };
  }

  private parseApp(): Node {
    const start = this.starts[this.pos]!;
    const fn = this.parseSelect();
    if (!STARTS_SELECT[this.kinds[this.pos]!]) return fn;
    const args: Node[] = [];
    do args.push(this.parseSelect()); while (STARTS_SELECT[this.kinds[this.pos]!]);
    return { type: "Call", fn, args, start, end: this.lastEnd() };
  }

  private parseSelect(): Node {
    const start = this.starts[this.pos]!;
    const e = this.parseSimple();
    const k = this.kinds[this.pos];
    if (k === Tok.DOT) {
      this.pos++;
      const path = this.parseAttrPath();
      let def: Node | null = null;
      if (this.kinds[this.pos] === Tok.OR_KW) {
        this.pos++;
        this.deeper();
        def = this.parseSelect();
        this.depth--;
      }
      return { type: "Select", expr: e, path, default: def, start, end: this.lastEnd() };
    }
    if (k === Tok.OR_KW) {
      // Legacy: `f or` applies f to a variable named `or` (parser.y keeps this
      // because nixpkgs once had a function called `or`).
      const s = this.starts[this.pos]!, end = this.ends[this.pos++]!;
      return { type: "Call", fn: e, args: [{ type: "Var", name: "or", start: s, end }], start, end };
    }
    return e;
  }

  // --- expr_simple ----------------------------------------------------------
  private parseSimple(): Node {
    const i = this.pos, start = this.starts[i]!, end = this.ends[i]!;
    switch (this.kinds[i]) {
      case Tok.ID:
        this.pos++;
        return { type: "Var", name: this.src.slice(start, end), start, end };
      case Tok.INT: case Tok.FLOAT: {
        this.pos++;
        const raw = this.src.slice(start, end);
        return { type: this.kinds[i] === Tok.INT ? "Int" : "Float", raw, value: Number(raw), start, end };
      }
      case Tok.STRING_OPEN: return this.parseString();
      case Tok.IND_STRING_OPEN: return this.parseIndString();
      case Tok.PATH: case Tok.HPATH: return this.parsePath();
      case Tok.SPATH:
        this.pos++;
        return { type: "SearchPath", path: this.src.slice(start + 1, end - 1), start, end };
      case Tok.URI:
        this.pos++;
        return { type: "Uri", value: this.src.slice(start, end), start, end };
      case Tok.LPAREN: {
        this.pos++;
        const e = this.parseExpr();
        this.expect(Tok.RPAREN, "')'");
        return e;
      }
      case Tok.LET: case Tok.REC: case Tok.LBRACE: {
        const k = this.kinds[i];
        if (k !== Tok.LBRACE) {
          this.pos++;
          if (this.kinds[this.pos] !== Tok.LBRACE) this.unexpected("'{'");
        }
        this.pos++;
        const bindings = this.parseBinds(Tok.RBRACE, false);
        const e = this.ends[this.pos++]!;
        return k === Tok.LET
          ? { type: "LegacyLet", bindings, start, end: e }
          : { type: "AttrSet", rec: k === Tok.REC, bindings, start, end: e };
      }
      case Tok.LBRACK: {
        this.pos++;
        this.deeper();
        const items: Node[] = [];
        while (this.kinds[this.pos] !== Tok.RBRACK) {
          if (!STARTS_SELECT[this.kinds[this.pos]!]) this.unexpected("']'");
          items.push(this.parseSelect());
        }
        this.depth--;
        return { type: "List", items, start, end: this.ends[this.pos++]! };
      }
      default:
        return this.unexpected("an expression");
    }
  }

  // --- strings and paths ----------------------------------------------------
  private parseInterpolation(): Interpolation {
    const start = this.starts[this.pos++]!;
    const expr = this.parseExpr();
    const end = this.expect(Tok.RBRACE, "'}'");
    return { type: "Interpolation", expr, start, end };
  }

  private parseString(): StringNode {
    const start = this.starts[this.pos++]!;
    const parts: StringPart[] = [];
    for (;;) {
      const k = this.kinds[this.pos];
      if (k === Tok.STR) {
        const s = this.starts[this.pos]!, e = this.ends[this.pos++]!;
        parts.push({ type: "Literal", value: decodeString(this.src, s, e), start: s, end: e });
      } else if (k === Tok.DOLLAR_CURLY) {
        const s = this.starts[this.pos++]!, expr = this.parseExpr(); // inlined parseInterpolation: one frame less per level
        parts.push({ type: "Interpolation", expr, start: s, end: this.expect(Tok.RBRACE, "'}'") });
      } else if (k === Tok.STRING_CLOSE) break;
      else this.unexpected("'\"'");
    }
    return { type: "String", indented: false, parts, start, end: this.ends[this.pos++]! };
  }

  private parseIndString(): StringNode {
    const start = this.starts[this.pos++]!;
    const items: (IndentedItem | null)[] = [];
    const spans: number[] = [];
    const interps: Interpolation[] = [];
    for (;;) {
      const k = this.kinds[this.pos], s = this.starts[this.pos]!, e = this.ends[this.pos]!;
      if (k === Tok.IND_STR) items.push({ text: this.src.slice(s, e), indent: true });
      else if (k === Tok.IND_STR_ESC) items.push({ text: decodeIndentedEscape(this.src, s, e), indent: false });
      else if (k === Tok.DOLLAR_CURLY) {
        this.pos++;
        const expr = this.parseExpr();
        items.push(null);
        interps.push({ type: "Interpolation", expr, start: s, end: this.expect(Tok.RBRACE, "'}'") });
        continue;
      } else if (k === Tok.IND_STRING_CLOSE) break;
      else this.unexpected("\"''\"");
      spans.push(s, e);
      this.pos++;
    }
    return this.finishIndString(start, this.ends[this.pos++]!, items, spans, interps);
  }

  private finishIndString(start: number, end: number, items: (IndentedItem | null)[], spans: number[], interps: Interpolation[]): StringNode {
    const stripped = stripIndentation(items);
    // Merge each run of literal tokens into one decoded part; drop empty ones.
    const parts: StringPart[] = [];
    let lit = "", litStart = -1, litEnd = -1, li = 0, ii = 0;
    const flush = (): void => {
      if (lit !== "") parts.push({ type: "Literal", value: lit, start: litStart, end: litEnd });
      lit = ""; litStart = -1;
    };
    for (const s of stripped) {
      if (s === null) { flush(); parts.push(interps[ii++]!); continue; }
      if (litStart < 0) litStart = spans[li]!;
      litEnd = spans[li + 1]!;
      li += 2;
      lit += s;
    }
    flush();
    const node: StringNode = { type: "String", indented: true, parts, start, end };
    // parser.y returns a lone ExprString as is, so `''x''` and `''${"x"}''` are
    // constants to Nix (static attribute names), while `''a''$''` is not.
    if (items.length === 0) this.setFolded(node, "");
    else if (items.length === 1) {
      const only = stripped[0];
      const inner = only === null || only === undefined ? this.constString(interps[0]!.expr) : only;
      if (inner !== null) this.setFolded(node, inner);
    }
    return node;
  }

  private setFolded(node: StringNode, value: string): void {
    this.folded = node;
    this.foldedValue = value;
  }

  /** The value if Nix's parser represents `e` as a constant string (ExprString), else null. */
  private constString(e: Node): string | null {
    if (e.type === "Uri") return e.value;
    if (e.type !== "String") return null;
    if (e.indented) return e === this.folded ? this.foldedValue : null;
    const ps = e.parts;
    if (ps.length === 0) return "";
    const only = ps[0]!;
    return ps.length === 1 && only.type === "Literal" ? only.value : null;
  }

  private parsePath(): Node {
    const start = this.starts[this.pos]!;
    const lit = (): StringPart => {
      const s = this.starts[this.pos]!, e = this.ends[this.pos++]!;
      return { type: "Literal", value: this.src.slice(s, e), start: s, end: e };
    };
    const parts: StringPart[] = [lit()];
    if (this.kinds[this.pos] === Tok.PATH_END) {
      this.pos++;
      return { type: "Path", parts, start, end: parts[0]!.end };
    }
    // parser.y: path_start string_parts_interpolated PATH_END, where the parts
    // must begin with `${…}` or one STR then `${…}`.
    if (this.kinds[this.pos] === Tok.PATH_STR) parts.push(lit());
    if (this.kinds[this.pos] !== Tok.DOLLAR_CURLY) this.unexpected("'${'");
    for (;;) {
      const k = this.kinds[this.pos];
      if (k === Tok.DOLLAR_CURLY) parts.push(this.parseInterpolation());
      else if (k === Tok.PATH_STR) parts.push(lit());
      else if (k === Tok.PATH_END) { this.pos++; break; }
      else this.unexpected();
    }
    return { type: "Path", parts, start, end: parts[parts.length - 1]!.end };
  }

  // --- attribute paths and bindings -------------------------------------------
  private parseAttrPath(): AttrName[] {
    const path = [this.parseAttrName()];
    while (this.kinds[this.pos] === Tok.DOT) {
      this.pos++;
      path.push(this.parseAttrName());
    }
    return path;
  }

  private parseAttrName(): AttrName {
    const k = this.kinds[this.pos], start = this.starts[this.pos]!;
    if (k === Tok.ID || k === Tok.OR_KW) {
      const end = this.ends[this.pos++]!;
      return { type: "AttrName", name: this.src.slice(start, end), expr: null, start, end };
    }
    if (k === Tok.STRING_OPEN) {
      const s = this.parseString();
      return { type: "AttrName", name: this.constString(s), expr: s, start, end: s.end };
    }
    if (k === Tok.DOLLAR_CURLY) {
      const { expr, end } = this.parseInterpolation();
      return { type: "AttrName", name: this.constString(expr), expr, start, end };
    }
    return this.unexpected("an attribute name");
  }

  private parseBinds(close: Tok, isLet: boolean): BindingLike[] {
    const bindings: BindingLike[] = [];
    for (;;) {
      const k = this.kinds[this.pos]!, start = this.starts[this.pos]!;
      if (k === close) break;
      if (k === Tok.INHERIT) {
        bindings.push(this.parseInherit());
        continue;
      }
      if (k !== Tok.ID && k !== Tok.OR_KW && k !== Tok.STRING_OPEN && k !== Tok.DOLLAR_CURLY) {
        this.unexpected(close === Tok.IN ? "a binding or 'in'" : "a binding or '}'");
      }
      const path = this.parseAttrPath();
      if (isLet && path[0]!.name === null) this.fail("dynamic attributes not allowed in let", path[0]!.start);
      this.expect(Tok.ASSIGN, "'='");
      const value = this.parseExpr();
      const end = this.expect(Tok.SEMI, "';'");
      bindings.push({ type: "Binding", path, value, start, end });
    }
    const dup = checkBindings(bindings);
    if (dup) this.fail(`attribute '${dup.path}' already defined`, dup.offset);
    return bindings;
  }

  private parseInherit(): Inherit {
    const start = this.starts[this.pos++]!;
    let from: Node | null = null;
    if (this.kinds[this.pos] === Tok.LPAREN) {
      this.pos++;
      from = this.parseExpr();
      this.expect(Tok.RPAREN, "')'");
    }
    const names: AttrName[] = [];
    for (;;) {
      const k = this.kinds[this.pos];
      if (k === Tok.SEMI) break;
      if (k !== Tok.ID && k !== Tok.OR_KW && k !== Tok.STRING_OPEN && k !== Tok.DOLLAR_CURLY) {
        this.unexpected("an attribute name or ';'");
      }
      const a = this.parseAttrName();
      if (a.name === null) this.fail("dynamic attributes not allowed in inherit", a.start);
      names.push(a);
    }
    return { type: "Inherit", from, names, start, end: this.ends[this.pos++]! };
  }
}

// --- duplicate attributes ------------------------------------------------------
// Nix's addAttr (parser.y) merges `a.b = 1; a.c = 2;` and `a = { b = 1; }; a.c = 2;`
// and even `a = { b = 1; }; a = { c = 2; };` (one level deep), and rejects any
// other repeated name. An Entry mirrors one attribute of the ExprAttrs being
// built: mergeable when it is a nested set from a path or an attribute-set
// literal (whose own entries are built lazily, only if something merges into it).
interface Entry {
  inherited: boolean;
  node: AttrSetNode | null;
  children: Map<string, Entry> | null;
}

interface Duplicate {
  path: string;
  offset: number;
}

/** Returns the first attribute Nix would reject as already defined, or null. */
function checkBindings(bindings: readonly BindingLike[]): Duplicate | null {
  // Bindings can only clash through their first name (dynamic first names
  // always make fresh sets), so only bindings whose first name repeats need
  // the full merge simulation.
  // (Indexed loops: this runs once per attribute set, mostly before V8 has
  // optimised it, when a for-of iterator costs more than the comparisons.)
  const firsts: (string | null)[] = [];
  for (let i = 0; i < bindings.length; i++) {
    const b = bindings[i]!;
    if (b.type === "Inherit") for (let k = 0; k < b.names.length; k++) firsts.push(b.names[k]!.name);
    else firsts.push(b.path[0]!.name);
  }
  let repeated: Set<string> | null = null;
  if (firsts.length <= 8) {
    for (let i = 1; i < firsts.length; i++) {
      const x = firsts[i]!;
      if (x === null) continue;
      for (let j = 0; j < i; j++) if (firsts[j] === x) { (repeated ??= new Set()).add(x); break; }
    }
  } else {
    const seen = new Set<string>();
    for (let i = 0; i < firsts.length; i++) {
      const x = firsts[i]!;
      if (x === null) continue;
      if (seen.has(x)) (repeated ??= new Set()).add(x);
      else seen.add(x);
    }
  }
  if (repeated === null) return null;
  const clash = repeated;
  const top = new Map<string, Entry>();
  for (const b of bindings) {
    if (b.type === "Binding" ? !clash.has(b.path[0]!.name ?? "") : !b.names.some((a) => clash.has(a.name!))) continue;
    const d = addBinding(top, b);
    if (d) return d;
  }
  return null;
}

function addBinding(map: Map<string, Entry>, b: BindingLike): Duplicate | null {
  if (b.type === "Inherit") {
    for (const a of b.names) {
      if (map.has(a.name!)) return { path: a.name!, offset: a.start };
      map.set(a.name!, { inherited: b.from === null, node: null, children: null });
    }
    return null;
  }
  const path = b.path;
  const dup = (): Duplicate => ({ path: path.map((a) => a.name ?? "${…}").join("."), offset: b.start });
  let cur = map;
  for (let i = 0; i < path.length - 1; i++) {
    const name = path[i]!.name;
    if (name === null) { cur = new Map(); continue; } // a dynamic name gets a fresh set
    const j = cur.get(name);
    if (j === undefined) {
      const m = new Map<string, Entry>();
      cur.set(name, { inherited: false, node: null, children: m });
      cur = m;
      continue;
    }
    const c = childrenOf(j);
    if (c === null) return dup();
    cur = c;
  }
  const name = path[path.length - 1]!.name;
  if (name === null) return null;
  const j = cur.get(name), value = b.value;
  if (j === undefined) {
    cur.set(name, { inherited: false, node: value.type === "AttrSet" ? value : null, children: null });
    return null;
  }
  const jc = childrenOf(j);
  if (jc === null || value.type !== "AttrSet") return dup();
  for (const [k, entry] of entriesOf(value)) {
    if (jc.has(k)) return { path: k, offset: b.start };
    jc.set(k, entry);
  }
  return null;
}

function childrenOf(j: Entry): Map<string, Entry> | null {
  if (j.inherited) return null;
  if (j.children === null && j.node !== null) j.children = entriesOf(j.node);
  return j.children;
}

function entriesOf(node: AttrSetNode): Map<string, Entry> {
  const m = new Map<string, Entry>();
  for (const b of node.bindings) addBinding(m, b);
  return m;
}
