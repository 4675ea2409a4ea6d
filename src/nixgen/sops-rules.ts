// `.sops.yaml` for the sops CLI: a creation rule per sops file nixsec
// manages, naming the age recipients of its readers, so `sops
// secrets/NAME.sops.bin` (edit, updatekeys) encrypts to exactly the readers
// nixsec would, as secrets.nix does for the agenix CLI. It sits beside
// nixsec.yaml, where sops looks for it (from the working directory upwards);
// path_regex is matched against the file's path relative to it (sops ≥ 3.8;
// the `(^|/)` lets older sops, which match the path as given, find it too).
// One key group per rule: several would split the data key (Shamir).
//
// Text is written by hand, not through a YAML library: every value is a
// recipient (bech32: lower-case letters and digits) or a regex over a
// secret's path (names: letters, digits, `._-/`), quoted in single quotes,
// so nothing here needs escaping beyond the regex's own.
import path from "node:path";
import { generatedMarker } from "../fs/generated.js";
import { sopsFormat } from "../store/format-sops.js";
import { formatsOf, formFile, readersOf, type Store } from "../store/store.js";

export const SOPS_CONFIG = ".sops.yaml";

/** Go regexp text matching exactly `s` (RE2 escapes the same characters as Perl). */
function literal(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&");
}

/** Whether the store has any sops file (then `.sops.yaml` is generated). */
export function hasSopsFiles(store: Store): boolean {
  return Object.keys(store.manifest.data.secrets).some((n) => formatsOf(store, n).includes(sopsFormat));
}

export function renderSopsRules(store: Store): string {
  const source = path.basename(store.manifest.path);
  const lines = [
    generatedMarker(source),
    "# sops creation rules: who reads each sops file nixsec manages, so that",
    "# `sops secrets/NAME.sops.bin` encrypts to the same readers. Regenerate with `nixsec gen`.",
    "creation_rules:",
  ];
  for (const name of Object.keys(store.manifest.data.secrets).sort()) {
    if (!formatsOf(store, name).includes(sopsFormat)) continue;
    const rel = path.relative(store.root, formFile(store, name, sopsFormat)).split(path.sep).join("/");
    lines.push(`  - path_regex: '(^|/)${literal(rel)}$'`, "    key_groups:", "      - age:");
    for (const r of readersOf(store, name, sopsFormat)) lines.push(`          - ${sopsFormat.recipient(r.key)}  # ${r.kind} ${r.name}`);
  }
  return lines.join("\n") + "\n";
}
