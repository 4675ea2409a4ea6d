// The data file the NixOS module reads (`<generatedDir>/data.nix`): per host,
// the secrets it decrypts, the templates it renders and the consumers (wires)
// it has. Data only; modules/ decides what it means.
//
// Data contract, version 2 (keep in sync with modules/lib.nix, header comment):
//   { version = 2; backend = "agenix" | "sops-nix";
//     hosts.<host> = {
//       secrets.<name>   = { file; owner; group (or null); mode; format; valueId; };
//       templates.<name> = { owner; group (or null); mode; parts = [ { text = "…"; } { secret = "name"; } … ]; };
//       wires = [ wire … ];
//     }; }
//   wire = { secret = "name"; } or { template = "name"; }, plus
//          required (bool: the consumer must exist on this host),
//          restart (units, without ".service"),
//          and at most one consumer:
//            option = [ "services" "nginx" "virtualHosts" "a.example.com" "basicAuthFile" ];
//            credential = { unit; name; option (list or null); env (string or null); };
//            environmentFile = unit;  samba = user;  userPassword = user;  initrd = "/abs/path";
//   valueId changes exactly when the value does (secrets/nixsec.lock); it is
//   the consumers' restart trigger, and never derived from the value.
import { createHash } from "node:crypto";
import path from "node:path";
import { NixsecError } from "../errors.js";
import { defaultCredentialName, optionSegments, serviceName, type WireEntry } from "../manifest/read.js";
import { readLock, resolveLock, valueIdOf } from "../store/lock.js";
import type { Store } from "../store/store.js";
import { secretFile } from "../store/store.js";
import { nixPath, type NixValue } from "./emit.js";
import { resolveTemplate } from "./template.js";

export const DATA_VERSION = 2;

/** A source of a wire: a secret or a template, by name. */
export type WireSource = { secret: string } | { template: string };

/** One wire entry on one host, as data: units without ".service", option paths as lists, defaults filled. */
export function wireData(source: WireSource, name: string, e: WireEntry, required: boolean): NixValue {
  const common = { ...source, required, restart: (e.restart ?? []).map(serviceName) };
  if (e.option) return { ...common, option: optionSegments(e.option) };
  if (e.credential) {
    return {
      ...common,
      credential: {
        unit: serviceName(e.credential.unit),
        name: e.credential.name ?? defaultCredentialName(name),
        option: e.credential.option ? optionSegments(e.credential.option) : null,
        env: e.credential.env ?? null,
      },
    };
  }
  if (e.environmentFile) return { ...common, environmentFile: serviceName(e.environmentFile) };
  if (e.samba) return { ...common, samba: e.samba };
  if (e.userPassword) return { ...common, userPassword: e.userPassword };
  if (e.initrd) return { ...common, initrd: e.initrd };
  return common;
}

/**
 * The hosts a wire entry applies to, and whether its consumer must exist
 * there: hosts it names must have it; by default it applies to every reader
 * that has the consumer, and is required only when there is one reader.
 */
export function wireHosts(e: WireEntry, readers: readonly string[]): { hosts: readonly string[]; required: boolean } {
  if (e.hosts !== undefined) return { hosts: e.hosts, required: true };
  return { hosts: readers, required: readers.length === 1 };
}

/** "sha256-<base64>" of a file: the restart trigger of a secret the lock has no value id for. */
export function fileHashId(bytes: Uint8Array): string {
  return "sha256-" + createHash("sha256").update(bytes).digest("base64");
}

type HostData = { secrets: Record<string, NixValue>; templates: Record<string, NixValue>; wires: NixValue[] };

/** The data for every host (hosts with nothing get empty sets), paths relative to `outDir`. */
export function buildData(store: Store, outDir: string): NixValue {
  const { data } = store.manifest;
  const lock = resolveLock(store, readLock(store));
  const hosts: Record<string, HostData> = {};
  for (const host of Object.keys(data.hosts)) hosts[host] = { secrets: {}, templates: {}, wires: [] };
  for (const [name, s] of Object.entries(data.secrets)) {
    const file = secretFile(store, name);
    // Through the store's tree: a link, FIFO or device there is an error, never read (issue 12).
    const bytes = store.tree.readFile(file);
    if (!bytes) {
      throw new NixsecError(`secret ${name} has no file (${path.relative(store.root, file)})`, { hint: `set its value with \`nixsec add ${name} --force\` or remove it with \`nixsec rm ${name}\`` });
    }
    const sha = createHash("sha256").update(bytes).digest("hex");
    const entry: NixValue = {
      file: nixPath(path.relative(outDir, file).split(path.sep).join("/")),
      owner: s.owner,
      group: s.group ?? null,
      mode: s.mode,
      format: s.format,
      valueId: valueIdOf(lock, name, sha) ?? fileHashId(bytes),
    };
    for (const host of s.hosts) hosts[host]!.secrets[name] = entry;
    addWires(hosts, { secret: name }, name, s.wire, s.hosts);
  }
  for (const [name, t] of Object.entries(data.templates)) {
    const parts = resolveTemplate(store.root, data, name);
    const entry: NixValue = { owner: t.owner, group: t.group ?? null, mode: t.mode, parts };
    for (const host of t.hosts) hosts[host]!.templates[name] = entry;
    addWires(hosts, { template: name }, name, t.wire, t.hosts);
  }
  return { version: DATA_VERSION, backend: data.settings.backend, hosts };
}

function addWires(hosts: Record<string, HostData>, source: WireSource, name: string, wire: readonly WireEntry[], readers: readonly string[]): void {
  for (const e of wire) {
    const { hosts: on, required } = wireHosts(e, readers);
    for (const host of on) hosts[host]!.wires.push(wireData(source, name, e, required));
  }
}
