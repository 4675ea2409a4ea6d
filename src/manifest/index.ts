// The manifest's whole API: reading, validating, editing. Commands on the hot
// path (rekey, status, gen, the stores they open) import read.ts instead,
// which loads neither the schema nor the YAML libraries.
export { type Manifest, MANIFEST_FILE, findManifest, loadManifest } from "./load.js";
export { parseManifest } from "./validate.js";
export { documentOf } from "./document.js";
export {
  type SecretFields,
  type TemplateFields,
  addAdmin,
  addHost,
  putSecret,
  putTemplate,
  removeAdmin,
  removeTemplate,
  removeHost,
  removeSecret,
  setAdminKey,
  setHostKey,
} from "./edit.js";
export { renderManifest, saveManifest } from "./save.js";
export {
  type GenerateSpec,
  type ManifestData,
  type SecretInput,
  type SecretSpec,
  type Settings,
  type TemplateSpec,
  MANIFEST_VERSION,
} from "./schema.js";
export { type Issue, ManifestError, didYouMean, formatPath, suggestions } from "./issues.js";
export { type Recipient, type RecipientType, parseRecipient } from "./keys.js";
export { durationMs } from "./names.js";
export { manifestJsonSchema, renderManifestJsonSchema } from "./json-schema.js";
export { type WireEntry, CONSUMER_KINDS, credentialNameProblem, defaultCredentialName, envVarProblem, formatOptionPath, optionSegments, ownerUnit, parseOptionPath, serviceName, templateKindProblem, UNIT_PATTERN } from "./wire.js";
export { wireEntrySchema } from "./wire-schema.js";
