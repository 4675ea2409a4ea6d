// Where a secret is used on its hosts (manifest `secrets.<name>.wire`).
// Keep in sync with the data contract in src/nixgen/data.ts and
// modules/lib.nix, which turn each entry into NixOS configuration.
import type { WireEntry } from "./wire-schema.js";

/** Option roots the NixOS module can set (its `config` needs fixed top-level names). */
export const OPTION_ROOTS = ["services", "programs", "networking", "security", "systemd", "users", "environment", "virtualisation", "hardware", "boot", "nix", "i18n", "fileSystems", "containers"] as const;

// An option path such as services.withings-weights.oauthClientSecretFile.
const OPTION_SEGMENT = "[A-Za-z_][A-Za-z0-9_'-]*";
export const OPTION_PATH_PATTERN = `^${OPTION_SEGMENT}(\\.${OPTION_SEGMENT})+$`;
// A systemd service; ".service" may be left out.
export const UNIT_PATTERN = "^[A-Za-z0-9][A-Za-z0-9:_.@-]*$";
export const CREDENTIAL_PATTERN = "^[A-Za-z0-9_.-]{1,64}$";
export const ENV_VAR_PATTERN = "^[A-Za-z_][A-Za-z0-9_]*$";
export const UNIX_USER_PATTERN = "^[a-z_][a-z0-9_.-]{0,31}\\$?$";

export type { WireEntry } from "./wire-schema.js";


/** Consumers that need a given secret format, for cross-field checks. */
export function formatProblem(entry: WireEntry, format: string): string | undefined {
  if (entry.environmentFile && format !== "env") return `environmentFile needs format: env (the secret is ${format})`;
  if ((entry.samba || entry.userPassword) && format !== "text") return `${entry.samba ? "samba" : "userPassword"} needs format: text`;
  return undefined;
}

/** systemd.services attribute name of a unit ("foo.service" → "foo"). */
export function serviceName(unitName: string): string {
  return unitName.replace(/\.service$/, "");
}
