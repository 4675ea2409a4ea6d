// The shape of `nixsec.yaml`, version 1. The `.describe()` texts are the
// documentation: they go into schema/nixsec.schema.json (editors show them)
// and into the docs. Checks that need several fields at once (hosts exist,
// names are valid and distinct) live in checks.ts; the JSON schema only gets
// loose patterns for them, through `.meta({ pattern })`.
import { z } from "zod";
import { RECIPIENT_PATTERN, parseRecipient } from "./keys.js";
import { wireEntrySchema } from "./wire-schema.js";
import {
  DURATION_PATTERN,
  MODE_PATTERN,
  PRINCIPAL_NAME_PATTERN,
  modeProblem,
  RELATIVE_DIR_PATTERN,
  SECRET_NAME_PATTERN,
  UNIX_NAME_PATTERN,
} from "./names.js";

export const MANIFEST_VERSION = 1;
const UNQUOTED_MODE = 'must be a quoted string such as "0400" (YAML reads 0400 unquoted as a number)';
export const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

const recipient = z
  .string()
  .meta({ pattern: RECIPIENT_PATTERN })
  .superRefine((key, ctx) => {
    const parsed = parseRecipient(key);
    if ("problem" in parsed) ctx.addIssue({ code: "custom", message: parsed.problem });
  });

const relativeDir = z.string().meta({ pattern: RELATIVE_DIR_PATTERN });

// One key per admin or host, not a list: one recipient per name keeps
// "who can read this" a plain set of names, and revoking a device is removing
// one name. A person with several devices gets several admins (alice-laptop,
// alice-yubikey); a host needs only one of its host keys to decrypt.
const admin = z
  .strictObject({
    key: recipient.describe(
      "The admin's public key: an age X25519 recipient (age1…), or an OpenSSH ssh-ed25519 or ssh-rsa public key line.",
    ),
  })
  .describe("One admin. Give each device of a person its own entry (alice-laptop, alice-yubikey).");

const host = z
  .strictObject({
    key: recipient.describe(
      "The host's public key, usually its /etc/ssh/ssh_host_ed25519_key.pub line; an age1… recipient also works.",
    ),
  })
  .describe("One machine, named as in nixosConfigurations.");

const fileMode = z
  .string({ error: (iss) => (typeof iss.input === "number" ? UNQUOTED_MODE : undefined) })
  .superRefine((mode, ctx) => {
    const problem = modeProblem(mode);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  })
  .meta({ pattern: MODE_PATTERN })
  .default("0400");
const unixUserOrId = z.string().regex(new RegExp(UNIX_NAME_PATTERN), "must be a unix user name or a numeric uid");
const unixGroupOrId = z.string().regex(new RegExp(UNIX_NAME_PATTERN), "must be a unix group name or a numeric gid");

const byteCount = z.int().min(16).max(1024);

export const generateSchema = z
  .discriminatedUnion("kind", [
    z.strictObject({
      kind: z.literal("password"),
      length: z.int().min(8).max(1024).default(32).describe("Number of characters."),
      alphabet: z
        .string()
        .min(2)
        .max(256)
        .regex(/^[\x21-\x7e]+$/, "alphabet must be printable ASCII without spaces")
        .default(ALPHANUMERIC)
        .describe("The characters to draw from, each with equal probability. Default: letters and digits."),
    }),
    z.strictObject({
      kind: z.literal("hex"),
      bytes: byteCount.default(32).describe("Random bytes, written as 2 hex digits each."),
    }),
    z.strictObject({
      kind: z.literal("base64"),
      bytes: byteCount.default(32).describe("Random bytes, written in standard base64."),
    }),
    z.strictObject({ kind: z.literal("wireguard") }).describe("A WireGuard private key (wg genkey)."),
    z.strictObject({ kind: z.literal("ssh-ed25519") }).describe("An OpenSSH ed25519 private key."),
    z
      .strictObject({
        kind: z.literal("password-hash"),
        from: z.string().describe("The secret holding the password to hash, e.g. users/alice/password."),
      })
      .describe("A crypt(3) hash of another secret, for users.users.<name>.hashedPasswordFile."),
  ])
  .describe("How `nixsec rotate` generates a value. Without it, values are entered by hand.");

export const secretSchema = z
  .strictObject({
    hosts: z
      .array(z.string().meta({ pattern: PRINCIPAL_NAME_PATTERN }))
      .meta({ uniqueItems: true })
      .describe("Hosts that decrypt this secret at activation. Admins can always decrypt. [] means admins only."),
    owner: unixUserOrId.default("root").describe("User that owns the decrypted file on the host."),
    group: unixGroupOrId.optional().describe("Group of the decrypted file. Default: the owner's primary group."),
    mode: fileMode.describe("Permissions of the decrypted file, as a quoted octal string. Modes that give other users any access (a last digit other than 0) are refused."),
    format: z.enum(["text", "env", "binary"]).default("text")
      .describe("text: one value; env: KEY=value lines for EnvironmentFile=; binary: arbitrary bytes."),
    description: z.string().optional().describe("What the secret is for; shown by `nixsec status`."),
    generate: generateSchema.optional(),
    maxAge: z.string().regex(new RegExp(DURATION_PATTERN), "must be a duration such as 12h, 90d, 8w or 1y")
      .optional().describe("After this long `nixsec status` reports the secret as due for rotation."),
    wire: z.array(wireEntrySchema).default([])
      .describe("Where the secret is used on its hosts: NixOS options, systemd credentials, EnvironmentFile, samba, user passwords. `nixsec gen` turns it into Nix."),
  })
  .describe("One secret, stored encrypted as <secretsDir>/<name>.age.");

export const templateSchema = z
  .strictObject({
    hosts: z
      .array(z.string().meta({ pattern: PRINCIPAL_NAME_PATTERN }))
      .meta({ uniqueItems: true })
      .describe("Hosts that render this template; each must read every secret it names."),
    owner: unixUserOrId.default("root").describe("User that owns the rendered file on the host."),
    group: unixGroupOrId.optional().describe("Group of the rendered file. Default: the owner's primary group."),
    mode: fileMode.describe("Permissions of the rendered file, as a quoted octal string (the last digit must be 0)."),
    file: z.string().meta({ pattern: RELATIVE_DIR_PATTERN }).optional()
      .describe("The template text: a file in the repository, relative to nixsec.yaml. Placeholders {{ nixsec:SECRET }} name secrets."),
    content: z.string().optional().describe("The template text inline, instead of file."),
    description: z.string().optional().describe("What the rendered file is for."),
    wire: z.array(wireEntrySchema).default([])
      .describe("Where the rendered file is used: options, credentials, EnvironmentFile, restarts (as for a secret)."),
  })
  .superRefine((t, ctx) => {
    if ((t.file === undefined) === (t.content === undefined)) ctx.addIssue({ code: "custom", message: "give the template text as file or content (exactly one)" });
  })
  .describe("A file rendered on the host from text with placeholders for secrets, into a runtime path (never the Nix store). The text itself is not secret.");

export const settingsSchema = z
  .strictObject({
    secretsDir: relativeDir.default("secrets").describe("Directory of the encrypted files, relative to the manifest."),
    backend: z.enum(["agenix", "sops-nix"]).default("agenix").describe("The NixOS module that decrypts on the hosts."),
    generatedDir: relativeDir.default("nixsec").describe("Where `nixsec gen` writes Nix files, relative to the manifest."),
  })
  .describe("Project-wide settings; every field has a default.");

export const manifestSchema = z
  .strictObject({
    version: z.literal(MANIFEST_VERSION).describe("Manifest format version; this nixsec reads version 1."),
    settings: settingsSchema.prefault({}),
    admins: z
      .record(z.string().meta({ pattern: PRINCIPAL_NAME_PATTERN }), admin)
      .meta({ minProperties: 1 })
      .describe("People who can decrypt, edit and rekey every secret. At least one."),
    hosts: z
      .record(z.string().meta({ pattern: PRINCIPAL_NAME_PATTERN }), host)
      .default({})
      .describe("Machines, keyed by their nixosConfigurations name; key is usually the ssh host key."),
    secrets: z
      .record(z.string().meta({ pattern: SECRET_NAME_PATTERN }), secretSchema)
      .default({})
      .describe("Secrets keyed by name, a path such as service/key."),
    templates: z
      .record(z.string().meta({ pattern: SECRET_NAME_PATTERN }), templateSchema)
      .default({})
      .describe("Templates keyed by name (a path such as app/config, distinct from every secret name)."),
  })
  .describe("nixsec manifest: who may read which secret. One per flake, at its root, named nixsec.yaml.");

/** The manifest with defaults applied. */
export type ManifestData = z.output<typeof manifestSchema>;
export type SecretSpec = z.output<typeof secretSchema>;
export type TemplateSpec = z.output<typeof templateSchema>;
export type GenerateSpec = z.output<typeof generateSchema>;
export type Settings = z.output<typeof settingsSchema>;
/** A secret as written by hand or by an edit: defaults not yet applied. */
export type SecretInput = z.input<typeof secretSchema>;
