// The plan of an import: the new nixsec.yaml (built in memory and validated
// as a whole), where each secret's file ends up, what the lock will say,
// what needs a rekey afterwards. Building it reads the repository and writes
// nothing; `--dry-run` prints it and stops.
//
// Layout: a secret's file is where the store keeps it (`<secretsDir>/<name>.age`
// for an age file, `<name>.sops.bin` for a sops file: store.ts formFile). A
// secret whose hosts need another format than the adopted file's gets that
// file from its value at the rekey the plan asks for. A file already there
// stays (byte for byte); any other is moved there, as `git mv` would move it
// (same bytes, so git records a rename), rather than recorded at its old path
// in the manifest: every command, the audit and the generated rules find
// files by name alone, and a per-secret path would be one more thing a
// committer could point at another secret's file.
import path from "node:path";
import { NixsecError } from "../errors.js";
import type { RepoTree } from "../fs/tree.js";
import { addAdmin, addHost, parseManifest, putSecret, type Manifest } from "../manifest/index.js";
import { relativeDirProblem, secretNameProblem } from "../manifest/names.js";
import type { ReaderKeys } from "../store/lock.js";
import { FORMATS, formatsOf, formFile, storeOf } from "../store/store.js";
import type { Principal } from "./principals.js";
import type { FoundSecret, ImportSource } from "./types.js";

export interface PlannedSecret {
  name: string;
  origin: string;
  found: FoundSecret;
  hosts: string[];
  /** Absolute path of its file in the store (a new value: the first of its files, one per format its hosts need). */
  target: string;
  /** keep: the file is already there; move: copied there, the old one removed; encrypt: a new file from a value. */
  action: "keep" | "move" | "encrypt";
  /** A move whose target already holds the same bytes (an interrupted import): nothing to copy. */
  copied?: boolean;
  /** What the lock will record as its file's readers; absent when the file's header does not fit (readers unknown). */
  lockReaders?: ReaderKeys;
  /** Why it needs a rekey after the import (readers to add, a header that does not fit), if it does. */
  rekey: string[];
  notes: string[];
}

export interface ImportPlan {
  source: ImportSource;
  root: string;
  manifestPath: string;
  /** No nixsec.yaml yet: the import creates it. */
  fresh: boolean;
  manifest: Manifest;
  secretsDir: string;
  principals: Principal[];
  secrets: PlannedSecret[];
  /** The hand-written rules file: kept, replaced by the generated one (same path), or removed (the generated one is elsewhere). */
  rules?: { path: string; action: "keep" | "replace" | "remove"; conflicts: boolean };
  warnings: string[];
}

export interface PlanOptions {
  root: string;
  tree: RepoTree;
  manifestPath: string;
  existing?: Manifest;
  /** The text of a new manifest with its first admin (init's), on `backend`. */
  newManifest: (admin: { name: string; key: string }, secretsDir: string, backend?: "agenix" | "sops-nix") => string;
  /** --secrets-dir, for a new repository. */
  secretsDir?: string;
  /** --prefix: put before every imported secret's name. */
  prefix?: string;
  replaceRules: boolean;
}

/** A name as nixsec takes it: segments of `[A-Za-z0-9._-]`, other characters become `-`. */
function storeName(name: string): string {
  return name.split("/").map((s) => s.replace(/[^A-Za-z0-9._-]+/g, "-")).filter((s) => s !== "" && s !== "." && s !== "..").join("/");
}

function withOrigin<T>(origin: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof NixsecError) throw new NixsecError(`${origin}: ${err.message.replace(/^[^:]*nixsec\.yaml: /, "")}`, { hint: err.hints, exitCode: err.exitCode });
    throw err;
  }
}

export function planImport(src: ImportSource, principals: Principal[], o: PlanOptions): ImportPlan {
  const existing = o.existing?.data;
  const warnings: string[] = [];
  const admins = principals.filter((p) => p.role === "admin");
  const newAdmins = admins.filter((p) => !p.existing);
  if (newAdmins.length + Object.keys(existing?.admins ?? {}).length === 0) {
    throw new NixsecError(`no admin among the keys of ${src.from}: no key reads every secret`, {
      hint: [`name yours: --admin NAME (the keys: ${principals.map((p) => p.name).join(", ") || "none"}), or --admin-key FILE with your private key`, "an admin reads every secret: the ones it does not read yet need a rekey (--rekey, with an identity that reads them)"],
    });
  }
  if (existing && o.secretsDir !== undefined && o.secretsDir !== existing.settings.secretsDir) {
    throw new NixsecError(`--secrets-dir ${o.secretsDir}: this repository keeps its secrets in ${existing.settings.secretsDir}`, { hint: "leave out --secrets-dir; imported files move there" });
  }
  const secretsDir = existing?.settings.secretsDir ?? o.secretsDir ?? src.secretsDir ?? "secrets";
  const dirProblem = relativeDirProblem(secretsDir);
  if (dirProblem) throw new NixsecError(`secrets directory ${JSON.stringify(secretsDir)}: ${dirProblem}`, { hint: "pass --secrets-dir DIR (e.g. secrets)" });

  let m: Manifest;
  if (o.existing) m = o.existing;
  else {
    const first = newAdmins[0]!;
    m = parseManifest(o.newManifest({ name: first.name, key: first.key }, secretsDir, src.backend), o.manifestPath);
  }
  for (const p of principals) {
    if (p.existing || (!o.existing && p === newAdmins[0])) continue;
    m = withOrigin(`${p.role} ${p.name}`, () => (p.role === "admin" ? addAdmin(m, p.name, p.key) : addHost(m, p.name, p.key, src.backend)));
  }
  const byId = new Map(principals.map((p) => [p.id, p]));
  const allAdmins = Object.entries(m.data.admins);

  const planned: PlannedSecret[] = [];
  const seen = new Set<string>();
  for (const s of src.secrets) {
    const name = storeName((o.prefix ?? "") + s.name);
    const problem = secretNameProblem(name);
    if (problem) throw new NixsecError(`${s.origin}: cannot name it ${JSON.stringify(name)}: ${problem}`, { hint: "choose a prefix with --prefix, or rename the file first" });
    if (seen.has(name) || Object.hasOwn(m.data.secrets, name) || Object.hasOwn(m.data.templates, name)) {
      throw new NixsecError(`${s.origin}: a secret named ${JSON.stringify(name)} ${seen.has(name) ? "comes twice from this import" : "exists in nixsec.yaml"}`, { hint: "import under a prefix: --prefix legacy/" });
    }
    seen.add(name);
    const readers = s.readers.map((id) => byId.get(id)!);
    const hosts = [...new Set(readers.filter((p) => p.role === "host").map((p) => p.name))].sort();
    m = withOrigin(s.origin, () => putSecret(m, name, { hosts, ...s.fields }));
    // Where the store keeps this secret's file (store.ts decides the layout, per format).
    const store = storeOf(m);
    const format = s.content.kind === "file" ? FORMATS.find((f) => f.id === ((s.content as { format?: string }).format ?? "age"))! : formatsOf(store, name)[0]!;
    const target = formFile(store, name, format);
    const notes = [...s.notes, ...(s.content.kind === "file" ? s.content.notes : [])];
    if (name !== (o.prefix ?? "") + s.name) notes.push(`named ${name} (from ${s.name})`);
    const item: PlannedSecret = { name, origin: s.origin, found: s, hosts, target, action: "encrypt", rekey: [], notes };
    if (s.content.kind === "file") {
      item.action = s.content.path === target ? "keep" : "move";
      if (s.content.mismatch) item.rekey.push(`its header does not fit the rules: ${s.content.mismatch}`);
      else {
        // Readers as the lock names them in this file's format (an age key id, a sops recipient).
        const lock: ReaderKeys = { admins: {}, hosts: {} };
        for (const p of readers) (p.role === "admin" ? lock.admins : lock.hosts)[p.name] = format.id === "age" ? p.id : format.keyId(p.key);
        item.lockReaders = lock;
        const missing = allAdmins.filter(([n]) => !Object.hasOwn(lock.admins, n)).map(([n]) => n);
        if (missing.length) item.rekey.push(`admin${missing.length === 1 ? "" : "s"} ${missing.join(", ")} cannot read it yet`);
        const needs = formatsOf(store, name).filter((f) => f !== format);
        for (const f of needs) item.rekey.push(`its ${f.backend} hosts need a ${f.noun}, made from its value`);
        if (!formatsOf(store, name).includes(format)) item.rekey.push(`no host reads its ${format.noun} (it goes once the others are written)`);
      }
    }
    if (item.action === "encrypt") {
      for (const f of formatsOf(store, name)) {
        if (o.tree.statFile(formFile(store, name, f))) throw new NixsecError(`${s.origin}: ${o.tree.rel(formFile(store, name, f))} exists already`, { hint: ["move it aside, or import under a prefix: --prefix legacy/", "an interrupted import leaves its new files behind: if this is one, remove it and run the import again"] });
      }
    } else if (item.action !== "keep") {
      const there = o.tree.statFile(target);
      if (there) {
        const same = s.content.kind === "file" && Buffer.compare(o.tree.readFile(target)!, Buffer.from(s.content.bytes)) === 0;
        if (!same) throw new NixsecError(`${s.origin}: ${o.tree.rel(target)} exists already`, { hint: ["move it aside, or import under a prefix: --prefix legacy/", "an interrupted import leaves its new files behind: if this is one, remove it and run the import again"] });
        item.copied = true;
      }
    }
    planned.push(item);
  }

  let rules: ImportPlan["rules"];
  if (src.rules) {
    // Where nixsec generates the rules of the reference tools: agenix's, and sops'.
    const conflicts = src.rules === path.join(o.root, secretsDir, "secrets.nix") || src.rules === path.join(o.root, ".sops.yaml");
    rules = { path: src.rules, conflicts, action: o.replaceRules ? (conflicts ? "replace" : "remove") : "keep" };
    if (conflicts && !o.replaceRules) {
      warnings.push(`${o.tree.rel(src.rules)} stays as you wrote it, so \`nixsec gen\` will not write nixsec's rules there (the file has no generated-file marker) and \`nixsec gen --check\` fails until it is replaced: --replace-rules lets the generated rules (the same readers) take its place`);
    }
  }
  return { source: src, root: o.root, manifestPath: o.manifestPath, fresh: !o.existing, manifest: m, secretsDir, principals, secrets: planned, rules, warnings };
}
