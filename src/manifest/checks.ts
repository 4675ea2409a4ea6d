// Checks that span several fields of a manifest. They run on the raw YAML
// data next to the zod schema (not after it), so one run reports every
// problem; each check therefore looks only at the parts that have the right
// shape and leaves wrong shapes to the schema.
import { type Issue, formatPath } from "./issues.js";
import { parseRecipient, recipientLabelIssues } from "./keys.js";
import { principalNameProblem, relativeDirProblem, secretNameProblem } from "./names.js";
import { defaultCredentialName, formatOptionPath, formatProblem, optionSegments, serviceName, templateKindProblem } from "./wire.js";
import { wireEntrySchema } from "./wire-schema.js";

type Raw = Record<string, unknown>;

export function checkManifest(raw: unknown): Issue[] {
  if (!isRecord(raw)) return [];
  const admins = mapOrEmpty(raw.admins);
  const hosts = mapOrEmpty(raw.hosts);
  const secrets = mapOrEmpty(raw.secrets);
  const templates = mapOrEmpty(raw.templates);
  return [
    ...checkSettings(raw.settings),
    ...checkPrincipals(raw.admins, admins, hosts),
    ...checkSecretNames(secrets ?? {}),
    ...checkSecretReferences(secrets ?? {}, admins ?? {}, hosts),
    ...recipientLabelIssues(admins ?? {}, hosts ?? {}, secrets ?? {}),
    ...checkTemplates(templates ?? {}, secrets ?? {}, admins ?? {}, hosts),
    ...checkWiring(secrets ?? {}, templates ?? {}),
  ];
}

/**
 * Per entry: formats that fit their consumers, consumers a template can have,
 * hosts that read the secret. Across entries: no two values claiming one
 * option, credential, samba user, user password or initrd path on one host.
 */
function checkWiring(secrets: Raw, templates: Raw): Issue[] {
  const issues: Issue[] = [];
  const claimed = new Map<string, string>();
  const claim = (key: string, what: string, path: Array<string | number>, owner: string): void => {
    const other = claimed.get(key);
    if (other !== undefined && other !== owner) issues.push({ path, message: `${what} is also wired to ${other}` });
    else claimed.set(key, owner);
  };
  const sources = [
    ...Object.entries(secrets).map(([name, item]) => ["secrets", name, item] as const),
    ...Object.entries(templates).map(([name, item]) => ["templates", name, item] as const),
  ];
  for (const [group, name, item] of sources) {
    if (!isRecord(item) || !Array.isArray(item.wire)) continue;
    const kind = group === "secrets" ? "secret" : "template";
    const owner = `${kind} ${JSON.stringify(name)}`;
    const readers = Array.isArray(item.hosts) ? item.hosts.filter((h): h is string => typeof h === "string") : [];
    item.wire.forEach((raw: unknown, i) => {
      const parsed = wireEntrySchema.safeParse(raw);
      if (!parsed.success) return; // the schema reports it
      const e = parsed.data;
      const path = [group, name, "wire", i];
      const problem = group === "secrets" ? formatProblem(e, typeof item.format === "string" ? item.format : "text") : templateKindProblem(e);
      if (problem) issues.push({ path, message: problem });
      e.hosts?.forEach((h, j) => {
        if (!readers.includes(h)) issues.push({ path: [...path, "hosts", j], message: `host ${JSON.stringify(h)} does not read this ${kind} (its hosts: ${readers.join(", ") || "none"})` });
      });
      for (const host of e.hosts ?? readers) {
        const raw = e.option ?? e.credential?.option;
        const option = raw === undefined ? undefined : formatOptionPath(optionSegments(raw));
        if (option) claim(`${host} option ${option}`, `option ${option} on ${host}`, path, owner);
        if (e.credential) {
          const cred = e.credential.name ?? defaultCredentialName(name);
          claim(`${host} credential ${serviceName(e.credential.unit)} ${cred}`, `credential ${cred} of ${e.credential.unit} on ${host}`, path, owner);
        }
        if (e.samba) claim(`${host} samba ${e.samba}`, `samba user ${e.samba} on ${host}`, path, owner);
        if (e.userPassword) claim(`${host} user ${e.userPassword}`, `the password of user ${e.userPassword} on ${host}`, path, owner);
        if (e.initrd) claim(`${host} initrd ${e.initrd}`, `initrd path ${e.initrd} on ${host}`, path, owner);
      }
    });
  }
  return issues;
}

/** Template names (distinct from secret names), hosts and text sources. Placeholders are checked by `nixsec gen`, which reads the text. */
function checkTemplates(templates: Raw, secrets: Raw, admins: Raw, hosts: Raw | undefined): Issue[] {
  const issues: Issue[] = [];
  for (const [name, t] of Object.entries(templates)) {
    const problem = secretNameProblem(name)?.replace(/^secret name/, "template name");
    if (problem) issues.push({ path: ["templates", name], message: problem });
    else if (Object.hasOwn(secrets, name)) issues.push({ path: ["templates", name], message: `${JSON.stringify(name)} is also a secret; templates and secrets share one namespace (wires name either)` });
    if (!isRecord(t)) continue;
    if (typeof t.file === "string") {
      const fileProblem = relativeDirProblem(t.file);
      if (fileProblem) issues.push({ path: ["templates", name, "file"], message: fileProblem });
    }
    issues.push(...hostReferences(["templates", name], t.hosts, admins, hosts));
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

function hostReferences(at: Array<string | number>, list: unknown, admins: Raw, hosts: Raw | undefined): Issue[] {
  const issues: Issue[] = [];
  if (!Array.isArray(list) || !hosts) return issues;
  const seen = new Set<string>();
  list.forEach((host: unknown, i) => {
    if (typeof host !== "string") return;
    const path = [...at, "hosts", i];
    if (seen.has(host)) issues.push({ path, message: `host ${JSON.stringify(host)} is listed twice` });
    seen.add(host);
    if (Object.hasOwn(hosts, host)) return;
    const note = Object.hasOwn(admins, host) ? `; ${JSON.stringify(host)} is an admin, and admins read every secret` : "";
    issues.push({ path, message: `unknown host ${JSON.stringify(host)}${note}` });
  });
  return issues;
}

function checkSecretReferences(secrets: Raw, admins: Raw, hosts: Raw | undefined): Issue[] {
  const issues: Issue[] = [];
  for (const [name, secret] of Object.entries(secrets)) {
    if (!isRecord(secret)) continue;
    issues.push(...hostReferences(["secrets", name], secret.hosts, admins, hosts));
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
