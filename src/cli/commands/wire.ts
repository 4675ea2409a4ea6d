// `nixsec wire` records where a secret is used; `nixsec gen` writes the Nix.
import path from "node:path";
import { NixsecError, ExitCode } from "../../errors.js";
import { putSecret, saveManifest, type WireEntry } from "../../manifest/index.js";
import { runGen } from "../../nixgen/gen.js";
import { unknownSecret } from "../../store/store.js";
import { openCliStore, type StoreOptions } from "../context.js";
import type { Io } from "../io.js";
import { printInfo } from "../output.js";

export interface WireOptions extends StoreOptions {
  option?: string;
  credential?: string;
  credentialOption?: string;
  credentialEnv?: string;
  environmentFile?: string;
  sambaUser?: string;
  userPassword?: string;
  restart?: string[];
  remove?: string;
  clear?: boolean;
  list?: boolean;
  json?: boolean;
}

function describeEntry(e: WireEntry): string {
  const extra = e.restart?.length ? ` (restarts ${e.restart.join(", ")})` : "";
  if (e.option) return `option ${e.option}${extra}`;
  if (e.credential) {
    const c = e.credential;
    return `credential ${c.name ?? "(default name)"} of ${c.unit}${c.option ? ` → option ${c.option}` : ""}${c.env ? ` → $${c.env}` : ""}${extra}`;
  }
  if (e.environmentFile) return `EnvironmentFile of ${e.environmentFile}${extra}`;
  if (e.samba) return `samba password of ${e.samba}${extra}`;
  if (e.userPassword) return `hashedPasswordFile of user ${e.userPassword}${extra}`;
  return `restart ${e.restart?.join(", ")}`;
}

function entryFrom(opts: WireOptions): WireEntry | undefined {
  const kinds = [opts.option, opts.credential, opts.environmentFile, opts.sambaUser, opts.userPassword].filter((v) => v !== undefined).length;
  if (kinds > 1) throw new NixsecError("one consumer per command: --option, --credential, --environment-file, --samba-user or --user-password", { hint: "run `nixsec wire` once per consumer" });
  if ((opts.credentialOption || opts.credentialEnv) && !opts.credential) throw new NixsecError("--credential-option and --credential-env go with --credential UNIT[:NAME]");
  const restart = opts.restart?.length ? { restart: opts.restart } : {};
  if (opts.option) return { option: opts.option, ...restart };
  if (opts.credential) {
    const [unit, name] = opts.credential.split(":", 2);
    return {
      credential: { unit: unit!, ...(name ? { name } : {}), ...(opts.credentialOption ? { option: opts.credentialOption } : {}), ...(opts.credentialEnv ? { env: opts.credentialEnv } : {}) },
      ...restart,
    };
  }
  if (opts.environmentFile) return { environmentFile: opts.environmentFile, ...restart };
  if (opts.sambaUser) return { samba: opts.sambaUser, ...restart };
  if (opts.userPassword) return { userPassword: opts.userPassword, ...restart };
  if (opts.restart?.length) return { restart: opts.restart };
  return undefined;
}

export async function wire(io: Io, name: string, opts: WireOptions): Promise<void> {
  const store = await openCliStore(io, opts);
  const secret = store.manifest.data.secrets[name];
  if (!secret) throw unknownSecret(store, name);
  const entries = [...secret.wire];
  const entry = entryFrom(opts);
  if (opts.list || (!entry && opts.remove === undefined && !opts.clear)) {
    if (opts.json) io.stdout.write(JSON.stringify(entries, null, 2) + "\n");
    else if (entries.length === 0) printInfo(io, `${name} is not wired; e.g. nixsec wire ${name} --option services.NAME.passwordFile`);
    else entries.forEach((e, i) => io.stdout.write(`${i}\t${describeEntry(e)}\n`));
    return;
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
  const m = putSecret(store.manifest, name, { wire: next as never });
  await saveManifest(m);
  if (entry) printInfo(io, `${name}: ${describeEntry(entry)}`);
  else printInfo(io, `${name}: ${next.length} consumer${next.length === 1 ? "" : "s"} left`);
  printInfo(io, "run `nixsec gen` to update the generated Nix");
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
