// Writing the sops tree as YAML exactly as sops does: sops hands go-yaml v3
// nodes built by stores/yaml (comments as head, line and foot comments),
// and go-yaml's emitter decides indentation, styles and blank lines. This is
// a port of the parts of emitterc.go that block-style documents reach, so a
// file nixsec rewrites differs from the input only where values changed
// (test/sops/fidelity.test.ts re-emits every interop file byte for byte).
import { Branch, Comment, type List, type Scalar, type Value } from "./tree.js";
import { doubleQuoted, literalHints, scalarText, singleQuoted, stringStyle } from "./yaml-scalar.js";

type Ctx = "root" | "value" | "item" | "key";

class Emitter {
  out = "";
  private column = 0;
  private whitespace = true;
  private indention = true;
  private footIndent = -1;
  private indent = -1;
  private readonly indents: number[] = [];

  constructor(private readonly best: number) {}

  private write(s: string): void {
    this.out += s;
    for (const _ of s) this.column++;
  }

  private putBreak(): void {
    this.out += "\n";
    this.column = 0;
    this.indention = true;
  }

  writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    if (this.footIndent === indent) this.putBreak();
    while (this.column < indent) this.write(" ");
    this.whitespace = true;
    this.footIndent = -1;
  }

  indicator(s: string, needWs: boolean, isWs: boolean, isIndention: boolean): void {
    if (needWs && !this.whitespace) this.write(" ");
    this.write(s);
    this.whitespace = isWs;
    this.indention = this.indention && isIndention;
  }

  private increaseIndent(flow: boolean, inItem: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? this.best : 0;
    else if (inItem) this.indent += 2;
    else this.indent = this.best * Math.floor((this.indent + this.best) / this.best);
  }

  private popIndent(): void {
    this.indent = this.indents.pop()!;
  }

  /** go-yaml write_comment: `#` + the lines joined by "\n#", each line at the current indent. */
  private comment(lines: string[]): void {
    const text = "#" + lines.join("\n#");
    let breaks = false;
    let pound = false;
    for (const ch of text) {
      if (ch === "\n") {
        this.putBreak();
        breaks = true;
        pound = false;
        continue;
      }
      if (breaks) this.writeIndent();
      if (!pound) {
        if (ch !== "#") this.write("# ");
        pound = true;
      }
      this.write(ch);
      this.indention = false;
      breaks = false;
    }
    if (!breaks) this.putBreak();
    this.whitespace = true;
  }

  private head(lines: string[]): void {
    if (lines.length === 0) return;
    this.writeIndent();
    this.comment(lines);
  }

  private line(lines: string[]): void {
    if (lines.length === 0) return;
    if (!this.whitespace) this.write(" ");
    this.comment(lines);
  }

  private foot(lines: string[]): void {
    if (lines.length === 0) return;
    this.writeIndent();
    this.comment(lines);
    this.footIndent = Math.max(this.indent, 0);
  }

  scalar(v: Scalar, ctx: Ctx, lineComment: string[] = []): void {
    this.increaseIndent(true, ctx === "item");
    if (typeof v === "string") {
      const { style } = stringStyle(v, ctx === "key");
      if (style === "literal") {
        this.indicator("|", true, false, false);
        const hints = literalHints(v, this.best);
        if (hints) this.indicator(hints, false, false, false);
        this.line(lineComment);
        lineComment = [];
        this.whitespace = true;
        let breaks = true;
        for (const ch of v) {
          if (ch === "\n") {
            this.putBreak();
            breaks = true;
          } else {
            if (breaks) this.writeIndent();
            this.write(ch);
            this.indention = false;
            breaks = false;
          }
        }
      } else if (style === "plain") {
        if (v.length > 0 && !this.whitespace) this.write(" ");
        this.write(v);
        if (v.length > 0) this.whitespace = false;
        this.indention = false;
      } else {
        this.indicator(style === "single" ? singleQuoted(v) : doubleQuoted(v), true, false, false);
        this.whitespace = false;
        this.indention = false;
      }
    } else if (v instanceof Uint8Array) {
      this.indicator("!!binary", true, false, false);
      this.write(" " + Buffer.from(v).toString("base64"));
      this.whitespace = false;
      this.indention = false;
    } else {
      const t = scalarText(v);
      if (!this.whitespace) this.write(" ");
      this.write(t);
      this.whitespace = false;
      this.indention = false;
    }
    this.popIndent();
    this.line(lineComment);
  }

  value(v: Value, ctx: Ctx, lineComment: string[]): void {
    if (v instanceof Branch) {
      if (v.entries().length === 0) return this.emptyFlow("{", "}", comments(v.items), lineComment);
      this.map(v, ctx);
    } else if (Array.isArray(v)) {
      if (v.every((x) => x instanceof Comment)) return this.emptyFlow("[", "]", comments(v), lineComment);
      this.list(v, ctx);
    } else this.scalar(v, ctx, lineComment);
  }

  private emptyFlow(open: string, close: string, inner: string[], lineComment: string[]): void {
    this.indicator(open, true, true, false);
    this.increaseIndent(true, false);
    this.head(inner);
    this.popIndent();
    this.indicator(close, false, false, false);
    this.line(lineComment);
  }

  map(b: Branch, ctx: Ctx): void {
    const g = group(b.items);
    this.increaseIndent(false, ctx === "item");
    this.head(g.first);
    for (const it of g.members) {
      const e = it.member as { key: string; value: Value };
      this.head(it.head);
      this.writeIndent();
      // go-yaml check_simple_key: single-line and at most 128 bytes, else `? key`.
      const { multiline } = stringStyle(e.key, true);
      const simple = !multiline && Buffer.byteLength(e.key, "utf8") <= 128;
      if (simple) {
        this.scalar(e.key, "key");
        this.indicator(":", false, false, false);
      } else {
        this.indicator("?", true, false, true);
        this.scalar(e.key, "value");
        this.writeIndent();
        this.indicator(":", true, false, true);
      }
      const isScalarValue = !(e.value instanceof Branch) && !Array.isArray(e.value);
      if (!isScalarValue && it.line.length > 0) this.line(it.line);
      this.value(e.value, "value", isScalarValue ? it.line : []);
    }
    this.foot(g.last);
    this.popIndent();
  }

  list(l: List, ctx: Ctx): void {
    const g = group(l.map((x) => (x instanceof Comment ? x : { value: x })));
    this.increaseIndent(false, ctx === "item");
    g.members.forEach((it, i) => {
      this.head(i === 0 ? [...g.first, ...it.head] : it.head);
      this.writeIndent();
      this.indicator("-", true, false, true);
      const v = (it.member as { value: Value }).value;
      const isScalarValue = !(v instanceof Branch) && !Array.isArray(v);
      this.value(v, "item", isScalarValue ? it.line : []);
    });
    this.foot(g.last);
    this.popIndent();
  }
}

function comments(items: Array<unknown>): string[] {
  return items.filter((x): x is Comment => x instanceof Comment).map((c) => c.text);
}

interface Grouped {
  /** Comments before the first member (sops makes them the collection's head comment). */
  first: string[];
  members: Array<{ member: unknown; head: string[]; line: string[] }>;
  /** Comments after the last member (its foot comment). */
  last: string[];
}

/** stores/yaml appendTreeBranch/appendSequence: which comments go where. */
function group(items: Array<unknown>): Grouped {
  const g: Grouped = { first: [], members: [], last: [] };
  let head: string[] = [];
  let inline: string[] = [];
  for (const it of items) {
    if (it instanceof Comment) {
      (it.inline ? inline : head).push(it.text);
      continue;
    }
    if (g.members.length === 0) {
      g.first = head;
      head = [];
    }
    g.members.push({ member: it, head, line: inline });
    head = [];
    inline = [];
  }
  const rest = [...head, ...inline];
  if (g.members.length === 0) g.first = rest;
  else g.last = rest;
  return g;
}

/** YAML text of documents as sops writes them (`indent` spaces per level, 4 by default). */
export function emitYaml(docs: Branch[], indent = 4): string {
  const e = new Emitter(indent);
  docs.forEach((d, i) => {
    if (i > 0) {
      e.writeIndent();
      e.indicator("---", true, false, false);
      e.writeIndent();
    }
    e.value(d, "root", []);
    e.writeIndent();
  });
  return e.out;
}

/** One value as `sops -d --extract` prints a non-string (yaml.Marshal of the node). */
export function emitYamlValue(v: Value): string {
  const e = new Emitter(4);
  e.value(v, "root", []);
  e.writeIndent();
  return e.out;
}
