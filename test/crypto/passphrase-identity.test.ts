// The passphrase prompt of `nixsec age decrypt`: asked only for files with a
// scrypt stanza, and once, also when several files are decrypted at once.
import { Encrypter } from "age-encryption";
import { describe, expect, it } from "vitest";
import { decryptBytes, lazyPassphraseIdentity } from "../../src/crypto/index.js";

async function withPassphrase(text: string): Promise<Uint8Array> {
  const e = new Encrypter();
  e.setPassphrase("correct horse");
  e.setScryptWorkFactor(10);
  return e.encrypt(text);
}

describe("lazyPassphraseIdentity", () => {
  it("asks once for concurrent decryptions", async () => {
    const files = await Promise.all(["one", "two", "three"].map(withPassphrase));
    let asked = 0;
    const id = lazyPassphraseIdentity(async () => {
      asked++;
      await new Promise((r) => setTimeout(r, 10));
      return "correct horse";
    });
    const out = await Promise.all(files.map((f) => decryptBytes(f, [id])));
    expect(out.map((b) => new TextDecoder().decode(b))).toEqual(["one", "two", "three"]);
    expect(asked).toBe(1);
  });
});
