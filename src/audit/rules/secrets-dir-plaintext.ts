// Catalogue row 17: a plaintext file in a secrets directory.
import { envelopeOf, onlyPublicMaterial } from "../encryption.js";
import type { Rule } from "../rule.js";

// Files that belong beside ciphertext: git and sops configuration, docs, Nix, recipes that manage the secrets.
const EXEMPT = /(?:^|\/)(?:\.gitattributes|\.gitignore|\.gitkeep|\.keep|\.sops\.ya?ml|\.envrc|README[^/]*|LICENSE[^/]*|justfile|Justfile|Makefile|[^/]*\.(?:nix|md|pub|crt|cert|txt\.pub|lock|sh|py))$/i;

// A file named for a secret: its basename says password, token, secret, API key or PSK (no extension, or .txt/.key/.pw/…).
const SECRET_FILE = /(?:^|\/)[\w.-]*(?:passw(?:or)?d|passphrase|secret|token|api[-_]?key|psk)(?:[-_][\w-]*)?(?:\.(?:txt|key|pw|pwd|pass|secret|token))?$/i;

export const secretsDirPlaintext: Rule = {
  id: "secrets-dir-plaintext",
  severity: "high",
  title: "plaintext file in a secrets directory",
  description:
    "A file under secrets/ (or a configured secrets directory) that is neither age, sops nor PGP ciphertext, nor only public keys. It is in git, and in the " +
    "store when the repository is a flake (the whole source tree is copied).",
  hint: "nixsec add NAME --host HOST --from-file THAT-FILE (writes secrets/NAME.age), then git rm the plaintext; {rotate}",
  catalogue: [16, 17],
  matcher: {
    on: "file",
    // in a secrets directory, or a file whose own name says it holds one (`keys/app-db-password`)
    applies: (path, inSecretsDir) => (inSecretsDir || SECRET_FILE.test(path)) && !EXEMPT.test(path),
    check: (f) => {
      if (f.bytes.length === 0) return [];
      // outside a secrets directory only a short value file counts: not a script, a config or a document
      if (!f.inSecretsDir && (f.text === null || f.bytes.length > 4096 || f.text.startsWith("#!") || f.text.trim().split("\n").length > 3)) return [];
      if (envelopeOf(f.bytes, f.text) !== null) return [];
      if (f.text !== null && onlyPublicMaterial(f.text)) return [];
      const firstLine = f.text ? f.text.search(/\r?\n|$/) : 0;
      return [{ start: 0, end: Math.max(firstLine, 0), detail: `${f.path} is not encrypted${f.text === null ? " (binary)" : ""}`, secret: { start: 0, end: Math.max(firstLine, 0) } }];
    },
  },
  examples: {
    leaks: [
      { path: "secrets/grafana-admin", text: "Grafana-Admin-Pw-9\n" },
      { path: "hosts/nas/secrets/luks.key", text: "\u0000\u0001\u00ffbinary-key-material" },
      { path: "keys/app-db-password", text: "Db-Pass-Blue-7\n" },
      { path: "secrets/app.env", text: "DB_PASSWORD=Cobalt-Finch-3\n" },
    ],
    safe: [
      { path: "secrets/grafana-admin.age", text: "-----BEGIN AGE ENCRYPTED FILE-----\nYWdlLWVuY3J5cHRpb24ub3JnL3YxCg==\n-----END AGE ENCRYPTED FILE-----\n" },
      { path: "secrets/secrets.nix", text: "{ \"a.age\".publicKeys = [ ]; }\n" },
      { path: "secrets/recipients.txt", text: "# admins\nage1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p\n" },
      { path: "secrets/host.pub", text: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGvqZYlyhJaUXS8FJzEVosV4Lw1IFQUEujLNJ+qgZnWV\n" },
      { path: "secrets/justfile", text: "default:\n    @just --list\n" },
      { path: "scripts/get-token", text: "#!/bin/sh\nexec rbw get token\n" },
    ],
  },
};
