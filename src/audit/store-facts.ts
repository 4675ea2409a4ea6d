// Gathers StoreFacts for the managed-store checks from a directory holding
// nixsec.yaml: the working tree, or a checkout of the index for --staged
// (StagedSource.checkout). Loaded only when a manifest is present: it pulls in
// the manifest schema and the generator, which the plain scan never needs.
import { lstatSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { isMap, isScalar } from "yaml";
import { documentOf } from "../manifest/document.js";
import { NixsecError } from "../errors.js";
import { generatedFiles } from "../nixgen/gen.js";
import { resolveIdentityPaths } from "../store/identity.js";
import { formatsOf, formFile, openStore, type Store } from "../store/store.js";
import { isBinary } from "./detect.js";
import { envelopeOf } from "./encryption.js";
import { storeDirsOf } from "./store-dirs.js";
import type { StoreFacts } from "./rule.js";
import { emptyStoreFacts } from "./store-checks.js";
import { findSpecials } from "./store-specials.js";
import type { Note } from "./types.js";

export interface StoreFactsInput {
  /** The directory holding nixsec.yaml (the scanned root, or a checkout of the index). */
  root: string;
  /** The files of that view, relative to `root` (the source's listing). */
  files: readonly string[];
  /** The repository the identity was recorded for (differs from `root` for a checkout of the index). */
  repoRoot: string;
  /** $XDG_CONFIG_HOME or ~/.config, where `nixsec init` records the admin identity; undefined to skip that check. */
  configHome?: string;
}

export interface StoreFactsResult {
  /**
   * null when there is nothing to check. When the manifest does not load (a
   * note says why), only the links and special files are known (`partial`).
   */
  facts: StoreFacts | null;
  partial: boolean;
  notes: Note[];
  /** The secrets directory (relative, `/`-terminated), for the per-file rules. */
  secretsDir: string | null;
}

const rel = (root: string, p: string): string => path.relative(root, p).split(path.sep).join("/");

/** 1-based line of each secret's key in the manifest. */
function secretLines(store: Store): Map<string, number> {
  const lines = new Map<string, number>();
  const src = store.manifest.source;
  const node = documentOf(store.manifest).get("secrets", true);
  if (!isMap(node)) return lines;
  for (const pair of node.items) {
    if (!isScalar(pair.key) || !pair.key.range) continue;
    let line = 1;
    for (let i = src.indexOf("\n"), end = pair.key.range[0]; i >= 0 && i < end; i = src.indexOf("\n", i + 1)) line++;
    lines.set(String(pair.key.value), line);
  }
  return lines;
}

/** The manifest's text when it is a regular file (a link is not read), else "". */
function manifestTextOf(root: string): string {
  const file = path.join(root, "nixsec.yaml");
  try {
    return lstatSync(file).isFile() ? readFileSync(file, "utf8") : "";
  } catch {
    return "";
  }
}

function readOrNull(file: string): Buffer | null {
  try {
    return readFileSync(file);
  } catch {
    return null;
  }
}

export async function gatherStoreFacts(input: StoreFactsInput): Promise<StoreFactsResult> {
  const notes: Note[] = [];
  let store: Store;
  try {
    store = await openStore(input.root, true);
  } catch (err) {
    if (!(err instanceof NixsecError)) throw err;
    notes.push({ file: "nixsec.yaml", message: `managed-store checks skipped: ${err.message.split("\n")[0]}` });
    // Links are checked even so: a link is often why the store does not load.
    const [secretsDir, generatedDir] = storeDirsOf(manifestTextOf(input.root));
    const specials = findSpecials(input.root, [secretsDir!, generatedDir!], ["nixsec.yaml"]);
    if (specials.length === 0) return { facts: null, partial: true, notes, secretsDir: null };
    return { facts: emptyStoreFacts({ secretsDir, generatedDir, specials }), partial: true, notes, secretsDir: null };
  }
  const manifest = rel(input.root, store.manifest.path);
  const secretsDir = rel(input.root, store.secretsDir).replace(/\/*$/, "/");
  const generatedDir = rel(input.root, path.join(store.root, store.manifest.data.settings.generatedDir)).replace(/\/*$/, "/");

  const lines = secretLines(store);
  // One entry per file: a secret read by agenix and sops-nix hosts has two.
  const secrets = Object.keys(store.manifest.data.secrets).sort().flatMap((name) =>
    formatsOf(store, name).map((f) => ({ name, line: lines.get(name) ?? 1, file: rel(input.root, formFile(store, name, f)) })));

  const td = new TextDecoder("utf-8", { fatal: false });
  const files: { path: string; envelope: string | null }[] = [];
  for (const f of input.files) {
    if (!f.startsWith(secretsDir)) continue;
    const bytes = readOrNull(path.join(input.root, f));
    if (!bytes) continue;
    files.push({ path: f, envelope: envelopeOf(bytes, isBinary(bytes) ? null : td.decode(bytes)) });
  }

  const generated: { path: string; state: "current" | "stale" | "missing" }[] = [];
  const onDisk = new Set(files.map((f) => f.path));
  if (secrets.every((s) => onDisk.has(s.file))) {
    try {
      for (const g of generatedFiles(store)) {
        const current = readOrNull(g.path)?.toString("utf8") ?? null;
        generated.push({ path: rel(input.root, g.path), state: current === null ? "missing" : current === g.content ? "current" : "stale" });
      }
    } catch (err) {
      if (!(err instanceof NixsecError)) throw err;
      notes.push({ file: manifest, message: `generated Nix not checked: ${err.message}` });
    }
  } else {
    notes.push({ file: manifest, message: "generated Nix not checked: a secret has no file (see missing-secret-file)" });
  }

  let identity: StoreFacts["identity"] = null;
  if (input.configHome) {
    let recorded: string | undefined;
    try {
      recorded = resolveIdentityPaths({ flags: [], configHome: input.configHome, repoRoot: input.repoRoot })[0]?.path;
    } catch { /* nothing recorded for this repository */ }
    if (recorded) {
      try {
        lstatSync(recorded);
        const inside = path.relative(input.repoRoot, recorded);
        identity = { path: recorded, mode: statSync(recorded).mode, inRepo: inside.startsWith("..") || path.isAbsolute(inside) ? null : inside.split(path.sep).join("/") };
      } catch { /* vanished */ }
    }
  }

  const specials = findSpecials(input.root, [secretsDir, generatedDir], [manifest]);
  return { facts: { manifest, secretsDir, generatedDir, secrets, files, generated, identity, specials }, partial: false, notes, secretsDir };
}
