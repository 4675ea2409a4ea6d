// The public API of nixsec's sops engine (getsops/sops file format, written
// from its Go sources; see README.md here). Nothing outside src/sops imports
// its modules directly: this entry, or binary.ts for the store, which writes
// binary files only. Keys go through src/crypto's recipient and identity
// types, so every kind the age layer supports wraps and opens a data key.
import { registerYamlReader } from "./stores.js";
import { readYaml } from "./yaml-read.js";

registerYamlReader(readYaml);

export { SopsError, type SopsErrorKind } from "./errors.js";
export { Branch, Comment, SopsTime, fromPlain, toPlain, parseExtractPath, valueAt, type Entry, type List, type PathStep, type Scalar, type Value } from "./tree.js";
export { SOPS_FORMATS, formatForPath, emitPlain, emitValue, loadPlain, type Layout, type SopsFormat } from "./stores.js";
export { type EncryptionRules } from "./rules.js";
export { SOPS_VERSION, type AgeEntry, type KeyGroup, type SopsMetadata } from "./metadata.js";
export {
  decryptSops,
  decryptSopsWithKey,
  encryptSops,
  inspectSops,
  reencryptSops,
  rewrapOpened,
  rewrapSops,
  sopsRecipients,
  type DecryptedSops,
  type EncryptOptions,
  type FileOptions,
  type SopsInfo,
  type WrappedKey,
} from "./file.js";
export { SECRET_FORMAT, decryptSecretFile, encryptSecretFile, openSecretFile, replaceSecretValue } from "./secret.js";
export { DATA_KEY_SIZE, newDataKey, preloadDataKeys, withSshToAge } from "./datakey.js";
export { creationRuleFor, findSopsConfig, type CreationRule } from "./config.js";
