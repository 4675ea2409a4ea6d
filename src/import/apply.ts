// Carrying out an import plan so that a crash leaves either the repository
// as it was or a consistent new one:
//
// 1. New files: each value encrypted to its readers and each moved file
//    copied to its place, atomically (temporary file, fsync, rename). No
//    existing file is replaced (the plan refused those).
// 2. The lock, naming for each secret the readers its file has.
// 3. nixsec.yaml: the commit point. Before it, nothing names the new files
//    (a crash leaves them as unreferenced ciphertext, which a second run
//    names; an error removes them and restores the lock). After it the
//    repository is the new one, whole.
// 4. Tidying the new repository: `.gitattributes` in a new secrets directory,
//    the hand-written rules file replaced or removed (with consent), the
//    old copies of moved files removed. A crash before this ends leaves
//    duplicates of ciphertext, or the old rules file (as `--replace-rules`
//    had not been given), never a missing secret.
//
// The caller regenerates the Nix afterwards (the command orchestrates) and
// runs the rekey a plan asks for.
import { NixsecError } from "../errors.js";
import { isGenerated } from "../fs/generated.js";
import { renderManifest } from "../manifest/index.js";
import { lockFile, lockKey, newValueId, readLock, resolveLock, sha256Hex, writeLock, type LockEntry } from "../store/lock.js";
import { FORMATS, storeOf, type Store } from "../store/store.js";
import { recordSealed, sealValue } from "../store/values.js";
import type { ImportPlan } from "./plan.js";

export interface ApplyResult {
  store: Store;
  written: string[];
  removed: string[];
}

let faultForTests: (() => void) | undefined;
/** Test hook: fail just before the manifest is written (the commit point), to prove an error leaves nothing behind. */
export function setImportFaultForTests(fn: typeof faultForTests): void {
  faultForTests = fn;
}

// Keep in sync with init's (src/cli/commands/init.ts).
const GITATTRIBUTES = "# age files are binary: no text diffs or merges\n*.age binary\n# sops files (sops-nix hosts): diffs show the recipients and values that changed; never merged\n*.sops.bin diff -merge\n# the lock has one line per file; a union merge keeps both sides (nixsec resolves duplicates)\nnixsec.lock merge=union\n";

/** Writes the plan (see the header for the order). `now`: when new values were set (the lock's valueChanged). */
export async function applyImport(plan: ImportPlan, now: Date = new Date()): Promise<ApplyResult> {
  const store = storeOf(plan.manifest);
  const { tree } = store;
  const created: string[] = [];
  const lockRead = readLock(store);
  let lockWritten = false;
  try {
    const entries = resolveLock(store, lockRead);
    for (const s of plan.secrets) {
      let bytes: Uint8Array | undefined;
      if (s.action === "encrypt") {
        if (s.found.content.kind !== "value") throw new Error("internal: encrypt without a value");
        // One file per format its hosts need, one value id for them all.
        const sealed = await sealValue(store, s.name, s.found.content.value, []);
        for (const f of sealed) {
          if (tree.statFile(f.file)) throw new NixsecError(`${tree.rel(f.file)} appeared while importing`, { hint: "run the import again" });
          await tree.writeFile(f.file, f.bytes, 0o644);
          created.push(f.file);
        }
        recordSealed(entries, sealed, now);
        continue;
      } else if (s.found.content.kind === "file") {
        bytes = Buffer.from(s.found.content.bytes);
        if (s.action === "move" && !s.copied) {
          if (tree.statFile(s.target)) throw new NixsecError(`${tree.rel(s.target)} appeared while importing`, { hint: "run the import again" });
          await tree.writeFile(s.target, bytes, 0o644);
          created.push(s.target);
        }
      }
      if (!bytes) throw new NixsecError(`internal: ${tree.rel(s.target)} vanished while importing`, { exitCode: 3 });
      const format = FORMATS.find((f) => f.id === (s.found.content.kind === "file" ? (s.found.content.format ?? "age") : "age"))!;
      const readers = s.lockReaders;
      if (!readers) {
        entries.delete(lockKey(s.name, format.id)); // readers unknown: `nixsec rekey` re-encrypts it
        continue;
      }
      const entry: LockEntry = { secret: s.name, sha256: sha256Hex(bytes), ...readers, valueId: newValueId() };
      if (format.id !== "age") entry.format = format.id;
      entries.set(lockKey(s.name, format.id), entry);
    }
    lockWritten = await writeLock(store, entries.values(), lockRead.text);
    faultForTests?.();
    await tree.writeFile(store.manifest.path, renderManifest(plan.manifest), plan.fresh ? 0o644 : undefined);
  } catch (err) {
    for (const f of created) tree.remove(f);
    if (lockWritten) {
      if (lockRead.text === null) tree.remove(lockFile(store));
      else await tree.writeFile(lockFile(store), lockRead.text);
    }
    throw err;
  }
  return { store, written: created, removed: await tidy(plan, store) };
}

async function tidy(plan: ImportPlan, store: Store): Promise<string[]> {
  const { tree } = store;
  const removed: string[] = [];
  if (plan.fresh) {
    const attrs = `${store.secretsDir}/.gitattributes`;
    if (!tree.statFile(attrs)) await tree.writeFile(attrs, GITATTRIBUTES, 0o644);
  }
  if (plan.rules && plan.rules.action !== "keep") {
    const text = tree.readFile(plan.rules.path)?.toString("utf8");
    if (text !== undefined && !isGenerated(text) && tree.remove(plan.rules.path)) removed.push(plan.rules.path);
  }
  for (const s of plan.secrets) {
    if (s.action !== "move" || s.found.content.kind !== "file") continue;
    // Only the file the plan read: one changed meanwhile is left for the user to look at.
    const now = tree.readFile(s.found.content.path);
    if (now && Buffer.compare(now, Buffer.from(s.found.content.bytes)) === 0 && tree.remove(s.found.content.path)) removed.push(s.found.content.path);
  }
  return removed;
}
