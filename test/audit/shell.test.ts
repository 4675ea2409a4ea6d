// The shell reader and the table of secret-taking programs (src/audit/shell/):
// every program's and key generator's own examples, in the sinks where they
// would be written, and the reader's structure on the shapes it must follow.
import { describe, expect, test } from "vitest";
import { auditFiles } from "../../src/audit/scan.js";
import { shellSecrets } from "../../src/audit/shell/flow.js";
import { KEYGENS } from "../../src/audit/shell/keygens.js";
import { parseShell } from "../../src/audit/shell/parse.js";
import { PROGRAMS } from "../../src/audit/shell/programs.js";

const inUnit = (script: string): string => `{ systemd.services.demo.script = ''\n${script}\n''; }`;
const inBuild = (script: string): string => `{ pkgs, ... }: { x = pkgs.runCommand "demo" { } ''\n${script}\n''; }`;
const strong = (src: string): string[] => auditFiles([{ path: "a.nix", content: src }]).filter((f) => f.severity !== "low").map((f) => f.ruleId);

describe("the program table's examples", () => {
  const cases = PROGRAMS.flatMap((p) => [...p.examples.leaks.map((ex) => ({ p: p.names[0]!, ex, leak: true })), ...p.examples.safe.map((ex) => ({ p: p.names[0]!, ex, leak: false }))]);
  test.each(cases)("$p: $ex", ({ ex, leak }) => {
    // the reader on its own, and the whole audit on a unit script
    const hits = shellSecrets(ex).filter((h) => !h.runtime && h.kind !== "keygen"); // key generation matters only in a build
    if (leak) {
      expect(hits.length, ex).toBeGreaterThan(0);
      expect(strong(inUnit(ex)).length, ex).toBeGreaterThan(0);
    } else {
      expect(hits, ex).toEqual([]);
      expect(strong(inUnit(ex)), ex).toEqual([]);
    }
  });
});

describe("key generators: findings in a build, never at run time", () => {
  const cases = KEYGENS.flatMap((k) => [...k.examples.leaks.map((ex) => ({ k: k.names[0]!, ex, leak: true })), ...k.examples.safe.map((ex) => ({ k: k.names[0]!, ex, leak: false }))]);
  test.each(cases)("$k: $ex", ({ ex, leak }) => {
    expect(strong(inBuild(ex)).includes("key-generated-in-store"), ex).toBe(leak);
    expect(strong(inUnit(ex))).not.toContain("key-generated-in-store");
  });
});

describe("the reader", () => {
  test("pipelines, lists, groups and here-docs", () => {
    const [a, b] = parseShell("(echo -n x && wget -q URL) | cryptsetup --key-file=- open d n; cat <<'EOF' | smbpasswd -s -a bob\npw\npw\nEOF\n");
    expect(a!.stages.map((s) => s.kind)).toEqual(["group", "simple"]);
    expect(b!.stages[0]!.kind === "simple" && b!.stages[0]!.redirects[0]!.body?.value).toBe("pw\npw\n");
  });
  test("quotes and escapes are decoded, with each character's offset kept", () => {
    const text = `printf '%s' "a\\"b" $'c\\nd'`;
    const words = (parseShell(text)[0]!.stages[0] as { words: { value: string; offs: number[] }[] }).words;
    expect(words.map((w) => w.value)).toEqual(["printf", "%s", 'a"b', "c\nd"]);
    expect(text[words[2]!.offs[1]!]).toBe('"');
  });
  test("an Exec line splits at white space only: `&` and `|` are characters of an argument", () => {
    expect(shellSecrets("tool --password=a&b|c", "exec").map((h) => h.kind)).toEqual(["cmdline"]);
  });
  test("sh -c 'script' is read as shell, and positions map back through the quoting", () => {
    const text = `/bin/sh -c "echo -n \\"Key-Value-77\\" | cryptsetup open --key-file=- /dev/x y"`;
    const [h] = shellSecrets(text, "exec");
    expect(text.slice(h!.start, h!.end)).toBe("Key-Value-77");
  });
  test("values read at run time are no secrets; on a command line they are low", () => {
    expect(shellSecrets(`export API_TOKEN="$(cat /run/secrets/t)"; cat /run/secrets/pw | smbpasswd -s -a bob`)).toEqual([]);
    expect(shellSecrets(`tool --password "$(cat /run/secrets/p)"`).map((h) => h.runtime)).toEqual([true]);
  });
  test("hostile input stays linear", () => {
    const t = performance.now();
    shellSecrets("(".repeat(5000) + "echo x | cryptsetup open" + ")".repeat(5000));
    shellSecrets("a=".repeat(20000) + " --password=x");
    shellSecrets("'".repeat(30001));
    expect(performance.now() - t).toBeLessThan(2000);
  });
});
