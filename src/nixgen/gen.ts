// `nixsec gen`: the generated files for a store, deterministic (same input,
// same bytes), written atomically, or compared for `--check`. Each starts with
// the generated-file marker (nixHeader); a file there without it is never
// overwritten (fs/generated.ts), and nothing is written through a link (fs/tree.ts).
import path from "node:path";
import { writeGenerated } from "../fs/generated.js";
import type { Store } from "../store/store.js";
import { buildAgenixRules } from "./agenix-rules.js";
import { buildData } from "./data.js";
import { nixHeader, renderNix } from "./emit.js";

export interface GeneratedFile {
  /** Absolute path. */
  path: string;
  content: string;
}

export function generatedFiles(store: Store): GeneratedFile[] {
  const outDir = path.join(store.root, store.manifest.data.settings.generatedDir);
  const source = path.basename(store.manifest.path);
  const files: GeneratedFile[] = [
    {
      path: path.join(outDir, "data.nix"),
      content: renderNix(buildData(store, outDir), {
        header: nixHeader(source, ["Regenerate with `nixsec gen`. Read by the nixsec NixOS module (nixsec.data)."]),
      }),
    },
  ];
  if (store.manifest.data.settings.backend === "agenix") {
    files.push({
      path: path.join(store.secretsDir, "secrets.nix"),
      content: renderNix(buildAgenixRules(store), {
        header: nixHeader(source, ["agenix/ragenix rules: who can decrypt each file. Regenerate with `nixsec gen`."]),
      }),
    });
  }
  return files;
}

export interface GenResult {
  written: string[];
  stale: string[];
}

/** Writes the files that differ (or, with `check`, only reports them). */
export async function runGen(store: Store, check: boolean): Promise<GenResult> {
  const result: GenResult = { written: [], stale: [] };
  const files = generatedFiles(store);
  // Every target is checked (marker, no link) before any is written: all or none.
  if (!check) for (const f of files) await writeGenerated(store.tree, f.path, f.content, { check: true });
  for (const f of files) {
    const r = await writeGenerated(store.tree, f.path, f.content, { check });
    if (r.stale) result.stale.push(f.path);
    if (r.written) result.written.push(f.path);
  }
  return result;
}
