// The schema of one `wire` entry (see wire.ts for what the entries mean). Kept
// apart from wire.ts so the generators, which only read validated entries,
// do not load zod.
import { z } from "zod";
import { PRINCIPAL_NAME_PATTERN } from "./names.js";
import {
  CONSUMER_KINDS,
  INITRD_PATH_PATTERN,
  UNIT_PATTERN,
  UNIX_USER_PATTERN,
  credentialNameProblem,
  envVarProblem,
  parseOptionPath,
} from "./wire.js";

const optionPath = z.string().superRefine((p, ctx) => {
  const parsed = parseOptionPath(p);
  if ("problem" in parsed) ctx.addIssue({ code: "custom", message: `${parsed.problem} (an option path such as services.foo.passwordFile or services.nginx.virtualHosts."a.example.com".basicAuthFile)` });
});
const unit = z
  .string()
  .regex(new RegExp(UNIT_PATTERN), "must be a systemd service name such as withings-weights or smbd.service")
  .refine((u) => !/\.(socket|timer|target|mount|path|slice|scope|device|swap|automount)$/.test(u), { message: "must be a .service unit" });
const unixUser = z.string().regex(new RegExp(UNIX_USER_PATTERN), "must be a unix user name");
const credentialName = z.string().superRefine((n, ctx) => {
  const problem = credentialNameProblem(n);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
}).meta({ pattern: "^[A-Za-z0-9_.-]{1,64}$" });
const envVar = z.string().superRefine((n, ctx) => {
  const problem = envVarProblem(n);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
}).meta({ pattern: "^[A-Za-z_][A-Za-z0-9_]*$" });

export const wireEntrySchema = z
  .strictObject({
    option: optionPath.optional().describe("Set this NixOS option to the decrypted file's path (the *File convention). Any option path; quote names with other characters: services.nginx.virtualHosts.\"a.example.com\".basicAuthFile."),
    credential: z
      .strictObject({
        unit: unit.describe("The systemd service that loads the secret with LoadCredential."),
        name: credentialName.optional()
          .describe("The credential's name under $CREDENTIALS_DIRECTORY (%d in unit files). Default: the last part of the secret name."),
        option: optionPath.optional().describe("Also set this option to the credential's runtime path, /run/credentials/<unit>.service/<name>."),
        env: envVar.optional()
          .describe("Also set this environment variable of the unit to the credential's path (%d/<name>). Variables that change how programs start (PATH, LD_*, NODE_OPTIONS, PYTHONPATH, …) are refused."),
      })
      .optional()
      .describe("Deliver through systemd LoadCredential, readable by the unit even with DynamicUser."),
    environmentFile: unit.optional().describe("Use this env-format secret as the service's EnvironmentFile."),
    samba: unixUser.optional().describe("Set this samba user's password with smbpasswd before smbd starts (samba-smbd.service)."),
    userPassword: unixUser.optional().describe("Set users.users.<name>.hashedPasswordFile to this secret (a crypt(3) hash)."),
    initrd: z.string().regex(new RegExp(INITRD_PATH_PATTERN), "must be an absolute path such as /etc/secrets/initrd/ssh_host_ed25519_key").optional()
      .describe("Put the secret into the initrd at this path (boot.initrd.secrets), for LUKS key files and initrd SSH host keys. The initrd is readable on the boot partition; the value reaches it when the boot loader is next installed."),
    hosts: z.array(z.string().meta({ pattern: PRINCIPAL_NAME_PATTERN })).meta({ uniqueItems: true }).optional()
      .describe("The hosts this consumer is on (each must read the secret); on them a missing unit or option is an error. Default: every host of the secret that has the consumer."),
    restart: z.array(unit).optional().describe("Further services to restart when the value changes (consumer units, and the service owning an option, restart anyway)."),
  })
  .superRefine((e, ctx) => {
    const kinds = CONSUMER_KINDS.filter((k) => e[k] !== undefined);
    if (kinds.length > 1) ctx.addIssue({ code: "custom", message: `one consumer per entry; this one has ${kinds.join(" and ")}` });
    if (kinds.length === 0 && !e.restart?.length) {
      ctx.addIssue({ code: "custom", message: `an entry needs one of ${CONSUMER_KINDS.join(", ")} (or restart)` });
    }
    if (e.credential?.option && e.credential.env) ctx.addIssue({ code: "custom", path: ["credential"], message: "give option or env, not both" });
    if (e.initrd && e.restart?.length) ctx.addIssue({ code: "custom", path: ["restart"], message: "an initrd secret restarts nothing (it is read at boot)" });
  })
  .describe("One consumer of the secret.");

export type WireEntry = z.output<typeof wireEntrySchema>;
