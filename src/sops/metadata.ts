// The `sops` metadata block (getsops/sops stores/stores.go, metadata.go).
// nixsec keeps the block as the ordered tree it read, so rewriting a file
// changes only what changed (the age entries, or lastmodified and mac) and
// older layouts (`kms: []`, `recipient` before `enc`) stay as they were.
// New files get what sops 3.13 writes: keys sorted, empty lists omitted.
import { SopsError } from "./errors.js";
import { normalizeRules, RULE_KEYS, type EncryptionRules } from "./rules.js";
import { Branch, Comment, SopsTime, type Entry, type Value } from "./tree.js";

/** The sops release whose output layout nixsec writes (must be semver: sops parses it). */
export const SOPS_VERSION = "3.13.2";

export const METADATA_KEY = "sops";

/** Master key types sops stores, by metadata key, and the field that names each key. */
const KEY_TYPES: Record<string, string> = {
  age: "recipient",
  pgp: "fp",
  kms: "arn",
  gcp_kms: "resource_id",
  azure_kv: "vault_url",
  hc_vault: "vault_address",
  hckms: "key_id",
};

export interface AgeEntry {
  recipient: string;
  /** The data key, age-encrypted to `recipient` and armored. */
  enc: string;
}

/** One key group: age entries, and the names of other master keys (PGP fingerprints, KMS ARNs…). */
export interface KeyGroup {
  age: AgeEntry[];
  others: Array<{ type: string; name: string }>;
}

export interface SopsMetadata {
  keyGroups: KeyGroup[];
  lastModified: string;
  /** The encrypted MAC, "" when the file has none. */
  mac: string;
  version: string;
  rules: EncryptionRules;
  shamirThreshold?: number;
}

function text(v: Value | undefined): string | undefined {
  if (typeof v === "string") return v;
  if (v instanceof SopsTime) return v.text;
  if (typeof v === "bigint" || typeof v === "number" || typeof v === "boolean") return String(v);
  return undefined;
}

function list(v: Value | undefined, what: string, file: string): Branch[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new SopsError("format", `${file}: sops.${what} is not a list`);
  return v.filter((x): x is Branch => {
    if (x instanceof Comment) return false;
    if (!(x instanceof Branch)) throw new SopsError("format", `${file}: an entry of sops.${what} is not a map`);
    return true;
  });
}

function group(b: Branch, where: string, file: string): KeyGroup {
  const g: KeyGroup = { age: [], others: [] };
  for (const [type, field] of Object.entries(KEY_TYPES)) {
    for (const e of list(b.get(type), `${where}${type}`, file)) {
      if (type === "age") {
        const recipient = text(e.get("recipient"));
        const enc = text(e.get("enc"));
        if (recipient === undefined || enc === undefined) throw new SopsError("format", `${file}: an entry of sops.${where}age lacks recipient or enc`);
        g.age.push({ recipient: recipient.trim(), enc });
      } else {
        g.others.push({ type, name: text(e.get(field)) ?? "?" });
      }
    }
  }
  return g;
}

function bool(v: Value | undefined): boolean {
  return v === true || (typeof v === "string" && ["1", "t", "T", "true", "TRUE", "True"].includes(v));
}

/** Reads the metadata block; errors name the file and field. */
export function readMetadata(raw: Branch, file: string): SopsMetadata {
  const top = group(raw, "", file);
  let keyGroups: KeyGroup[];
  if (top.age.length > 0 || top.others.length > 0) keyGroups = [top];
  else keyGroups = list(raw.get("key_groups"), "key_groups", file).map((b, i) => group(b, `key_groups[${i}].`, file));
  if (keyGroups.length === 0) throw new SopsError("format", `${file}: the sops metadata lists no keys`, { hint: "the file was damaged, or is not a sops file" });
  const lastModified = text(raw.get("lastmodified"));
  if (lastModified === undefined) throw new SopsError("format", `${file}: sops.lastmodified is missing`);
  const rules: EncryptionRules = {};
  for (const [k, m] of RULE_KEYS) {
    const v = text(raw.get(m));
    if (v !== undefined && v !== "") rules[k] = v;
  }
  if (bool(raw.get("mac_only_encrypted"))) rules.macOnlyEncrypted = true;
  const shamir = text(raw.get("shamir_threshold"));
  const md: SopsMetadata = {
    keyGroups,
    lastModified,
    mac: text(raw.get("mac")) ?? "",
    version: text(raw.get("version")) ?? "",
    rules: normalizeRules(rules, `${file}: sops`),
  };
  if (shamir !== undefined && /^\d+$/.test(shamir) && shamir !== "0") md.shamirThreshold = Number(shamir);
  return md;
}

function ageEntry(e: AgeEntry, recipientFirst: boolean): Branch {
  const items: Entry[] = [
    { key: "enc", value: e.enc },
    { key: "recipient", value: e.recipient },
  ];
  return new Branch(recipientFirst ? items.reverse() : items);
}

/** A new file's metadata, in sops 3.13's layout (sorted keys, empty lists omitted). */
export function newMetadata(o: { age: AgeEntry[]; lastModified: string; mac: string; rules: EncryptionRules }): Branch {
  const items: Entry[] = [];
  if (o.age.length > 0) items.push({ key: "age", value: o.age.map((e) => ageEntry(e, false)) });
  items.push({ key: "lastmodified", value: o.lastModified }, { key: "mac", value: o.mac });
  if (o.rules.macOnlyEncrypted) items.push({ key: "mac_only_encrypted", value: true });
  for (const [k, m] of RULE_KEYS) if (o.rules[k] !== undefined) items.push({ key: m, value: o.rules[k]! });
  items.push({ key: "version", value: SOPS_VERSION });
  items.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return new Branch(items);
}

function replaceKey(b: Branch, key: string, value: Value | undefined, insertBefore: (k: string) => boolean): Branch {
  const items = [...b.items];
  const at = items.findIndex((it) => !(it instanceof Comment) && it.key === key);
  if (at >= 0) {
    if (value === undefined) items.splice(at, 1);
    else items[at] = { key, value };
    return new Branch(items);
  }
  if (value === undefined) return b;
  const before = items.findIndex((it) => !(it instanceof Comment) && insertBefore(it.key));
  items.splice(before < 0 ? items.length : before, 0, { key, value });
  return new Branch(items);
}

/**
 * The metadata with its age entries replaced (sops updatekeys): other master
 * keys (PGP, KMS…) stay, since they wrap the same data key. Entries keep the
 * field order the file already uses.
 */
export function withAgeEntries(raw: Branch, entries: AgeEntry[], file: string): Branch {
  const md = readMetadata(raw, file);
  if (md.keyGroups.length > 1) throw keyGroupsError(file);
  const inGroup = raw.get("age") === undefined && raw.get("key_groups") !== undefined;
  const holder = inGroup ? list(raw.get("key_groups"), "key_groups", file)[0]! : raw;
  const old = list(holder.get("age"), "age", file);
  const recipientFirst = old.length > 0 && old[0]!.entries()[0]?.key === "recipient";
  const value = entries.length > 0 ? entries.map((e) => ageEntry(e, recipientFirst)) : undefined;
  const updated = replaceKey(holder, "age", value, (k) => k === "lastmodified" || (k > "age" && !(k in KEY_TYPES)));
  if (!inGroup) return updated;
  return replaceKey(raw, "key_groups", [updated], () => false);
}

/** The metadata with a new lastmodified and MAC (after values changed), and nixsec's sops version when newer. */
export function withMac(raw: Branch, lastModified: string, mac: string): Branch {
  let out = replaceKey(raw, "lastmodified", lastModified, (k) => k > "lastmodified");
  out = replaceKey(out, "mac", mac, (k) => k > "mac");
  return olderThanOurs(text(out.get("version"))) ? replaceKey(out, "version", SOPS_VERSION, () => false) : out;
}

/** sops (edit.go) records its own version when it rewrites values of a file from an older one. */
function olderThanOurs(version: string | undefined): boolean {
  const parse = (v: string) => /^(\d+)\.(\d+)\.(\d+)/.exec(v)?.slice(1).map(Number);
  const a = parse(version ?? "");
  const b = parse(SOPS_VERSION)!;
  if (!a) return true;
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}

export function keyGroupsError(file: string): SopsError {
  return new SopsError("key-groups", `${file}: the data key is split over several key groups (Shamir), which nixsec does not combine`, {
    hint: "decrypt or update this file with sops",
  });
}
