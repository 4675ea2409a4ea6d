// Catalogue row 4: a path literal given to a *File option that should hold a runtime path.
import type { Rule } from "../rule.js";
import { isSecretFileOption, isSecretPathText } from "../words.js";

// `configFile`, `dataPath`, `token_file`: a file option by its name (a bare `file` or `path` is too generic: flake templates, agenix).
const FILE_SHAPE = /^[A-Za-z0-9].*(?:File|Files|Path|Paths|[_-](?:file|files|path))$/;
const PUBLIC_NAME = /[Pp]ub(?:lic)?|[Aa]uthorized|[Kk]nown|[Tt]rusted|[Cc]ert(?:ificate)?(?!Key)|^ca|CA/;

export const secretFilePathLiteral: Rule = {
  id: "secret-file-path-literal",
  severity: "high",
  title: "secret file copied into the Nix store",
  description:
    "A path literal (./secret or \"${./secret}\") given to an option that wants the path of a secret at run time (passwordFile, environmentFile, keyFile, " +
    "sslCertificateKey, LoadCredential). Interpolating a path copies the file into the world-readable store; with flakes it is there already.",
  hint: "nixsec add {secret} --host HOST --from-file THAT-FILE, then nixsec wire {secret} {wire}; delete the plaintext file from the repository; {rotate}",
  catalogue: [4],
  matcher: {
    on: "option",
    // Options by shape, of any module: a name that says secret file (isSecretFileOption), or any
    // *File/*Path option given a file whose own name says secret (`configFile = ./secrets/app.yaml`).
    // The decryption inputs of agenix/sops and colmena's deploy-time keyFile read ciphertext or run on the deployer.
    paths: ["*"],
    value: "path",
    preName: (last) => isSecretFileOption(last) || FILE_SHAPE.test(last),
    accept: (v) => {
      const p = v.path;
      const last = p[p.length - 1]!;
      if (!isSecretFileOption(last) && !(FILE_SHAPE.test(last) && !PUBLIC_NAME.test(last) && !p.includes("sops") && isSecretPathText(v.text))) return false;
      if (/\.(?:age|gpg|asc|pgp|pub|crt)$|\.sops\.|\.enc\./.test(v.text)) return false;
      if (p.includes("deployment") && p.includes("keys")) return false; // colmena/nixops read it on the deployer
      if (p.includes("authorizedKeys") || /^authorized/i.test(last)) return false; // public keys, whatever the file is called
      if (p.some((x) => x === "age" || x === "agenix" || x === "vaultix" || x === "secrix") && (last === "file" || last === "rekeyFile")) return false; // ciphertext
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
      // an initrd key file gets initrd advice (boot.initrd.secrets), not a runtime path
      `{ boot.initrd.luks.devices.root.keyFile = ./keys/root.key; }`,
      // options by shape: any module's *File option, and the flake's own source
      `{ services.mything.credentialsFile = ./creds/mything.json; }`,
      `{ services.myapp.configFile = ./secrets/myapp.yaml; }`,
      `{ inputs, ... }: { services.k3s.tokenFile = "\${inputs.self}/secrets/k3s_token.key"; }`,
    ],
    safe: [
      `{ config, ... }: { services.foo.passwordFile = config.age.secrets.foo.path; services.bar.passwordFile = "/run/secrets/bar"; }`,
      `{ age.secrets.foo.file = ./secrets/foo.age; sops.secrets.bar.sopsFile = ./secrets/bar.yaml; sops.defaultSopsFile = ./secrets.yaml; }`,
      `{ deployment.keys.wg.keyFile = ./keys/wg; services.nginx.configFile = ./nginx.conf; services.foo.publicKeyFile = ./foo.pub; }`,
      `{ services.x.sslCertificate = ./certs/x.crt; services.y.caFile = ./keys/ca.pem; services.z.dataPath = ./data/z; }`,
      `{ services.foo.passwordFile = toString ./not-copied; }`,
    ],
  },
};
