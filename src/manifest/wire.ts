// Where a secret is used on its hosts (manifest `secrets.<name>.wire`).
// Keep in sync with the data contract in src/nixgen/data.ts and
// modules/lib.nix, which turn each entry into NixOS configuration.
import { z } from "zod";

/** Option roots the NixOS module can set (its `config` needs fixed top-level names). */
export const OPTION_ROOTS = ["services", "programs", "networking", "security", "systemd", "users", "environment", "virtualisation", "hardware", "boot", "nix", "i18n", "fileSystems", "containers"] as const;

// An option path such as services.withings-weights.oauthClientSecretFile.
const OPTION_SEGMENT = "[A-Za-z_][A-Za-z0-9_'-]*";
export const OPTION_PATH_PATTERN = `^${OPTION_SEGMENT}(\\.${OPTION_SEGMENT})+$`;
// A systemd service; ".service" may be left out.
export const UNIT_PATTERN = "^[A-Za-z0-9][A-Za-z0-9:_.@-]*$";
const CREDENTIAL_PATTERN = "^[A-Za-z0-9_.-]{1,64}$";
const ENV_VAR_PATTERN = "^[A-Za-z_][A-Za-z0-9_]*$";
const UNIX_USER_PATTERN = "^[a-z_][a-z0-9_.-]{0,31}\\$?$";

const optionPath = z
  .string()
  .regex(new RegExp(OPTION_PATH_PATTERN), "must be a NixOS option path such as services.foo.passwordFile")
  .refine((p) => (OPTION_ROOTS as readonly string[]).includes(p.split(".")[0]!), {
    message: `must start with one of: ${OPTION_ROOTS.join(", ")}`,
  });
const unit = z
  .string()
  .regex(new RegExp(UNIT_PATTERN), "must be a systemd service name such as withings-weights or smbd.service")
  .refine((u) => !/\.(socket|timer|target|mount|path|slice|scope|device|swap|automount)$/.test(u), { message: "must be a .service unit" });
const unixUser = z.string().regex(new RegExp(UNIX_USER_PATTERN), "must be a unix user name");

export const wireEntrySchema = z
  .strictObject({
    option: optionPath.optional().describe("Set this NixOS option to the decrypted file's path (the *File convention)."),
    credential: z
      .strictObject({
        unit: unit.describe("The systemd service that loads the secret with LoadCredential."),
        name: z.string().regex(new RegExp(CREDENTIAL_PATTERN), "must be a credential name ([A-Za-z0-9_.-])").optional()
          .describe("The credential's name under $CREDENTIALS_DIRECTORY. Default: the last part of the secret name."),
        option: optionPath.optional().describe("Also set this option to the credential's runtime path, /run/credentials/<unit>/<name>."),
        env: z.string().regex(new RegExp(ENV_VAR_PATTERN), "must be an environment variable name").optional()
          .describe("Also set this environment variable of the unit to the credential's path (%d/<name>)."),
      })
      .optional()
      .describe("Deliver through systemd LoadCredential, readable by the unit even with DynamicUser."),
    environmentFile: unit.optional().describe("Use this env-format secret as the service's EnvironmentFile."),
    samba: unixUser.optional().describe("Set this samba user's password with smbpasswd before smbd starts (samba-smbd.service)."),
    userPassword: unixUser.optional().describe("Set users.users.<name>.hashedPasswordFile to this secret (a crypt(3) hash)."),
    restart: z.array(unit).optional().describe("Further services to restart when the secret changes (consumer units restart anyway)."),
  })
  .superRefine((e, ctx) => {
    const kinds = (["option", "credential", "environmentFile", "samba", "userPassword"] as const).filter((k) => e[k] !== undefined);
    if (kinds.length > 1) ctx.addIssue({ code: "custom", message: `one consumer per entry; this one has ${kinds.join(" and ")}` });
    if (kinds.length === 0 && !e.restart?.length) {
      ctx.addIssue({ code: "custom", message: "an entry needs one of option, credential, environmentFile, samba, userPassword (or restart)" });
    }
    if (e.credential?.option && e.credential.env) ctx.addIssue({ code: "custom", path: ["credential"], message: "give option or env, not both" });
  })
  .describe("One consumer of the secret.");

export type WireEntry = z.output<typeof wireEntrySchema>;

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
