// `nixsec import agenix`: an agenix (or ragenix) store, `secrets.nix` and
// the `.age` files it names, or an agenix-rekey store (no rules file: every
// file is encrypted to the master identities). Nothing is decrypted: each
// file is adopted as it is, with the readers the rules give it, after its
// header is checked against them (SSH stanzas by key tag, X25519 stanzas by
// count: they name no key).
//
// The rules file is evaluated with nix-instantiate when the caller passes
// `evaluate` (as agenix does), else read by nix-eval.ts (simple shapes
// only). Either way it is also parsed for names: a `let` binding holding one
// key names it (`user1 = "ssh-ed25519 …";`), one holding a list of keys is a
// group (`users = [ user1 ]`), which hints at a role but is no principal.
import { readdirSync } from "node:fs";
import path from "node:path";
import { NixsecError } from "../errors.js";
import type { RepoTree } from "../fs/tree.js";
import { stanzaOfKeyId } from "../store/lock.js";
import { headerFits, summarizeHeader, type HeaderSummary } from "../store/rekey.js";
import { checkKey, shortKey } from "./keys.js";
import { Evaluator, isSet, toPlain, type Thunk } from "./nix-eval.js";
import type { FoundKey, FoundSecret, ImportSource } from "./types.js";

export interface AgenixOptions {
  /** The repository root (where nixsec.yaml is or will be), absolute. */
  root: string;
  tree: RepoTree;
  /** The store's directory, absolute (where secrets.nix and the files are). */
  dir: string;
  /** The rules file, absolute; default `dir/secrets.nix`. */
  rules?: string;
  /** Evaluates a Nix file to JSON (nix-instantiate); without it, nix-eval.ts reads the file. */
  evaluate?: (file: string, shown: string) => Promise<unknown>;
  /** agenix-rekey: the master identities that read every file (a store without a rules file). */
  masters: Array<{ name: string; key: string }>;
  /** --admin-key's public key and name: one more master of a store without a rules file. */
  adminKey?: { name: string; key: string };
}

interface Rule {
  file: string;
  publicKeys: string[];
  armor: boolean;
  extra: string[];
}

const MAX_RULES_BYTES = 4 << 20;

export async function scanAgenix(o: AgenixOptions): Promise<ImportSource> {
  const rulesPath = o.rules ?? path.join(o.dir, "secrets.nix");
  const shown = o.tree.rel(rulesPath);
  const text = o.tree.readFile(rulesPath, { maxBytes: MAX_RULES_BYTES, what: "a rules file" });
  if (!text) {
    const masters = [...o.masters, ...(o.adminKey && !o.masters.some((m) => m.key === o.adminKey!.key) ? [o.adminKey] : [])];
    if (masters.length) return scanRekeyStore(o, masters);
    throw new NixsecError(`${o.tree.rel(o.dir)}: no ${path.basename(rulesPath)} here`, {
      hint: [
        "give the agenix rules file with --rules FILE, or the store's directory as DIR",
        "an agenix-rekey store has no rules file (its files are encrypted to master identities): name them with --admin-key FILE or --master NAME=KEY",
      ],
    });
  }
  if (o.masters.length) throw new NixsecError(`--master: ${shown} names the readers of each file`, { hint: "--master is for agenix-rekey stores, which have no rules file; leave it out" });
  const source = text.toString("utf8");
  const ev = new Evaluator(source, shown);
  const rules = o.evaluate ? rulesOfJson(await o.evaluate(rulesPath, shown), shown) : rulesOfThunk(ev, ev.root(), shown);
  const named = bindingNames(ev);
  return buildSource(o, rules, rulesPath, named, o.evaluate ? "evaluated with nix-instantiate" : "read without Nix (nix-instantiate is not installed, or --no-eval)");
}

function shapeError(shown: string, where: string, what: string): NixsecError {
  return new NixsecError(`${shown}: ${where}${what}`, { hint: 'agenix rules are an attribute set of "FILE.age".publicKeys = [ "age1…" "ssh-ed25519 …" ];' });
}

function rulesOfJson(value: unknown, shown: string): Rule[] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw shapeError(shown, "", "does not evaluate to an attribute set");
  return Object.entries(value as Record<string, unknown>).map(([file, entry]) => {
    const where = `${JSON.stringify(file)}`;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) throw shapeError(shown, where, " is not an attribute set");
    const e = entry as Record<string, unknown>;
    if (!Array.isArray(e.publicKeys)) throw shapeError(shown, where, ".publicKeys is missing or not a list");
    const publicKeys = e.publicKeys.map((k, i) => {
      if (typeof k !== "string") throw shapeError(shown, where, `.publicKeys[${i}] is not a string`);
      return k;
    });
    return { file, publicKeys, armor: e.armor === true, extra: Object.keys(e).filter((k) => k !== "publicKeys" && k !== "armor") };
  });
}

function rulesOfThunk(ev: Evaluator, root: Thunk, shown: string): Rule[] {
  const top = root.force();
  if (!isSet(top)) throw shapeError(shown, "", "does not evaluate to an attribute set");
  return [...top.set.keys()].sort().map((file) => {
    const where = JSON.stringify(file);
    const entry = top.set.get(file)!.force();
    if (!isSet(entry)) throw shapeError(shown, where, " is not an attribute set");
    const keys = entry.set.get("publicKeys")?.force();
    if (!Array.isArray(keys)) throw shapeError(shown, where, ".publicKeys is missing or not a list");
    const publicKeys = keys.map((t, i) => {
      const k = t.force();
      if (typeof k !== "string") throw shapeError(shown, where, `.publicKeys[${i}] is not a string`);
      return k;
    });
    let armor = false;
    try {
      armor = entry.set.get("armor")?.force() === true;
    } catch {
      // an armor flag the fallback cannot read changes nothing nixsec does
    }
    return { file, publicKeys, armor, extra: [...entry.set.keys()].filter((k) => k !== "publicKeys" && k !== "armor") };
  });
}

interface Named {
  names: Map<string, string[]>;
  groups: Map<string, string[]>;
}

/** Names from the file's `let` bindings: a key's binding names it, a list of keys is a group. Never fails. */
function bindingNames(ev: Evaluator): Named {
  const out: Named = { names: new Map(), groups: new Map() };
  let bindings: Array<{ name: string; thunk: Thunk }> = [];
  try {
    bindings = ev.letBindings(ev.root());
  } catch {
    return out;
  }
  const literal = new Set<string>();
  const add = (m: Map<string, string[]>, id: string, name: string) => {
    const list = m.get(id) ?? [];
    if (!list.includes(name)) list.push(name);
    m.set(id, list);
  };
  const visit = (name: string, thunk: Thunk, depth: number): void => {
    let v: unknown;
    try {
      v = toPlain(thunk);
    } catch {
      return;
    }
    if (typeof v === "string") {
      const k = checkKey(v);
      if (!("id" in k)) return;
      add(out.names, k.id, name);
      if (thunk.node?.type === "String") literal.add(`${k.id}\0${name}`);
    } else if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "string")) {
      const ids = (v as string[]).map(checkKey);
      if (ids.every((k) => "id" in k)) for (const k of ids) add(out.groups, (k as { id: string }).id, name);
    } else if (depth < 3 && typeof v === "object" && v !== null && !Array.isArray(v)) {
      const set = thunk.force();
      if (isSet(set)) for (const [k, t] of set.set) visit(k, t, depth + 1);
    }
  };
  for (const b of bindings) visit(b.name, b.thunk, 0);
  // The binding that holds the key names it before an alias to it (`admin = alice;`).
  for (const [id, list] of out.names) list.sort((a, b) => Number(literal.has(`${id}\0${b}`)) - Number(literal.has(`${id}\0${a}`)));
  return out;
}

/** How a file's header differs from what encrypting to `ids` writes; undefined when it fits. */
export function headerMismatch(h: HeaderSummary, ids: string[], label: (id: string) => string): string | undefined {
  if (headerFits(h, ids)) return undefined;
  const problems: string[] = [];
  const want = new Map(ids.map((id) => [stanzaOfKeyId(id), id] as const).filter(([s]) => s !== null) as Array<[string, string]>);
  for (const [stanza, id] of want) if (!h.ssh.includes(stanza)) problems.push(`no stanza for ${label(id)}`);
  for (const s of new Set(h.ssh)) if (!want.has(s)) problems.push(`a stanza for an ${s.split(" ")[0]} key with tag ${s.split(" ")[1]} that the rules do not name`);
  const x = ids.filter((id) => id.startsWith("age1") && id.lastIndexOf("1") === 3).length;
  if (x !== h.x25519) problems.push(`${h.x25519} X25519 stanza${h.x25519 === 1 ? "" : "s"} for ${x} age key${x === 1 ? "" : "s"}`);
  if (problems.length === 0) problems.push(`stanzas ${h.other.join(", ") || "(none)"} do not fit its plugin or tag keys`);
  return problems.join("; ");
}

function readAgeFile(o: AgenixOptions, abs: string, origin: string): { bytes: Uint8Array; header: HeaderSummary } {
  if (abs !== o.root && !abs.startsWith(o.root + path.sep)) {
    throw new NixsecError(`${origin}: the file is outside the repository (${abs})`, { hint: "nixsec keeps every secret below nixsec.yaml; move the file into the repository first" });
  }
  let bytes: Buffer | undefined;
  try {
    bytes = o.tree.readFile(abs);
  } catch (err) {
    if (err instanceof NixsecError) throw new NixsecError(`${origin}: ${err.message}`, { hint: err.hints, exitCode: err.exitCode });
    throw err;
  }
  if (!bytes) throw new NixsecError(`${origin}: ${o.tree.rel(abs)} is missing`, { hint: "restore it (git checkout), or remove its entry from the rules file" });
  const data = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const header = summarizeHeader(data);
  if (!header) throw new NixsecError(`${origin}: ${o.tree.rel(abs)} is not an age file`, { hint: "restore it from git; agenix could not decrypt it either" });
  return { bytes: data, header };
}

/** The directory names are taken relative to: where the rules are, or the files' common directory. */
function baseOf(o: AgenixOptions, rulesDir: string, files: string[]): string {
  if (rulesDir !== o.root) return rulesDir;
  let common = files.length ? path.dirname(files[0]!) : o.root;
  for (const f of files) while (common !== o.root && !f.startsWith(common + path.sep)) common = path.dirname(common);
  return common;
}

function buildSource(o: AgenixOptions, rules: Rule[], rulesPath: string, named: Named, how: string): ImportSource {
  const shown = o.tree.rel(rulesPath);
  const rulesDir = path.dirname(rulesPath);
  const keys = new Map<string, FoundKey>();
  const label = (id: string) => named.names.get(id)?.[0] ?? shortKey(keys.get(id)?.key ?? id);
  const files = rules.map((r) => path.resolve(rulesDir, r.file));
  const base = baseOf(o, rulesDir, files);
  const secrets: FoundSecret[] = rules.map((r, i) => {
    const origin = `${shown}: ${JSON.stringify(r.file)}`;
    const readers: string[] = [];
    r.publicKeys.forEach((key, k) => {
      const checked = checkKey(key);
      if ("problem" in checked) {
        throw new NixsecError(`${origin}.publicKeys[${k}]: not a key: ${checked.problem}`, { hint: "each entry must be an age recipient (age1…) or an SSH public key (ssh-ed25519 … or ssh-rsa …)" });
      }
      if (!keys.has(checked.id)) keys.set(checked.id, { key: key.trim(), id: checked.id, names: named.names.get(checked.id) ?? [], groups: named.groups.get(checked.id) ?? [], where: shown });
      if (!readers.includes(checked.id)) readers.push(checked.id);
    });
    const abs = files[i]!;
    const { bytes, header } = readAgeFile(o, abs, origin);
    const rel = path.relative(base, abs).split(path.sep).join("/");
    const notes: string[] = [];
    if (header.armored) notes.push("ASCII-armored: kept as it is (a rekey writes it binary; age and agenix read both)");
    return {
      name: rel.startsWith("../") ? path.basename(abs).replace(/\.age$/, "") : rel.replace(/\.age$/, ""),
      origin,
      readers,
      content: { kind: "file", path: abs, bytes, mismatch: headerMismatch(header, readers, label), notes },
      fields: {},
      notes: r.armor && !header.armored ? ["armor = true, but the file is binary"] : [],
    };
  });
  const extra = [...new Set(rules.flatMap((r) => r.extra))];
  const known = new Set(files);
  // Below the store's directory; at the repository root, only the root's own files (not the whole repository).
  const candidates = base === o.root ? readdirSync(base).map((f) => path.join(base, f)) : o.tree.walk(base);
  const unnamed = candidates.filter((p) => p.endsWith(".age") && !known.has(p) && !path.basename(p).startsWith(".")).map((p) => o.tree.rel(p));
  return {
    kind: "agenix",
    from: shown,
    how,
    keys: [...keys.values()],
    secrets,
    secretsDir: base === o.root ? undefined : path.relative(o.root, base).split(path.sep).join("/"),
    rules: rulesPath,
    notes: [
      ...(extra.length ? [`attributes nixsec does not use, ignored: ${extra.join(", ")}`] : []),
      ...(unnamed.length ? [`.age files the rules do not name, left alone: ${unnamed.join(", ")}`] : []),
    ],
    afterwards: [],
  };
}

/** An agenix-rekey store: every .age file below `dir`, each read by the master identities only. */
function scanRekeyStore(o: AgenixOptions, masters: Array<{ name: string; key: string }>): ImportSource {
  const all: FoundKey[] = masters.map((m) => {
    const checked = checkKey(m.key);
    if ("problem" in checked) throw new NixsecError(`--master ${m.name}=…: not a key: ${checked.problem}`, { hint: "give the master identity's public key: age1… (age-keygen -y KEY) or an SSH public key" });
    return { key: m.key.trim(), id: checked.id, names: [m.name], groups: [], role: { role: "admin" as const, why: "an agenix-rekey master identity" }, where: "--master" };
  });
  const keys = all.filter((k, i) => all.findIndex((x) => x.id === k.id) === i);
  const ids = [...new Set(keys.map((k) => k.id))];
  const label = (id: string) => keys.find((k) => k.id === id)?.names[0] ?? id;
  const files = o.tree.walk(o.dir).filter((p) => p.endsWith(".age") && !path.basename(p).startsWith(".")).sort();
  if (files.length === 0) throw new NixsecError(`${o.tree.rel(o.dir)}: no .age files here`, { hint: "give the directory of the agenix-rekey secrets (age.rekey.secretsDir) as DIR" });
  const secrets: FoundSecret[] = files.map((abs) => {
    const origin = o.tree.rel(abs);
    const { bytes, header } = readAgeFile(o, abs, origin);
    const notes = header.armored ? ["ASCII-armored: kept as it is (a rekey writes it binary; age and agenix read both)"] : [];
    return {
      name: path.relative(o.dir, abs).split(path.sep).join("/").replace(/\.age$/, ""),
      origin,
      readers: ids,
      content: { kind: "file", path: abs, bytes, mismatch: headerMismatch(header, ids, label), notes },
      fields: {},
      notes: [],
    };
  });
  return {
    kind: "agenix",
    from: o.tree.rel(o.dir) + "/",
    how: "an agenix-rekey store (no rules file): every file is read by the master identities",
    keys,
    secrets,
    secretsDir: o.dir === o.root ? undefined : path.relative(o.root, o.dir).split(path.sep).join("/"),
    notes: [
      "agenix-rekey gives hosts rekeyed copies (its local storage dir or a derivation), which are not imported: the secrets start admin-only; give hosts access with `nixsec host add HOST --key-file HOST.pub` and `nixsec grant NAME --host HOST`",
    ],
    afterwards: [],
  };
}
