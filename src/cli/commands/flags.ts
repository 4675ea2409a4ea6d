// Command-line arguments checked against the manifest before anything is
// changed, so a mistake is reported against the flag the user typed, with a
// suggestion, instead of as the YAML path it would have become:
//   unknown host "hanibal" (--host); did you mean "hannibal"?
import { readFileSync } from "node:fs";
import { NixsecError } from "../../errors.js";
import { didYouMean, ManifestError, serviceName, suggestions, type Manifest } from "../../manifest/read.js";
import type { Store } from "../../store/store.js";

/** Every host named by `flag` exists (each reported with its nearest names). */
export function requireHosts(m: Manifest, hosts: readonly string[] | undefined, flag = "--host"): void {
  const known = Object.keys(m.data.hosts);
  for (const h of hosts ?? []) {
    if (Object.hasOwn(m.data.hosts, h)) continue;
    const admin = Object.hasOwn(m.data.admins, h) ? `; "${h}" is an admin, and admins read every secret` : didYouMean(h, known);
    throw new NixsecError(`unknown host ${JSON.stringify(h)} (${flag})${admin}`, {
      hint: known.length ? `hosts: ${known.sort().join(", ")}; add a new one with \`nixsec host add ${h} --key-file ${h}.pub\`` : `add it first: nixsec host add ${h} --key-file ${h}.pub`,
    });
  }
}

/** The secret `name` exists; `what` says where the name came from (NAME, --from). */
export function requireSecret(m: Manifest, name: string, what = "NAME"): void {
  if (Object.hasOwn(m.data.secrets, name)) return;
  const template = Object.hasOwn(m.data.templates, name) ? `; "${name}" is a template` : didYouMean(name, Object.keys(m.data.secrets));
  throw new NixsecError(`unknown secret ${JSON.stringify(name)} (${what})${template}`, { hint: "`nixsec list` shows the secrets" });
}

/** The secret or template `name` exists (wires and `show` take either). */
export function requireSource(m: Manifest, name: string, what = "NAME"): "secret" | "template" {
  if (Object.hasOwn(m.data.secrets, name)) return "secret";
  if (Object.hasOwn(m.data.templates, name)) return "template";
  throw new NixsecError(`unknown secret or template ${JSON.stringify(name)} (${what})${didYouMean(name, [...Object.keys(m.data.secrets), ...Object.keys(m.data.templates)])}`, {
    hint: "`nixsec list` shows the secrets, `nixsec template list` the templates",
  });
}

/** The admin `name` exists. */
export function requireAdmin(m: Manifest, name: string, what = "NAME"): void {
  if (Object.hasOwn(m.data.admins, name)) return;
  const host = Object.hasOwn(m.data.hosts, name) ? `; "${name}" is a host` : didYouMean(name, Object.keys(m.data.admins));
  throw new NixsecError(`unknown admin ${JSON.stringify(name)} (${what})${host}`, { hint: "`nixsec admin list` shows the admins" });
}

/**
 * Units are the host's business (nixsec cannot see a configuration), so an
 * unknown unit is fine; one a typo away from a unit the manifest already
 * names is probably a typo, said as a warning.
 */
export function unitTypo(m: Manifest, unit: string, flag: string): string | undefined {
  const known = new Set<string>();
  for (const item of [...Object.values(m.data.secrets), ...Object.values(m.data.templates)]) {
    for (const e of item.wire) {
      for (const u of [e.credential?.unit, e.environmentFile, ...(e.restart ?? [])]) if (u) known.add(serviceName(u));
    }
  }
  const u = serviceName(unit);
  if (known.has(u)) return undefined;
  const near = suggestions(u, known).filter((s) => s.split("/").length === 1);
  return near.length ? `unit ${JSON.stringify(unit)} (${flag}) is not wired anywhere yet; did you mean ${near.map((n) => JSON.stringify(n)).join(" or ")}?` : undefined;
}

/** A file-system error as words, never a bare errno code. */
export function fsProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case "ENOENT": return "no such file or directory";
    case "EACCES": case "EPERM": return "permission denied";
    case "EISDIR": return "is a directory";
    case "ENOTDIR": return "a part of the path is not a directory";
    case "ELOOP": return "too many symbolic links";
    case "EMFILE": case "ENFILE": return "too many open files";
    default: return code ? `cannot read it (${code})` : "cannot read it";
  }
}

/** The bytes of FILE given to `flag`, or an error naming both. */
export function readFlagFile(file: string, flag: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(file));
  } catch (err) {
    throw new NixsecError(`${file} (${flag}): ${fsProblem(err)}`, { hint: "check the path" });
  }
}

/** Refuses an empty value from --stdin or --from-file unless --allow-empty, as the prompt does. */
export function checkNotEmpty(value: Uint8Array, source: string, name: string, allowEmpty: boolean | undefined): void {
  if (value.length > 0 || allowEmpty) return;
  throw new NixsecError(`the value of ${name} from ${source} is empty; nothing was changed`, { hint: "give a value, or pass --allow-empty if an empty value is what you mean" });
}

/** The hosts of a store's secret, for hints. */
export function hostsOf(store: Store, name: string): string[] {
  return store.manifest.data.secrets[name]?.hosts ?? store.manifest.data.templates[name]?.hosts ?? [];
}

/**
 * Re-words a manifest edit's problems about fields the user gave as flags
 * (`secrets."x".mode: …` → `--mode 0777: …`); other errors pass unchanged.
 * `flags` maps a field of the edited entry to its flag and value.
 */
export function asFlagError(err: unknown, entry: readonly (string | number)[], flags: Record<string, { flag: string; value: unknown } | undefined>): unknown {
  if (!(err instanceof ManifestError)) return err;
  const mine = err.issues.filter((i) => entry.every((seg, k) => i.path[k] === seg) && flags[String(i.path[entry.length])]);
  if (mine.length === 0) return err;
  const i = mine[0]!;
  const f = flags[String(i.path[entry.length])]!;
  const value = Array.isArray(f.value) && typeof i.path[entry.length + 1] === "number" ? f.value[i.path[entry.length + 1] as number] : f.value;
  return new NixsecError(`${f.flag} ${JSON.stringify(value)}: ${i.message}`, { hint: `see \`nixsec ${entry[0] === "templates" ? "template add" : "add"} --help\`` });
}
