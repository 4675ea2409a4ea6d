// What commands that only read the manifest need, without the schema (zod)
// or YAML libraries: a cached manifest is read in a few milliseconds, and
// validation (validate.ts) is loaded only when the cache cannot answer.
export { type Manifest, MANIFEST_FILE, findManifest, loadManifest } from "./load.js";
export type { GenerateSpec, ManifestData, SecretSpec, Settings, TemplateSpec } from "./schema.js";
export { type Issue, ManifestError, didYouMean, formatPath, suggestions } from "./issues.js";
export { durationMs } from "./names.js";
export { type WireEntry, defaultCredentialName, formatOptionPath, optionSegments, ownerUnit, parseOptionPath, serviceName } from "./wire.js";
