// The data file the NixOS module reads: per host, its secrets with owner,
// mode, format, a hash of the ciphertext (restart trigger) and consumers.
// Data contract: keep in sync with modules/lib.nix (header comment).
import { createHash } from "node:crypto";
import path from "node:path";
import { NixsecError } from "../errors.js";
import { serviceName, type WireEntry } from "../manifest/read.js";
import type { Store } from "../store/store.js";
import { secretFile } from "../store/store.js";
import { nixPath, type NixValue } from "./emit.js";

export const DATA_VERSION = 1;

function optionList(p: string): string[] {
  return p.split(".");
}

/** One wire entry as data: units without ".service", option paths as lists, defaults filled. */
export function wireData(secretName: string, e: WireEntry): NixValue {
  const restart = (e.restart ?? []).map(serviceName);
  if (e.option) return { option: optionList(e.option), restart };
  if (e.credential) {
    return {
      credential: {
        unit: serviceName(e.credential.unit),
        name: e.credential.name ?? secretName.split("/").pop()!,
        option: e.credential.option ? optionList(e.credential.option) : null,
        env: e.credential.env ?? null,
      },
      restart,
    };
  }
  if (e.environmentFile) return { environmentFile: serviceName(e.environmentFile), restart };
  if (e.samba) return { samba: e.samba, restart };
  if (e.userPassword) return { userPassword: e.userPassword, restart };
  return { restart };
}

/** "sha256-<base64>" of the ciphertext: changes whenever the file does. */
export function ciphertextHash(ciphertext: Uint8Array): string {
  return "sha256-" + createHash("sha256").update(ciphertext).digest("base64");
}

/** The data for every host (hosts with no secrets get an empty set), relative to `outDir`. */
export function buildData(store: Store, outDir: string): NixValue {
  const { data } = store.manifest;
  const hosts: Record<string, NixValue> = {};
  for (const host of Object.keys(data.hosts)) hosts[host] = { secrets: {} as Record<string, NixValue> };
  for (const [name, s] of Object.entries(data.secrets)) {
    const file = secretFile(store, name);
    // Through the store's tree: a link, FIFO or device there is an error, never read (issue 12).
    const ciphertext = store.tree.readFile(file);
    if (!ciphertext) {
      throw new NixsecError(`secret ${name} has no file (${path.relative(store.root, file)})`, { hint: `set its value with \`nixsec add ${name} --force\` or remove it with \`nixsec rm ${name}\`` });
    }
    const entry: NixValue = {
      file: nixPath(path.relative(outDir, file).split(path.sep).join("/")),
      owner: s.owner,
      group: s.group ?? null,
      mode: s.mode,
      format: s.format,
      hash: ciphertextHash(ciphertext),
      wire: s.wire.map((w) => wireData(name, w)),
    };
    for (const host of s.hosts) ((hosts[host] as { secrets: Record<string, NixValue> }).secrets)[name] = entry;
  }
  return { version: DATA_VERSION, backend: data.settings.backend, hosts };
}
