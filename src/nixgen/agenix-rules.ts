// secrets.nix for the agenix / ragenix CLIs: `"<file>".publicKeys = [ … ]`
// per secret, relative to the secrets directory, so `agenix -e` and
// `agenix -r` keep working beside nixsec.
import path from "node:path";
import type { NixValue } from "./emit.js";
import { readersOf, secretFile, type Store } from "../store/store.js";

export function buildAgenixRules(store: Store): NixValue {
  const rules: Record<string, NixValue> = {};
  for (const name of Object.keys(store.manifest.data.secrets)) {
    const rel = path.relative(store.secretsDir, secretFile(store, name)).split(path.sep).join("/");
    rules[rel] = { publicKeys: readersOf(store, name).map((r) => r.key) };
  }
  return rules;
}
