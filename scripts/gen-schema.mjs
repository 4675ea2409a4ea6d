// Regenerates schema/nixsec.schema.json from the zod schema in
// src/manifest/schema.ts. Run it after changing the schema:
//   node scripts/gen-schema.mjs [output-file]
// test/manifest/schema.test.ts fails while the committed file is stale.
import { build } from "esbuild";
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = process.argv[2] ?? `${root}schema/nixsec.schema.json`;
const bundle = await build({
  entryPoints: [`${root}src/manifest/json-schema.ts`],
  bundle: true,
  platform: "node",
  format: "esm",
  write: false,
  logLevel: "warning",
});
const code = Buffer.from(bundle.outputFiles[0].text).toString("base64");
const { renderManifestJsonSchema } = await import(`data:text/javascript;base64,${code}`);
await writeFile(out, renderManifestJsonSchema());
