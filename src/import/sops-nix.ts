// `nixsec import sops-nix`: a sops-nix repository's `.sops.yaml` and the
// sops files its creation rules cover (or the files named), decrypted with
// the importer's identity (MAC verified) and split into one nixsec secret per
// value, each a new sops file for its hosts (nixsec's layout: one value per
// file, sops' binary format).
//
// Why split the multi-key YAML/JSON files sops-nix users keep (one per host,
// or per service), rather than keep them with a `key` per secret: in a
// shared file every reader reads every key (a host that needs one password
// gets all of them), and any reader change rewrites the whole file; one file
// per value gives each secret its own readers, minimal rekeys and per-secret
// rotation, and stores any bytes exactly. The names stay the ones sops-nix
// configurations use: the key path (`samba_passwords/michael`, as
// `sops.secrets."samba_passwords/michael"` addresses it), prefixed with the
// file's name only where two files hold the same key path.
//
// What a file holds becomes: each string leaf of a YAML or JSON file a
// secret (format text); a binary file one secret (its bytes); a dotenv file
// one secret (format env: the file as sops-nix installs it); an INI file one
// secret (the file). Anything else (a number, a list: sops-nix reads strings
// only), a file no identity opens, a PGP-only or Shamir file stops the
// import naming the file and key.
//
// Keys: every age recipient of the files. `.sops.yaml`'s `keys:` anchors
// name them (`&admin_alice age1…` → alice); a prefix says the role
// (admin_/user_ → admin; server_/host_/machine_/node_ → host), else a key
// that reads every file is an admin and any other a host. Hosts are put on
// the sops-nix backend: a sops-nix host's key is the age recipient of its
// SSH host key (ssh-to-age), kept as the age key it is.
import { readdirSync } from "node:fs";
import path from "node:path";
import { parseDocument, isAlias, isScalar, isSeq, isMap } from "yaml";
import { NixsecError } from "../errors.js";
import { isGenerated } from "../fs/generated.js";
import type { RepoTree } from "../fs/tree.js";
import type { LoadedIdentity } from "../crypto/index.js";
import { Branch, Comment, creationRuleFor, decryptSops, emitPlain, formatForPath, inspectSops, SopsError, type Value } from "../sops/index.js";
import { checkKey } from "./keys.js";
import type { FoundKey, FoundSecret, ImportSource, Role } from "./types.js";

export interface SopsNixOptions {
  /** The repository root (where nixsec.yaml is or will be), absolute. */
  root: string;
  tree: RepoTree;
  /** `.sops.yaml`, absolute (default: at the root). */
  config?: string;
  /** The files to import, absolute; default: every sops file a creation rule covers. */
  files: string[];
  /** Identities that open the files (-i, --admin-key, sops' own key locations). */
  identities: LoadedIdentity[];
}

const MAX_CONFIG_BYTES = 1 << 20;
/** Directories a repository walk skips: version control, dependencies, build results. */
const SKIP_DIRS = /^(\.git|\.direnv|node_modules|result(-.*)?)$/;

/** `.sops.yaml`'s `keys:` anchors, by key id: the names sops-nix users give their keys. */
function anchorNames(text: string, shown: string): Map<string, string> {
  const names = new Map<string, string>();
  let doc;
  try {
    doc = parseDocument(text);
  } catch {
    return names; // the rules reader (src/sops config.ts) reports a broken file
  }
  if (doc.errors.length) throw new NixsecError(`${shown}: not valid YAML (${doc.errors[0]!.message.split("\n")[0]})`, { hint: "fix the file: sops itself reads it" });
  const keys = doc.get("keys", true);
  if (!isSeq(keys)) return names;
  for (const item of keys.items) {
    if (!isScalar(item) || typeof item.value !== "string" || !item.anchor || isAlias(item)) continue;
    const k = checkKey(item.value);
    if ("id" in k && !names.has(k.id)) names.set(k.id, item.anchor);
  }
  return names;
}

/** The role an anchor's prefix gives, and the name without it. */
function anchorRole(anchor: string): { name: string; role?: Role } {
  const m = /^(admins?|users?|servers?|hosts?|machines?|nodes?)[_-](.+)$/i.exec(anchor);
  if (!m) return { name: anchor };
  return { name: m[2]!, role: /^(admins?|users?)$/i.test(m[1]!) ? "admin" : "host" };
}

/** Every file below the root a creation rule covers, skipping version control and build results. */
function coveredFiles(o: SopsNixOptions, config: string): string[] {
  const out: string[] = [];
  const candidates = readdirSync(o.root, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(o.root, e.name);
    if (e.isDirectory()) return SKIP_DIRS.test(e.name) ? [] : o.tree.walk(p);
    return e.isFile() ? [p] : [];
  });
  for (const p of candidates) {
    if (path.relative(o.root, p).split(path.sep).some((seg) => SKIP_DIRS.test(seg)) || path.basename(p) === ".sops.yaml") continue;
    try {
      creationRuleFor(config, p);
    } catch {
      continue; // no rule covers it
    }
    out.push(p);
  }
  return out.sort();
}

interface Leaf {
  path: string[];
  value: Value;
}

/** The leaves of a decrypted YAML/JSON document, by key path; a list or a non-string leaf cannot be mapped. */
function leaves(b: Branch, at: string[], origin: string): Leaf[] {
  const out: Leaf[] = [];
  for (const e of b.entries()) {
    const p = [...at, e.key];
    const where = `${origin}: ${p.join("/")}`;
    if (e.value instanceof Branch) out.push(...leaves(e.value, p, origin));
    else if (Array.isArray(e.value)) {
      if (e.value.every((v) => v instanceof Comment)) continue;
      throw new NixsecError(`${where} is a list, which sops-nix cannot install as a secret`, { hint: "give each item a key of its own in the file, or leave the file out (name the other files as arguments)" });
    } else if (e.value === null) continue;
    else if (typeof e.value !== "string") {
      throw new NixsecError(`${where} is a ${typeof e.value === "bigint" || typeof e.value === "number" ? "number" : typeof e.value === "boolean" ? "boolean" : "non-string value"}, and sops-nix installs strings only`, {
        hint: "quote it in the file (sops edit) so it is a string, or leave the file out (name the other files as arguments)",
      });
    } else out.push({ path: p, value: e.value });
  }
  return out;
}

function isUtf8(b: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
}

interface Found {
  file: string;
  rel: string;
  readers: string[];
  values: Array<{ path: string[]; bytes: Uint8Array; format: "text" | "env" | "binary" }>;
  notes: string[];
}

/** One sops file, decrypted (MAC verified) and taken apart into values. */
async function readSopsFile(o: SopsNixOptions, abs: string, keys: Map<string, FoundKey>, named: Map<string, string>, shownConfig: string): Promise<Found> {
  const rel = o.tree.rel(abs);
  const bytes = o.tree.readFile(abs);
  if (!bytes) throw new NixsecError(`${rel}: no such file`, { hint: "name files that exist, or leave the arguments out to import what .sops.yaml covers" });
  const format = formatForPath(abs);
  let info;
  try {
    info = inspectSops(bytes, { file: rel, format });
  } catch (err) {
    if (err instanceof SopsError) throw new NixsecError(`${rel}: not a sops file (${err.message.replace(`${rel}: `, "")})`, { hint: "name only sops files, or fix the file with sops" });
    throw err;
  }
  const notes: string[] = [];
  const others = info.metadata.keyGroups.flatMap((g) => g.others);
  if (others.length) notes.push(`${others.map((x) => `${x.type} ${x.name}`).join(", ")} read${others.length === 1 ? "s" : ""} it too: nixsec writes age recipients only, so ${others.length === 1 ? "that key loses" : "those keys lose"} access`);
  const readers: string[] = [];
  for (const e of info.metadata.keyGroups.flatMap((g) => g.age)) {
    const k = checkKey(e.recipient);
    if ("problem" in k) throw new NixsecError(`${rel}: its age recipient ${e.recipient.slice(0, 24)}… is not a key nixsec can name: ${k.problem}`, { hint: "update the file's recipients with sops updatekeys first" });
    if (!keys.has(k.id)) keys.set(k.id, { key: e.recipient, id: k.id, names: named.has(k.id) ? [named.get(k.id)!] : [], groups: [], where: named.has(k.id) ? shownConfig : rel });
    if (!readers.includes(k.id)) readers.push(k.id);
  }
  let d;
  try {
    d = await decryptSops(bytes, o.identities, { file: rel, format });
  } catch (err) {
    if (err instanceof SopsError) {
      const tried = o.identities.map((i) => i.source).join(", ") || "none";
      throw new NixsecError(err.message, { hint: [...err.hints, `identities tried: ${tried}; pass -i with an age key (or SSH key) that reads it, or set SOPS_AGE_KEY_FILE`] });
    }
    throw err;
  }
  const values: Found["values"] = [];
  if (format === "binary") {
    const v = d.branches[0]?.get("data");
    const data = v instanceof Uint8Array ? v : new TextEncoder().encode(typeof v === "string" ? v : "");
    values.push({ path: [], bytes: data, format: isUtf8(data) ? "text" : "binary" });
  } else if (format === "dotenv" || format === "ini") {
    // sops-nix installs these files whole (format dotenv/ini ignores `key`).
    values.push({ path: [], bytes: emitPlain(d.branches, format, rel), format: format === "dotenv" ? "env" : "text" });
  } else {
    if (d.branches.length > 1) throw new NixsecError(`${rel}: holds ${d.branches.length} YAML documents, which sops-nix does not read`, { hint: "keep one document per file" });
    for (const l of leaves(d.branches[0] ?? new Branch(), [], rel)) values.push({ path: l.path, bytes: new TextEncoder().encode(l.value as string), format: "text" });
  }
  if (values.length === 0) notes.push("holds no values");
  return { file: abs, rel, readers, values, notes };
}

export async function scanSopsNix(o: SopsNixOptions): Promise<ImportSource> {
  const config = o.config ?? path.join(o.root, ".sops.yaml");
  const shown = o.tree.rel(config);
  const text = o.tree.readFile(config, { maxBytes: MAX_CONFIG_BYTES, what: "a sops configuration" })?.toString("utf8");
  if (text !== undefined && isGenerated(text)) {
    throw new NixsecError(`${shown} was generated by nixsec: these sops files are nixsec's already`, { hint: "to import another sops-nix repository's files, name them as arguments (or --config FILE)" });
  }
  if (text === undefined && o.files.length === 0) {
    throw new NixsecError(`no ${shown} here, and no files named`, { hint: ["name the sops files to import: nixsec import sops-nix secrets/hannibal.yaml …", "or give the sops configuration with --config FILE"] });
  }
  const named = text === undefined ? new Map<string, string>() : anchorNames(text, shown);
  const files = o.files.length ? o.files : coveredFiles(o, config);
  if (files.length === 0) throw new NixsecError(`${shown}: its creation rules cover no file in this repository`, { hint: "name the sops files to import as arguments" });
  const keys = new Map<string, FoundKey>();
  const found: Found[] = [];
  for (const f of files) {
    if (f !== o.root && !f.startsWith(o.root + path.sep)) throw new NixsecError(`${f}: outside the repository`, { hint: "nixsec keeps every secret below nixsec.yaml" });
    found.push(await readSopsFile(o, f, keys, named, shown));
  }

  // Roles: an anchor's prefix, else whether the key reads every file.
  for (const k of keys.values()) {
    const anchor = named.get(k.id);
    if (anchor) {
      const { name, role } = anchorRole(anchor);
      k.names = [name, anchor];
      if (role) k.role = { role, why: `named ${anchor} in ${shown}` };
    }
    if (!k.role) {
      const reads = found.filter((f) => f.readers.includes(k.id)).length;
      k.role = reads === found.length ? { role: "admin", why: `reads every imported sops file (${reads})` } : { role: "host", why: `reads ${reads} of ${found.length} sops files` };
    }
  }

  // Names: the key path; where two files share one, prefixed with each file's name.
  const stem = (f: Found) => path.relative(o.root, f.file).split(path.sep).join("/").replace(/\.[^./]+$/, "").replace(/^secrets\//, "");
  const keyPath = (f: Found, p: string[]) => (p.length ? p.join("/") : stem(f));
  const count = new Map<string, number>();
  for (const f of found) for (const v of f.values) count.set(keyPath(f, v.path), (count.get(keyPath(f, v.path)) ?? 0) + 1);
  const secrets: FoundSecret[] = found.flatMap((f) =>
    f.values.map((v): FoundSecret => {
      const kp = keyPath(f, v.path);
      const name = v.path.length && count.get(kp)! > 1 ? `${stem(f)}/${kp}` : kp;
      return {
        name,
        origin: v.path.length ? `${f.rel}: ${v.path.join("/")}` : f.rel,
        readers: f.readers,
        content: { kind: "value", value: v.bytes, from: v.path.length ? `${f.rel} (key ${v.path.join("/")})` : f.rel },
        fields: { format: v.format },
        notes: f.notes,
      };
    }),
  );
  return {
    kind: "sops-nix",
    from: o.files.length ? `${files.length} sops file${files.length === 1 ? "" : "s"}` : shown,
    how: "decrypted with your identity (each file's MAC verified), one secret per value",
    keys: [...keys.values()],
    secrets,
    backend: "sops-nix",
    rules: text === undefined ? undefined : config,
    notes: [`from ${found.map((f) => f.rel).join(", ")}`],
    afterwards: [
      `the values are in nixsec now (secrets/NAME.sops.bin, one per value); in each host's configuration, replace its sops.secrets entries with nixsec's wiring (nixsec wire NAME …, then nixsec gen), then delete ${found.map((f) => f.rel).join(", ")}`,
      "the old files stay in git history, readable by their readers: rotate a value whose reader should no longer have it (nixsec rotate NAME)",
    ],
  };
}
