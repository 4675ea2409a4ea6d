// Catalogue row 4: a path literal given to a *File option that should hold a runtime path.
import type { Rule } from "../rule.js";
import { memoKey, words } from "../words.js";

const STEM = new Set(["password", "passwd", "pass", "passphrase", "secret", "secrets", "token", "credential", "credentials", "creds", "key", "keys", "psk",
  "env", "environment", "auth", "htpasswd", "identity", "private", "cookie", "salt", "seed", "otp", "hmac", "jwt", "oauth", "api", "apikey", "dotenv", "netrc", "pw"]);
const PUBLIC = new Set(["public", "pub", "authorized", "known", "trusted", "ca", "config", "conf"]);

const memo = new Map<string, boolean>();

// Every name secretFileOption accepts ends with one of these (case-insensitive):
// most names are rejected by this one test, without the memo's lookup and insertion.
const HINT = /(?:files?|paths?|key|keytab|Credential|Encrypted)$/i;

/** `passwordFile`, `environmentFile`, `keyFile`, `sslCertificateKey`, `EnvironmentFile`, `LoadCredential`. */
export function isSecretFileOption(name: string): boolean {
  if (!HINT.test(name)) return false;
  let r = memo.get(name);
  if (r === undefined) {
    r = secretFileOption(name);
    if (memo.size < 20000) memo.set(memoKey(name), r);
  }
  return r;
}

function secretFileOption(name: string): boolean {
  if (name === "LoadCredential" || name === "LoadCredentialEncrypted" || /^keytab(?:File)?$/i.test(name)) return true;
  // the last word must be file(s), path(s) or key: one test before the split
  if (!/(?:files?|paths?|key)$/i.test(name)) return false;
  const w = words(name);
  const last = w[w.length - 1];
  if (w.some((x) => PUBLIC.has(x))) return false;
  if (last === "file" || last === "files" || last === "path" || last === "paths") return w.slice(0, -1).some((x) => STEM.has(x));
  if (last === "key") return w.length > 1 && ["certificate", "tls", "ssl", "private", "secret", "host", "signing"].includes(w[w.length - 2]!);
  return false;
}

export const secretFilePathLiteral: Rule = {
  id: "secret-file-path-literal",
  severity: "high",
  title: "secret file copied into the Nix store",
  description:
    "A path literal (./secret or \"${./secret}\") given to an option that wants the path of a secret at run time (passwordFile, environmentFile, keyFile, " +
    "sslCertificateKey, LoadCredential). Interpolating a path copies the file into the world-readable store; with flakes it is there already.",
  hint: "nixsec add {secret} --host HOST --from-file THAT-FILE, then nixsec wire {secret} --option {option}; delete the plaintext file from the repository and rotate the value",
  catalogue: [4],
  matcher: {
    on: "option",
    // Any option whose name passes isSecretFileOption; the decryption inputs of
    // agenix/sops and colmena's deploy-time keyFile read ciphertext or run on the deployer.
    paths: ["*"],
    value: "path",
    preName: isSecretFileOption,
    accept: (v) => {
      const p = v.path;
      const last = p[p.length - 1]!;
      if (!isSecretFileOption(last)) return false;
      if (/\.(?:age|gpg|asc|pgp|pub|crt)$|\.sops\.|\.enc\./.test(v.text)) return false;
      if (p.includes("deployment") && p.includes("keys")) return false; // colmena/nixops read it on the deployer
      if (/sops/i.test(last) || (p.includes("sops") && last === "defaultSopsFile")) return false; // sopsFile, keysSopsFile: ciphertext
      return true;
    },
  },
  examples: {
    leaks: [
      `{ services.foo.passwordFile = ./secrets/foo-password; }`,
      `{ systemd.services.app.serviceConfig.EnvironmentFile = ./app.env; }`,
      `{ services.nginx.virtualHosts."a.example".sslCertificateKey = ./certs/a.key; }`,
      `{ systemd.services.app.serviceConfig.LoadCredential = [ "db:\${./db-password}" ]; }`,
      `{ services.restic.backups.b2.environmentFile = "\${./restic.env}"; }`,
    ],
    safe: [
      `{ config, ... }: { services.foo.passwordFile = config.age.secrets.foo.path; services.bar.passwordFile = "/run/secrets/bar"; }`,
      `{ age.secrets.foo.file = ./secrets/foo.age; sops.secrets.bar.sopsFile = ./secrets/bar.yaml; sops.defaultSopsFile = ./secrets.yaml; }`,
      `{ deployment.keys.wg.keyFile = ./keys/wg; services.nginx.configFile = ./nginx.conf; services.foo.publicKeyFile = ./foo.pub; }`,
      `{ services.foo.passwordFile = toString ./not-copied; }`,
    ],
  },
};
