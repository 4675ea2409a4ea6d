// `nixsec grant NAME --host HOST` / `nixsec revoke NAME --host HOST`: change
// which hosts read one secret. Only that secret's file is re-encrypted; its
// value (and so its value id, the consumers' restart trigger) stays.
import { NixsecError } from "../../errors.js";
import { didYouMean, putSecret, type WireEntry } from "../../manifest/index.js";
import { parseTemplate, templateSecrets, templateText } from "../../nixgen/template.js";
import { storeOf } from "../../store/store.js";
import { openCliStore } from "../context.js";
import type { Io } from "../io.js";
import { printInfo } from "../output.js";
import { requireHosts, requireSecret } from "./flags.js";
import { applyReaderChange, printRotateAdvice, regenerate, type ChangeOptions } from "./rekey.js";

export interface GrantOptions extends ChangeOptions {
  host?: string[];
}

function hostsFlag(opts: GrantOptions, verb: string, name: string): string[] {
  if (!opts.host?.length) throw new NixsecError(`${verb} needs --host HOST (repeatable)`, { hint: `e.g. nixsec ${verb} ${name} --host hannibal` });
  return [...new Set(opts.host)];
}

export async function grant(io: Io, name: string, opts: GrantOptions): Promise<void> {
  const store = await openCliStore(io, opts);
  requireSecret(store.manifest, name);
  const hosts = hostsFlag(opts, "grant", name);
  requireHosts(store.manifest, hosts);
  const current = store.manifest.data.secrets[name]!.hosts;
  const added = hosts.filter((h) => !current.includes(h));
  if (added.length === 0) {
    printInfo(io, `${hosts.join(", ")} already ${hosts.length === 1 ? "reads" : "read"} ${name}; nothing to do`);
    return;
  }
  const m = putSecret(store.manifest, name, { hosts: [...current, ...added] });
  await applyReaderChange(io, store, m, opts);
  await regenerate(io, storeOf(m));
  printInfo(io, `${added.join(", ")} can now read ${name}${opts.rekey === false ? "" : " (only its file was re-encrypted)"}`);
}

/** Templates rendered on `host` that insert `secret`: revoking would break them. */
function templatesUsing(store: Awaited<ReturnType<typeof openCliStore>>, secret: string, host: string): string[] {
  return Object.entries(store.manifest.data.templates).filter(([t, spec]) => {
    if (!spec.hosts.includes(host)) return false;
    try {
      const { text, where } = templateText(store.root, t, spec);
      return templateSecrets(parseTemplate(text, where)).includes(secret);
    } catch {
      return false;
    }
  }).map(([t]) => t);
}

export async function revoke(io: Io, name: string, opts: GrantOptions): Promise<void> {
  const store = await openCliStore(io, opts);
  requireSecret(store.manifest, name);
  const hosts = hostsFlag(opts, "revoke", name);
  requireHosts(store.manifest, hosts);
  const spec = store.manifest.data.secrets[name]!;
  for (const h of hosts) {
    if (!spec.hosts.includes(h)) {
      throw new NixsecError(`host "${h}" (--host) does not read ${name}${didYouMean(h, spec.hosts)}`, { hint: `its hosts: ${spec.hosts.join(", ") || "none (admins only)"}` });
    }
    const users = templatesUsing(store, name, h);
    if (users.length) throw new NixsecError(`template ${users.join(", ")} on ${h} inserts ${name}`, { hint: `take ${h} off the template first (templates.${users[0]}.hosts in nixsec.yaml), or remove the placeholder` });
  }
  // Wire entries that name a revoked host lose it; one left with no host goes.
  const dropped: number[] = [];
  const wire = spec.wire.flatMap((e, i): WireEntry[] => {
    if (!e.hosts?.some((h) => hosts.includes(h))) return [e];
    const rest = e.hosts.filter((h) => !hosts.includes(h));
    if (rest.length === 0) {
      dropped.push(i);
      return [];
    }
    return [{ ...e, hosts: rest }];
  });
  const m = putSecret(store.manifest, name, { hosts: spec.hosts.filter((h) => !hosts.includes(h)), ...(wire.length !== spec.wire.length || dropped.length || wire.some((e, i) => e !== spec.wire[i]) ? { wire: wire as never } : {}) });
  await applyReaderChange(io, store, m, opts);
  await regenerate(io, storeOf(m));
  printInfo(io, `${hosts.join(", ")} can no longer read ${name}${opts.rekey === false ? "" : " (only its file was re-encrypted)"}`);
  if (dropped.length) printInfo(io, `removed ${dropped.length} wire entr${dropped.length === 1 ? "y" : "ies"} that applied only to ${hosts.join(", ")}`);
  printRotateAdvice(io, store, [name], hosts.length === 1 ? `host ${hosts[0]}` : `hosts ${hosts.join(", ")}`);
}
