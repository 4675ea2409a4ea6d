// Loads the labelled corpus: substitutes `{{fake:KIND[:ARG]}}` markers with
// generated values, then reads the labels (`# expect: RULE[@severity]`,
// `# expect+1: …`, and expect.json for files that cannot hold a comment).
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fake, type FakeKind } from "../../src/audit/rules/fake.js";
import type { AuditInput, Severity } from "../../src/audit/types.js";

export const CORPUS = path.join(import.meta.dirname, "corpus");

export interface Label {
  file: string;
  line: number;
  rule: string;
  severity?: Severity;
}

function walk(dir: string, rel = ""): string[] {
  const out: string[] = [];
  for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...walk(dir, p));
    else if (e.isFile()) out.push(p);
  }
  return out.sort();
}

function expand(file: string, text: string): string {
  let n = 0;
  return text.replace(/([^\n]*?)\{\{fake:([A-Za-z0-9]+)(?::([A-Z]*))?\}\}/g, (_all, before: string, kind: string, arg: string | undefined) => {
    const seed = `${file}#${n++}`;
    if (kind === "pem") {
      const indent = /^\s*/.exec(before)![0];
      return before + fake.pem(arg ?? "OPENSSH", seed, indent);
    }
    const gen = fake[kind as FakeKind] as ((s: string) => string) | undefined;
    if (!gen) throw new Error(`${file}: unknown fake kind ${kind}`);
    return before + gen(seed);
  });
}

const LABEL = /#\s*expect(\+1)?:\s*([a-z0-9@, -]+?)\s*$/;

export function loadCorpus(): { inputs: AuditInput[]; labels: Label[] } {
  const inputs: AuditInput[] = [];
  const labels: Label[] = [];
  const sidecar = JSON.parse(readFileSync(path.join(CORPUS, "expect.json"), "utf8")) as Record<string, Record<string, string[]>>;
  for (const file of walk(CORPUS)) {
    if (file === "expect.json" || file === "README.md") continue;
    const raw = readFileSync(path.join(CORPUS, file));
    const isText = !raw.includes(0);
    const text = isText ? expand(file, raw.toString("utf8")) : null;
    inputs.push({ path: file, content: text === null ? raw : new TextEncoder().encode(text) });
    const add = (line: number, spec: string): void => {
      for (const s of spec.split(",").map((x) => x.trim()).filter(Boolean)) {
        const [rule, severity] = s.split("@") as [string, Severity | undefined];
        labels.push({ file, line, rule, ...(severity ? { severity } : {}) });
      }
    };
    if (text !== null) {
      text.split("\n").forEach((l, i) => {
        const m = LABEL.exec(l);
        if (m) add(m[1] ? i + 2 : i + 1, m[2]!);
      });
    }
    for (const [line, rules] of Object.entries(sidecar[file] ?? {})) add(Number(line), rules.join(","));
  }
  return { inputs, labels };
}
