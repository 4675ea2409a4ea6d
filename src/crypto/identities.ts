// Identity files, as the age CLI reads them (`-i`): AGE-SECRET-KEY-… lines
// (X25519 and post-quantum), AGE-PLUGIN-NAME-1… lines (a plugin's, such as
// age-plugin-yubikey's identity stub), OpenSSH and PEM private keys, and
// passphrase-encrypted identity files. A public key given where an identity
// belongs is named as such.
import type { Decrypter } from "age-encryption";
import { bech32 } from "@scure/base";
import { loadTypage, type Identity, type Stanza } from "./stanza.js";
import { AgeError } from "./errors.js";
import { parseAgeHeader } from "./header.js";
import type { RecipientKind } from "./keys.js";
import { decodeX25519Identity, X25519Identity } from "./native-x25519.js";
import { identityFromSshKey, peekSshPublicKey, readSshPrivateKey, isSshPrivateKeyPem, type PassphraseProvider } from "./openssh-key.js";
import type { PluginContext } from "./plugin-context.js";
import { PluginIdentity } from "./plugin-identity.js";
import { ed25519SeedToX25519, type SshPublicKey } from "./ssh.js";

/** What nixsec needs to know about a loaded identity, besides using it. */
export interface LoadedIdentity {
  kind: RecipientKind | "scrypt";
  /** Where it came from (a file name, an env var), for messages. */
  source: string;
  identity: Identity | TypageIdentity | PluginIdentity;
  /**
   * The matching recipient, when known without a passphrase (for a plugin
   * identity: from the `# Recipient: age1…` comment plugins write above it).
   */
  recipient?: string;
  ssh?: SshPublicKey;
  /** ed25519 SSH keys only: the ssh-to-age X25519 identity. */
  x25519?: X25519Identity;
}

/**
 * An identity typage implements but does not export (post-quantum hybrid,
 * scrypt). It is asked through Decrypter.decryptHeader on the header bytes.
 */
export class TypageIdentity {
  constructor(private readonly add: (d: Decrypter) => void) {}

  async unwrapWithHeader(header: Uint8Array): Promise<Uint8Array | null> {
    const { Decrypter } = await loadTypage();
    const d = new Decrypter();
    this.add(d);
    try {
      return await d.decryptHeader(header);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      if (msg.startsWith("no identity matched")) return null;
      if (msg === "invalid header HMAC") throw new AgeError("hmac", "header MAC does not match: the file was modified");
      throw new AgeError("header", `invalid stanza: ${msg}`);
    }
  }
}

/**
 * A passphrase asked only when a file turns out to be passphrase-encrypted
 * (it has an scrypt stanza), as `age -d` does.
 */
export function lazyPassphraseIdentity(ask: () => Promise<string>): LoadedIdentity {
  // One prompt, also when several files are decrypted at once.
  let inner: Promise<TypageIdentity> | undefined;
  const identity = new TypageIdentity(() => undefined);
  identity.unwrapWithHeader = async (header: Uint8Array) => {
    if (!parseAgeHeader(header).stanzas.some((s) => s.args[0] === "scrypt")) return null;
    inner ??= ask().then((pass) => new TypageIdentity((d) => d.addPassphrase(pass)));
    return (await inner).unwrapWithHeader(header);
  };
  return { kind: "scrypt", source: "passphrase prompt", identity };
}

export function passphraseIdentity(passphrase: string): LoadedIdentity {
  return { kind: "scrypt", source: "passphrase", identity: new TypageIdentity((d) => d.addPassphrase(passphrase)) };
}

/**
 * An OpenSSH key whose private half is passphrase-protected. Like the age
 * CLI, it asks for the passphrase only when a file has a stanza for its
 * public key, and at most once.
 */
class LazySshIdentity implements Identity {
  private unlocked: Promise<Identity> | undefined;

  constructor(
    private readonly key: SshPublicKey,
    private readonly text: string,
    private readonly name: string,
    private readonly passphrase: PassphraseProvider | undefined,
  ) {}

  async unwrapFileKey(stanzas: Stanza[]): Promise<Uint8Array | null> {
    const ours = stanzas.some((s) => s.args[0] === this.key.type && s.args[1] === this.key.tag);
    if (!ours) return null;
    this.unlocked ??= readSshPrivateKey(this.text, this.name, this.passphrase).then(identityFromSshKey);
    return (await this.unlocked).unwrapFileKey(stanzas);
  }
}

export interface IdentityFileOptions {
  /** Asks the passphrase of an encrypted SSH key or identity file. */
  passphrase?: PassphraseProvider;
  /** For plugin identities: how to run the plugin (default: the run's, setPluginContext). */
  plugins?: PluginContext;
}

/** A recipient written in a comment: `#    Recipient: age1…` (plugins) or `# public key: age1…` (age-keygen). */
const RECIPIENT_COMMENT = /^#\s*(?:recipient|public key)\s*:\s*(age1[0-9a-z._+-]+)\s*$/i;
/** Lines of public keys: authorized_keys, known_hosts, .pub files, age recipients, PEM public keys. */
const PUBLIC_KEY_LINE = /^(?:\S+\s+)?(?:ssh-(?:ed25519|rsa|dss)|ecdsa-sha2-\S+|sk-\S+)\s+AAAA|^age1[0-9a-z]|^-----BEGIN (?:SSH2 |RSA )?PUBLIC KEY-----/;

/** Parses the contents of an identity file (`-i`). */
export async function parseIdentityFile(data: Uint8Array, name: string, opts: IdentityFileOptions = {}): Promise<LoadedIdentity[]> {
  const text = Buffer.from(data).toString("utf8");
  if (isSshPrivateKeyPem(text)) {
    const pub = peekSshPublicKey(text, name);
    if (pub) {
      // Unencrypted keys load now (cheap, and ssh-to-age needs the seed);
      // protected ones wait until a file actually has a stanza for them.
      const eager = await tryUnencrypted(text, name);
      if (eager) return [eager];
      return [{ kind: pub.type, source: name, identity: new LazySshIdentity(pub, text, name, opts.passphrase), recipient: pub.type + " " + Buffer.from(pub.wire).toString("base64"), ssh: pub }];
    }
    const key = await readSshPrivateKey(text, name, opts.passphrase);
    return [sshLoaded(key, name)];
  }
  const trimmed = text.trimStart();
  if (trimmed.startsWith("-----BEGIN AGE ENCRYPTED FILE-----") || text.startsWith("age-encryption.org/v1\n")) {
    return decryptIdentityFile(data, name, opts);
  }
  const out: LoadedIdentity[] = [];
  let commented: string | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    const recipient = RECIPIENT_COMMENT.exec(line)?.[1];
    if (recipient) commented = recipient.toLowerCase();
    if (line === "" || line.startsWith("#")) return;
    if (PUBLIC_KEY_LINE.test(line)) throw publicKeyGiven(name);
    try {
      const id = parseIdentityLine(line, name, opts.plugins);
      // A plugin's stub names its recipient in a comment above the line.
      if (id.kind === "plugin" && commented) id.recipient = commented;
      commented = undefined;
      out.push(id);
    } catch (err) {
      if (err instanceof AgeError) throw new AgeError("key", `${name}:${i + 1}: ${err.message}`, { hint: err.hints });
      throw err;
    }
  });
  if (out.length === 0) throw new AgeError("key", `${name}: no identities found`, { hint: "an identity file holds AGE-SECRET-KEY-1… or AGE-PLUGIN-…-1… lines, or one SSH private key" });
  return out;
}

async function tryUnencrypted(text: string, name: string): Promise<LoadedIdentity | null> {
  try {
    return sshLoaded(await readSshPrivateKey(text, name, undefined), name);
  } catch (err) {
    if (err instanceof AgeError && err.message.includes("passphrase-protected")) return null;
    throw err;
  }
}

function sshLoaded(key: Awaited<ReturnType<typeof readSshPrivateKey>>, name: string): LoadedIdentity {
  const ssh = key.publicKey;
  const loaded: LoadedIdentity = {
    kind: ssh.type,
    source: name,
    identity: identityFromSshKey(key),
    recipient: ssh.type + " " + Buffer.from(ssh.wire).toString("base64"),
    ssh,
  };
  if (key.ed25519Seed) {
    // ssh-to-age: the X25519 identity sops-nix derives from the same key.
    loaded.x25519 = new X25519Identity(ed25519SeedToX25519(key.ed25519Seed));
  }
  return loaded;
}

export function parseIdentityLine(line: string, source: string, plugins?: PluginContext): LoadedIdentity {
  if (line.startsWith("AGE-SECRET-KEY-PQ-1")) {
    if (!bech32Shape(line.toLowerCase(), "age-secret-key-pq-")) throw new AgeError("key", "malformed post-quantum identity");
    const add = (d: Decrypter) => d.addIdentity(line);
    return { kind: "mlkem768x25519", source, identity: new TypageIdentity(add) };
  }
  if (line.startsWith("AGE-SECRET-KEY-1")) {
    const id = new X25519Identity(decodeX25519Identity(line));
    return { kind: "x25519", source, identity: id, recipient: id.recipient, x25519: id };
  }
  if (line.startsWith("AGE-PLUGIN-")) return pluginLoaded(new PluginIdentity(line, plugins), source);
  throw new AgeError("key", "not an age identity", { hint: "identity lines start with AGE-SECRET-KEY-1" });
}

async function decryptIdentityFile(data: Uint8Array, name: string, opts: IdentityFileOptions): Promise<LoadedIdentity[]> {
  if (!opts.passphrase) throw new AgeError("key", `${name}: the identity file is passphrase-encrypted and no passphrase can be asked here`);
  const { decryptBytes } = await import("./age.js");
  const pass = await opts.passphrase(name);
  let plain: Uint8Array;
  try {
    plain = await decryptBytes(data, [passphraseIdentity(pass)]);
  } catch (err) {
    if (err instanceof AgeError && err.kind === "no-match") throw new AgeError("passphrase", `${name}: incorrect passphrase`);
    throw err;
  }
  return parseIdentityFile(plain, name, {});
}


/** A plugin identity as a loaded identity; `-j NAME` is one without data. */
export function pluginLoaded(identity: PluginIdentity, source: string): LoadedIdentity {
  return { kind: "plugin", source, identity };
}

function publicKeyGiven(name: string): AgeError {
  return new AgeError("key", `${name} is a public key, not an identity`, {
    hint: "give the private key: for an SSH key the file without .pub (e.g. ~/.ssh/id_ed25519), for an age key the file with AGE-SECRET-KEY-1…, for a hardware key the plugin's identity file",
  });
}

/** A valid bech32 string with this prefix, of any length (post-quantum keys exceed 90 characters). */
function bech32Shape(s: string, prefix: string): boolean {
  try {
    return bech32.decode(s as `${string}1${string}`, false).prefix === prefix;
  } catch {
    return false;
  }
}

/**
 * The public keys an identity file can be told to hold without a passphrase
 * or a plugin: X25519 keys, OpenSSH keys (their public half is stored in
 * clear), and recipients written in comments (`# public key: age1…`,
 * `#    Recipient: age1…`). For finding which local key is an admin's.
 */
export function identityFileRecipients(data: Uint8Array, name: string): string[] {
  const text = Buffer.from(data).toString("utf8");
  if (isSshPrivateKeyPem(text)) {
    try {
      const pub = peekSshPublicKey(text, name);
      return pub ? [pub.type + " " + Buffer.from(pub.wire).toString("base64")] : [];
    } catch {
      return [];
    }
  }
  const out = new Set<string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const commented = RECIPIENT_COMMENT.exec(line)?.[1];
    if (commented) out.add(commented.toLowerCase());
    else if (line.startsWith("AGE-SECRET-KEY-1")) {
      try {
        out.add(new X25519Identity(decodeX25519Identity(line)).recipient);
      } catch {
        // not a key after all
      }
    }
  }
  return [...out];
}
