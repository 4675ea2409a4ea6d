// `nixsec rotate NAME…`: new values for secrets (a masked prompt, stdin, a
// file, or each secret's generator), encrypted to the current readers and
// checked before they replace the old files. Secrets generated from a rotated
// one (a password's hash) are regenerated with it. The hosts pick the new
// values up, and restart their consumers, on the next deploy.
import { NixsecError } from "../../errors.js";
import { utf8 } from "../../crypto/bytes.js";
import { generateFromSpec, rotationOrder, writeRotated, type RotatedValue } from "../../store/rotate.js";
import { GENERATE_KINDS } from "../../store/generate.js";
import { readSecretValue } from "../../store/values.js";
import { adminIdentities, openCliStore, type StoreOptions } from "../context.js";
import type { Io } from "../io.js";
import { printInfo, printWarning } from "../output.js";
import { askSecret } from "../prompt.js";
import { regenerate } from "./rekey.js";
import { checkValue } from "../../store/value-checks.js";
import { checkNotEmpty, readFlagFile, requireSecret } from "./flags.js";
import { readStdinValue } from "./secrets.js";

export interface RotateOptions extends StoreOptions {
  generate?: boolean;
  stdin?: boolean;
  fromFile?: string;
  allowEmpty?: boolean;
}

export async function rotate(io: Io, names: string[], opts: RotateOptions): Promise<void> {
  const store = await openCliStore(io, opts);
  const secrets = store.manifest.data.secrets;
  // `rotate X --generate password`, as `add` takes it: here --generate takes no kind.
  const kind = opts.generate ? names.find((n) => !Object.hasOwn(secrets, n) && (GENERATE_KINDS as readonly string[]).includes(n)) : undefined;
  if (kind !== undefined) {
    const rest = names.filter((n) => n !== kind);
    throw new NixsecError(`"${kind}" is a generator, not a secret: rotate --generate takes no kind`, {
      hint: `each secret keeps the generator it was added with (generate: in nixsec.yaml): nixsec rotate ${rest.join(" ") || "NAME"} --generate`,
    });
  }
  for (const n of names) requireSecret(store.manifest, n, "NAMES");
  const order = rotationOrder(store, names);
  const sources = [opts.generate, opts.stdin, opts.fromFile !== undefined].filter(Boolean).length;
  if (sources > 1) throw new NixsecError("give the new values one way: --generate, --stdin or --from-file", { hint: "or none of them for a masked prompt per secret" });
  const named = order.filter((o) => !o.derivedFrom).map((o) => o.secret);
  if ((opts.stdin || opts.fromFile !== undefined) && named.length !== 1) {
    throw new NixsecError(`${opts.stdin ? "--stdin" : "--from-file"} gives one value, but ${named.length} secrets were named`, { hint: "rotate one secret at a time, or use --generate" });
  }
  if (opts.generate) {
    const without = named.filter((n) => !secrets[n]!.generate);
    if (without.length) {
      throw new NixsecError(`--generate: ${without.join(", ")} ${without.length === 1 ? "has" : "have"} no generator in the manifest`, {
        hint: [`rotate ${without.length === 1 ? "it" : "them"} separately without --generate (a prompt or --stdin)`, "or add e.g. `generate: {kind: password, length: 32}` to the secret in nixsec.yaml"],
      });
    }
  }
  // One identity load (one passphrase prompt): it checks every new file and
  // reads the passwords that hashes are generated from.
  const ids = await adminIdentities(io, store, opts);
  const fresh = new Map<string, Uint8Array>();
  const read = async (secret: string) => fresh.get(secret) ?? readSecretValue(store, secret, ids);
  const values: RotatedValue[] = [];
  try {
    for (const { secret, derivedFrom } of order) {
      let value: Uint8Array;
      if (derivedFrom !== undefined || opts.generate) {
        const g = await generateFromSpec(secret, secrets[secret]!, read);
        if (g.publicInfo) printInfo(io, `${secret}: ${g.publicInfo}`);
        if (derivedFrom !== undefined) printInfo(io, `also regenerating ${secret} (${secrets[secret]!.generate!.kind} of ${derivedFrom})`);
        value = g.value;
      } else if (opts.stdin) {
        value = await readStdinValue(io, secret);
        checkNotEmpty(value, "--stdin", secret, opts.allowEmpty);
      } else if (opts.fromFile !== undefined) {
        value = readFlagFile(opts.fromFile, "--from-file");
        checkNotEmpty(value, `--from-file ${opts.fromFile}`, secret, opts.allowEmpty);
      } else {
        const typed = await askSecret(io, {
          message: `New value for ${secret}:`,
          alternative: secrets[secret]!.generate ? `pass --generate (${secret} has a generator), --stdin or --from-file FILE` : "pass --stdin or --from-file FILE (one secret at a time)",
          confirm: true,
        });
        if (typed === "") throw new NixsecError("empty value; nothing was changed", { hint: "type a value, or use --generate" });
        value = utf8.encode(typed);
      }
      if (value.length === 0 && !opts.allowEmpty) throw new NixsecError(`the new value of ${secret} is empty; nothing was changed`, { hint: "give a value, or use --generate" });
      checkValue(secret, secrets[secret]!, value, opts.stdin ? "--stdin" : opts.fromFile !== undefined ? `--from-file ${opts.fromFile}` : derivedFrom !== undefined || opts.generate ? "its generator" : "the prompt");
      fresh.set(secret, value);
      values.push({ secret, value });
    }
    const result = await writeRotated(store, values, ids, new Date());
    printInfo(io, `rotated ${result.written.join(", ")}; each new file was checked to decrypt before it replaced the old one`);
    const pluginOnly = ids.every((i) => i.kind === "plugin"); // a hardware key is not asked again to read its new files
    if (result.headerOnly.length && !pluginOnly) printWarning(io, `your identity does not read ${result.headerOnly.join(", ")}: only their headers could be checked`);
  } finally {
    for (const v of fresh.values()) v.fill(0);
  }
  await regenerate(io, store);
  const hosts = [...new Set(order.flatMap((o) => secrets[o.secret]!.hosts))].sort();
  const restarts = [...new Set(order.flatMap((o) => secrets[o.secret]!.wire.flatMap((w) => ((w as { restart?: string[] }).restart ?? []))))].sort();
  if (hosts.length) {
    printInfo(io, `deploy ${hosts.join(", ")} to apply: the consumers${restarts.length ? ` (${restarts.join(", ")})` : ""} restart, since each new value has a new value id`);
  } else {
    printInfo(io, "no host reads these secrets (admins only)");
  }
}
