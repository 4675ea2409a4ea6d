// Encrypting and decrypting a whole document (sops.go walkBranch/walkSlice,
// Tree.Encrypt/Decrypt): every leaf in document order, with the map keys on
// its path joined by ":" plus a trailing ":" as additional data (list
// positions add nothing; a comment uses the path of the map or list holding
// it), and the MAC computed over the same walk.
import { decryptValue, encryptValue } from "./cipher.js";
import { SopsError } from "./errors.js";
import { MacHasher } from "./mac.js";
import { shouldEncrypt, type EncryptionRules } from "./rules.js";
import { Branch, Comment, type List, type Scalar, type Value } from "./tree.js";
import { parseTyped, plaintextOf, typeOf } from "./value.js";

/**
 * IVs of decrypted values by (path, type, plaintext): re-encrypting an
 * unchanged value under the same data key then gives the same ciphertext, so
 * an edit changes only the lines it touches (sops' Cipher stash).
 */
export type IvStash = Map<string, Uint8Array>;

function stashKey(aad: string, type: string, plaintext: Uint8Array): string {
  return `${aad}\0${type}\0${Buffer.from(plaintext).toString("base64")}`;
}

type Leaf = Scalar | Comment;

interface Visit {
  /** Returns the replacement leaf. `path` is the map keys down to the leaf. */
  leaf(v: Leaf, path: string[], comments: string[][]): Leaf;
}

function walkValue(v: Value, path: string[], comments: string[][], visit: Visit): Value {
  if (v instanceof Branch) return walkBranch(v, path, comments, visit);
  if (Array.isArray(v)) return walkList(v, path, comments, visit);
  if (v === null) return null; // sops neither encrypts nor hashes null
  return visit.leaf(v, path, comments) as Scalar;
}

function walkBranch(b: Branch, path: string[], outer: string[][], visit: Visit): Branch {
  const comments = [...outer, [] as string[]];
  const run = comments.length - 1;
  const items: Branch["items"] = [];
  for (const it of b.items) {
    if (it instanceof Comment) {
      comments[run]!.push(it.text);
      items.push(visit.leaf(it, path, comments) as Comment);
      continue;
    }
    items.push({ key: it.key, value: walkValue(it.value, [...path, it.key], comments, visit) });
    comments[run] = [];
  }
  return new Branch(items);
}

function walkList(l: List, path: string[], outer: string[][], visit: Visit): List {
  const comments = [...outer, [] as string[]];
  const run = comments.length - 1;
  return l.map((x) => {
    if (x instanceof Comment) {
      comments[run]!.push(x.text);
      return visit.leaf(x, path, comments) as Comment;
    }
    const out = walkValue(x, path, comments, visit);
    comments[run] = [];
    return out;
  });
}

const aadOf = (path: string[]): string => path.join(":") + ":";

export interface EncryptedTree {
  branches: Branch[];
  /** The MAC text (upper-case hex), before it is itself encrypted. */
  mac: string;
}

export interface WalkOptions {
  /** IVs to reuse for unchanged values (from decryptBranches of the same file). */
  stash?: IvStash;
  /**
   * The binary format: its one value is a Go string of raw bytes, so bytes
   * are encrypted as `str` and `str` decrypts to bytes (never re-decoded).
   */
  binary?: boolean;
}

/** Encrypts every value the rules select; returns the new tree and its MAC. */
export function encryptBranches(branches: Branch[], key: Uint8Array, rules: EncryptionRules, opts: WalkOptions = {}): EncryptedTree {
  const stash = opts.stash;
  const hasher = new MacHasher(Boolean(rules.macOnlyEncrypted));
  const visit: Visit = {
    leaf(v, path, comments) {
      const isComment = v instanceof Comment;
      const encrypted = shouldEncrypt(rules, path, comments, isComment);
      if (isComment) {
        if (!encrypted || v.text === "") return v;
        const aad = aadOf(path);
        const bytes = Buffer.from(v.text, "utf8");
        return new Comment(encryptValue("comment", bytes, key, aad, stash?.get(stashKey(aad, "comment", bytes))), v.inline);
      }
      const s = v as Exclude<Scalar, null>;
      const bytes = plaintextOf(s);
      if (!rules.macOnlyEncrypted || encrypted) hasher.add(bytes);
      if (!encrypted || (bytes.length === 0 && (typeof s === "string" || s instanceof Uint8Array))) return v; // sops leaves "" as ""
      const aad = aadOf(path);
      const type = opts.binary && s instanceof Uint8Array ? "str" : typeOf(s);
      return encryptValue(type, bytes, key, aad, stash?.get(stashKey(aad, type, bytes)));
    },
  };
  const out = branches.map((b) => walkBranch(b, [], [], visit));
  return { branches: out, mac: hasher.digest() };
}

export interface DecryptedTree {
  branches: Branch[];
  /** The MAC computed over the decrypted values (compare with the file's). */
  mac: string;
  stash: IvStash;
  /** Comments that look encrypted but do not decrypt (kept as written, as sops does). */
  undecryptedComments: number;
}

/** Decrypts every value the rules select, computing the MAC as it goes. */
export function decryptBranches(branches: Branch[], key: Uint8Array, rules: EncryptionRules, file: string, opts: WalkOptions = {}): DecryptedTree {
  const hasher = new MacHasher(Boolean(rules.macOnlyEncrypted));
  const stash: IvStash = new Map();
  let undecryptedComments = 0;
  const visit: Visit = {
    leaf(v, path, comments) {
      const isComment = v instanceof Comment;
      const encrypted = shouldEncrypt(rules, path, comments, isComment);
      const aad = aadOf(path);
      const where = `${file}: ${path.length > 0 ? path.join(".") : "(top level)"}`;
      if (isComment) {
        if (!encrypted || v.text === "") return v;
        try {
          const d = decryptValue(v.text, key, aad, where);
          stash.set(stashKey(aad, "comment", d.plaintext), d.iv);
          return new Comment(Buffer.from(d.plaintext).toString("utf8"), v.inline);
        } catch {
          // sops: "found possibly unencrypted comment"; kept as it is
          undecryptedComments++;
          return v;
        }
      }
      let value: Scalar = v as Scalar;
      let macBytes: Uint8Array;
      if (encrypted) {
        if (typeof v !== "string") throw new SopsError("value", `${where}: expected an encrypted value, found a ${typeof v}`, { hint: "the file was edited by hand: values must be ENC[…] strings" });
        if (v === "") {
          macBytes = new Uint8Array(0);
        } else {
          const d = decryptValue(v, key, aad, where);
          const typed = opts.binary && d.type === "str" ? { value: d.plaintext, mac: d.plaintext } : parseTyped(d.type, d.plaintext, where);
          stash.set(stashKey(aad, d.type, d.type === "str" && typed.value instanceof Uint8Array ? d.plaintext : plaintextOf(typed.value as Exclude<Scalar, null>)), d.iv);
          value = typed.value;
          macBytes = typed.mac;
        }
      } else {
        macBytes = plaintextOf(v as Exclude<Scalar, null>);
      }
      if (!rules.macOnlyEncrypted || encrypted) hasher.add(macBytes);
      return value;
    },
  };
  const out = branches.map((b) => walkBranch(b, [], [], visit));
  return { branches: out, mac: hasher.digest(), stash, undecryptedComments };
}
