// Bundles the CLI so start-up reads a few files instead of hundreds of
// modules (the pre-commit hook budget is a few Node start-ups; see bench/).
// Commands are split into chunks loaded on first use.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, renameSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
// Chunk names change with their contents, so each build starts from an empty
// directory (stale chunks would pile up in dist/) and replaces dist/ only when
// complete: a test run that starts the CLI meanwhile sees the old or the new.
const out = `dist.build-${process.pid}`;

// The build id names exactly these sources and locked dependencies; caches
// written by one build (src/manifest/cache.ts) are never read by another.
const hash = createHash("sha256");
for (const f of ["package.json", "package-lock.json", ...readdirSync(`${root}src`, { recursive: true }).map((f) => `src/${f}`).sort()]) {
  if (!f.endsWith(".json") && !f.endsWith(".ts")) continue;
  hash.update(f).update("\0").update(readFileSync(`${root}${f}`)).update("\0");
}
const buildId = hash.digest("hex").slice(0, 24);

try {
  await build({
    // encrypt-worker: the body of rekey's encryption threads, which load it by
    // name (src/store/rekey-worker.ts) and so skip the CLI's modules.
    entryPoints: { nixsec: "src/cli/main.ts", "encrypt-worker": "src/store/encrypt-worker.ts" },
    absWorkingDir: root,
    outdir: out,
    bundle: true,
    splitting: true,
    platform: "node",
    target: "node20",
    format: "esm",
    sourcemap: "linked",
    define: { __NIXSEC_BUILD_ID__: JSON.stringify(buildId) },
    // A native addon, found at run time next to its prebuilt binaries
    // (optional: src/crypto/sodium.ts falls back to node:crypto without it).
    external: ["sodium-native"],
    logLevel: "warning",
    // Some dependencies are CommonJS (bcrypt-pbkdf); give the bundle a require().
    banner: {
      js: "import { createRequire as __nixsecCreateRequire } from 'node:module'; const require = __nixsecCreateRequire(import.meta.url);",
    },
  });
  const old = `${root}dist.old-${process.pid}`;
  try {
    renameSync(`${root}dist`, old);
  } catch { /* first build */ }
  renameSync(`${root}${out}`, `${root}dist`);
  rmSync(old, { recursive: true, force: true });
} finally {
  rmSync(`${root}${out}`, { recursive: true, force: true });
}
