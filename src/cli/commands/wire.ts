// `nixsec wire` records where a secret or a template is used; `nixsec gen`
// writes the Nix. Flags are checked one by one first, so a mistake names the
// flag; the manifest's own validation stays the backstop.
import path from "node:path";
import { NixsecError, ExitCode } from "../../errors.js";
import {
  credentialNameProblem,
  envVarProblem,
  formatOptionPath,
  optionSegments,
  ownerUnit,
  parseOptionPath,
  putSecret,
  putTemplate,
  saveManifest,
  serviceName,
  templateKindProblem,
  UNIT_PATTERN,
  type Manifest,
  type WireEntry,
} from "../../manifest/index.js";
import { runGen } from "../../nixgen/gen.js";
import { readSecretValue } from "../../store/store.js";
import { hashHint, isCryptHash } from "../../store/value-checks.js";
import { adminIdentities, openCliStore, type StoreOptions } from "../context.js";
import type { Io } from "../io.js";
import { printInfo, printWarning } from "../output.js";
import { asFlagError, requireHosts, requireSource, unitTypo } from "./flags.js";

export interface WireOptions extends StoreOptions {
  option?: string;
  credential?: string;
  credentialOption?: string;
  credentialEnv?: string;
  environmentFile?: string;
  sambaUser?: string;
  userPassword?: string;
  initrd?: string;
  host?: string[];
  restart?: string[];
  remove?: string;
  clear?: boolean;
  list?: boolean;
  json?: boolean;
}

export function describeEntry(e: WireEntry): string {
  const extra = (e.restart?.length ? ` (restarts ${e.restart.join(", ")})` : "") + (e.hosts ? ` on ${e.hosts.join(", ")}` : "");
  if (e.option) return `option ${e.option}${extra}`;
  if (e.credential) {
    const c = e.credential;
    return `credential ${c.name ?? "(default name)"} of ${c.unit}${c.option ? ` → option ${c.option}` : ""}${c.env ? ` → $${c.env}` : ""}${extra}`;
  }
  if (e.environmentFile) return `EnvironmentFile of ${e.environmentFile}${extra}`;
  if (e.samba) return `samba password of ${e.samba}${extra}`;
  if (e.userPassword) return `hashedPasswordFile of user ${e.userPassword}${extra}`;
  if (e.initrd) return `initrd file ${e.initrd}${extra}`;
  return `restart ${e.restart?.join(", ")}${e.hosts ? ` on ${e.hosts.join(", ")}` : ""}`;
}

function checkUnit(unit: string, flag: string): void {
  if (!new RegExp(UNIT_PATTERN).test(unit) || /\.(socket|timer|target|mount|path|slice|scope|device|swap|automount)$/.test(unit)) {
    throw new NixsecError(`${flag} ${JSON.stringify(unit)}: not a systemd service name`, { hint: "name a .service unit, e.g. withings-weights or smbd.service" });
  }
}

function checkOption(p: string, flag: string): void {
  const parsed = parseOptionPath(p);
  if ("problem" in parsed) {
    throw new NixsecError(`${flag} ${JSON.stringify(p)}: ${parsed.problem}`, { hint: `an option path as in Nix, e.g. services.foo.passwordFile or 'services.nginx.virtualHosts."a.example.com".basicAuthFile' (quote it for the shell)` });
  }
}

/** `--credential UNIT[:NAME]`, refusing what systemd would refuse instead of cutting it. */
export function parseCredentialFlag(v: string): { unit: string; name?: string } {
  const parts = v.split(":");
  if (parts.length > 2) {
    throw new NixsecError(`--credential ${JSON.stringify(v)}: more than one ":"; give UNIT or UNIT:NAME`, { hint: "a credential name cannot contain \":\"; a unit whose name has one needs its credential in nixsec.yaml (wire: [{credential: {unit: …, name: …}}])" });
  }
  const [unit, name] = parts as [string, string | undefined];
  checkUnit(unit, "--credential");
  if (name !== undefined) {
    const problem = credentialNameProblem(name);
    if (problem) throw new NixsecError(`--credential ${JSON.stringify(v)}: credential name ${JSON.stringify(name)}: ${problem}`, { hint: "e.g. --credential app:dbpass" });
  }
  return name === undefined || name === "" ? { unit } : { unit, name };
}

function entryFrom(opts: WireOptions): WireEntry | undefined {
  const kinds = [opts.option, opts.credential, opts.environmentFile, opts.sambaUser, opts.userPassword, opts.initrd].filter((v) => v !== undefined).length;
  if (kinds > 1) throw new NixsecError("one consumer per command: --option, --credential, --environment-file, --samba-user, --user-password or --initrd", { hint: "run `nixsec wire` once per consumer" });
  if ((opts.credentialOption || opts.credentialEnv) && !opts.credential) throw new NixsecError("--credential-option and --credential-env go with --credential UNIT[:NAME]", { hint: "e.g. nixsec wire db/pass --credential app:dbpass --credential-env DB_PASSWORD_FILE" });
  for (const u of opts.restart ?? []) checkUnit(u, "--restart");
  const common = { ...(opts.restart?.length ? { restart: opts.restart } : {}), ...(opts.host?.length ? { hosts: [...new Set(opts.host)] } : {}) };
  if (opts.option !== undefined) {
    checkOption(opts.option, "--option");
    return { option: opts.option, ...common };
  }
  if (opts.credential !== undefined) {
    const c = parseCredentialFlag(opts.credential);
    if (opts.credentialOption !== undefined) checkOption(opts.credentialOption, "--credential-option");
    if (opts.credentialEnv !== undefined) {
      const problem = envVarProblem(opts.credentialEnv);
      if (problem) throw new NixsecError(`--credential-env ${JSON.stringify(opts.credentialEnv)}: ${problem}`, { hint: "the list of refused variables is in the README (Wiring)" });
    }
    return { credential: { ...c, ...(opts.credentialOption ? { option: opts.credentialOption } : {}), ...(opts.credentialEnv ? { env: opts.credentialEnv } : {}) }, ...common };
  }
  if (opts.environmentFile !== undefined) {
    checkUnit(opts.environmentFile, "--environment-file");
    return { environmentFile: opts.environmentFile, ...common };
  }
  if (opts.sambaUser !== undefined) return { samba: opts.sambaUser, ...common };
  if (opts.userPassword !== undefined) return { userPassword: opts.userPassword, ...common };
  if (opts.initrd !== undefined) {
    if (opts.restart?.length) throw new NixsecError("--restart does not go with --initrd: the initrd is read at boot", { hint: "leave out --restart" });
    return { initrd: opts.initrd, ...common };
  }
  if (opts.restart?.length) return { restart: opts.restart, ...common };
  if (opts.host?.length) throw new NixsecError("--host says which hosts a consumer is on; give the consumer too", { hint: "e.g. nixsec wire NAME --samba-user alice --host storage2" });
  return undefined;
}

/** What the user should know about a new entry: where the consumer finds the value, what restarts. */
function explain(io: Io, m: Manifest, name: string, kind: "secret" | "template", e: WireEntry): void {
  if (e.credential) {
    const unit = serviceName(e.credential.unit);
    const cred = e.credential.name ?? name.split("/").pop()!;
    printInfo(io, `${unit}.service reads it at $CREDENTIALS_DIRECTORY/${cred} (%d/${cred} in unit settings; /run/credentials/${unit}.service/${cred})`);
    if (e.credential.env) printInfo(io, `$${e.credential.env} holds that path`);
    if (e.credential.option) printInfo(io, `${e.credential.option} = /run/credentials/${unit}.service/${cred}`);
  }
  if (e.option) {
    const owner = ownerUnit(optionSegments(e.option));
    const where = kind === "template" ? `/run/nixsec/templates/${name}` : `the decrypted file (/run/agenix/${name})`;
    printInfo(io, `${formatOptionPath(optionSegments(e.option))} = ${where}${owner ? `; ${owner}.service restarts when the value changes (on hosts that have it)` : "; nothing restarts for it unless you add --restart UNIT"}`);
  }
  if (e.initrd) {
    printInfo(io, `the secret is copied into the initrd at ${e.initrd} when the boot loader is installed; the initrd is readable on the boot partition, so anyone with access to the disk can read it`);
    printInfo(io, "on the first deploy it is not decrypted yet when the boot loader is installed: deploy twice (or `nixos-rebuild test`, then `switch`); a rotated value reaches the initrd on the next deploy after it");
  }
  for (const [flag, units] of [["--restart", e.restart ?? []], ["--credential", e.credential ? [e.credential.unit] : []], ["--environment-file", e.environmentFile ? [e.environmentFile] : []]] as const) {
    for (const u of units) {
      const typo = unitTypo(m, u, flag);
      if (typo) printWarning(io, typo);
    }
  }
}

async function checkUserPassword(io: Io, store: Awaited<ReturnType<typeof openCliStore>>, name: string, opts: WireOptions): Promise<void> {
  const spec = store.manifest.data.secrets[name]!;
  if (spec.generate?.kind === "password-hash") return;
  const value = await readSecretValue(store, name, await adminIdentities(io, store, opts));
  const ok = isCryptHash(value);
  value.fill(0);
  if (!ok) {
    throw new NixsecError(`--user-password ${opts.userPassword}: ${name} is not a crypt(3) password hash (users.users.${opts.userPassword}.hashedPasswordFile wants one)`, { hint: hashHint(name) });
  }
}

export async function wire(io: Io, name: string, opts: WireOptions): Promise<void> {
  const store = await openCliStore(io, opts);
  const kind = requireSource(store.manifest, name);
  const item = kind === "secret" ? store.manifest.data.secrets[name]! : store.manifest.data.templates[name]!;
  const entries = [...item.wire];
  const entry = entryFrom(opts);
  if (opts.list || (!entry && opts.remove === undefined && !opts.clear)) {
    if (opts.json) io.stdout.write(JSON.stringify(entries, null, 2) + "\n");
    else if (entries.length === 0) printInfo(io, `${name} is not wired; e.g. nixsec wire ${name} --option services.NAME.passwordFile`);
    else entries.forEach((e, i) => io.stdout.write(`${i}\t${describeEntry(e)}\n`));
    return;
  }
  if (entry) {
    requireHosts(store.manifest, entry.hosts);
    const off = (entry.hosts ?? []).filter((h) => !item.hosts.includes(h));
    if (off.length) {
      throw new NixsecError(`host ${off.map((h) => JSON.stringify(h)).join(", ")} (--host) does not read ${kind} ${name} (its hosts: ${item.hosts.join(", ") || "none"})`, {
        hint: kind === "secret" ? `give it access first: nixsec grant ${name} --host ${off[0]}` : `add the host to templates.${name}.hosts in nixsec.yaml`,
      });
    }
    const problem = kind === "template" ? templateKindProblem(entry) : undefined;
    if (problem) throw new NixsecError(`${name}: ${problem}`, { hint: "wire a template with --option, --credential, --environment-file or --restart" });
    if (entry.userPassword && kind === "secret") await checkUserPassword(io, store, name, opts);
  }
  let next = entries;
  if (opts.clear) next = [];
  if (opts.remove !== undefined) {
    const i = Number(opts.remove);
    if (!Number.isInteger(i) || i < 0 || i >= entries.length) {
      throw new NixsecError(`--remove ${opts.remove}: no such entry (${name} has ${entries.length})`, { hint: `list them with: nixsec wire ${name} --list` });
    }
    next = entries.filter((_, j) => j !== i);
  }
  if (entry && next.some((e) => JSON.stringify(e) === JSON.stringify(entry))) {
    throw new NixsecError(`${name} is already wired that way: ${describeEntry(entry)}`, { hint: `see its consumers with: nixsec wire ${name} --list` });
  }
  if (entry) next = [...next, entry];
  let m;
  try {
    m = kind === "secret" ? putSecret(store.manifest, name, { wire: next as never }) : putTemplate(store.manifest, name, { wire: next as never });
  } catch (err) {
    throw asFlagError(err, [kind === "secret" ? "secrets" : "templates", name], { wire: { flag: flagOf(opts), value: valueOf(opts) } });
  }
  await saveManifest(m);
  if (entry) {
    printInfo(io, `${name}: ${describeEntry(entry)}`);
    explain(io, store.manifest, name, kind, entry);
  } else printInfo(io, `${name}: ${next.length} consumer${next.length === 1 ? "" : "s"} left`);
  printInfo(io, "run `nixsec gen` to update the generated Nix");
}

function flagOf(opts: WireOptions): string {
  return opts.option !== undefined ? "--option" : opts.credential !== undefined ? "--credential" : opts.environmentFile !== undefined ? "--environment-file"
    : opts.sambaUser !== undefined ? "--samba-user" : opts.userPassword !== undefined ? "--user-password" : opts.initrd !== undefined ? "--initrd" : "--restart";
}

function valueOf(opts: WireOptions): unknown {
  return opts.option ?? opts.credential ?? opts.environmentFile ?? opts.sambaUser ?? opts.userPassword ?? opts.initrd ?? opts.restart;
}

export async function gen(io: Io, opts: StoreOptions & { check?: boolean }): Promise<void> {
  const store = await openCliStore(io, opts);
  const r = await runGen(store, Boolean(opts.check));
  const rel = (f: string) => path.relative(io.cwd, f) || f;
  if (opts.check) {
    if (r.stale.length === 0) return;
    throw new NixsecError(`generated Nix is stale: ${r.stale.map(rel).join(", ")}`, { hint: "run `nixsec gen` and commit the result", exitCode: ExitCode.findings });
  }
  if (r.written.length === 0) printInfo(io, "generated files are up to date");
  for (const f of r.written) printInfo(io, `wrote ${rel(f)}`);
}
