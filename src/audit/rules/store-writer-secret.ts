// Catalogue row 7: a secret passed to a store writer.
import type { Rule } from "../rule.js";

export const storeWriterSecret: Rule = {
  id: "store-writer-secret",
  severity: "high",
  title: "secret written into the Nix store",
  description:
    "pkgs.writeText / writeShellScript / writers.* / builtins.toFile / runCommand with a password assignment in the text (also through let bindings and " +
    "interpolation), or a writer whose name says it is a secret. Everything a writer produces is a world-readable store path.",
  hint: "keep the value out of the writer: nixsec add {secret} --host HOST --stdin, nixsec wire {secret} --credential UNIT, and read $CREDENTIALS_DIRECTORY/NAME in the script at run time; " +
    "for a config file, nixsec template add NAME --host HOST --from-file FILE with {{ nixsec:{secret} }} in place of the value renders it on the host; {rotate}",
  catalogue: [7],
  matcher: { on: "sink", sinks: ["writer", "build"], detectors: ["assignment", "stdin", "whole"] },
  examples: {
    leaks: [
      `{ pkgs, ... }: let pw = "Sapphire-Cloud-7"; in { x = pkgs.writeText "app.ini" "db_password = \${pw}"; }`,
      `{ pkgs, ... }: { x = pkgs.writeShellScript "start" ''\n  export RESTIC_PASSWORD=hunter22-hunter\n  exec restic backup /srv\n''; }`,
      `{ pkgs, ... }: { x = pkgs.writers.writePython3 "bot" { } ''\n  TOKEN = "Pineapple-Crate-31"\n''; }`,
      `{ pkgs, ... }: { services.foo.passwordFile = pkgs.writeText "foo-password" "Kettle-Drum-88"; }`,
      `{ x = builtins.toFile "creds.env" "SMTP_PASSWORD=Orbit-Lemon-12"; }`,
    ],
    safe: [
      `{ pkgs, config, ... }: { x = pkgs.writeShellScript "start" ''\n  export RESTIC_PASSWORD="$(cat \${config.age.secrets.restic.path})"\n  export TOKEN=$(< "$CREDENTIALS_DIRECTORY/token")\n''; }`,
      `{ pkgs, ... }: { x = pkgs.writeText "app.ini" "db_password_file = /run/secrets/db"; y = pkgs.writeText "password-policy" "minlen = 12"; }`,
    ],
  },
};
