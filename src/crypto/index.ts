// The public API of nixsec's age layer. Nothing outside src/crypto imports
// age-encryption directly.
export { AgeError, type AgeErrorKind } from "./errors.js";
export { decryptBytes, decryptStream, localIdentities, preloadFileKeys, readAll, streamOf } from "./age.js";
export { encryptBytes, encryptStream, type EncryptOptions } from "./encrypt.js";
export { inspectAge, type AgeInspection, type StanzaInfo } from "./inspect.js";
export { parseRecipient, parseRecipientsFile, recipientLabels, type ParsedRecipient, type RecipientKind } from "./keys.js";
export {
  parseIdentityFile,
  parseIdentityLine,
  passphraseIdentity,
  lazyPassphraseIdentity,
  pluginLoaded,
  identityFileRecipients,
  type LoadedIdentity,
  type IdentityFileOptions,
} from "./identities.js";
export { LabelCheck, POSTQUANTUM, shortRecipient } from "./labels.js";
// Plugins (C2SP age-plugin.md): the CLI installs a PluginContext (its prompts,
// its environment) for the run; recipients and identities use it.
export { setPluginContext, silentPluginUi, type PluginContext, type PluginUi } from "./plugin-context.js";
export { encodePluginIdentity, isPluginName } from "./plugin-name.js";
export { PluginIdentity } from "./plugin-identity.js";
export { PluginRecipient, wrapPluginRecipients, type PluginWrap } from "./plugin-recipient.js";
export { generateAgeKey, sshToAgeIdentity, sshToAgeRecipient, type AgeKeyPair } from "./keygen.js";
export { parseSshPublicKeyLine, type SshPublicKey, type SshKeyType } from "./ssh.js";
export { readSshPrivateKey, type PassphraseProvider } from "./openssh-key.js";
export { looksArmored } from "./armor.js";
export { bulkCrypto, setX25519BackendForTests, x25519Backend, type X25519Backend } from "./x25519.js";
