// `nixsec gen`: the generated files for a store, deterministic (same input,
// same bytes), written atomically, or compared for `--check`. Each starts with
// the generated-file marker (nixHeader); a file there without it is never
// overwritten (fs/generated.ts), and nothing is written through a link (fs/tree.ts).
import path from "node:path";
import { isGenerated, writeGenerated } from "../fs/generated.js";
import { ageFormat } from "../store/format-age.js";
import { formatsInUse, type Store } from "../store/store.js";
import { buildAgenixRules } from "./agenix-rules.js";
import { buildData } from "./data.js";
import { nixHeader, renderNix } from "./emit.js";
import { hasSopsFiles, renderSopsRules, SOPS_CONFIG } from "./sops-rules.js";

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
  // The rules of the reference CLIs, for the formats the store has.
  if (usesAge(store)) {
    files.push({
      path: path.join(store.secretsDir, "secrets.nix"),
      content: renderNix(buildAgenixRules(store), {
        header: nixHeader(source, ["agenix/ragenix rules: who can decrypt each file. Regenerate with `nixsec gen`."]),
      }),
    });
  }
  if (hasSopsFiles(store)) files.push({ path: path.join(store.root, SOPS_CONFIG), content: renderSopsRules(store) });
  return files;
}

/** Age files, or none at all yet in a store whose hosts decrypt with agenix (its secrets.nix is then empty). */
function usesAge(store: Store): boolean {
  const used = formatsInUse(store);
  return used.includes(ageFormat) || (used.length === 0 && store.manifest.data.settings.backend === "agenix");
}

/** Generated files the store no longer needs (no age or no sops files left): removed by gen when they carry the marker. */
function obsoleteFiles(store: Store, current: GeneratedFile[]): string[] {
  const all = [path.join(store.secretsDir, "secrets.nix"), path.join(store.root, SOPS_CONFIG)];
  return all.filter((p) => !current.some((f) => f.path === p));
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
  // A generated file the store no longer needs goes; one nixsec did not write stays.
  for (const p of obsoleteFiles(store, files)) {
    const text = store.tree.readFile(p)?.toString("utf8");
    if (text === undefined || !isGenerated(text)) continue;
    result.stale.push(p);
    if (!check) {
      store.tree.remove(p);
      result.written.push(p);
    }
  }
  return result;
}
