// What a sops-nix host gets from a sops file nixsec wrote: sops-age (npm, an
// independent reader of the format) with the host's SSH key converted to age,
// as sops-nix converts it (sops.age.sshKeyPaths).
import { readFileSync } from "node:fs";
import { decryptSops as sopsAgeDecrypt, sshKeyToAge } from "sops-age";

/** The value of a one-secret (binary format) sops file, as the host with `sshKey` reads it. */
export async function hostReads(file: string, sshKey: string): Promise<string> {
  const out = (await sopsAgeDecrypt(readFileSync(file, "utf8"), { secretKey: sshKeyToAge(readFileSync(sshKey, "utf8"), sshKey) ?? undefined, fileType: "json" })) as { data: string };
  return out.data;
}
