// What an importer hands the framework: the keys and secrets it found in
// another tool's store, as that tool describes them, and nothing written.
// The framework (principals.ts, plan.ts, apply.ts) names the keys, decides
// who is an admin and who a host, builds the new manifest and lock, and
// writes them in a crash-safe order. An importer only reads: the source
// files, the ciphertexts, the plaintexts it must encrypt.
//
// An importer is one module that returns an ImportSource: its files are
// adopted as they are (`AdoptedFile`, readers as found, checked against the
// file's own header by the importer, which knows the format), or its values
// are encrypted anew (`NewValue`, in every format the secret's hosts need).
import type { SecretFields } from "../manifest/index.js";
import type { FormatId } from "../store/format.js";

export type Role = "admin" | "host";

/** A public key that reads at least one imported secret (or will). */
export interface FoundKey {
  /** The key as the source writes it; a comment may follow the key. */
  key: string;
  /** Its key id (store/lock.ts keyIdOf): two spellings of one key have one id. */
  id: string;
  /** Names the source gives it, best first: a let binding, a YAML anchor, a machine name. */
  names: string[];
  /** Lists the source puts it in (`users = [ alice bob ]`): a hint at its role, never a principal. */
  groups: string[];
  /** The role the source itself gives it (a nixops machine is a host), and why. */
  role?: { role: Role; why: string };
  /** Where the source writes it, for messages ("secrets/secrets.nix"). */
  where: string;
}

/** A ciphertext that stays as it is (moved at most). */
export interface AdoptedFile {
  kind: "file";
  /** Its format: an age file (default) or a one-secret sops file (store/format.ts). */
  format?: FormatId;
  /** Absolute path of the file now, inside the repository. */
  path: string;
  bytes: Uint8Array;
  /** How the file's header disagrees with the secret's readers; undefined when it fits. */
  mismatch?: string;
  /** Notes on the file itself ("ASCII-armored"). */
  notes: string[];
}

/** A plaintext to encrypt to the secret's readers. Never printed, never written as it is. */
export interface NewValue {
  kind: "value";
  value: Uint8Array;
  /** Where the plaintext is now (a file, "an inline text literal"), for the reminder to delete and rotate it. */
  from: string;
}

export interface FoundSecret {
  /** Proposed name (the framework may prefix it); a path like `service/key`. */
  name: string;
  /** Where the source declares it, for messages: `secrets.nix: "x.age"`, `network.nix: chrysalis.deployment.keys.x`. */
  origin: string;
  /**
   * Key ids of its readers. For an adopted file: who reads it now (the
   * admins among them stay admins). For a new value: the hosts that will
   * read it; every admin reads it as well.
   */
  readers: string[];
  content: AdoptedFile | NewValue;
  /** Manifest fields besides `hosts`: owner, group, mode, format, description, wire. */
  fields: Omit<SecretFields, "hosts">;
  notes: string[];
  /** Where hosts found the value before, per host (`/run/keys/K` under NixOps): the plan says where it is now. */
  previously?: Array<{ host: string; path: string }>;
}

export interface ImportSource {
  /** The tool: "agenix", "nixops", "sops-nix". */
  kind: string;
  /** What was read, relative to the repository root, for the plan ("secrets/secrets.nix"). */
  from: string;
  /** How it was read ("evaluated with nix-instantiate", "parsed"). */
  how: string;
  keys: FoundKey[];
  secrets: FoundSecret[];
  /** A secrets directory the source suggests for a new repository (where its files are), relative to the root. */
  secretsDir?: string;
  /** A hand-written file nixsec's generated one supersedes only with consent (agenix's secrets.nix, sops' .sops.yaml). Absolute. */
  rules?: string;
  /** The backend of the hosts it brings (sops-nix for a sops-nix repository); default: the repository's. */
  backend?: "agenix" | "sops-nix";
  /** For the plan. */
  notes: string[];
  /** For after a real run: the lines to delete, the values to rotate. */
  afterwards: string[];
}
