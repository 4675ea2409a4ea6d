// `npm run docs`: regenerates what docs/ holds from its sources, so new
// commands and module options are documented by running this once.
//   docs/options.md  the NixOS module's options, from its own declarations
//                    (the flake's nixosModules.default), evaluated by
//                    nix-instantiate with the stand-in lib in scripts/docs
//                    (or nixpkgs' lib: NIXSEC_NIXPKGS_LIB=/path/to/lib)
//   docs/man/*.1     a manual page per command, from the command tree --help reads
// `--check` writes nothing and exits 1 naming each stale or extra file
// (test/packaging/docs.test.ts runs it).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { manPages } from "./docs/man.mjs";
import { optionsMarkdown } from "./docs/options-md.mjs";

const root = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
/** A Nix path expression for any absolute path (spaces and all). */
const nixPath = (p) => `(/. + ${JSON.stringify(p).replace(/\$\{/g, "\\${")})`;
const check = process.argv.includes("--check");

/** The flake's NixOS module, read without nixpkgs: its other inputs are never forced. */
const MODULES = `[ ((import ${nixPath(`${root}/flake.nix`)}).outputs { self = { }; nixpkgs = throw "nixpkgs"; agenix = throw "agenix"; }).nixosModules.default ]`;

function moduleOptions() {
  const lib = process.env.NIXSEC_NIXPKGS_LIB ? ["--arg", "lib", `import ${nixPath(path.resolve(process.env.NIXSEC_NIXPKGS_LIB))}`] : [];
  const json = execFileSync("nix-instantiate", ["--eval", "--strict", "--json", path.join(root, "scripts/docs/module-options.nix"), "--arg", "modules", MODULES, "--arg", "root", nixPath(root), ...lib], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  return JSON.parse(json);
}

/** The CLI's command tree, bundled from src/ so no build step is needed first. */
async function commandTree() {
  const dir = mkdtempSync(path.join(tmpdir(), "nixsec-docs-"));
  try {
    const out = path.join(dir, "program.mjs");
    await build({
      entryPoints: [path.join(root, "src/cli/program.ts")], outfile: out, bundle: true, platform: "node", format: "esm", target: "node20",
      external: ["sodium-native"], logLevel: "error", define: { __NIXSEC_BUILD_ID__: '"docs"' },
      banner: { js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);" },
    });
    const { buildProgram, VERSION } = await import(pathToFileURL(out).href);
    const sink = { write: () => true };
    return { program: buildProgram({ stdin: process.stdin, stdout: sink, stderr: sink, env: {}, cwd: root, stdinIsTTY: false }), version: VERSION };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const wanted = new Map();
wanted.set("docs/options.md", optionsMarkdown(moduleOptions(), {
  title: "NixOS module options",
  intro: "The options of nixsec's NixOS module (`nixosModules.default` of this flake). See the README for how to import it.",
}));
const { program, version } = await commandTree();
for (const [file, text] of manPages(program, version)) wanted.set(`docs/man/${file}`, text);

// Pages of commands that no longer exist are stale too.
const present = existsSync(path.join(root, "docs/man")) ? readdirSync(path.join(root, "docs/man")).map((f) => `docs/man/${f}`) : [];
const stale = [...wanted].filter(([f, text]) => !existsSync(path.join(root, f)) || readFileSync(path.join(root, f), "utf8") !== text).map(([f]) => f);
const extra = present.filter((f) => !wanted.has(f));

if (check) {
  for (const f of stale) console.error(`nixsec docs: ${f} is stale`);
  for (const f of extra) console.error(`nixsec docs: ${f} documents no command`);
  if (stale.length + extra.length > 0) {
    console.error("nixsec docs: hint: run npm run docs and commit docs/");
    process.exit(1);
  }
} else {
  mkdirSync(path.join(root, "docs/man"), { recursive: true });
  for (const f of stale) writeFileSync(path.join(root, f), wanted.get(f));
  for (const f of extra) rmSync(path.join(root, f));
  console.error(`nixsec docs: ${stale.length} written, ${extra.length} removed, ${wanted.size - stale.length} unchanged`);
}
