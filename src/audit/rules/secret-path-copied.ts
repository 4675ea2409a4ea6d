// Catalogue row 4, outside *File options: a secret-looking file copied into the store.
import type { Rule } from "../rule.js";
import { isSecretPathText } from "../words.js";

export const secretPathCopied: Rule = {
  id: "secret-path-copied",
  severity: "high",
  title: "secret file copied into the Nix store",
  description:
    "A path literal with a secret-looking name (keys/, secrets/, *.key, id_ed25519, *password*) interpolated into a string (\"ssh -i ${./deploy_key}\") " +
    "or used as the source of an /etc or home-manager file. Nix copies the file into the world-readable store. Encrypted (.age, sops) and public " +
    "(.pub, .crt) files are not reported.",
  hint: "nixsec add {secret} --host HOST --from-file THAT-FILE, nixsec wire {secret} --option OPTION (the option that reads the file) or --credential UNIT, and refer to the runtime path as a string; {rotate}",
  catalogue: [4],
  matcher: { on: "path", accept: (text) => isSecretPathText(text) && !/\.(?:sops|enc)\.|\.(?:ya?ml|json)$/.test(text) },
  examples: {
    leaks: [
      `{ services.borgbackup.jobs.home.environment.BORG_RSH = "ssh -i \${./keys/borg_ed25519}"; }`,
      `{ environment.etc."ssh/ssh_host_ed25519_key".source = ./keys/host_ed25519; }`,
      `{ systemd.services.sync.script = "rsync -e 'ssh -i \${./secrets}/sync_key' /srv nas:/b"; }`,
    ],
    safe: [
      `{ environment.etc."ssh/ssh_host_ed25519_key.pub".source = ./keys/host_ed25519.pub; x = "\${./secrets}/db.age"; }`,
      `{ imports = [ "\${./modules}/base.nix" ]; environment.etc."motd".source = ./motd; y = "\${./scripts/deploy.sh}"; }`,
    ],
  },
};
