// One secret per file, the shape nixsec's store writes for sops-nix hosts:
// sops' binary format, a JSON file holding one encrypted `data` value.
//
// Why binary and not a YAML or JSON file with one key:
// - sops-nix installs a binary-format file's decrypted bytes exactly
//   (`format = "binary"`, no `key`), so any value works: text with or without
//   a trailing newline, dotenv text for EnvironmentFile, key files with NUL
//   bytes. With `format = "yaml"; key = "…"` sops-nix re-parses the decrypted
//   YAML and requires a string: binary values cannot be stored, and every
//   value would round-trip through YAML quoting.
// - The MAC is SHA-512 of the raw bytes, the plaintext is never re-typed.
// - A re-wrap changes only the `sops.age` entries; an edit changes the one
//   `data` line plus lastmodified and mac. `git diff` stays readable.
// - `sops secrets/x.sops.bin` (any extension but .yaml/.json/.env/.ini)
//   opens the raw value in an editor, as people expect of one secret.
// An empty value is stored as `"data": ""` (sops leaves empty strings
// unencrypted) and decrypts to zero bytes.
import type { LoadedIdentity, ParsedRecipient } from "../crypto/index.js";
import { SopsError } from "./errors.js";
import { decryptSops, encryptSops, reencryptSops, type DecryptedSops } from "./file.js";
import { Branch } from "./tree.js";

export const SECRET_FORMAT = "binary" as const;

const valueOf = (d: DecryptedSops, file: string): Uint8Array => {
  const v = d.branches.length === 1 ? d.branches[0]!.get("data") : undefined;
  if (v instanceof Uint8Array) return v;
  if (typeof v === "string") return new TextEncoder().encode(v);
  throw new SopsError("format", `${file}: not a one-secret sops file (expected a binary-format file with one "data" value)`, {
    hint: "nixsec writes one secret per file in sops' binary format",
  });
};

/** A new sops file holding `value`, readable by `recipients`. */
export async function encryptSecretFile(value: Uint8Array, recipients: ParsedRecipient[], o: { file: string; now?: Date }): Promise<Uint8Array> {
  return encryptSops([new Branch([{ key: "data", value }])], recipients, { file: o.file, format: SECRET_FORMAT, now: o.now });
}

/** The value of a one-secret sops file (MAC verified). */
export async function decryptSecretFile(bytes: Uint8Array, identities: LoadedIdentity[], file: string): Promise<Uint8Array> {
  return valueOf(await decryptSops(bytes, identities, { file, format: SECRET_FORMAT }), file);
}

/** A new value in an existing one-secret file: same data key and recipients, so the diff is the value, lastmodified and mac. */
export async function replaceSecretValue(bytes: Uint8Array, identities: LoadedIdentity[], value: Uint8Array, o: { file: string; now?: Date }): Promise<Uint8Array> {
  const d = await decryptSops(bytes, identities, { file: o.file, format: SECRET_FORMAT });
  valueOf(d, o.file);
  return reencryptSops(d, [new Branch([{ key: "data", value }])], o);
}
