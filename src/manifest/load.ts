// Finding and reading nixsec.yaml. This module stays light: a manifest the
// cache knows (cache.ts) is read without loading the YAML and schema
// libraries (~60 ms of a cold start); anything else goes through validate.ts,
// loaded on demand. Edits get the comment-keeping YAML Document from
// document.ts. The file itself must be a regular file, not a link (fs/tree.ts),
// no larger than the YAML limit (yaml.ts, kept in sync by MAX_MANIFEST_BYTES).
import { lstat } from "node:fs/promises";
import path from "node:path";
import { NixsecError } from "../errors.js";
import { RepoTree } from "../fs/tree.js";
import { cachedManifestData } from "./cache.js";
import type { ManifestData } from "./schema.js";

/** YAML_LIMITS.maxBytes of yaml.ts (not imported: that module loads both YAML parsers). A test keeps them equal. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export const MANIFEST_FILE = "nixsec.yaml";

export interface Manifest {
  /** The file as the caller named it; error lines start with it. */
  readonly path: string;
  /** The text as read, so untouched lines can be written back as they were. */
  readonly source: string;
  /** Validated, with defaults applied. */
  readonly data: ManifestData;
}

/**
 * The nearest nixsec.yaml at or above `startDir`. Like `nix` looking for
 * flake.nix, the search stops at the repository root (a directory holding
 * `.git`) so a stray file above the repository is never picked up.
 */
export async function findManifest(startDir: string): Promise<string | null> {
  let dir = path.resolve(startDir);
  for (;;) {
    const candidate = path.join(dir, MANIFEST_FILE);
    if ((await kindOf(candidate)) === "file") return candidate;
    if ((await kindOf(path.join(dir, ".git"))) !== undefined) return null;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

export async function loadManifest(file: string): Promise<Manifest> {
  const abs = path.resolve(file);
  const bytes = new RepoTree(path.dirname(abs)).readFile(abs, { maxBytes: MAX_MANIFEST_BYTES, what: "a manifest" });
  if (!bytes) throw new NixsecError(`no manifest at ${file}`, { hint: `create ${MANIFEST_FILE} at the root of your flake` });
  const text = bytes.toString("utf8");
  const cached = cachedManifestData(text);
  if (cached) return { path: file, source: text, data: cached };
  return (await import("./validate.js")).validateManifest(text, file);
}

/** lstat, not stat: a link named nixsec.yaml is found, and then refused by loadManifest instead of followed. */
async function kindOf(p: string): Promise<"file" | "other" | undefined> {
  try {
    const st = await lstat(p);
    return st.isFile() || st.isSymbolicLink() ? "file" : "other";
  } catch {
    return undefined;
  }
}
