// A whole-directory scan on several threads reports exactly what one thread
// does (same findings, same order, same notes), through the built binary.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { partition } from "../../src/audit/parallel.js";
import { runCli } from "../helpers/cli.js";
import { loadCorpus } from "./corpus-load.js";

describe("partition", () => {
  it("balances bytes and keeps each group in the original order", () => {
    const files = [10, 1, 7, 3, 3, 9].map((size, i) => ({ path: `f${i}`, size }));
    const groups = partition(files, 2);
    expect(groups.flat().sort()).toEqual([0, 1, 2, 3, 4, 5]);
    for (const g of groups) expect(g).toEqual([...g].sort((a, b) => a - b));
    const load = groups.map((g) => g.reduce((n, i) => n + files[i]!.size, 0));
    expect(Math.abs(load[0]! - load[1]!)).toBeLessThanOrEqual(3);
  });
});

describe("nixsec audit -j", () => {
  let dir: string;
  beforeAll(() => {
    // the labelled corpus, copied until it passes the 3 MB threshold for threads
    dir = mkdtempSync(path.join(tmpdir(), "nixsec-audit-parallel-"));
    const { inputs } = loadCorpus();
    let bytes = 0;
    for (let copy = 0; bytes < 3.2e6; copy++) {
      for (const f of inputs) {
        const to = path.join(dir, `copy${copy}`, f.path);
        mkdirSync(path.dirname(to), { recursive: true });
        writeFileSync(to, f.content);
        bytes += f.content.length;
      }
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("gives the same report on 1 and 3 threads", async () => {
    const one = await runCli(["audit", dir, "-j", "1", "--format", "json"]);
    const three = await runCli(["audit", dir, "-j", "3", "--format", "json"]);
    expect(one.code).toBe(1);
    expect(three.code).toBe(1);
    const a = JSON.parse(one.stdout.toString()), b = JSON.parse(three.stdout.toString());
    expect(a.findings.length).toBeGreaterThan(100);
    expect(b.findings).toEqual(a.findings);
    expect(b.notes).toEqual(a.notes);
    expect(b.summary).toEqual(a.summary);
  });

  it("refuses a bad thread count as a usage error", async () => {
    const r = await runCli(["audit", dir, "-j", "0"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/-j, --jobs <n>.*expected a whole number from 1 to 64/);
  });
});
