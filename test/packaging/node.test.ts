// The Node lines nixsec supports (package.json engines; CI runs the suite on
// the machine's Node and on Node 24, see .ci/run), and which X25519 backend
// each uses. A failed native self-check is not an error at run time (the
// pure-JS ladder gives the same bytes, ~2x slower per file), so it is made
// loud here: a fresh process, its main thread and a worker thread, must pick
// node:crypto by default and libsodium for bulk work where sodium-native is
// installed (always in CI: npm ci installs it).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "../helpers/tools.js";

const node = process.versions.node;
const major = Number(node.split(".")[0]);

function loadsSodium(): boolean {
  try {
    createRequire(path.join(repoRoot, "package.json"))("sodium-native");
    return true;
  } catch {
    return false;
  }
}

describe(`Node ${node}`, () => {
  it("is the Node CI asked for (NIXSEC_EXPECT_NODE, set by .ci/run)", () => {
    const want = process.env.NIXSEC_EXPECT_NODE;
    if (process.env.CI === "true") expect(want, "CI=true runs go through .ci/run, which names the Node").toBeTruthy();
    if (want) expect(node).toBe(want);
  });

  it("is admitted by package.json engines (>= 20.19)", () => {
    const engines = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")).engines.node as string;
    expect(engines).toBe(">=20.19");
    const [maj, min] = node.split(".").map(Number) as [number, number];
    expect(maj > 20 || (maj === 20 && min >= 19)).toBe(true);
  });

  describe("X25519 backend in a fresh process", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "nixsec-backend-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    // The crypto module bundled alone (as scripts/build.mjs bundles the CLI),
    // beside a link to this checkout's node_modules so sodium-native resolves.
    async function report(env: Record<string, string> = {}): Promise<{ main: Record<string, string>; worker: Record<string, string> }> {
      const entry = path.join(dir, "entry.ts");
      writeFileSync(entry, `
        import { isMainThread, parentPort, Worker } from "node:worker_threads";
        import { bulkCrypto, x25519Backend } from ${JSON.stringify(path.join(repoRoot, "src/crypto/x25519.ts"))};
        const report = () => { const byDefault = x25519Backend(); return { node: process.versions.node, byDefault, bulk: bulkCrypto() }; };
        if (isMainThread) {
          const main = report();
          new Worker(new URL(import.meta.url)).once("message", (worker) => console.log(JSON.stringify({ main, worker })));
        } else parentPort.postMessage(report());
      `);
      const out = path.join(dir, "backend.mjs");
      await build({ entryPoints: [entry], outfile: out, bundle: true, platform: "node", format: "esm", target: "node20", external: ["sodium-native"], logLevel: "error",
        banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" } });
      try {
        symlinkSync(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"));
      } catch { /* linked by an earlier call */ }
      const { NIXSEC_NO_SODIUM: _, ...base } = process.env;
      return JSON.parse(execFileSync(process.execPath, [out], { encoding: "utf8", env: { ...base, ...env } }));
    }

    it(`uses node:crypto by default and libsodium for bulk work, in the main thread and a worker (Node ${major})`, async () => {
      const r = await report();
      const bulk = process.env.CI === "true" || loadsSodium() ? "sodium" : "openssl";
      for (const t of [r.main, r.worker]) {
        expect(t.node).toBe(node);
        expect(t.byDefault, "the node:crypto self-check failed: every file would use the pure-JS ladder").toBe("openssl");
        expect(t.bulk, "libsodium did not load or failed its known answers").toBe(bulk);
      }
    });

    it("stays on node:crypto for bulk work with NIXSEC_NO_SODIUM=1", async () => {
      const r = await report({ NIXSEC_NO_SODIUM: "1" });
      expect([r.main.bulk, r.worker.bulk]).toEqual(["openssl", "openssl"]);
    });
  });
});
