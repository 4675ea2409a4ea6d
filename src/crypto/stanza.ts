// The stanza and the Recipient/Identity interfaces, shaped exactly like
// typage's so nixsec's classes plug into typage and typage's into nixsec.
// Defined here so the common path (X25519 and SSH) does not load typage and
// its post-quantum code (~450 KB) on every CLI start.

export class Stanza {
  constructor(
    readonly args: string[],
    readonly body: Uint8Array,
  ) {}
}

export interface Recipient {
  wrapFileKey(fileKey: Uint8Array): Stanza[] | Promise<Stanza[]>;
}

export interface Identity {
  unwrapFileKey(stanzas: Stanza[]): Uint8Array | null | Promise<Uint8Array | null>;
}

/** typage, loaded on first use (post-quantum and scrypt stanzas only). */
export function loadTypage(): Promise<typeof import("age-encryption")> {
  return import("age-encryption");
}
