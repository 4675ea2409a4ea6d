// Property: whatever the secret, it is found in each sink shape below and no
// output (text, JSON, SARIF, baseline) ever contains it, or any 4-character
// piece of it (the redaction shows no prefix either: issue 12, item 8).
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { makeBaseline, renderBaseline } from "../../src/audit/baseline.js";
import { renderJson } from "../../src/audit/report/json.js";
import { renderSarif } from "../../src/audit/report/sarif.js";
import { renderText } from "../../src/audit/report/text.js";
import { auditFilesDetailed } from "../../src/audit/scan.js";

const shapes: { rule: string; shell?: boolean; file: (s: string) => { path: string; content: string } }[] = [
  { rule: "plaintext-password", file: (s) => ({ path: "a.nix", content: `{ users.users.alice.initialPassword = "${s}"; }` }) },
  { rule: "environment-secret", file: (s) => ({ path: "a.nix", content: `let pw = "${s}"; in { systemd.services.a.environment.DB_PASSWORD = pw; }` }) },
  { rule: "systemd-script-secret", shell: true, file: (s) => ({ path: "a.nix", content: `{ systemd.services.a.script = ''\n  export API_TOKEN=${s}; echo ${s} > /tmp/x\n''; }` }) },
  { rule: "file-text-secret", file: (s) => ({ path: "a.nix", content: `{ environment.etc."app/password".text = "${s}"; }` }) },
  { rule: "cmdline-secret", file: (s) => ({ path: "a.nix", content: `{ services.foo.extraFlags = [ "--password=${s}" "--password=${s}" ]; }` }) },
  { rule: "secret-option-literal", file: (s) => ({ path: "a.nix", content: `{ services.foo.settings.smtp.password = "${s}"; x = "${s}"; }` }) },
  { rule: "url-credentials", file: (s) => ({ path: "a.nix", content: `{ services.foo.url = "postgres://app:${s}@db/app"; }` }) },
  { rule: "dotenv-file", shell: true, file: (s) => ({ path: ".env", content: `DB_PASSWORD=${s}\nOTHER=${s}\n` }) },
  { rule: "secrets-dir-plaintext", file: (s) => ({ path: "secrets/db", content: `${s}\n` }) },
];

// Secret-looking values: start with a letter, 8–40 characters, no quoting or interpolation characters.
const plausible = (s: string): boolean => /[0-9]/.test(s) && /[a-z]/i.test(s) && !/^(?:true|false|null)/i.test(s);
const secret = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.+&^~#%*!-]{7,39}$/).filter(plausible);
// In shell text `&`, `;`, `|` and a word-initial `#` end the word, so a shell secret avoids them.
const shellSecret = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.+^~%*!-]{7,39}$/).filter(plausible);

describe("redaction", () => {
  test.each(shapes)("$rule: found, and never shown", ({ rule, file, shell }) => {
    const render = (s: string): { outputs: string; rules: string[] } => {
      const r = auditFilesDetailed([file(s)]);
      const outputs = [
        renderText(r.findings),
        renderJson(r.findings, r.notes, { version: "0", filesScanned: 1, suppressed: { inline: 0, baseline: 0, allow: 0 }, source: "worktree" }),
        renderSarif(r.findings, r.notes, "0"),
        renderBaseline(makeBaseline(r.findings)),
      ].join("\n");
      return { outputs, rules: r.findings.map((f) => f.ruleId) };
    };
    // What every report says regardless of the value (rule texts, keys like "properties").
    const fixed = render("Qz7Wv3Xk9Jp2").outputs;
    fc.assert(fc.property(shell ? shellSecret : secret, (s) => {
      const { outputs, rules } = render(s);
      expect(rules).toContain(rule);
      expect(outputs).not.toContain(s);
      for (let i = 0; i + 4 <= s.length; i++) {
        const piece = s.slice(i, i + 4);
        if (!fixed.includes(piece)) expect(outputs).not.toContain(piece);
      }
    }), { numRuns: 60 });
  });
});
