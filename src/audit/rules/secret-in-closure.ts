// The closure check (nixsec audit --closure PATH…): a managed secret's value
// in a built system. Whatever put it there, it is now world-readable in
// /nix/store on every host that runs that system, and in every binary cache
// the closure was pushed to.
import type { Rule } from "../rule.js";

export const secretInClosure: Rule = {
  id: "secret-in-closure",
  severity: "high",
  title: "holds secret",
  description:
    "A file of a built system (a result link, a store path) holds the value of a secret from nixsec.yaml: raw, or base64, base64url, hex, " +
    "URL-encoded or JSON-escaped. Something in the configuration reads the value at evaluation time or copies a plaintext file into the store. Values " +
    "shorter than 6 bytes, and numbers shorter than 12 digits, are not searched (they match by chance).",
  hint: "find what copies it (nixsec audit on the configuration, then look for readFile, writeText and path literals), wire the secret instead " +
    "(nixsec wire {secret} --option OPTION, the option that reads it), then rotate it: nixsec rotate {secret} (the old value is in every store and cache that holds this closure)",
  catalogue: [4, 5, 6],
  matcher: { on: "closure" },
  examples: {
    leaks: [
      { closure: { secrets: { "restic/password": "Tr0ub4dor-and-3\n" }, files: { "etc/restic/env": "RESTIC_PASSWORD=Tr0ub4dor-and-3\n" } } },
      { closure: { secrets: { "grafana/admin": "Cobalt Finch/61?" }, files: { "share/grafana.ini": "admin_password = Cobalt%20Finch%2F61%3F\n" } } },
      { closure: { secrets: { "api/token": "Quartz-Otter-61" }, files: { "nix-support/env.b64": Buffer.from("Quartz-Otter-61").toString("base64") } } },
      { closure: { secrets: { "db/password": "p\"w\\q-Heron-9" }, files: { "etc/app.json": '{ "password": "p\\"w\\\\q-Heron-9" }' } } },
      { closure: { secrets: { "wg/key": "\u00a7binary-ish\u0001" }, files: { "lib/blob.hex": Buffer.from("\u00a7binary-ish\u0001", "latin1").toString("hex").toUpperCase() } } },
    ],
    safe: [
      // the path of the decrypted file, never its value
      { closure: { secrets: { "restic/password": "Tr0ub4dor-and-3" }, files: { "etc/systemd/system/restic.service": "EnvironmentFile=/run/agenix/restic-password\n" } } },
      // too short to search: "admin" is everywhere
      { closure: { secrets: { "grafana/user": "admin" }, files: { "share/grafana.ini": "admin_user = admin\n" } } },
    ],
  },
};
