import { NixsecError, type NixsecErrorOptions } from "../errors.js";

/**
 * Why a sops operation failed, so callers and tests can tell a malformed file
 * from a missing key or a failed integrity check.
 */
export type SopsErrorKind =
  | "format" // the file does not parse as its format, or its sops metadata is malformed
  | "limit" // the input exceeds a size, depth or node bound
  | "no-age-recipient" // the file has no age entry (PGP/KMS only): nothing an age identity can open
  | "no-match" // no identity opens any of the file's age entries
  | "key-groups" // several key groups (Shamir splitting), which nixsec does not combine
  | "value" // an ENC[…] value does not decrypt or does not parse as its type
  | "mac" // the MAC is missing or does not match the values
  | "unsupported"; // valid sops, but outside what nixsec writes (e.g. a regex RE2 has and JS lacks)

/** A sops failure; the message names the file and never holds a value. */
export class SopsError extends NixsecError {
  readonly kind: SopsErrorKind;

  constructor(kind: SopsErrorKind, message: string, options: NixsecErrorOptions = {}) {
    super(message, options);
    this.name = "SopsError";
    this.kind = kind;
  }
}
