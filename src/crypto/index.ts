// The public API of nixsec's age layer. Nothing outside src/crypto imports
// age-encryption directly.
export { AgeError, type AgeErrorKind } from "./errors.js";
export { encryptBytes, encryptStream, decryptBytes, decryptStream, readAll, streamOf, type EncryptOptions } from "./age.js";
export { inspectAge, type AgeInspection, type StanzaInfo } from "./inspect.js";
export {
  parseRecipient,
  parseRecipientsFile,
  parseIdentityFile,
  parseIdentityLine,
  passphraseIdentity,
  lazyPassphraseIdentity,
  type ParsedRecipient,
  type RecipientKind,
  type LoadedIdentity,
  type IdentityFileOptions,
} from "./keys.js";
export { generateAgeKey, sshToAgeIdentity, sshToAgeRecipient, type AgeKeyPair } from "./keygen.js";
export { parseSshPublicKeyLine, type SshPublicKey, type SshKeyType } from "./ssh.js";
export { readSshPrivateKey, type PassphraseProvider } from "./openssh-key.js";
export { looksArmored } from "./armor.js";
export { bulkCrypto, setX25519BackendForTests, x25519Backend, type X25519Backend } from "./x25519.js";
