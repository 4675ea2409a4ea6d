// Managed-store check: ciphertext in the secrets directory that nixsec.yaml
// does not list. Nothing rekeys or rotates it, so it stays readable by whoever
// could read it when it was written (a revoked admin, a decommissioned host).
import type { Rule, StoreHit } from "../rule.js";

export const unknownSecretFile: Rule = {
  id: "unknown-secret-file",
  severity: "medium",
  title: "encrypted file the manifest does not know",
  description:
    "An age, sops or PGP file in the store's secrets directory with no secret of that name in nixsec.yaml. `nixsec rekey` and `nixsec rotate` never " +
    "touch it, so it stays encrypted to whoever could read it when it was written, revoked admins and hosts included, and it is in git (and in the " +
    "store, for a flake) for good.",
  hint: "if it is still needed, adopt it: nixsec age decrypt -i ADMIN-KEY FILE | nixsec add NAME --host HOST --stdin, then git rm FILE; if not, git rm FILE " +
    "(and rotate the value if a reader was revoked since it was written)",
  catalogue: [17],
  matcher: {
    on: "store",
    check: (s) => {
      const known = new Set(s.secrets.map((x) => x.file));
      const hits: StoreHit[] = [];
      for (const f of s.files) {
        if (f.envelope === null || known.has(f.path)) continue;
        hits.push({ file: f.path, line: 1, detail: `${f.path} (${f.envelope}) is not a secret in ${s.manifest}`, anchor: f.path });
      }
      return hits;
    },
  },
  examples: {
    leaks: [
      { store: { secrets: [{ name: "db", line: 12, file: "secrets/db.age" }], files: [{ path: "secrets/db.age", envelope: "age" }, { path: "secrets/old-db.age", envelope: "age" }] } },
      { store: { files: [{ path: "secrets/legacy/app.sops.yaml", envelope: "sops" }] } },
    ],
    safe: [
      { store: { secrets: [{ name: "db", line: 12, file: "secrets/db.age" }], files: [{ path: "secrets/db.age", envelope: "age" }, { path: "secrets/secrets.nix", envelope: null }, { path: "secrets/.gitattributes", envelope: null }] } },
      // plaintext is secrets-dir-plaintext's (and fake-encrypted-file's) business
      { store: { files: [{ path: "secrets/notes.txt", envelope: null }] } },
    ],
  },
};
