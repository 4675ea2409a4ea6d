// secrets.nix for the agenix / ragenix CLIs: `"<file>".publicKeys = [ … ]`
// per age file, relative to the secrets directory, so `agenix -e` and
// `agenix -r` keep working beside nixsec.
import path from "node:path";
import type { NixValue } from "./emit.js";
import { ageFormat } from "../store/format-age.js";
import { formatsOf, formFile, readersOf, type Store } from "../store/store.js";

export function buildAgenixRules(store: Store): NixValue {
  const rules: Record<string, NixValue> = {};
  for (const name of Object.keys(store.manifest.data.secrets)) {
    if (!formatsOf(store, name).includes(ageFormat)) continue;
    const rel = path.relative(store.secretsDir, formFile(store, name, ageFormat)).split(path.sep).join("/");
    rules[rel] = { publicKeys: readersOf(store, name, ageFormat).map((r) => r.key) };
  }
  return rules;
}
