// Catalogue row 9: a secret in a unit's environment.
import type { Rule } from "../rule.js";

export const environmentSecret: Rule = {
  id: "environment-secret",
  severity: "high",
  title: "secret in a unit's environment",
  description:
    "systemd.services.<n>.environment.<NAME>, serviceConfig.Environment = [ \"NAME=…\" ], environment.variables or a container's environment with a " +
    "secret-sounding NAME and a literal value. Unit files live in the store and the environment is readable over D-Bus (systemctl show).",
  hint: "nixsec add {unit}/env --host HOST --format env --stdin (NAME=value lines), then nixsec wire {unit}/env --environment-file {unit}; or nixsec wire NAME --credential {unit} and read $CREDENTIALS_DIRECTORY; {rotate}",
  catalogue: [9],
  matcher: { on: "sink", sinks: ["environment"], detectors: ["assignment"] },
  examples: {
    leaks: [
      `{ systemd.services.app.environment.DB_PASSWORD = "Tr0ub4dor-and-3"; }`,
      `{ systemd.services.app.serviceConfig.Environment = [ "API_TOKEN=abc123def456" "PORT=8080" ]; }`,
      `let dbPass = "Gentle-Otter-19"; in { systemd.services.app.environment = { DB_PASS = dbPass; }; }`,
      `{ virtualisation.oci-containers.containers.db.environment.POSTGRES_PASSWORD = "pg-superuser-pw"; }`,
      `{ environment.variables.OPENAI_API_KEY = "sk-proj-Zk3QmV9xLw2Ty7"; }`,
    ],
    safe: [
      `{ systemd.services.app.environment = { DB_PASSWORD_FILE = "%d/db"; PASSWORD_MIN_LENGTH = "12"; TOKEN_TTL = "3600"; }; }`,
      `{ config, ... }: { systemd.services.app.environment.DB_PASSWORD = "\${config.sops.placeholder.db}"; systemd.services.app.serviceConfig.EnvironmentFile = "/run/secrets/app.env"; }`,
      `{ systemd.services.app.environment.API_TOKEN = "@API_TOKEN@"; environment.systemPackages = [ ]; environment.variables.EDITOR = "vim"; }`,
    ],
  },
};
