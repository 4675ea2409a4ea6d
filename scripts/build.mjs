// Bundles the CLI into one ESM file so start-up reads one module instead of
// hundreds (the pre-commit hook budget is a few Node start-ups; see bench/).
import { build } from "esbuild";

await build({
  entryPoints: ["src/cli/main.ts"],
  outfile: "dist/nixsec.js",
  bundle: true,
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
