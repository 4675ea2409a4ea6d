// Bounds for reading sops files, which come from other people's commits.
// A secrets file is a few KiB; these leave room for large ones while keeping
// a hostile file from hanging the process or eating gigabytes (the YAML
// library needs ~300 MB and ~2.5 s for 1 MiB of one-character list items,
// so YAML gets the tightest bound).
import { SopsError } from "./errors.js";

export const LIMITS = {
  /** Bytes of a YAML file (parsed by the `yaml` package). */
  yamlBytes: 2 << 20,
  /** Bytes of any other file (JSON, dotenv, INI, binary: nixsec's own linear parsers). */
  otherBytes: 64 << 20,
  /** Nesting of maps and lists. Real secrets files nest a handful of levels. */
  depth: 100,
  /** Maps, lists and values after YAML aliases are expanded (billion laughs). */
  nodes: 1_000_000,
  /** YAML documents in one file (sops repeats its metadata in each). */
  documents: 1000,
};

export function checkSize(bytes: Uint8Array, max: number, file: string): void {
  if (bytes.length > max) {
    throw new SopsError("limit", `${file}: ${bytes.length} bytes is more than the ${max} nixsec reads as a sops file`, {
      hint: "a sops file this large is not a secrets file; check that the path is right",
    });
  }
}

export function depthError(file: string): SopsError {
  return new SopsError("limit", `${file}: nested more than ${LIMITS.depth} levels deep`, { hint: "sops files nest a few levels; this one looks malformed or hostile" });
}

/** Counts nodes as a tree is built; throws once the bound is passed. */
export class NodeBudget {
  private left = LIMITS.nodes;

  constructor(private readonly file: string) {}

  spend(n = 1): void {
    this.left -= n;
    if (this.left < 0) {
      throw new SopsError("limit", `${this.file}: more than ${LIMITS.nodes} values (after expanding YAML aliases)`, {
        hint: "the file repeats aliases to grow huge when expanded; sops files never need this",
      });
    }
  }
}

/**
 * A cheap pass over YAML text before the parser sees it: the parser's memory
 * grows without bound on deep flow nesting (`[[[[…`) and on many small
 * documents, so documents, flow brackets and block indentation levels are
 * counted here first. Brackets inside quotes and
 * comments are skipped; the count may only over-estimate block depth (block
 * scalar lines count as levels), which real files stay far below.
 */
export function prescanYaml(text: string, file: string): void {
  let flow = 0;
  let documents = 1;
  const indents: number[] = [];
  let lineStart = true;
  let indent = 0;
  let quote = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\n") {
      lineStart = true;
      indent = 0;
      if (quote === "'") continue; // single-quoted scalars may span lines
      continue;
    }
    if (lineStart) {
      if (c === " ") {
        indent++;
        continue;
      }
      lineStart = false;
      if (indent === 0 && quote === "" && text.startsWith("---", i) && /^---(?:[ \t\r\n]|$)/.test(text.slice(i, i + 4)) && ++documents > LIMITS.documents) {
        throw new SopsError("limit", `${file}: more than ${LIMITS.documents} YAML documents`, { hint: "sops files hold one document, or a few" });
      }
      if (c !== "#" && quote === "" && flow === 0) {
        while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
        indents.push(indent);
        if (indents.length > LIMITS.depth) throw depthError(file);
      }
    }
    if (quote !== "") {
      if (quote === '"' && c === "\\") i++;
      else if (c === quote) quote = "";
      continue;
    }
    if (c === "#" && (i === 0 || /\s/.test(text[i - 1]!))) {
      const nl = text.indexOf("\n", i);
      i = nl < 0 ? text.length : nl - 1;
      continue;
    }
    if ((c === '"' || c === "'") && (i === 0 || /[\s[{,:]/.test(text[i - 1]!))) quote = c;
    else if (c === "[" || c === "{") {
      if (++flow > LIMITS.depth) throw depthError(file);
    } else if ((c === "]" || c === "}") && flow > 0) flow--;
  }
}
