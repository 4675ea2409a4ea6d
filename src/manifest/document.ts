// The YAML Document of a manifest: what edits change (keeping the user's
// comments, key order and quoting) and where problems are located. Parsed on
// first use and kept beside the Manifest: reading a valid manifest never needs
// it, and the yaml package is a sizeable load.
import type { Document } from "yaml";
import type { Manifest } from "./load.js";
import { parseYamlDocument } from "./yaml.js";

const documents = new WeakMap<Manifest, Document>();

/** The Document of manifest text, within the limits of yaml.ts. */
export function parseManifestDocument(text: string, file = "nixsec.yaml"): Document {
  return parseYamlDocument(text, file);
}

/** The manifest's Document, parsed from its text the first time it is asked for. */
export function documentOf(m: Manifest): Document {
  let doc = documents.get(m);
  if (!doc) {
    doc = parseManifestDocument(m.source, m.path);
    documents.set(m, doc);
  }
  return doc;
}

/** Records `doc` as the Document of `m` (already parsed or edited); returns `m`. */
export function withDocument(m: Manifest, doc: Document): Manifest {
  documents.set(m, doc);
  return m;
}
