// New keys and ssh-to-age conversion.
import { randomBytes } from "node:crypto";
import { loadTypage } from "./stanza.js";
import { AgeError } from "./errors.js";
import { encodeX25519Identity, encodeX25519Recipient, X25519Identity } from "./native-x25519.js";
import { readSshPrivateKey, type PassphraseProvider } from "./openssh-key.js";
import { ed25519PublicToX25519, ed25519SeedToX25519, parseSshPublicKeyLine } from "./ssh.js";

export interface AgeKeyPair {
  identity: string;
  recipient: string;
}

export async function generateAgeKey(kind: "x25519" | "pq" = "x25519"): Promise<AgeKeyPair> {
  if (kind === "pq") {
    const { generateHybridIdentity, identityToRecipient } = await loadTypage();
    const identity = await generateHybridIdentity();
    return { identity, recipient: await identityToRecipient(identity) };
  }
  const scalar = new Uint8Array(randomBytes(32));
  return { identity: encodeX25519Identity(scalar), recipient: new X25519Identity(scalar).recipient };
}

/** ssh-to-age for a public key: the X25519 recipient sops-nix hosts decrypt with. */
export function sshToAgeRecipient(line: string): string {
  const key = parseSshPublicKeyLine(line);
  if (key.type !== "ssh-ed25519" || !key.ed25519) {
    throw new AgeError("key", "only ssh-ed25519 keys convert to age keys", { hint: "ssh-rsa keys have no X25519 equivalent; sops-nix cannot use them through age" });
  }
  return encodeX25519Recipient(ed25519PublicToX25519(key.ed25519));
}

/** ssh-to-age for a private key: the AGE-SECRET-KEY-1… identity. */
export async function sshToAgeIdentity(text: string, name: string, passphrase?: PassphraseProvider): Promise<AgeKeyPair> {
  const key = await readSshPrivateKey(text, name, passphrase);
  if (!key.ed25519Seed) {
    throw new AgeError("key", `${name}: only ssh-ed25519 keys convert to age keys`, { hint: "ssh-rsa keys have no X25519 equivalent" });
  }
  const scalar = ed25519SeedToX25519(key.ed25519Seed);
  const id = new X25519Identity(scalar);
  return { identity: encodeX25519Identity(scalar), recipient: id.recipient };
}
