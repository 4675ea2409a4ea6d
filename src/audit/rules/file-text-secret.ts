// Catalogue rows 6 and 19: a secret in a file written from text (environment.etc, home.file, extraConfig).
import type { Rule } from "../rule.js";

export const fileTextSecret: Rule = {
  id: "file-text-secret",
  severity: "high",
  title: "secret in a file in the Nix store",
  description:
    "environment.etc.<name>.text, home.file / xdg.configFile .text or an extraConfig-style option with a password assignment in it, or with a name that " +
    "says it is a secret (\"app/password\"). /etc entries and home-manager files are symlinks into the world-readable store.",
  hint: "nixsec add {secret} --host HOST --stdin, then nixsec wire {secret} --option OPTION (the option that reads the file; for environment.etc, point .source at the runtime path), " +
    "or keep the text and let the host render it: nixsec template add NAME --host HOST --from-file FILE with {{ nixsec:{secret} }} where the value was, then nixsec wire NAME --option OPTION (or --credential UNIT); {rotate}",
  catalogue: [6, 19],
  matcher: { on: "sink", sinks: ["etc-text", "config-text"], detectors: ["assignment", "stdin", "whole"] },
  examples: {
    leaks: [
      `{ environment.etc."restic/password".text = "Tr0ub4dor&3xyz"; }`,
      `{ environment.etc."app/config.yaml".text = ''\n  database:\n    password: Sunny-Meadow-204\n''; }`,
      `{ services.redis.servers."".extraConfig = "requirepass = Zebra-Quartz-55"; }`,
      `{ home-manager.users.alice.xdg.configFile."rclone/rclone.conf".text = ''\n  [remote]\n  pass = Maple-Syrup-2023\n''; }`,
    ],
    safe: [
      `{ environment.etc."restic/password".source = "/run/agenix/restic"; environment.etc."motd".text = "welcome"; }`,
      `{ environment.etc."app/config.yaml".text = ''\n  database:\n    password_file: /run/secrets/db\n    password: \${DB_PASSWORD}\n''; }`,
      `{ environment.etc."ssh/ssh_known_hosts".text = "nas ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEaVB3uP20MO9DV7x2GejsMHLNPxe+Mdp6ZBZ7uCR6SQ"; }`,
    ],
  },
};
