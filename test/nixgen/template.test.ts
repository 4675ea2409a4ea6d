// Template text split into parts: placeholders become secret parts, anything
// else (other {{ }} syntax included) stays text; a malformed nixsec
// placeholder is an error naming its line. Rendering the parts with values
// never rescans a value.
import { execFileSync } from "node:child_process";
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { NixsecError } from "../../src/errors.js";
import { parseTemplate, TEMPLATE_MAX_BYTES, templateSecrets, templateText, type TemplatePart } from "../../src/nixgen/template.js";

const render = (parts: TemplatePart[], values: Record<string, string>) => parts.map((p) => ("text" in p ? p.text : values[p.secret])).join("");

describe("parseTemplate", () => {
  it.each([
    ["no placeholders", [{ text: "no placeholders" }]],
    ["", []],
    ["a={{ nixsec:x/y }}", [{ text: "a=" }, { secret: "x/y" }]],
    ["{{nixsec:a}}{{\tnixsec:b\t}}", [{ secret: "a" }, { secret: "b" }]],
    ["go {{ .Values.x }} and {{ nixsec:a }}", [{ text: "go {{ .Values.x }} and " }, { secret: "a" }]],
    ["{{ nixsec:a }}\n{{ nixsec:a }}", [{ secret: "a" }, { text: "\n" }, { secret: "a" }]],
    ["{{ {{ nixsec:a }} }}", [{ text: "{{ " }, { secret: "a" }, { text: " }}" }]],
  ])("%j", (text, parts) => {
    expect(parseTemplate(text, "t")).toEqual(parts);
  });

  it.each([
    ["x\n{{ nixsec:a", /^t:2: a placeholder must be/],
    ["{{ nixsec:a b }}", /^t:1: a placeholder must be/],
    ["{{ nixsec: }}", /^t:1: placeholder "": secret name is empty/],
    ["{{ nixsec:../x }}", /^t:1: placeholder "\.\.\/x": secret name must not contain \. or \.\. segments/],
    ["{{ nixsec:a//b }}", /empty segment/],
  ])("refuses %j", (text, message) => {
    expect(() => parseTemplate(text, "t")).toThrow(NixsecError);
    expect(() => parseTemplate(text, "t")).toThrow(message);
  });

  it("text without placeholders is one text part; parts render back to the template with placeholders as values (property)", () => {
    const name = fc.stringMatching(/^[a-z]{1,5}(\/[a-z]{1,5})?$/);
    const piece = fc.oneof(
      fc.string().filter((s) => !/\{\{[ \t]*nixsec:/.test(s) && !s.endsWith("{") && !s.endsWith("{{ ") ).map((text) => ({ text })),
      name.map((secret) => ({ secret })),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), fc.dictionary(name, fc.string()), (pieces, extra) => {
        const text = pieces.map((p) => ("text" in p ? p.text : `{{ nixsec:${p.secret} }}`)).join("");
        const parts = parseTemplate(text, "t");
        const values: Record<string, string> = { ...extra };
        for (const s of templateSecrets(parts)) values[s] ??= `{{ nixsec:${s} }}`; // a value that looks like a placeholder stays as it is
        expect(render(parts, values)).toBe(pieces.map((p) => ("text" in p ? p.text : values[p.secret])).join(""));
        expect(parts.every((p, i) => i === 0 || !("text" in p && "text" in parts[i - 1]!))).toBe(true); // adjacent texts merged
      }),
    );
  });
});

describe("templateText: a template file is read as store files are (issue 12)", () => {
  // The repository is a directory inside the test's own temporary one, so the file a link points out to stays in it too.
  const top = mkdtempSync(path.join(tmpdir(), "nixsec-tmpl-"));
  afterAll(() => rmSync(top, { recursive: true, force: true }));
  const root = path.join(top, "repo");
  mkdirSync(root);
  writeFileSync(path.join(root, "ok.tmpl"), "user={{ nixsec:db/password }}\n");
  writeFileSync(path.join(top, "outside.tmpl"), "text outside the repository\n");
  symlinkSync("../outside.tmpl", path.join(root, "link.tmpl"));
  mkdirSync(path.join(root, "real"));
  writeFileSync(path.join(root, "real", "x.tmpl"), "x\n");
  symlinkSync("real", path.join(root, "dirlink"));
  linkSync(path.join(root, "ok.tmpl"), path.join(root, "hard.tmpl"));
  execFileSync("mkfifo", [path.join(root, "fifo.tmpl")]); // coreutils: always there, so no skip
  writeFileSync(path.join(root, "big.tmpl"), Buffer.alloc(TEMPLATE_MAX_BYTES + 1, 0x61));

  it("reads a regular file", () => {
    writeFileSync(path.join(root, "plain.tmpl"), "a={{ nixsec:x }}\n");
    expect(templateText(root, "t", { file: "plain.tmpl" } as never).text).toBe("a={{ nixsec:x }}\n");
  });

  it.each([
    ["link.tmpl", /template t: link\.tmpl is a symbolic link/],
    ["dirlink/x.tmpl", /template t: dirlink is a symbolic link/],
    ["hard.tmpl", /template t: hard\.tmpl has 2 hard links/],
    ["big.tmpl", /template t: big\.tmpl is larger than/],
    ["missing.tmpl", /cannot read missing\.tmpl \(template t\): no such file/],
    ["../x.tmpl", /\.\.\/x\.tmpl \(template t\) is outside the repository/],
  ])("refuses %s", (file, message) => {
    expect(() => templateText(root, "t", { file } as never)).toThrow(message);
  });

  it("refuses a FIFO without blocking", () => {
    expect(() => templateText(root, "t", { file: "fifo.tmpl" } as never)).toThrow(/template t: fifo\.tmpl is a FIFO/);
  });
});
