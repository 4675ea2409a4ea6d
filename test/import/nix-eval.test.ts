// The evaluator for rules files without Nix (src/import/nix-eval.ts):
// every shape it claims gives what nix-instantiate gives (a table, and
// random rules files, property-tested in one Nix run per batch), and every
// shape it does not claim is refused naming its line.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { Evaluator, toPlain } from "../../src/import/nix-eval.js";
import { needTool } from "../helpers/tools.js";

const hasNix = needTool("nix-instantiate");
const tmp = mkdtempSync(path.join(tmpdir(), "nixsec-nix-eval-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function ours(source: string): unknown {
  const ev = new Evaluator(source, "t.nix");
  return toPlain(ev.root());
}

/** nix-instantiate's values of `sources`, in one run. */
function nix(sources: string[]): unknown[] {
  const files = sources.map((s, i) => {
    const f = path.join(tmp, `case-${i}-${Math.random().toString(36).slice(2)}.nix`);
    writeFileSync(f, s);
    return f;
  });
  const expr = `[ ${files.map((f) => `(import ${f})`).join(" ")} ]`;
  return JSON.parse(execFileSync("nix-instantiate", ["--eval", "--strict", "--json", "-E", expr], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }));
}

const K1 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIL0idNvgGiucWgup/mP78zyC23uFjYq0evcWdjGQUaBH";
const K2 = "age1wl3fqfvyml0c5eaj00j0frad4vhspgx9t8sngq4342j7rzjw4pqs80euxk";

const SHAPES: Array<[string, string]> = [
  ["agenix's README", `let\n  user1 = "${K1}";\n  users = [ user1 ];\n  system1 = "${K2}";\n  systems = [ system1 ];\nin\n{\n  "secret1.age".publicKeys = [ user1 system1 ];\n  "secret2.age".publicKeys = users ++ systems;\n}`],
  ["nested paths and a set on the same name", `{ "a.age".publicKeys = [ "${K1}" ]; "a.age".armor = true; "b.age" = { publicKeys = [ ]; }; }`],
  ["a set of keys, attrValues, inherit (from)", `let keys = { alice = "${K1}"; box = "${K2}"; }; inherit (keys) alice; in { "x.age".publicKeys = builtins.attrValues keys; "y.age".publicKeys = [ alice ]; }`],
  ["with, rec, interpolation, concatLists, //", `let k = rec { a = "${K1}"; b = a; }; pre = "ssh-ed25519"; in with k; { "x.age".publicKeys = builtins.concatLists [ [ a ] [ b ] ]; "y.age" = { publicKeys = [ "\${pre} AAAAC3NzaC1lZDI1NTE5AAAAIL0idNvgGiucWgup/mP78zyC23uFjYq0evcWdjGQUaBH" ]; } // { armor = false; }; }`],
  ["let in let, `or`, attrNames, numbers, null", `let a = { x = 1; }; in let b = a.y or 2; in { n = b + 1; names = builtins.attrNames { z = 1; y = null; }; v = null; s = "a" + "b"; }`],
  ["lexical scope wins over with", `let x = "lexical"; in with { x = "with"; y = "fromwith"; }; { inherit x y; }`],
];

describe.runIf(hasNix)("nix-eval against nix-instantiate", () => {
  it.each(SHAPES)("%s", (_, source) => {
    expect(ours(source)).toEqual(nix([source])[0]);
  });

  it("random rules files: the same value as Nix (property)", () => {
    const ident = fc.constantFrom("alice", "bob", "box", "server1", "k");
    const key = fc.constantFrom(K1, K2, `${K1} alice@laptop`);
    const rules = fc.record({
      keys: fc.uniqueArray(fc.tuple(ident, key), { minLength: 1, maxLength: 4, selector: ([n]) => n }),
      groups: fc.array(fc.tuple(fc.constantFrom("users", "systems", "all"), fc.nat()), { maxLength: 2 }),
      files: fc.array(fc.tuple(fc.stringMatching(/^[a-z][a-z0-9._-]{0,8}$/), fc.array(fc.nat(), { maxLength: 4 }), fc.boolean(), fc.boolean()), { minLength: 1, maxLength: 5 }),
    }).map(({ keys, groups, files }) => {
      const names = keys.map(([n]) => n);
      const groupLines = [...new Map(groups.map(([g, i]) => [g, i])).entries()].map(([g, i]) => `  ${g} = [ ${names.slice(0, (i % names.length) + 1).join(" ")} ];`);
      const groupNames = groupLines.map((l) => l.trim().split(" ")[0]!);
      const seen = new Set<string>();
      const entries = files.filter(([f]) => !seen.has(f) && seen.add(f)).map(([f, picks, concat, setForm]) => {
        const list = `[ ${picks.map((p) => names[p % names.length]).join(" ")} ]`;
        const expr = concat && groupNames.length ? `${groupNames[0]} ++ ${list}` : list;
        return setForm ? `  "${f}.age" = { publicKeys = ${expr}; armor = true; };` : `  "${f}.age".publicKeys = ${expr};`;
      });
      return `let\n${keys.map(([n, k]) => `  ${n} = "${k}";`).join("\n")}\n${groupLines.join("\n")}\nin\n{\n${entries.join("\n")}\n}\n`;
    });
    const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
    console.log(`nix-eval property: seed ${seed} (FC_SEED=${seed} repeats it)`);
    const samples = fc.sample(rules, { numRuns: 60, seed });
    const fromNix = nix(samples);
    samples.forEach((s, i) => expect(ours(s), s).toEqual(fromNix[i]));
  });
});

describe("nix-eval refuses what it does not evaluate, naming the line", () => {
  const table: Array<[string, string, RegExp]> = [
    ["an import", `let k = import ./k.nix; in k`, /t\.nix:1:9: `import` is beyond/],
    ["a function", `{ f = x: x; }.f`, /t\.nix:1:7: a function is beyond/],
    ["a call", `let f = x: x; in f 1`, /t\.nix:1:9: a function is beyond/],
    ["if", `\n\nif true then {} else {}`, /t\.nix:3:1: if-then-else is beyond/],
    ["a path", `{ a = ./x; }.a`, /t\.nix:1:7: a path is beyond/],
    ["infinite recursion", `let a = b; b = a; in a`, /infinite recursion/],
    ["an undefined variable", `{ a = nope; }.a`, /t\.nix:1:7: undefined variable "nope"/],
    ["a missing attribute", `{ a = 1; }.b`, /attribute "b" missing/],
    ["a dynamic attribute", `let n = "x"; in { \${n} = 1; }`, /a dynamic attribute name/],
  ];
  it.each(table)("%s", (_, source, message) => {
    expect(() => ours(source)).toThrow(message);
  });

  it("evaluates lazily, as Nix does: an unused attribute it cannot evaluate is no error", () => {
    const ev = new Evaluator(`{ a = "x"; b = import ./y.nix; }`, "t.nix");
    const top = ev.root().force() as { set: Map<string, { force(): unknown }> };
    expect(top.set.get("a")!.force()).toBe("x");
  });

  it("stops a runaway evaluation", () => {
    const src = `let l0 = [ "a" ]; ${Array.from({ length: 40 }, (_, i) => `l${i + 1} = l${i} ++ l${i};`).join(" ")} in l40`;
    expect(() => ours(src)).toThrow(/too much to evaluate without Nix/);
  });
});
