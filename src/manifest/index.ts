// The manifest's public API: what the CLI and the generators import.
export { type Manifest, MANIFEST_FILE, findManifest, loadManifest, parseManifest } from "./load.js";
export {
  type SecretFields,
  addAdmin,
  addHost,
  putSecret,
  removeAdmin,
  removeHost,
  removeSecret,
  renderManifest,
  saveManifest,
  setAdminKey,
  setHostKey,
} from "./edit.js";
export {
  type GenerateSpec,
  type ManifestData,
  type SecretInput,
  type SecretSpec,
  type Settings,
  MANIFEST_VERSION,
} from "./schema.js";
export { type Issue, ManifestError, formatPath } from "./issues.js";
export { type Recipient, type RecipientType, parseRecipient } from "./keys.js";
export { durationMs } from "./names.js";
export { manifestJsonSchema, renderManifestJsonSchema } from "./json-schema.js";
export { type WireEntry, OPTION_ROOTS, serviceName, wireEntrySchema } from "./wire.js";
