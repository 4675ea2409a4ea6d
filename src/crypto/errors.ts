import { NixsecError, type NixsecErrorOptions } from "../errors.js";

/**
 * Why an age operation failed. The kinds follow the C2SP age test kit's
 * `expect` values so tests can tell a parsing bug from a later MAC failure.
 */
export type AgeErrorKind =
  | "armor" // the ASCII armor does not parse
  | "header" // the header does not parse, or a matching stanza is invalid
  | "hmac" // a file key was unwrapped but the header MAC does not match
  | "no-match" // no identity opens any stanza
  | "payload" // the STREAM payload fails to authenticate or is truncated
  | "key" // a key, recipient or identity file is malformed
  | "passphrase" // a wrong passphrase for an encrypted key
  | "plugin"; // an age plugin is missing, failed, or broke the protocol

export class AgeError extends NixsecError {
  readonly kind: AgeErrorKind;

  constructor(kind: AgeErrorKind, message: string, options: NixsecErrorOptions = {}) {
    super(message, options);
    this.name = "AgeError";
    this.kind = kind;
  }
}
