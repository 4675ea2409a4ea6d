// Keeps the user's own spelling of the parts of the file an edit did not touch.
//
// The yaml Document API keeps comments and key order but re-renders every
// line: aligned comments lose their alignment, `[a]` may become `[ a ]`, a
// comment after `host:` moves to the next line, and the first CLI edit of a
// hand-written file would rewrite all of it in `git diff`. So:
//   1. align the original text with its own re-rendering ("baseline") into
//      blocks: a line that differs only in spacing pairs with its baseline
//      line, anything else forms a block of original lines and baseline lines;
//   2. line-diff the baseline against the rendering of the edited document;
//   3. where all baseline lines of a block survive the edit together, put the
//      block's original lines back.
// The merged text is used only if it re-renders to exactly what the edited
// document renders to (same data, comments and order); otherwise the plain
// rendering is returned, so this can cost formatting but never content.
import { parseDocument } from "yaml";

/** The LCS tables are quadratic; past this many cells the plain rendering is used. */
const MAX_TABLE = 4_000_000;

interface Block {
  original: string[];
  baseline: number[]; // indices into the baseline lines
}

/**
 * `render(text)` re-renders YAML text the way `edited` was rendered. Returns
 * `edited` with the untouched parts spelled as in `original`.
 */
export function preserveFormatting(original: string, edited: string, render: (text: string) => string): string {
  const eol = original.includes("\r\n") ? "\r\n" : "\n";
  const originalLines = original.split(/\r?\n/);
  const baselineLines = render(original).split("\n");
  const editedLines = edited.split("\n");
  if (baselineLines.length * Math.max(originalLines.length, editedLines.length) > MAX_TABLE) return edited;

  const blocks = alignBlocks(originalLines, baselineLines);
  const editedAt = new Map(commonLines(baselineLines, editedLines, (a, b) => a === b));
  const replaced = new Map<number, string[]>(); // first edited index → original lines
  const dropped = new Set<number>();
  for (const block of blocks) {
    const at = block.baseline.map((b) => editedAt.get(b));
    const first = at[0];
    if (first === undefined || at.some((e, i) => e !== first + i)) continue;
    replaced.set(first, block.original);
    for (let i = 1; i < at.length; i++) dropped.add(first + i);
  }
  const merged = editedLines.flatMap((line, i) => (dropped.has(i) ? [] : (replaced.get(i) ?? [line])));
  const text = merged.join(eol);
  return tryRender(render, text) === render(edited) ? text : edited;
}

/** Merging can produce invalid YAML (say, mixed indentation); that just means "do not use it". */
function tryRender(render: (text: string) => string, text: string): string | undefined {
  try {
    return render(text);
  } catch {
    return undefined;
  }
}

/**
 * Pairs original and baseline lines that differ only in spacing; the lines
 * between two pairs form one block. A gap with lines on one side only (say, a
 * second blank line yaml collapses) is glued to the pair after it.
 */
function alignBlocks(original: string[], baseline: string[]): Block[] {
  const blocks: Block[] = [];
  let pending: Block = { original: [], baseline: [] };
  let o = 0;
  let b = 0;
  for (const [po, pb] of commonLines(original, baseline, sameButSpacing)) {
    const gap = { original: original.slice(o, po), baseline: range(b, pb) };
    if (gap.original.length > 0 && gap.baseline.length > 0) blocks.push(gap);
    else pending = { original: [...pending.original, ...gap.original], baseline: [...pending.baseline, ...gap.baseline] };
    blocks.push({ original: [...pending.original, original[po]!], baseline: [...pending.baseline, pb] });
    pending = { original: [], baseline: [] };
    [o, b] = [po + 1, pb + 1];
  }
  const tail = { original: original.slice(o), baseline: range(b, baseline.length) };
  const last = blocks.at(-1);
  if (tail.baseline.length > 0) blocks.push(tail);
  else if (last) last.original.push(...tail.original);
  return blocks;
}

/** Same indentation, and the same text once spacing after it is ignored. */
function sameButSpacing(a: string, b: string): boolean {
  const indent = (s: string) => /^\s*/.exec(s)![0];
  return indent(a) === indent(b) && a.replace(/\s+/g, "") === b.replace(/\s+/g, "");
}

/** Index pairs of a longest common subsequence of two line lists. */
function commonLines(a: string[], b: string[], same: (x: string, y: string) => boolean): Array<[number, number]> {
  const width = b.length + 1;
  const table = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * width + j] = same(a[i]!, b[j]!)
        ? table[(i + 1) * width + j + 1]! + 1
        : Math.max(table[(i + 1) * width + j]!, table[i * width + j + 1]!);
    }
  }
  const pairs: Array<[number, number]> = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (same(a[i]!, b[j]!)) pairs.push([i++, j++]);
    else if (table[(i + 1) * width + j]! >= table[i * width + j + 1]!) i++;
    else j++;
  }
  return pairs;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

/** Re-renders YAML text with the options the manifest is written with; throws on invalid YAML. */
export function renderYaml(text: string, options: { lineWidth: number; flowCollectionPadding: boolean }): string {
  return parseDocument(text, { uniqueKeys: false }).toString(options);
}
