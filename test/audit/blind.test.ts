// The blind corpus (test/audit/blind/): prints the audit's score on it and
// checks that labels.json describes the files. No score gate here: the gate is
// added by whoever tunes the audit, after the first run was recorded.
import { describe, expect, test } from "vitest";
import { checkLabels, corpusFiles, loadLabels, renderScore, scoreBlind } from "./blind/score.js";

describe("blind corpus", () => {
  test("labels.json is well-formed: every file labelled, every range inside its file", () => {
    expect(checkLabels()).toEqual([]);
  });

  test("is big enough to mean something", () => {
    const all = Object.values(loadLabels()).flat();
    const n = (v: string): number => all.filter((e) => e.verdict === v).length;
    expect(corpusFiles().length).toBeGreaterThanOrEqual(60);
    expect(n("leak")).toBeGreaterThanOrEqual(100);
    expect(n("trap")).toBeGreaterThanOrEqual(n("leak"));
  });

  test("prints the score", () => {
    const s = scoreBlind();
    console.log(renderScore(s));
    expect(s.recall).toBeGreaterThanOrEqual(0);
  });
});
