// Changes to nixsec.yaml made by the CLI. Each edit works on a clone of the
// YAML Document, so the user's comments, key order and quoting survive, then
// validates the result as a whole; the input Manifest is never modified, and
// an edit that would leave an invalid manifest throws instead of returning.
import { type Document, isCollection, isMap, isNode, isScalar, isSeq, type YAMLMap } from "yaml";
import { NixsecError } from "../errors.js";
import { documentOf, withDocument } from "./document.js";
import type { Manifest } from "./load.js";
import type { SecretInput, TemplateSpec } from "./schema.js";
import { didYouMean } from "./issues.js";
import { validateDocument } from "./validate.js";

export { renderManifest, saveManifest } from "./save.js";

/** Fields for `putSecret`: `undefined` leaves a field as it is, `null` removes it. */
export type SecretFields = { [K in keyof SecretInput]?: SecretInput[K] | null };
/** Fields for `putTemplate`, as for `putSecret`. */
export type TemplateFields = { [K in keyof TemplateSpec]?: TemplateSpec[K] | null };

type Group = "admins" | "hosts";

export function addAdmin(m: Manifest, name: string, key: string): Manifest {
  return addPrincipal(m, "admins", name, key);
}

export function setAdminKey(m: Manifest, name: string, key: string): Manifest {
  return setPrincipalKey(m, "admins", name, key);
}

export function removeAdmin(m: Manifest, name: string): Manifest {
  requireEntry(m, "admins", name);
  if (Object.keys(m.data.admins).length === 1) {
    throw new NixsecError(`cannot remove ${JSON.stringify(name)}, the last admin`, {
      hint: "add another admin first; without one nobody could rekey the secrets",
    });
  }
  return edit(m, (doc) => doc.deleteIn(["admins", name]));
}

export function addHost(m: Manifest, name: string, key: string): Manifest {
  return addPrincipal(m, "hosts", name, key);
}

export function setHostKey(m: Manifest, name: string, key: string): Manifest {
  return setPrincipalKey(m, "hosts", name, key);
}

/**
 * Removes a host. Secrets that list it are refused unless `fromSecrets`, which
 * also takes it off their `hosts` lists (those secrets then need a rekey).
 */
export function removeHost(m: Manifest, name: string, options: { fromSecrets?: boolean } = {}): Manifest {
  requireEntry(m, "hosts", name);
  const readers = Object.entries(m.data.secrets).filter(([, s]) => s.hosts.includes(name)).map(([n]) => n);
  if (readers.length > 0 && !options.fromSecrets) {
    throw new NixsecError(`host ${JSON.stringify(name)} still reads ${readers.length} secret(s): ${readers.join(", ")}`, {
      hint: "take the host off those secrets first, or remove it from them in the same step",
    });
  }
  return edit(m, (doc) => {
    for (const secret of readers) {
      const seq = doc.getIn(["secrets", secret, "hosts"], true);
      if (isSeq(seq)) seq.items = seq.items.filter((item) => !(isScalar(item) && item.value === name));
    }
    doc.deleteIn(["hosts", name]);
  });
}

/** Creates a secret, or changes the given fields of an existing one. */
export function putSecret(m: Manifest, name: string, fields: SecretFields): Manifest {
  return putEntry(m, "secrets", name, fields);
}

/** Creates a template, or changes the given fields of an existing one. */
export function putTemplate(m: Manifest, name: string, fields: TemplateFields): Manifest {
  return putEntry(m, "templates", name, fields);
}

export function removeTemplate(m: Manifest, name: string): Manifest {
  if (!Object.hasOwn(m.data.templates, name)) throw new NixsecError(`no template named ${JSON.stringify(name)}${didYouMean(name, Object.keys(m.data.templates))}`, { hint: "`nixsec template list` shows the templates" });
  return edit(m, (doc) => doc.deleteIn(["templates", name]));
}

function putEntry(m: Manifest, group: "secrets" | "templates", name: string, fields: Record<string, unknown>): Manifest {
  const exists = Object.hasOwn(m.data[group], name);
  return edit(m, (doc) => {
    if (!exists) {
      const initial = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== null));
      const node = doc.createNode(initial) as YAMLMap;
      for (const field of ["hosts", "generate"]) {
        const child = node.get(field, true);
        if (isCollection(child)) child.flow = true; // `hosts: [a, b]`, `generate: {kind: hex}`
      }
      put(doc, [group, name], node);
      return;
    }
    for (const [field, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      if (value === null) doc.deleteIn([group, name, field]);
      else put(doc, [group, name, field], value);
    }
  });
}

export function removeSecret(m: Manifest, name: string): Manifest {
  if (!Object.hasOwn(m.data.secrets, name)) throw new NixsecError(`no secret named ${JSON.stringify(name)}`);
  const dependents = Object.entries(m.data.secrets)
    .filter(([, s]) => s.generate?.kind === "password-hash" && s.generate.from === name)
    .map(([n]) => n);
  if (dependents.length > 0) {
    throw new NixsecError(`${dependents.join(", ")} is generated from ${JSON.stringify(name)}`, {
      hint: "remove or change those secrets first",
    });
  }
  return edit(m, (doc) => doc.deleteIn(["secrets", name]));
}

function addPrincipal(m: Manifest, group: Group, name: string, key: string): Manifest {
  const kind = group === "admins" ? "admin" : "host";
  if (Object.hasOwn(m.data[group], name)) {
    throw new NixsecError(`${kind} ${JSON.stringify(name)} already exists`, {
      hint: `choose another name, or change the existing ${kind}'s key instead`,
    });
  }
  return edit(m, (doc) => put(doc, [group, name], { key }));
}

function setPrincipalKey(m: Manifest, group: Group, name: string, key: string): Manifest {
  requireEntry(m, group, name);
  return edit(m, (doc) => put(doc, [group, name, "key"], key));
}

function requireEntry(m: Manifest, group: Group, name: string): void {
  if (!Object.hasOwn(m.data[group], name)) {
    const kind = group === "admins" ? "admin" : "host";
    throw new NixsecError(`no ${kind} named ${JSON.stringify(name)}${didYouMean(name, Object.keys(m.data[group]))}`, { hint: `\`nixsec ${kind} list\` shows the ${kind}s` });
  }
}

function edit(m: Manifest, change: (doc: Document) => void): Manifest {
  const doc = documentOf(m).clone();
  change(doc);
  return withDocument({ path: m.path, source: m.source, data: validateDocument(doc, m.path) }, doc);
}

/**
 * Sets the value at `path` in the gentlest way: a scalar changes in place
 * (keeping its comment and quoting), a list of scalars keeps the items that
 * stay (and their comments) and its flow or block style, and an empty `{}`
 * parent turns into a block mapping when it gets its first entry.
 */
function put(doc: Document, path: string[], value: unknown): void {
  const parent = doc.getIn(path.slice(0, -1), true);
  if (isCollection(parent) && parent.items.length === 0) parent.flow = false;
  const existing = doc.getIn(path, true);
  if (isScalar(existing) && (value === null || typeof value !== "object")) {
    existing.value = value;
    return;
  }
  if (isSeq(existing) && Array.isArray(value) && value.every((v) => v === null || typeof v !== "object")) {
    existing.items = value.map((v) => existing.items.find((it) => isScalar(it) && it.value === v) ?? doc.createNode(v));
    return;
  }
  const node = isCollection(value) ? value : doc.createNode(value);
  // Keep the style of a list or map that had items, or that gets only scalars
  // (`hosts: [a, b]`); an empty `[]` that gets maps becomes a block.
  if (isCollection(existing) && isCollection(node)) node.flow = existing.flow && (existing.items.length > 0 || (Array.isArray(value) && value.every((v) => v === null || typeof v !== "object")));
  if (existing === undefined && isMap(parent)) {
    // A new entry: separate it by a blank line when its siblings are.
    const pair = doc.createPair(path.at(-1), node);
    const spaced = parent.items.slice(1).some((p) => isNode(p.key) && p.key.spaceBefore);
    if (spaced && isNode(pair.key)) pair.key.spaceBefore = true;
    parent.items.push(pair);
    return;
  }
  doc.setIn(path, node);
}
