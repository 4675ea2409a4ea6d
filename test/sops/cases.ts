// The sops files of ../shared/interop: every manifest with `sops_files`,
// iterated (never hard-coded), and its identity specs as nixsec identities.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseIdentityFile, type LoadedIdentity } from "../../src/crypto/index.js";
import { findManifests } from "../helpers/interop.js";

export interface IdentitySpec {
  kind: "age-identity-file" | "age-hybrid-identity-file" | "ssh-ed25519-private-key-via-ssh-to-age";
  path: string;
}

export interface SopsCase {
  /** The manifest's folder. */
  dir: string;
  file: string;
  format: "yaml" | "json" | "dotenv" | "ini" | "binary";
  ageDecryptable: boolean;
  mac: "valid" | "absent";
  decryptWith: IdentitySpec[];
  mustNotDecryptWith: IdentitySpec[];
  expected: {
    data_key_hex?: string;
    tree: unknown;
    comments?: Array<{ comment: string | null }>;
    age_recipients?: string[];
    lastmodified?: string;
    binary_plaintext_file?: string;
    dotenv_plaintext_file?: string;
    sops_nix_key_values?: Record<string, string>;
    sops_version?: string;
  };
}

export function sopsCases(): SopsCase[] {
  const out: SopsCase[] = [];
  for (const manifest of findManifests()) {
    const m = JSON.parse(readFileSync(manifest, "utf8"));
    const dir = path.dirname(manifest);
    for (const e of m.sops_files ?? []) {
      out.push({
        dir,
        file: e.file,
        format: e.format,
        ageDecryptable: e.age_decryptable,
        mac: e.mac,
        decryptWith: e.decrypt_with ?? [],
        mustNotDecryptWith: e.must_not_decrypt_with ?? [],
        expected: JSON.parse(readFileSync(path.join(dir, e.expected), "utf8")),
      });
    }
  }
  return out;
}

export function caseLabel(c: SopsCase): string {
  return `${path.basename(c.dir)}/${c.file}`;
}

export function readCase(c: SopsCase, rel: string): Buffer {
  const p = path.join(c.dir, rel);
  if (!existsSync(p)) throw new Error(`interop file missing: ${p}`);
  return readFileSync(p);
}

/**
 * The identities of a spec. An SSH key "via ssh-to-age" yields only its
 * converted X25519 identity, so the test proves the conversion path sops-nix
 * hosts use (not the native ssh-ed25519 one).
 */
export async function loadSpec(c: SopsCase, spec: IdentitySpec): Promise<LoadedIdentity[]> {
  const ids = await parseIdentityFile(readCase(c, spec.path), spec.path);
  if (spec.kind !== "ssh-ed25519-private-key-via-ssh-to-age") return ids;
  return ids.map((id) => {
    if (!id.x25519) throw new Error(`${spec.path}: no ssh-to-age conversion`);
    return { kind: "x25519", source: `${spec.path} (ssh-to-age)`, identity: id.x25519, recipient: id.x25519.recipient };
  });
}
