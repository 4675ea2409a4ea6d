// From "characters a..b of a folded value" back to the source, and the one
// place where a line of source is turned into a snippet a person may see:
// every snippet passes through `redactedSnippet`, which hides the secret's
// range and every other occurrence of it on that line.
import { LineMap, type Position } from "../nix/index.js";
import type { Folded, Piece } from "./fold.js";

/** Source offset of decoded character `k` of a literal piece. */
export function literalOffset(src: string, piece: Piece, k: number): number {
  if (piece.kind === "hole") return piece.start;
  if (!piece.indented) {
    let j = piece.start;
    for (let d = 0; d < k && j < piece.end; d++) {
      const c = src.charCodeAt(j);
      j += c === 92 || (c === 13 && src.charCodeAt(j + 1) === 10) ? 2 : 1;
    }
    return Math.min(j, piece.end);
  }
  // Indented strings: lines correspond one to one; within a line the decoded
  // text is the raw text minus the common indentation (and escapes, rarely).
  const text = piece.text;
  let line = 0;
  let lineStartDecoded = 0;
  for (let i = 0; i < k && i < text.length; i++) if (text.charCodeAt(i) === 10) { line++; lineStartDecoded = i + 1; }
  let rawLineStart = piece.start;
  for (let l = 0; l < line; l++) {
    const nl = src.indexOf("\n", rawLineStart);
    if (nl < 0 || nl >= piece.end) return piece.start;
    rawLineStart = nl + 1;
  }
  let rawLineEnd = src.indexOf("\n", rawLineStart);
  if (rawLineEnd < 0 || rawLineEnd > piece.end) rawLineEnd = piece.end;
  let decodedLineEnd = text.indexOf("\n", lineStartDecoded);
  if (decodedLineEnd < 0) decodedLineEnd = text.length;
  const rawLine = src.slice(rawLineStart, rawLineEnd);
  const decodedLine = text.slice(lineStartDecoded, decodedLineEnd);
  const col = k - lineStartDecoded;
  if (rawLine.endsWith(decodedLine)) return rawLineStart + rawLine.length - decodedLine.length + col;
  const indent = (s: string): number => s.length - s.trimStart().length;
  return Math.min(rawLineStart + Math.max(0, indent(rawLine) - indent(decodedLine)) + col, rawLineEnd);
}

/** Source span of characters [a, b) of a folded value. */
export function sourceSpan(src: string, folded: Folded, a: number, b: number): { start: number; end: number } {
  // A start offset belongs to the piece where it begins (at <= k < end); an
  // end offset to the piece where it ends (at < k <= end).
  const at = (k: number, preferEnd: boolean): number => {
    let best: Piece | null = null;
    for (const p of folded.pieces) {
      const pEnd = p.at + p.text.length;
      if (preferEnd ? k > p.at && k <= pEnd : k >= p.at && k < pEnd) { best = p; break; }
    }
    if (!best) return folded.pieces[0]?.start ?? 0;
    if (best.kind === "hole") return preferEnd ? best.end : best.start;
    return literalOffset(src, best, k - best.at);
  };
  const start = at(a, false);
  const end = Math.max(start + 1, at(b, true));
  return { start, end };
}

/**
 * How a secret is shown: `***`, whatever its length. Not even a prefix: the
 * README promises values are never printed, and two characters of a short
 * password are a real hint (issue 12, item 8).
 */
export const REDACTED = "***";

const MAX_SNIPPET = 200;

/** Positions and redacted snippets for one file's source. */
export class Locator {
  private map: LineMap | null = null;
  constructor(readonly src: string) {}

  position(offset: number): Position {
    this.map ??= new LineMap(this.src);
    return this.map.position(offset);
  }

  /**
   * The line holding `start`, with [start, end) and every occurrence of the
   * given secret texts on it replaced by their redaction; trimmed, at most
   * 200 characters.
   */
  redactedSnippet(start: number, end: number, secrets: readonly string[]): string {
    const src = this.src;
    let ls = start;
    while (ls > 0 && src.charCodeAt(ls - 1) !== 10 && src.charCodeAt(ls - 1) !== 13) ls--;
    let le = start;
    while (le < src.length && src.charCodeAt(le) !== 10 && src.charCodeAt(le) !== 13) le++;
    const line = src.slice(ls, le);
    // Collect ranges to hide (line-relative), then rebuild the line.
    const hide: [number, number, string][] = [];
    if (end > start) hide.push([start - ls, Math.min(end, le) - ls, REDACTED]);
    for (const s of secrets) {
      const t = s.trim();
      if (t.length < 3) continue;
      for (let i = line.indexOf(t); i >= 0; i = line.indexOf(t, i + t.length)) hide.push([i, i + t.length, REDACTED]);
      // A multi-line secret: hide any of its lines that appear here.
      if (t.includes("\n")) for (const part of t.split("\n")) {
        const q = part.trim();
        if (q.length < 6) continue;
        for (let i = line.indexOf(q); i >= 0; i = line.indexOf(q, i + q.length)) hide.push([i, i + q.length, REDACTED]);
      }
    }
    hide.sort((x, y) => x[0] - y[0] || y[1] - x[1]);
    let out = "";
    let pos = 0;
    for (const [a, b, r] of hide) {
      if (b <= pos) continue;
      if (a >= pos) { out += line.slice(pos, a) + r; pos = b; } else { pos = b; }
    }
    out += line.slice(pos);
    out = out.trim();
    return out.length > MAX_SNIPPET ? out.slice(0, MAX_SNIPPET - 1) + "…" : out;
  }
}
