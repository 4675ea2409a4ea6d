// Catalogue row 11: a secret on a command line.
import type { Rule } from "../rule.js";

export const cmdlineSecret: Rule = {
  id: "cmdline-secret",
  severity: "high",
  title: "secret on a command line",
  description:
    "--password=…, --token …, sshpass -p …, mysql -p… in ExecStart, a script, a writer or extra flags. The literal is in the store, and every user can read " +
    "the expanded command line in /proc/<pid>/cmdline (nixpkgs#156400). $(cat file) in an argument keeps the value out of the store but not out of " +
    "/proc, so it is reported at low severity.",
  hint: "pass a file instead: nixsec add {secret} --host HOST --stdin, nixsec wire {secret} --credential {unit}, and use the program's --password-file option with $CREDENTIALS_DIRECTORY/NAME; {rotate}",
  catalogue: [11],
  matcher: {
    on: "sink",
    sinks: ["unit-exec", "flags", "unit-script", "writer", "build", "activation", "etc-text", "config-text"],
    detectors: ["cmdline"],
  },
  examples: {
    leaks: [
      `{ systemd.services.sync.serviceConfig.ExecStart = "\${pkgs.rclone}/bin/rclone sync --password=Sup3rS3cret a: b:"; }`,
      `{ services.foo.extraFlags = [ "--api-key" "7f3c9a1e22b04d6f" ]; }`,
      // a module with several command lines: tailscale's `up` flags
      `{ services.tailscale.extraUpFlags = [ "--login-server=https://hs.lan" "--authkey=Zq8vN2kLp4Wx7RtY3mBc" ]; }`,
      `{ pkgs, ... }: { x = pkgs.writeShellScript "backup" ''\n  sshpass -p 'Hunter-2-Hunter' rsync -a /srv backup@nas:/b\n''; }`,
      `{ systemd.services.db-dump.script = ''\n  mysqldump -u root -pRootPw2024 --all-databases > /var/backup/all.sql\n''; }`,
      `{ config, ... }: { systemd.services.sync.serviceConfig.ExecStart = "rclone sync --password \\"$(cat \${config.age.secrets.rc.path})\\" a: b:"; }`,
    ],
    safe: [
      `{ systemd.services.sync.serviceConfig.ExecStart = "\${pkgs.rclone}/bin/rclone sync --password-file=%d/rclone a: b:"; }`,
      `{ config, ... }: { systemd.services.sync.script = "rclone --password-command 'cat \${config.age.secrets.rc.path}' sync a: b:"; }`,
      `{ services.foo.extraFlags = [ "--token-file" "/run/secrets/foo" "--password" "$FOO_PASSWORD" ]; }`,
      `{ config, ... }: { services.tailscale = { authKeyFile = config.age.secrets.ts.path; extraUpFlags = [ "--ssh" "--advertise-exit-node" ]; }; }`,
    ],
  },
};
