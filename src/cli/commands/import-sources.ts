// The sources `nixsec import` reads: each turns its command's arguments
// into a SourceReader for the shared runner (import.ts). A new source is one
// more function here and one more command in register-import.ts.
import path from "node:path";
import { NixsecError } from "../../errors.js";
import type { Io } from "../io.js";
import { readFileSync } from "node:fs";
import { findProgram, evaluateWithNix } from "../../import/nix-instantiate.js";
import { hostKeyFlags, pairs, runImport, type ImportOptions } from "./import.js";

export interface AgenixImportOptions extends ImportOptions {
  rules?: string;
  /** false with --no-eval: read the rules without Nix even when it is installed. */
  eval?: boolean;
  master?: string[];
  replaceRules?: boolean;
}

/** The store's directory: DIR, else secrets/ or the root, whichever holds secrets.nix. */
function agenixDir(io: Io, root: string, dir: string | undefined, rules: string | undefined, exists: (p: string) => boolean): string {
  if (dir !== undefined) return path.resolve(io.cwd, dir);
  if (rules !== undefined) return path.dirname(path.resolve(io.cwd, rules));
  for (const d of [path.join(root, "secrets"), root]) if (exists(path.join(d, "secrets.nix"))) return d;
  throw new NixsecError(`no secrets.nix in ${path.relative(io.cwd, path.join(root, "secrets")) || "secrets"}/ or ${path.relative(io.cwd, root) || "."}`, { hint: "give the directory of the agenix store: nixsec import agenix DIR (or --rules FILE)" });
}

export async function importAgenix(io: Io, dir: string | undefined, opts: AgenixImportOptions): Promise<void> {
  const nix = opts.eval === false ? null : findProgram("nix-instantiate", io.env);
  const masters = pairs(opts.master, "--master", "alice=age1…").map(([name, key]) => ({ name, key }));
  await runImport(io, opts, {
    kind: "agenix",
    replaceRules: opts.replaceRules,
    async read({ root, tree, adminKey }) {
      const { scanAgenix } = await import("../../import/agenix.js");
      const store = agenixDir(io, root, dir, opts.rules, (p) => tree.statFile(p) !== undefined);
      return scanAgenix({
        root, tree, dir: store, masters, adminKey,
        rules: opts.rules === undefined ? undefined : path.resolve(io.cwd, opts.rules),
        evaluate: nix ? (file, shown) => evaluateWithNix(nix, file, io.env, shown) : undefined,
      });
    },
  });
}

export interface NixopsImportOptions extends ImportOptions {
  hostKey?: string[];
  format?: string[];
  environmentFile?: string[];
  skip?: string[];
}

const FORMATS = ["text", "env", "binary"] as const;

export async function importNixops(io: Io, file: string, opts: NixopsImportOptions): Promise<void> {
  const formats = new Map(pairs(opts.format, "--format", "withinbot-env=env").map(([k, f]) => {
    if (!(FORMATS as readonly string[]).includes(f)) throw new NixsecError(`--format ${k}=${f}: unknown format`, { hint: `one of: ${FORMATS.join(", ")}` });
    return [k, f as (typeof FORMATS)[number]];
  }));
  const environmentFiles = new Map(pairs(opts.environmentFile, "--environment-file", "withinbot-env=withinbot"));
  await runImport(io, opts, {
    kind: "nixops",
    newAdminKey: true,
    async read({ root, tree, existing }) {
      const { scanNixops } = await import("../../import/nixops.js");
      const hostKeys = hostKeyFlags(io, opts.hostKey, existing, readPublicKeyFile);
      return scanNixops({ root, tree, file: path.resolve(io.cwd, file), hostKeys, formats, environmentFiles, skip: new Set(opts.skip ?? []) });
    },
  });
}

/** The one public key line of a .pub file given to --host-key. */
function readPublicKeyFile(file: string, machine: string): string {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new NixsecError(`--host-key ${machine}=${file}: cannot read the file`, { hint: "give the host's .pub file, or its key line in quotes" });
  }
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
  if (lines.length !== 1) throw new NixsecError(`--host-key ${machine}=${file}: expected one public key line, found ${lines.length}`, { hint: "give a single .pub file (/etc/ssh/ssh_host_ed25519_key.pub)" });
  return lines[0]!;
}

export interface SopsNixImportOptions extends ImportOptions {
  config?: string;
  replaceRules?: boolean;
}

export async function importSopsNix(io: Io, files: string[], opts: SopsNixImportOptions): Promise<void> {
  await runImport(io, opts, {
    kind: "sops-nix",
    replaceRules: opts.replaceRules,
    async read({ root, tree }) {
      const { scanSopsNix } = await import("../../import/sops-nix.js");
      const { sopsIdentities } = await import("./sops-keys.js");
      // Where sops finds keys, and --admin-key (the importer decrypts every file).
      const identities = await sopsIdentities(io, [...(opts.identity ?? []), ...(opts.adminKey ? [opts.adminKey] : [])]);
      return scanSopsNix({
        root, tree, identities,
        config: opts.config === undefined ? undefined : path.resolve(io.cwd, opts.config),
        files: (files ?? []).map((f) => path.resolve(io.cwd, f)),
      });
    },
  });
}
