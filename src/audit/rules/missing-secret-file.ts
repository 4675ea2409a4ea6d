// Managed-store check: a secret in nixsec.yaml with no encrypted file. `nixsec
// gen` refuses such a store, and a host wired to it fails at activation.
import type { Rule, StoreHit } from "../rule.js";

export const missingSecretFile: Rule = {
  id: "missing-secret-file",
  severity: "medium",
  title: "manifest secret without a file",
  description:
    "A secret listed in nixsec.yaml whose <secretsDir>/<name>.age is missing: deleted, never committed, or renamed by hand. `nixsec gen` refuses the " +
    "store, and hosts wired to it fail to activate it; a value someone meant to store may still be lying around in plaintext.",
  hint: "set its value with nixsec add {secret} --force (or --generate …), or drop it with nixsec rm {secret}; then nixsec gen",
  catalogue: [17],
  matcher: {
    on: "store",
    check: (s) => {
      const present = new Set(s.files.map((f) => f.path));
      const hits: StoreHit[] = [];
      for (const x of s.secrets) {
        if (present.has(x.file)) continue;
        hits.push({ file: s.manifest, line: x.line, detail: `secrets.${x.name} has no file (${x.file})`, anchor: x.name, vars: { secret: x.name } });
      }
      return hits;
    },
  },
  examples: {
    leaks: [{ store: { secrets: [{ name: "db", line: 12, file: "secrets/db.age" }, { name: "api/token", line: 15, file: "secrets/api/token.age" }], files: [{ path: "secrets/db.age", envelope: "age" }] } }],
    safe: [{ store: { secrets: [{ name: "api/token", line: 15, file: "secrets/api/token.age" }], files: [{ path: "secrets/api/token.age", envelope: "age" }] } }],
  },
};
