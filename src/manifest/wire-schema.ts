// The schema of one `wire` entry (see wire.ts for what the entries mean). Kept
// apart from wire.ts so the generators, which only read validated entries,
// do not load zod.
import { z } from "zod";
import { CREDENTIAL_PATTERN, ENV_VAR_PATTERN, OPTION_PATH_PATTERN, OPTION_ROOTS, UNIT_PATTERN, UNIX_USER_PATTERN } from "./wire.js";

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
