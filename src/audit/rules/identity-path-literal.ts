// Catalogue row 18: a decryption identity or host key given as a path literal.
import type { Rule } from "../rule.js";

export const identityPathLiteral: Rule = {
  id: "identity-path-literal",
  severity: "high",
  title: "private key copied into the Nix store",
  description:
    "A path literal (./key, or \"${./key}\") given to an identity or host-key option. Nix copies the file into the world-readable store, so the key that " +
    "decrypts every secret of the host is published (agenix, vaultix and agenix-rekey all warn about this).",
  hint: "use a string path to a key that stays on the host, e.g. age.identityPaths = [ \"/etc/ssh/ssh_host_ed25519_key\" ]; then rotate the key (nixsec host set-key HOST --key-file NEW.pub) because the old one is in the store",
  catalogue: [18],
  matcher: {
    on: "option",
    paths: [
      "age.identityPaths", "age.rekey.masterIdentities", "sops.age.keyFile", "sops.age.sshKeyPaths", "sops.gnupg.sshKeyPaths",
      "vaultix.settings.identity", "vaultix.identity", "services.openssh.hostKeys.path",
      "boot.initrd.network.ssh.hostKeys", "boot.initrd.secrets.*", "/^(?:identityFile|IdentityFile|identityPaths|hostKeyFile)$/",
    ],
    value: "path",
    accept: (v) => !/\.(?:pub|age)$/.test(v.text),
  },
  examples: {
    leaks: [
      `{ age.identityPaths = [ ./keys/host.txt ]; }`,
      `{ sops.age.keyFile = ./secrets/keys.txt; }`,
      `{ boot.initrd.network.ssh.hostKeys = [ ./initrd_host_key ]; }`,
      `{ boot.initrd.secrets = { "/crypto_keyfile.bin" = ./crypto_keyfile.bin; }; }`,
      `let key = ./deploy/host_key; in { age.identityPaths = [ "\${key}" ]; }`,
    ],
    safe: [
      `{ age.identityPaths = [ "/etc/ssh/ssh_host_ed25519_key" ]; sops.age.keyFile = "/var/lib/sops-nix/key.txt"; }`,
      `{ age.rekey.masterIdentities = [ ./yubikey-identity.pub ./admin.age ]; }`,
      `{ boot.initrd.secrets = { "/keyfile" = "/etc/secrets/initrd/keyfile"; }; }`,
    ],
  },
};
