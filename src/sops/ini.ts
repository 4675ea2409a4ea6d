// INI as sops reads and writes it through go-ini (stores/ini, gopkg.in/ini.v1
// with AllowNonUniqueSections): sections are the first path level, every
// value is a string, a comment belongs to the section or key below it (and
// sits after that key in sops' tree), and the writer aligns "=" per section.
// The reader covers what go-ini's parser does with sops' options: `;`/`#`
// comments and inline comments, quoted keys, `"""` and backtick values,
// surrounding quotes, `\` continuation lines.
import { SopsError } from "./errors.js";
import { checkSize, LIMITS } from "./limits.js";
import { Branch, Comment, type Value } from "./tree.js";
import { flatText } from "./value.js";

const DEFAULT = "DEFAULT";

function stripMarker(c: string): string {
  if (c.startsWith(";")) return c.replace(/^[; ]+/, "");
  if (c.startsWith("#")) return c.replace(/^[# ]+/, "");
  return c;
}

const surrounded = (s: string, q: string): boolean => s.length >= 2 && s[0] === q && s[s.length - 1] === q && s.indexOf(q, 1) === s.length - 1;

/** Sections of an INI file as a map of maps (go-ini's DEFAULT section only when it has content). */
export function readIni(bytes: Uint8Array, file: string): Branch {
  checkSize(bytes, LIMITS.otherBytes, file);
  let text = new TextDecoder("utf-8").decode(bytes);
  if (text.startsWith("\uFEFF")) text = text.slice(1);
  const raw = text.split(/(?<=\n)/); // lines keep their "\n", as go-ini's readUntil
  const sections: Array<{ name: string; items: Branch["items"] }> = [{ name: DEFAULT, items: [] }];
  let comment = "";
  const fail = (n: number, msg: string): never => {
    throw new SopsError("format", `${file}:${n + 1}: ${msg}`, { hint: "fix the INI syntax" });
  };
  for (let n = 0; n < raw.length; n++) {
    const line = raw[n]!.replace(/^\s+/, "");
    if (line === "") continue;
    if (line[0] === "#" || line[0] === ";") {
      comment += line;
      continue;
    }
    const section = sections[sections.length - 1]!;
    if (line[0] === "[") {
      const close = line.lastIndexOf("]");
      if (close < 0) fail(n, "unclosed section header");
      const after = line.slice(close + 1);
      const ci = after.search(/[#;]/);
      if (ci >= 0) comment += after.slice(ci);
      const items: Branch["items"] = [];
      if (comment.trim() !== "") items.push(new Comment(stripMarker(comment.trim())));
      sections.push({ name: line.slice(1, close), items });
      comment = "";
      continue;
    }
    // Key: optionally quoted with ", """ or `, up to the first = or :.
    let key: string;
    let rest: string;
    const q = line.startsWith('"""') && line.length > 6 ? '"""' : line[0] === '"' ? '"' : line[0] === "`" ? "`" : "";
    if (q) {
      const end = line.indexOf(q, q.length);
      if (end < 0) fail(n, "missing closing key quote");
      const d = line.slice(end + q.length).search(/[=:]/);
      if (d < 0) fail(n, "no = or : after the key");
      key = line.slice(q.length, end).trim();
      rest = line.slice(end + q.length + d + 1);
    } else {
      const d = line.search(/[=:]/);
      if (d < 0) fail(n, "not a key = value line"); // the line is not echoed: it may hold a secret
      if (d === 0) fail(n, "empty key name");
      key = line.slice(0, d).trim();
      rest = line.slice(d + 1);
    }
    let value = rest.replace(/^\s+/, "");
    const vq = value.length > 3 && value.startsWith('"""') ? '"""' : value[0] === "`" ? "`" : "";
    if (vq) {
      let body = value.slice(vq.length);
      let end = body.lastIndexOf(vq);
      while (end < 0) {
        n++;
        if (n >= raw.length) fail(n - 1, "missing closing quote of a multi-line value");
        const next = raw[n]!;
        const at = next.lastIndexOf(vq);
        if (at >= 0) {
          const tail = next.slice(at + vq.length);
          const ci = tail.search(/[#;]/);
          if (ci >= 0) comment += tail.slice(ci).trim();
          body += next.slice(0, at);
          end = body.length;
        } else body += next;
      }
      value = body.slice(0, end);
    } else if (value !== "") {
      value = value.trim();
      if (value.endsWith("\\")) {
        // Continuation lines are joined as they are: no inline comments, no quote trimming.
        value = value.slice(0, -1);
        while (++n < raw.length) {
          const next = raw[n]!.trim();
          if (next === "") break;
          value += next;
          if (!value.endsWith("\\")) break;
          value = value.slice(0, -1);
        }
      } else {
        const ci = value.search(/[#;]/);
        if (ci >= 0) {
          comment += value.slice(ci);
          value = value.slice(0, ci).trim();
        }
        if (surrounded(value, "'") || surrounded(value, '"')) value = value.slice(1, -1);
      }
    }
    // go-ini: a repeated key keeps its place and takes the new value and comment.
    const at = section.items.findIndex((it) => !(it instanceof Comment) && it.key === key);
    const entry = { key, value: value as Value };
    const keyComment = comment.trim() !== "" ? new Comment(stripMarker(comment.trim())) : null;
    if (at >= 0) {
      section.items[at] = entry;
      if (section.items[at + 1] instanceof Comment) section.items.splice(at + 1, 1);
      if (keyComment) section.items.splice(at + 1, 0, keyComment);
    } else {
      section.items.push(entry);
      if (keyComment) section.items.push(keyComment);
    }
    comment = "";
  }
  const out = sections.filter((s, i) => i > 0 || s.items.length > 0);
  return new Branch(out.map((s) => ({ key: s.name, value: new Branch(s.items) })));
}

function commentLines(text: string, section: boolean): string {
  return text
    .split("\n")
    .map((l) => (l === "" ? ";" : l[0] === "#" || l[0] === ";" ? l[0] + " " + l.slice(1).trim() : "; " + (section ? l : l.trim())))
    .map((l) => l + "\n")
    .join("");
}

/** INI text as go-ini writes it: "[name]" headers, "key = value" aligned per section, a blank line between sections. */
export function emitIni(b: Branch, file: string): string {
  const sections = b.entries();
  let out = "";
  sections.forEach((s, i) => {
    if (!(s.value instanceof Branch)) throw new SopsError("format", `${file}: INI values must sit in sections (key ${s.key})`, { hint: "use --output-type yaml or json for this data" });
    const items = s.value.items;
    let sectionComment = "";
    let from = 0;
    if (items[0] instanceof Comment) {
      sectionComment = items[0].text;
      from = 1;
    }
    // Keys with the comment written above each (sops stores it after the key).
    const keys: Array<{ name: string; value: string; comment: string }> = [];
    for (const it of items.slice(from)) {
      if (it instanceof Comment) {
        if (keys.length > 0) keys[keys.length - 1]!.comment = it.text;
        continue;
      }
      if (it.key === "") throw new SopsError("format", `${file}: an INI key name is empty (section ${s.key})`);
      const v = it.value;
      if (v instanceof Branch || Array.isArray(v)) throw new SopsError("format", `${file}: cannot write a nested value in an INI file (key ${it.key})`, { hint: "use --output-type yaml or json for nested data" });
      const text = typeof v === "string" ? v : flatText(v);
      const dup = keys.find((k) => k.name === it.key);
      if (dup) dup.value = text;
      else keys.push({ name: it.key, value: text, comment: "" });
    }
    if (sectionComment) out += commentLines(sectionComment, true);
    if (i > 0 || s.key.toUpperCase() !== DEFAULT) out += `[${s.key}]\n`;
    else if (keys.length === 0) return;
    const quote = (k: string): string => (/["=:]/.test(k) ? "`" + k + "`" : k.includes("`") ? '"""' + k + '"""' : k);
    const align = Math.max(0, ...keys.map((k) => Buffer.byteLength(quote(k.name))));
    for (const k of keys) {
      if (k.comment) out += commentLines(k.comment, false);
      const name = quote(k.name);
      let v = k.value;
      if (/[\n`]/.test(v)) v = '"""' + v + '"""';
      else if (/[#;]/.test(v)) v = "`" + v + "`";
      else if (v.trim() !== v) v = '"' + v + '"';
      out += name + " ".repeat(align - Buffer.byteLength(name)) + " = " + v + "\n";
    }
    if (i < sections.length - 1) out += "\n";
  });
  return out;
}
