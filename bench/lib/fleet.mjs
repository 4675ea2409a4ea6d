// What the rekey benchmarks share: nixsec's library bundled as the CLI
// bundles it (so in-process timings run the same code), the CLI built, and a
// fleet of ssh-ed25519 hosts whose manifest gives every secret to all of them.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * Bundles `exports` (lines of `export … from "src/…"`, paths relative to the
 * repository) into DIR/lib.mjs, builds bin/nixsec.js, and imports the bundle.
 */
export async function bundleLib(dir, exports) {
  const entry = path.join(dir, "lib-entry.ts");
  writeFileSync(entry, exports.map((line) => line.replace(/"(src\/[^"]+)"/, (_, p) => JSON.stringify(path.join(root, p)))).join("\n") + "\n");
  await build({ entryPoints: [entry], outfile: path.join(dir, "lib.mjs"), bundle: true, platform: "node", format: "esm", logLevel: "warning", external: ["sodium-native"],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" } });
  execFileSync("node", [path.join(root, "scripts/build.mjs")], { cwd: root });
  return import(path.join(dir, "lib.mjs"));
}

/** `n` ssh-ed25519 host keys made with ssh-keygen in DIR (host0, host1, …): their public keys. */
export function sshHostKeys(dir, n) {
  for (let i = 0; i < n; i++) execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", `root@host${i}`, "-f", path.join(dir, `host${i}`)]);
  return Array.from({ length: n }, (_, i) => readFileSync(path.join(dir, `host${i}.pub`), "utf8").trim());
}

/** A manifest: `admins` (name → key), hosts host0… with `hostKeys`, and each of `names` read by every host. */
export function fleetManifest({ admins, hostKeys, names, backend }) {
  let yaml = `version: 1\n${backend ? `settings:\n  backend: ${backend}\n` : ""}admins:\n`;
  for (const [name, key] of Object.entries(admins)) yaml += `  ${name}:\n    key: "${key}"\n`;
  yaml += "hosts:\n";
  hostKeys.forEach((k, i) => (yaml += `  host${i}:\n    key: "${k}"\n`));
  yaml += "secrets:\n";
  const all = `[${hostKeys.map((_, i) => `host${i}`).join(", ")}]`;
  for (const n of names) yaml += `  ${n}:\n    hosts: ${all}\n`;
  return yaml;
}
