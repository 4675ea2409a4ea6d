// Template text split into parts: placeholders become secret parts, anything
// else (other {{ }} syntax included) stays text; a malformed nixsec
// placeholder is an error naming its line. Rendering the parts with values
// never rescans a value.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NixsecError } from "../../src/errors.js";
import { parseTemplate, templateSecrets, type TemplatePart } from "../../src/nixgen/template.js";

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
