// Catalogue row 17: a file whose name claims encryption but whose bytes do not.
import { claimedEnvelope, envelopeOf } from "../encryption.js";
import type { Rule } from "../rule.js";

export const fakeEncryptedFile: Rule = {
  id: "fake-encrypted-file",
  severity: "high",
  title: "file claims to be encrypted but is plaintext",
  description:
    "A .age file that does not start with the age header, a .gpg file that is not OpenPGP, or a sops-named file (x.sops.yaml, secrets.yaml) with no sops " +
    "metadata. Someone saved the plaintext under the encrypted name: it is in git, and in the store when the repository is a flake.",
  hint: "encrypt it for real: nixsec add NAME --host HOST --from-file THAT-FILE, git rm the plaintext; {rotate}",
  catalogue: [17],
  matcher: {
    on: "file",
    applies: (path, inSecretsDir) => {
      const c = claimedEnvelope(path);
      return c === "age" || c === "pgp" || (c === "sops" && (inSecretsDir || /\.(?:sops|enc)\./.test(path)));
    },
    check: (f) => {
      const claimed = claimedEnvelope(f.path);
      const actual = envelopeOf(f.bytes, f.text);
      if (actual === null && f.bytes.length === 0) return [];
      const ok = claimed === "age" ? actual === "age" || actual === "age-armor" : claimed === "pgp" ? actual === "pgp" : actual === "sops";
      if (ok) return [];
      if (claimed === "sops" && actual === null && f.text !== null && !/ENC\[/.test(f.text) && !f.inSecretsDir) return [];
      const firstLine = f.text ? f.text.search(/\r?\n|$/) : 0;
      return [{ start: 0, end: Math.max(firstLine, 0), detail: `${f.path} is named like ${claimed} ciphertext but is ${actual ?? "plaintext"}`, secret: { start: 0, end: Math.max(firstLine, 0) } }];
    },
  },
  examples: {
    leaks: [
      { path: "secrets/db-password.age", text: "Hunter-2-Plaintext\n" },
      { path: "secrets/app.sops.yaml", text: "db:\n  password: Quartz-Otter-61\n" },
      { path: "secrets/secrets.yaml", text: "api_token: ENC[AES256_GCM,data:abc,iv:def,tag:ghi,type:str]\n" },
    ],
    safe: [
      { path: "secrets/db-password.age", text: "age-encryption.org/v1\n-> X25519 abc\nxyz\n--- abc\n\u0001\u0002binary" },
      { path: "secrets/app.sops.yaml", text: "db:\n  password: ENC[AES256_GCM,data:abc,iv:def,tag:ghi,type:str]\nsops:\n  age: []\n  mac: ENC[AES256_GCM,data:x]\n  version: 3.8.1\n" },
    ],
  },
};
