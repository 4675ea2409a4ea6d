// Checks that span several fields of a manifest. They run on the raw YAML
// data next to the zod schema (not after it), so one run reports every
// problem; each check therefore looks only at the parts that have the right
// shape and leaves wrong shapes to the schema.
import { type Issue, formatPath } from "./issues.js";
import { parseRecipient, recipientLabelIssues } from "./keys.js";
import { principalNameProblem, relativeDirProblem, secretNameProblem } from "./names.js";
import { formatProblem, serviceName } from "./wire.js";
import { wireEntrySchema } from "./wire-schema.js";

type Raw = Record<string, unknown>;

export function checkManifest(raw: unknown): Issue[] {
  if (!isRecord(raw)) return [];
  const admins = mapOrEmpty(raw.admins);
  const hosts = mapOrEmpty(raw.hosts);
  const secrets = mapOrEmpty(raw.secrets);
  return [
    ...checkSettings(raw.settings),
    ...checkPrincipals(raw.admins, admins, hosts),
    ...checkSecretNames(secrets ?? {}),
    ...checkSecretReferences(secrets ?? {}, admins ?? {}, hosts),
    ...recipientLabelIssues(admins ?? {}, hosts ?? {}, secrets ?? {}),
    ...checkWiring(secrets ?? {}),
  ];
}

/** Formats that fit their consumers, and no two secrets claiming one option or credential. */
function checkWiring(secrets: Raw): Issue[] {
  const issues: Issue[] = [];
  const claimed = new Map<string, string>();
  const claim = (key: string, what: string, path: Array<string | number>, name: string): void => {
    const other = claimed.get(key);
    if (other !== undefined && other !== name) issues.push({ path, message: `${what} is also wired to secret ${JSON.stringify(other)}` });
    else claimed.set(key, name);
  };
  for (const [name, secret] of Object.entries(secrets)) {
    if (!isRecord(secret) || !Array.isArray(secret.wire)) continue;
    const format = typeof secret.format === "string" ? secret.format : "text";
    secret.wire.forEach((raw: unknown, i) => {
      const parsed = wireEntrySchema.safeParse(raw);
      if (!parsed.success) return; // the schema reports it
      const e = parsed.data;
      const path = ["secrets", name, "wire", i];
      const problem = formatProblem(e, format);
      if (problem) issues.push({ path, message: problem });
      const option = e.option ?? e.credential?.option;
      if (option) claim(`option ${option}`, `option ${option}`, path, name);
      if (e.credential) {
        const cred = e.credential.name ?? name.split("/").pop()!;
        claim(`credential ${serviceName(e.credential.unit)} ${cred}`, `credential ${cred} of ${e.credential.unit}`, path, name);
      }
      if (e.samba) claim(`samba ${e.samba}`, `samba user ${e.samba}`, path, name);
      if (e.userPassword) claim(`user ${e.userPassword}`, `the password of user ${e.userPassword}`, path, name);
    });
  }
  return issues;
}

function checkSettings(settings: unknown): Issue[] {
  if (!isRecord(settings)) return [];
  return (["secretsDir", "generatedDir"] as const).flatMap((field) => {
    const dir = settings[field];
    const problem = typeof dir === "string" ? relativeDirProblem(dir) : undefined;
    return problem ? [{ path: ["settings", field], message: problem }] : [];
  });
}

function checkPrincipals(rawAdmins: unknown, admins: Raw | undefined, hosts: Raw | undefined): Issue[] {
  const issues: Issue[] = [];
  if (rawAdmins !== undefined && admins && Object.keys(admins).length === 0) {
    issues.push({ path: ["admins"], message: "needs at least one admin; without one nobody could rekey the secrets" });
  }
  const keyOwners = new Map<string, string>();
  for (const [group, kind, map] of [["admins", "admin", admins], ["hosts", "host", hosts]] as const) {
    for (const [name, entry] of Object.entries(map ?? {})) {
      const problem = principalNameProblem(kind, name);
      if (problem) issues.push({ path: [group, name], message: problem });
      if (group === "hosts" && admins && Object.hasOwn(admins, name)) {
        const message = `${JSON.stringify(name)} is also an admin; admin and host names must differ`;
        issues.push({ path: [group, name], message });
      }
      const key = isRecord(entry) ? entry.key : undefined;
      if (typeof key !== "string") continue;
      const parsed = parseRecipient(key);
      if ("problem" in parsed) continue; // the schema reports it
      const owner = keyOwners.get(parsed.canonical);
      if (owner !== undefined) {
        issues.push({
          path: [group, name, "key"],
          message: `same key as ${owner}; each key belongs to exactly one admin or host`,
        });
      } else {
        keyOwners.set(parsed.canonical, formatPath([group, name]));
      }
    }
  }
  return issues;
}

function checkSecretNames(secrets: Raw): Issue[] {
  const issues: Issue[] = [];
  const names = Object.keys(secrets);
  const byFolded = new Map<string, string>();
  for (const name of names) {
    const problem = secretNameProblem(name);
    if (problem) {
      issues.push({ path: ["secrets", name], message: problem });
      continue;
    }
    // Two names that differ only in case would share one file on macOS.
    const folded = name.toLowerCase();
    const other = byFolded.get(folded);
    if (other !== undefined) {
      issues.push({
        path: ["secrets", name],
        message:
          `differs from ${JSON.stringify(other)} only in letter case; ` +
          "they would clash on case-insensitive file systems",
      });
    } else {
      byFolded.set(folded, name);
    }
    // `a` and `a/b` would need /run/agenix/a to be a file and a directory at once.
    const segments = name.split("/");
    for (let i = 1; i < segments.length; i++) {
      const parent = segments.slice(0, i).join("/");
      if (Object.hasOwn(secrets, parent)) {
        issues.push({
          path: ["secrets", name],
          message: `${JSON.stringify(parent)} is also a secret, so it cannot be a directory of secrets too`,
        });
      }
    }
  }
  return issues;
}

function checkSecretReferences(secrets: Raw, admins: Raw, hosts: Raw | undefined): Issue[] {
  const issues: Issue[] = [];
  for (const [name, secret] of Object.entries(secrets)) {
    if (!isRecord(secret)) continue;
    if (Array.isArray(secret.hosts) && hosts) {
      const seen = new Set<string>();
      secret.hosts.forEach((host: unknown, i) => {
        if (typeof host !== "string") return;
        const path = ["secrets", name, "hosts", i];
        if (seen.has(host)) issues.push({ path, message: `host ${JSON.stringify(host)} is listed twice` });
        seen.add(host);
        if (Object.hasOwn(hosts, host)) return;
        const note = Object.hasOwn(admins, host) ? `; ${JSON.stringify(host)} is an admin, and admins read every secret` : "";
        issues.push({ path, message: `unknown host ${JSON.stringify(host)}${note}` });
      });
    }
    const generate = secret.generate;
    if (isRecord(generate) && generate.kind === "password-hash" && typeof generate.from === "string") {
      const path = ["secrets", name, "generate", "from"];
      const source = secrets[generate.from];
      if (generate.from === name) issues.push({ path, message: "a secret cannot be the hash of itself" });
      else if (!Object.hasOwn(secrets, generate.from)) {
        issues.push({ path, message: `unknown secret ${JSON.stringify(generate.from)}` });
      } else if (isRecord(source) && isRecord(source.generate) && source.generate.kind === "password-hash") {
        issues.push({ path, message: `${JSON.stringify(generate.from)} is itself a hash; name the password secret` });
      }
    }
  }
  return issues;
}

function isRecord(value: unknown): value is Raw {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The map at a field that defaults to `{}`; undefined when it has another shape. */
function mapOrEmpty(value: unknown): Raw | undefined {
  if (value === undefined) return {};
  return isRecord(value) ? value : undefined;
}
