// `nixsec template add | list | rm`: files rendered on the host from text
// with placeholders for secrets. The text lives in the repository (a file,
// or inline in nixsec.yaml) and is not secret; the rendered file is, and
// exists only at run time on the host.
import { realpathSync } from "node:fs";
import path from "node:path";
import { NixsecError } from "../../errors.js";
import { putTemplate, removeTemplate, saveManifest, type TemplateFields } from "../../manifest/index.js";
import { secretNameProblem } from "../../manifest/names.js";
import { resolveTemplate, templateSecrets } from "../../nixgen/template.js";
import { storeOf } from "../../store/store.js";
import { openCliStore, type StoreOptions } from "../context.js";
import type { Io } from "../io.js";
import { printInfo } from "../output.js";
import { asFlagError, checkNotEmpty, fsProblem, requireHosts } from "./flags.js";
import { regenerate } from "./rekey.js";
import { readStdinValue } from "./secrets.js";

export interface TemplateAddOptions extends StoreOptions {
  host?: string[];
  fromFile?: string;
  stdin?: boolean;
  owner?: string;
  group?: string;
  mode?: string;
  description?: string;
  force?: boolean;
}

export async function templateAdd(io: Io, name: string, opts: TemplateAddOptions): Promise<void> {
  const problem = secretNameProblem(name);
  if (problem) throw new NixsecError(`NAME ${JSON.stringify(name)}: ${problem.replace(/^secret name/, "template name")}`, { hint: "template names are paths like app/config" });
  const store = await openCliStore(io, opts);
  const data = store.manifest.data;
  if (Object.hasOwn(data.secrets, name)) throw new NixsecError(`NAME ${JSON.stringify(name)} is a secret`, { hint: "secrets and templates share one namespace; choose another name, e.g. " + name + "-config" });
  const exists = Object.hasOwn(data.templates, name);
  if (exists && !opts.force) throw new NixsecError(`template ${JSON.stringify(name)} already exists`, { hint: "pass --force to replace it" });
  if (!exists && !opts.host?.length) throw new NixsecError("a template needs --host HOST (repeatable): the hosts that render it", { hint: `e.g. nixsec template add ${name} --host hannibal --from-file templates/${name.split("/").pop()}.conf` });
  requireHosts(store.manifest, opts.host);
  if ((opts.fromFile === undefined) === !opts.stdin && !exists) {
    throw new NixsecError("give the template text one way: --from-file FILE (in the repository) or --stdin", { hint: "the text is not secret; placeholders {{ nixsec:SECRET }} name secrets" });
  }
  const fields: TemplateFields = {};
  if (opts.host) fields.hosts = [...new Set(opts.host)];
  if (opts.owner !== undefined) fields.owner = opts.owner;
  if (opts.group !== undefined) fields.group = opts.group;
  if (opts.mode !== undefined) fields.mode = opts.mode;
  if (opts.description !== undefined) fields.description = opts.description;
  if (opts.fromFile !== undefined) {
    fields.file = repoRelative(store.root, path.resolve(io.cwd, opts.fromFile), opts.fromFile);
    fields.content = null;
  } else if (opts.stdin) {
    const bytes = await readStdinValue(io, `template ${name}`);
    checkNotEmpty(bytes, "--stdin", `template ${name}`, false);
    fields.content = Buffer.from(bytes).toString("utf8");
    fields.file = null;
  }
  let m;
  try {
    m = putTemplate(store.manifest, name, fields);
  } catch (err) {
    throw asFlagError(err, ["templates", name], {
      hosts: { flag: "--host", value: fields.hosts }, owner: { flag: "--owner", value: opts.owner }, group: { flag: "--group", value: opts.group }, mode: { flag: "--mode", value: opts.mode },
    });
  }
  // Placeholders name secrets every host of the template reads: checked now, as `nixsec gen` will.
  const parts = resolveTemplate(store.root, m.data, name);
  await saveManifest(m);
  await regenerate(io, storeOf(m));
  const used = templateSecrets(parts);
  printInfo(io, `${exists ? "replaced" : "added"} template ${name} (${used.length ? `inserts ${used.join(", ")}` : "no placeholders"}); rendered on ${m.data.templates[name]!.hosts.join(", ")} at /run/nixsec/templates/${name}`);
  if (!exists) printInfo(io, `wire it like a secret, e.g. nixsec wire ${name} --credential UNIT:${name.split("/").pop()} or --environment-file UNIT or --option PATH; then nixsec gen`);
}

/** `file` as a path relative to the repository root; refused outside it (it must be committed with nixsec.yaml). */
function repoRelative(root: string, file: string, given: string): string {
  let real: string;
  try {
    real = realpathSync(file);
  } catch (err) {
    throw new NixsecError(`${given} (--from-file): ${fsProblem(err)}`, { hint: "check the path" });
  }
  const top = realpathSync(root);
  const rel = path.relative(top, real);
  if (rel.startsWith("..") || path.isAbsolute(rel)) {
    throw new NixsecError(`${given} (--from-file) is outside the repository`, { hint: `put the template in the repository (e.g. templates/${path.basename(given)}) so it is committed with nixsec.yaml, or pass the text with --stdin` });
  }
  return rel.split(path.sep).join("/");
}

export async function templateList(io: Io, opts: StoreOptions & { json?: boolean }): Promise<void> {
  const store = await openCliStore(io, opts);
  const rows = Object.entries(store.manifest.data.templates).sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, t]) => {
    let secrets: string[] | null = null;
    try {
      secrets = templateSecrets(resolveTemplate(store.root, store.manifest.data, name));
    } catch {
      /* shown as unknown; `nixsec gen` says why */
    }
    return { name, hosts: t.hosts, owner: t.owner, group: t.group ?? null, mode: t.mode, source: t.file ?? "(inline)", secrets, wired: t.wire.length };
  });
  if (opts.json) {
    io.stdout.write(JSON.stringify(rows, null, 2) + "\n");
    return;
  }
  if (rows.length === 0) {
    printInfo(io, "no templates yet; add one with: nixsec template add NAME --host HOST --from-file FILE");
    return;
  }
  const table = [["NAME", "HOSTS", "OWNER", "MODE", "TEXT", "SECRETS"], ...rows.map((r) => [r.name, r.hosts.join(","), `${r.owner}:${r.group ?? "-"}`, r.mode, r.source, r.secrets ? r.secrets.join(",") || "-" : "(broken: run nixsec gen)"])];
  const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  for (const row of table) io.stdout.write(row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]!))).join("  ") + "\n");
}

export async function templateRm(io: Io, name: string, opts: StoreOptions): Promise<void> {
  const store = await openCliStore(io, opts);
  const m = removeTemplate(store.manifest, name);
  await saveManifest(m);
  await regenerate(io, storeOf(m));
  printInfo(io, `removed template ${name}${store.manifest.data.templates[name]!.file ? ` (its text ${store.manifest.data.templates[name]!.file} stays; delete it if unused)` : ""}`);
}
