// The stanza and the Recipient/Identity interfaces, shaped exactly like
// typage's so nixsec's classes plug into typage and typage's into nixsec.
// Defined here so the common path (X25519 and SSH) does not load typage and
// its post-quantum code (~450 KB) on every CLI start.

export class Stanza {
  #body: Uint8Array | null;
  #text: string | null = null;

  constructor(
    readonly args: string[],
    body: Uint8Array,
  ) {
    this.#body = body;
  }

  /**
   * A stanza read from a header, its body kept as the (already validated,
   * canonical) unpadded base64 text and decoded on first use: a file has a
   * stanza per reader and an identity opens one of them.
   */
  static fromBase64(args: string[], text: string): Stanza {
    const s = new Stanza(args, EMPTY);
    s.#body = null;
    s.#text = text;
    return s;
  }

  get body(): Uint8Array {
    if (this.#body === null) {
      const b = Buffer.from(this.#text!, "base64");
      this.#body = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    }
    return this.#body;
  }
}

const EMPTY = new Uint8Array(0);

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
