// The managed-store checks of one audit run: when a nixsec.yaml is at the
// scanned root, gather StoreFacts (store-facts.ts, imported only then: it loads
// the manifest schema, the generator and the crypto stack) and run the store
// rules. With --staged the store is a checkout of the index, and it is checked
// only when the commit touches the manifest, the secrets or the generated Nix,
// so an ordinary commit does not pay for loading the store.
import { lstatSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { selectRules } from "./scan.js";
import { type Source, type SourceEntry, StagedSource } from "./source.js";
import { checkStore } from "./store-checks.js";
import { storeDirsOf } from "./store-dirs.js";
import type { Finding, Note } from "./types.js";

export const MANIFEST = "nixsec.yaml";

export interface ManagedInput {
  /** The scanned root (the whole root is scanned). */
  root: string;
  source: Source;
  /** The source's listing. */
  entries: readonly SourceEntry[];
  disabledRules: readonly string[];
  /** Where `nixsec init` records the admin identity; undefined skips that check. */
  configHome?: string;
}

export interface Managed {
  findings: Finding[];
  notes: Note[];
  /** The store's secrets directory (relative, `/`-terminated), for the per-file rules. */
  secretsDir: string | null;
  /** False when --staged left the store alone (the commit does not touch it). */
  checked: boolean;
}

function lexists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/** Null when there is no managed store at the root. */
export async function checkManagedStore(input: ManagedInput): Promise<Managed | null> {
  const load = () => import("./store-facts.js");
  const rules = selectRules(input.disabledRules);
  const common = { repoRoot: input.root, configHome: input.configHome };
  const { source, entries } = input;
  if (source instanceof StagedSource) {
    const text = source.readIndexed(MANIFEST);
    if (!text) return null;
    const dirs = storeDirsOf(Buffer.from(text).toString("utf8"));
    // staged links count: a commit that only adds `secrets/x.age -> …` touches the store
    const touched = [...entries.map((e) => e.path), ...source.stagedLinks()];
    if (!touched.some((p) => p === MANIFEST || dirs.some((d) => p.startsWith(d)))) return { findings: [], notes: [], secretsDir: dirs[0]!, checked: false };
    const { gatherStoreFacts } = await load();
    const tmp = mkdtempSync(path.join(os.tmpdir(), "nixsec-audit-"));
    try {
      const view = source.checkout(tmp, [MANIFEST, ...dirs]);
      const r = await gatherStoreFacts({ ...common, root: view.root, files: view.paths });
      return { findings: r.facts ? checkStore(r.facts, rules) : [], notes: r.notes, secretsDir: r.secretsDir, checked: r.facts !== null && !r.partial };
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  // lstat, not the listing: the listing drops a manifest that is a link, which is itself a finding
  if (!entries.some((e) => e.path === MANIFEST) && !lexists(path.join(input.root, MANIFEST))) return null;
  const { gatherStoreFacts } = await load();
  const r = await gatherStoreFacts({ ...common, root: input.root, files: entries.map((e) => e.path) });
  return { findings: r.facts ? checkStore(r.facts, rules) : [], notes: r.notes, secretsDir: r.secretsDir, checked: r.facts !== null && !r.partial };
}
