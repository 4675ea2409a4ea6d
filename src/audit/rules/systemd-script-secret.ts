// Catalogue row 10: a secret in a unit's script, preStart or Exec line.
import type { Rule } from "../rule.js";

export const systemdScriptSecret: Rule = {
  id: "systemd-script-secret",
  severity: "high",
  title: "secret in a unit script",
  description:
    "systemd.services.<n>.script / preStart / postStart or an Exec line that sets a password (export RESTIC_PASSWORD=…). NixOS writes the script to a " +
    "world-readable store path.",
  hint: "nixsec add {secret} --host HOST --stdin, nixsec wire {secret} --credential {unit}, and read $CREDENTIALS_DIRECTORY/NAME in the script (or use the program's *_FILE variable); {rotate}",
  catalogue: [10],
  matcher: { on: "sink", sinks: ["unit-script", "unit-exec"], detectors: ["assignment", "stdin"] },
  examples: {
    leaks: [
      `{ systemd.services.backup.script = ''\n  export RESTIC_PASSWORD=hunter22\n  restic backup /srv\n''; }`,
      `let token = "Orchid-Basket-5"; in { systemd.services.bot.preStart = "echo BOT_TOKEN=\${token} > /run/bot/env"; }`,
    ],
    safe: [
      `{ systemd.services.backup.script = ''\n  export RESTIC_PASSWORD_FILE=$CREDENTIALS_DIRECTORY/restic\n  export RESTIC_PASSWORD="$(cat /run/agenix/restic)"\n''; }`,
      `{ systemd.services.backup.serviceConfig.ExecStart = "restic backup --password-file %d/restic /srv"; }`,
    ],
  },
};
