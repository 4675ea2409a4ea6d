// The audit's own configuration, `.nixsec-audit.yaml` at the scanned root
// (kept apart from nixsec.yaml, which describes the secrets store):
//
//   allow:                       # explicit allow-list; each entry needs a reason
//     - path: test/audit/corpus/ # glob (see glob.ts); a trailing / means the whole directory
//       reason: labelled leak corpus
//     - path: examples/keys/*_ssh_host_ed25519_key
//       rules: [private-key]     # only these rules (default: every rule)
//       reason: TEST host keys of the example fleet
//   disable: [jwt]               # rules never run
//   secretsDirs: [vault]         # more directories whose files must be ciphertext
//
// Validation reports every problem at once (`allow[1].path: …`), like the manifest.
import { compileGlob, type PathMatcher } from "./glob.js";
import { RULES } from "./rules/index.js";

export const AUDIT_CONFIG_FILE = ".nixsec-audit.yaml";

export interface AllowEntry {
  path: string;
  rules: string[] | null;
  reason: string;
  match: PathMatcher;
}

export interface AuditConfig {
  allow: AllowEntry[];
  disable: string[];
  secretsDirs: string[];
}

export class AuditConfigError extends Error {
  constructor(readonly file: string, readonly problems: string[]) {
    super(`${file} is not valid: ${problems.join("; ")}`);
    this.name = "AuditConfigError";
  }
}

export function emptyConfig(): AuditConfig {
  return { allow: [], disable: [], secretsDirs: [] };
}

const KNOWN = new Set(RULES.map((r) => r.id));

/** Parses and checks the YAML text of `.nixsec-audit.yaml`; throws AuditConfigError listing every problem. */
export async function parseAuditConfig(text: string, file = AUDIT_CONFIG_FILE): Promise<AuditConfig> {
  // Loaded only when a config file exists: the pre-commit path stays small.
  // (The bundle may expose the CommonJS build as `default`.)
  const mod = (await import("yaml")) as typeof import("yaml") & { default?: typeof import("yaml") };
  const parse = mod.parse ?? mod.default!.parse;
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new AuditConfigError(file, [`not YAML: ${(err as Error).message.split("\n")[0]}`]);
  }
  const cfg = emptyConfig();
  const problems: string[] = [];
  if (doc === null || doc === undefined) return cfg;
  if (typeof doc !== "object" || Array.isArray(doc)) throw new AuditConfigError(file, ["the top level must be a mapping"]);
  const d = doc as Record<string, unknown>;
  for (const k of Object.keys(d)) if (!["allow", "disable", "secretsDirs"].includes(k)) problems.push(`${k}: unknown key (expected allow, disable, secretsDirs)`);
  const ruleList = (v: unknown, where: string): string[] => {
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) { problems.push(`${where}: must be a list of rule ids`); return []; }
    for (const id of v as string[]) if (!KNOWN.has(id)) problems.push(`${where}: unknown rule "${id}" (see nixsec audit --list-rules)`);
    return v as string[];
  };
  if (d.allow !== undefined) {
    if (!Array.isArray(d.allow)) problems.push("allow: must be a list");
    else d.allow.forEach((e: unknown, i) => {
      const w = `allow[${i}]`;
      if (typeof e !== "object" || e === null || Array.isArray(e)) { problems.push(`${w}: must be a mapping with path and reason`); return; }
      const o = e as Record<string, unknown>;
      for (const k of Object.keys(o)) if (!["path", "rules", "reason"].includes(k)) problems.push(`${w}.${k}: unknown key (expected path, rules, reason)`);
      if (typeof o.path !== "string" || o.path.trim() === "") problems.push(`${w}.path: must be a non-empty glob`);
      if (typeof o.reason !== "string" || o.reason.trim() === "") problems.push(`${w}.reason: say why these findings are acceptable`);
      const rules = o.rules === undefined ? null : ruleList(o.rules, `${w}.rules`);
      if (typeof o.path === "string") cfg.allow.push({ path: o.path, rules, reason: String(o.reason ?? ""), match: compileGlob(o.path) });
    });
  }
  if (d.disable !== undefined) cfg.disable = ruleList(d.disable, "disable");
  if (d.secretsDirs !== undefined) {
    if (!Array.isArray(d.secretsDirs) || d.secretsDirs.some((x) => typeof x !== "string")) problems.push("secretsDirs: must be a list of directories");
    else cfg.secretsDirs = d.secretsDirs as string[];
  }
  if (problems.length > 0) throw new AuditConfigError(file, problems);
  return cfg;
}

/** An allow entry from `--allow GLOB`: every rule, reason "command line". */
export function allowFromFlag(glob: string): AllowEntry {
  return { path: glob, rules: null, reason: "--allow", match: compileGlob(glob) };
}

/** Whether a whole file is allowed (then it is not even read). */
export function fileAllowed(allow: readonly AllowEntry[], path: string): boolean {
  return allow.some((a) => a.rules === null && a.match(path));
}

/** Whether a finding of `ruleId` in `path` is allowed. */
export function findingAllowed(allow: readonly AllowEntry[], path: string, ruleId: string): boolean {
  return allow.some((a) => a.match(path) && (a.rules === null || a.rules.includes(ruleId)));
}
