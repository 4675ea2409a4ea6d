// Walks ../shared/interop manifests (never hard-coding names or counts) and
// turns their identity specs into nixsec identities.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parseIdentityFile, passphraseIdentity, type LoadedIdentity } from "../../src/crypto/index.js";
import { interopDir } from "./tools.js";

export interface AgeCase {
  manifest: string;
  dir: string;
  file: string;
  plaintext: Buffer;
  stanzaTypes?: string[];
  mustDecryptWith: IdentitySpec[];
  mustNotDecryptWith: IdentitySpec[];
}

export interface TamperedCase {
  dir: string;
  file: string;
  identity: IdentitySpec;
  expect: string;
}

export type IdentitySpec = string | { identity?: string; key_passphrase_file?: string; passphrase_file?: string };

export function findManifests(root = interopDir): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d)) {
      const p = path.join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e === "manifest.json") out.push(p);
    }
  };
  walk(root);
  return out.sort();
}

/** age ciphertext entries of every manifest that has them (age-cli, age-upstream, agenix, …). */
export function ageCases(): { cases: AgeCase[]; tampered: TamperedCase[] } {
  const cases: AgeCase[] = [];
  const tampered: TamperedCase[] = [];
  for (const manifest of findManifests()) {
    const m = JSON.parse(readFileSync(manifest, "utf8"));
    const dir = path.dirname(manifest);
    for (const e of [...(m.ciphertexts ?? []), ...(m.files ?? [])]) {
      if (typeof e.file !== "string" || !e.file.endsWith(".age")) continue;
      const plain = e.plaintext ?? e.expected_plaintext;
      if (!plain || !existsSync(path.join(dir, plain))) continue;
      cases.push({
        manifest: path.relative(path.dirname(dir), manifest),
        dir,
        file: e.file,
        plaintext: readFileSync(path.join(dir, plain)),
        stanzaTypes: e.stanza_types_in_header_order,
        mustDecryptWith: e.must_decrypt_with ?? [],
        mustNotDecryptWith: e.must_not_decrypt_with ?? [],
      });
    }
    for (const t of m.tampered ?? []) tampered.push({ dir, file: t.file, identity: t.identity, expect: t.expect });
  }
  return { cases, tampered };
}

export function specLabel(s: IdentitySpec): string {
  return typeof s === "string" ? s : (s.identity ?? `passphrase:${s.passphrase_file}`);
}

export async function loadSpec(dir: string, s: IdentitySpec): Promise<LoadedIdentity[]> {
  if (typeof s === "string") return parseIdentityFile(readFileSync(path.join(dir, s)), s);
  if (s.passphrase_file) return [passphraseIdentity(readFileSync(path.join(dir, s.passphrase_file), "utf8"))];
  const pass = s.key_passphrase_file ? readFileSync(path.join(dir, s.key_passphrase_file), "utf8").replace(/\r?\n$/, "") : undefined;
  return parseIdentityFile(readFileSync(path.join(dir, s.identity!)), s.identity!, {
    passphrase: pass === undefined ? undefined : async () => pass,
  });
}
