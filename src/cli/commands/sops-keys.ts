// The identities `nixsec sops` decrypts with, from where sops looks for them
// (getsops/sops age/keysource.go): -i files first, then SOPS_AGE_KEY (keys
// separated by whitespace), SOPS_AGE_KEY_FILE, SOPS_AGE_SSH_PRIVATE_KEY_FILE,
// the sops key file in the user's config directory, and ~/.ssh/id_ed25519 and
// ~/.ssh/id_rsa. Missing default locations are skipped; a named source that
// fails to load is an error naming it (never echoing its contents). An
// ed25519 SSH key also opens entries for its ssh-to-age key (src/sops).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { NixsecError } from "../../errors.js";
import { AgeError, parseIdentityFile, parseIdentityLine, type LoadedIdentity } from "../../crypto/index.js";
import type { Io } from "../io.js";
import { keyPassphrases } from "../prompt.js";
import { loadIdentities } from "./age.js";

async function fromFile(io: Io, file: string, source: string, required: boolean): Promise<LoadedIdentity[]> {
  if (!existsSync(file)) {
    if (!required) return [];
    throw new NixsecError(`${source}: ${file} does not exist`, { hint: `check the path in ${source}` });
  }
  try {
    return await parseIdentityFile(readFileSync(file), file, { passphrase: keyPassphrases(io) });
  } catch (err) {
    if (!required) return []; // sops too skips default locations that do not load
    if (err instanceof AgeError) throw new NixsecError(`${source}: ${err.message}`, { hint: err.hints.length > 0 ? err.hints : `check the key file named by ${source}` });
    throw err;
  }
}

/** Every identity sops would use, plus the -i files. An empty list is not an error here: inspect works without keys. */
export async function sopsIdentities(io: Io, flags: string[] = []): Promise<LoadedIdentity[]> {
  const out = await loadIdentities(io, flags);
  const inline = io.env.SOPS_AGE_KEY;
  if (inline !== undefined) {
    const keys = inline.split(/\s+/).filter((t) => t !== "" && !t.startsWith("#"));
    keys.forEach((k, i) => {
      try {
        out.push(parseIdentityLine(k, `SOPS_AGE_KEY (key ${i + 1})`));
      } catch (err) {
        // The value is a secret: say which key, not what it holds.
        if (err instanceof AgeError) throw new NixsecError(`SOPS_AGE_KEY: key ${i + 1} is not an age identity`, { hint: "SOPS_AGE_KEY holds AGE-SECRET-KEY-1… keys separated by spaces or newlines" });
        throw err;
      }
    });
  }
  if (io.env.SOPS_AGE_KEY_FILE) out.push(...(await fromFile(io, io.env.SOPS_AGE_KEY_FILE, "SOPS_AGE_KEY_FILE", true)));
  if (io.env.SOPS_AGE_SSH_PRIVATE_KEY_FILE) out.push(...(await fromFile(io, io.env.SOPS_AGE_SSH_PRIVATE_KEY_FILE, "SOPS_AGE_SSH_PRIVATE_KEY_FILE", true)));
  const h = io.env.HOME || undefined;
  const config = io.env.XDG_CONFIG_HOME || (h ? path.join(h, ".config") : undefined);
  if (config) out.push(...(await fromFile(io, path.join(config, "sops", "age", "keys.txt"), "the sops key file", false)));
  if (h) for (const k of ["id_ed25519", "id_rsa"]) out.push(...(await fromFile(io, path.join(h, ".ssh", k), k, false)));
  return out;
}
