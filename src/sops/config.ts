// `.sops.yaml` creation rules (getsops/sops config/config.go), the part
// nixsec needs: the first rule whose path_regex matches the file (relative
// to the config's directory) gives the age recipients and the encryption
// rule. Master keys of other kinds (PGP, KMS…) are reported, not used:
// nixsec wraps data keys with age only. Shamir (several key groups) is refused.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { SopsError } from "./errors.js";
import { compileGoRegex, RULE_KEYS, type EncryptionRules } from "./rules.js";
import { toPlain } from "./tree.js";
import { readYaml } from "./yaml-read.js";

export interface CreationRule {
  /** The path_regex that matched ("" for a catch-all rule). */
  pathRegex: string;
  age: string[];
  /** Kinds of other master keys the rule lists (pgp, kms…), which nixsec cannot write. */
  otherKeys: string[];
  rules: EncryptionRules;
}

/** sops' lookup: `.sops.yaml` in `start` or the nearest directory above it. */
export function findSopsConfig(start: string): string | null {
  let dir = path.resolve(start);
  for (;;) {
    const p = path.join(dir, ".sops.yaml");
    if (existsSync(p)) return p;
    const up = path.dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

const OTHER = ["pgp", "kms", "gcp_kms", "azure_keyvault", "hc_vault_transit_uri", "hckms"];

function keyList(v: unknown, where: string): string[] {
  if (v === undefined || v === null) return [];
  const parts = typeof v === "string" ? [v] : Array.isArray(v) && v.every((x) => typeof x === "string") ? (v as string[]) : null;
  if (!parts) throw new SopsError("format", `${where} must be a string or a list of strings`);
  return parts.join(",").split(",").map((s) => s.trim()).filter((s) => s !== "");
}

/** The creation rule for `filePath` in the config at `configPath`. */
export function creationRuleFor(configPath: string, filePath: string): CreationRule {
  const docs = readYaml(readFileSync(configPath), configPath).docs;
  const conf = (docs[0] ? toPlain(docs[0]) : {}) as Record<string, unknown>;
  const rules = conf.creation_rules;
  if (!Array.isArray(rules) || rules.length === 0) {
    throw new SopsError("format", `${configPath}: no creation_rules`, { hint: "add a creation rule, or pass the recipients with --age" });
  }
  const rel = path.relative(path.dirname(path.resolve(configPath)), path.resolve(filePath)).split(path.sep).join("/");
  for (const [i, r] of rules.entries()) {
    if (!r || typeof r !== "object") throw new SopsError("format", `${configPath}: creation_rules[${i}] is not a map`);
    const rule = r as Record<string, unknown>;
    const regex = typeof rule.path_regex === "string" ? rule.path_regex : "";
    if (regex !== "" && !compileGoRegex(regex, `${configPath}: creation_rules[${i}].path_regex`).test(rel)) continue;
    const where = `${configPath}: creation_rules[${i}]`;
    let source: Record<string, unknown> = rule;
    if (Array.isArray(rule.key_groups) && rule.key_groups.length > 0) {
      if (rule.key_groups.length > 1) throw new SopsError("key-groups", `${where} splits the data key over several key groups (Shamir), which nixsec does not write`, { hint: "use sops for this file" });
      source = (rule.key_groups[0] ?? {}) as Record<string, unknown>;
    }
    const out: CreationRule = { pathRegex: regex, age: keyList(source.age, `${where}.age`), otherKeys: OTHER.filter((k) => keyList(source[k], `${where}.${k}`).length > 0), rules: {} };
    for (const [k, m] of RULE_KEYS) if (typeof rule[m] === "string" && rule[m] !== "") out.rules[k] = rule[m] as string;
    if (rule.mac_only_encrypted === true) out.rules.macOnlyEncrypted = true;
    return out;
  }
  throw new SopsError("format", `${configPath}: no creation rule matches ${rel}`, { hint: "add a matching path_regex, or pass the recipients with --age" });
}
