// Writing nixsec.yaml back: the (edited) Document rendered with the user's
// own spelling kept for every line no edit touched (preserve.ts). Needs no
// schema, so a command that only rewrites a manifest it read loads no validator.
import path from "node:path";
import { RepoTree } from "../fs/tree.js";
import { documentOf } from "./document.js";
import type { Manifest } from "./load.js";
import { preserveFormatting, renderYaml } from "./preserve.js";

// Long keys stay on one line (no folding); `hosts: [a, b]` as people write it.
const YAML_OPTIONS = { lineWidth: 0, flowCollectionPadding: false };

/** The manifest as YAML text; lines no edit touched keep the user's spelling. */
export function renderManifest(m: Manifest): string {
  const edited = documentOf(m).toString(YAML_OPTIONS);
  return preserveFormatting(m.source, edited, (text) => renderYaml(text, YAML_OPTIONS));
}

/** Writes the manifest back to its file, atomically, keeping the file's mode; a link there is refused (fs/tree.ts). */
export async function saveManifest(m: Manifest): Promise<void> {
  const file = path.resolve(m.path);
  await new RepoTree(path.dirname(file)).writeFile(file, renderManifest(m));
}
