// Bundles the CLI so start-up reads a few files instead of hundreds of
// modules (the pre-commit hook budget is a few Node start-ups; see bench/).
// Commands are split into chunks loaded on first use.
import { build } from "esbuild";

await build({
  entryPoints: { nixsec: "src/cli/main.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  platform: "node",
  target: "node20",
  format: "esm",
  sourcemap: "linked",
  logLevel: "warning",
  // Some dependencies are CommonJS (bcrypt-pbkdf); give the bundle a require().
  banner: {
    js: "import { createRequire as __nixsecCreateRequire } from 'node:module'; const require = __nixsecCreateRequire(import.meta.url);",
  },
});
