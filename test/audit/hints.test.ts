// Issue 15, "hints that work": every `nixsec …` command a finding's hint
// prints is accepted by this version's CLI (test/audit/hint-commands.ts parses
// it against buildProgram with every action a no-op). The hints come from real
// findings: each rule's leaking examples, each program of the shell table and
// the seed's leaks, so placeholders are filled as users see them.
import { describe, expect, test } from "vitest";
import { checkStore } from "../../src/audit/store-checks.js";
import { fillHint } from "../../src/audit/hints.js";
import { RULES } from "../../src/audit/rules/index.js";
import { auditFiles } from "../../src/audit/scan.js";
import { KEYGENS } from "../../src/audit/shell/keygens.js";
import { PROGRAMS } from "../../src/audit/shell/programs.js";
import { exampleInputs, exampleStore, isFileExample } from "./examples.js";
import { cliRejects, hintCommands } from "./hint-commands.js";

/** The hints of the findings of one rule on its own leaking examples. */
function ruleHints(id: string): string[] {
  const rule = RULES.find((r) => r.id === id)!;
  const out: string[] = [];
  for (const ex of rule.examples.leaks) {
    if (isFileExample(ex)) {
      const { inputs, tracked, maxBytes } = exampleInputs(ex);
      out.push(...auditFiles(inputs, { tracked, ...(maxBytes ? { maxFileBytes: maxBytes } : {}) }).map((f) => f.hint));
    } else if ("store" in ex) {
      out.push(...checkStore(exampleStore(ex), RULES).map((f) => f.hint));
    } else {
      out.push(fillHint(rule.hint, { secret: Object.keys(ex.closure.secrets)[0] }));
    }
  }
  return out;
}

const unit = (script: string): string => `{ pkgs, ... }: { systemd.services.demo.script = ''\n${script}\n''; }`;
const build = (script: string): string => `{ pkgs, ... }: { x = pkgs.runCommand "demo" { } ''\n${script}\n''; }`;

async function expectAccepted(hints: readonly string[]): Promise<void> {
  for (const h of hints) {
    const cmds = hintCommands(h);
    for (const c of cmds) expect(await cliRejects(c), `nixsec ${c.join(" ")}\n  (from: ${h})`).toBeNull();
  }
}

describe("every command a hint prints is accepted by the CLI", () => {
  test.each(RULES.map((r) => r.id))("%s", async (id) => {
    const hints = ruleHints(id);
    if (id !== "parse-error") expect(hints.flatMap(hintCommands).length, id).toBeGreaterThan(0);
    await expectAccepted(hints);
  });

  test.each(PROGRAMS.flatMap((p) => p.examples.leaks.map((ex) => [p.names[0]!, ex] as const)))("program %s: %s", async (_name, ex) => {
    const hints = auditFiles([{ path: "unit.nix", content: unit(ex) }]).map((f) => f.hint);
    expect(hints.length).toBeGreaterThan(0);
    await expectAccepted(hints);
  });

  test.each(KEYGENS.flatMap((k) => k.examples.leaks.map((ex) => [k.names[0]!, ex] as const)))("key generator %s: %s", async (_name, ex) => {
    const found = auditFiles([{ path: "build.nix", content: build(ex) }]);
    expect(found.map((f) => f.ruleId)).toContain("key-generated-in-store");
    await expectAccepted(found.map((f) => f.hint));
  });

  test("the extraction takes commands apart as a reader would", () => {
    expect(hintCommands("nixsec add a/b --host HOST --stdin, then nixsec wire a/b --option services.x.passwordFile if the module has it; {rotate}"))
      .toEqual([["add", "a/b", "--host", "HOST", "--stdin"], ["wire", "a/b", "--option", "services.x.passwordFile"]]);
    expect(hintCommands(`keyCommand = [ "nixsec" "show" "x" ]`)).toEqual([]);
  });
});

describe("no invented option names", () => {
  const hintOf = (src: string): string => auditFiles([{ path: "a.nix", content: src }])[0]!.hint;
  test("a key of a settings set has no *File option: the hint says so and points to an environment file", () => {
    const h = hintOf(`{ services.vaultwarden.config.SMTP_PASSWORD = "Vw-Smtp-Pw-31"; }`);
    expect(h).not.toMatch(/SMTP_PASSWORDFile/);
    expect(h).toMatch(/nixsec wire vaultwarden\/SMTP_PASSWORD --environment-file UNIT if the service reads it from its environment; a key of a settings set has no \*File option/);
    expect(h).toMatch(/nixsec template add NAME --host HOST --from-file FILE/);
  });
  test("a known twin is named plainly; an unknown one only conditionally", () => {
    expect(hintOf(`{ services.nextcloud.config.adminpass = "Nc-Admin-Pw-32"; }`)).toMatch(/--option services\.nextcloud\.config\.adminpassFile;/);
    expect(hintOf(`{ services.foo.apiToken = "Foo-Api-Tok-33"; }`)).toMatch(/--option services\.foo\.apiTokenFile if the module has that option/);
  });
  test("an initrd keyFile gets initrd advice, not a runtime path", () => {
    const h = hintOf(`{ boot.initrd.luks.devices.root.keyFile = ./keys/root.key; }`);
    expect(h).toMatch(/nixsec wire root\/keyFile --initrd \/etc\/secrets\/initrd\/KEYFILE \(boot\.initrd\.secrets\)/);
    expect(h).not.toMatch(/--option boot\.initrd/);
  });
});
