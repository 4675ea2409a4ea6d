// Catalogue row 4: a path literal given to a *File option that should hold a runtime path.
import type { Rule } from "../rule.js";
import { isSecretFileOption } from "../words.js";

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
      // an initrd key file gets initrd advice (boot.initrd.secrets), not a runtime path
      `{ boot.initrd.luks.devices.root.keyFile = ./keys/root.key; }`,
      // options by shape: any module's *File option, and the flake's own source
      `{ services.mything.credentialsFile = ./creds/mything.json; }`,
      `{ inputs, ... }: { services.k3s.tokenFile = "\${inputs.self}/secrets/k3s_token.key"; }`,
    ],
    safe: [
      `{ config, ... }: { services.foo.passwordFile = config.age.secrets.foo.path; services.bar.passwordFile = "/run/secrets/bar"; }`,
      `{ age.secrets.foo.file = ./secrets/foo.age; sops.secrets.bar.sopsFile = ./secrets/bar.yaml; sops.defaultSopsFile = ./secrets.yaml; }`,
      `{ deployment.keys.wg.keyFile = ./keys/wg; services.nginx.configFile = ./nginx.conf; services.foo.publicKeyFile = ./foo.pub; }`,
      `{ services.foo.passwordFile = toString ./not-copied; }`,
    ],
  },
};
