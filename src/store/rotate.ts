// Rotating values: new values encrypted to the current readers, checked, then
// written, and the lock records when each value changed (for `maxAge`).
// Consumers restart on the next deploy because each new value gets a new
// random value id in the lock, which the generated Nix carries (src/nixgen/data.ts).
import { encryptBytes, parseRecipient, type LoadedIdentity } from "../crypto/index.js";
import { durationMs, type SecretSpec } from "../manifest/read.js";
import { NixsecError } from "../errors.js";
import { generateValue, type Generated, type GenerateKind } from "./generate.js";
import { desiredReaders, isoSeconds, newValueId, readLock, renderLock, resolveLock, sha256Hex, lockFile, type LockEntry } from "./lock.js";
import { checkCiphertext } from "./rekey-run.js";
import type { StoreScan } from "./rekey.js";
import { readersOf, secretFile, unknownSecret, type Store } from "./store.js";

/**
 * The secrets to rotate for `names`: the names, then the secrets generated
 * from them (a password-hash of a rotated password must follow it), each once.
 */
export function rotationOrder(store: Store, names: string[]): { secret: string; derivedFrom?: string }[] {
  const secrets = store.manifest.data.secrets;
  for (const n of names) if (!secrets[n]) throw unknownSecret(store, n);
  const out: { secret: string; derivedFrom?: string }[] = [];
  const seen = new Set<string>();
  const derivedOf = (n: string) => Object.entries(secrets).filter(([, s]) => s.generate?.kind === "password-hash" && s.generate.from === n).map(([d]) => d).sort();
  const named = [...new Set(names)];
  // Hashes last, so the password they hash already has its new value.
  const isHash = (n: string) => secrets[n]!.generate?.kind === "password-hash";
  for (const n of [...named.filter((n) => !isHash(n)), ...named.filter(isHash)]) {
    if (seen.has(n)) continue;
    seen.add(n);
    out.push({ secret: n });
    for (const d of derivedOf(n)) {
      if (seen.has(d)) continue;
      seen.add(d);
      out.push({ secret: d, derivedFrom: n });
    }
  }
  return out;
}

/** A new value from the secret's `generate:` spec; `read` gives another secret's (new or current) value. */
export async function generateFromSpec(name: string, spec: SecretSpec, read: (secret: string) => Promise<Uint8Array>): Promise<Generated> {
  const g = spec.generate;
  if (!g) throw new NixsecError(`${name} has no generator`, { hint: `add \`generate: {kind: password}\` (or hex, base64, wireguard, ssh-ed25519) to secrets.${name} in nixsec.yaml, or give the value` });
  const req: Parameters<typeof generateValue>[0] = { kind: g.kind as GenerateKind, comment: name };
  if (g.kind === "password") Object.assign(req, { length: g.length, alphabet: g.alphabet });
  if (g.kind === "hex" || g.kind === "base64") req.bytes = g.bytes;
  if (g.kind === "password-hash") {
    const pw = await read(g.from);
    req.password = Buffer.from(pw).toString("utf8");
  }
  return generateValue(req);
}

export interface RotatedValue {
  secret: string;
  value: Uint8Array;
}

export interface RotateResult {
  written: string[];
  headerOnly: string[];
}

/**
 * Encrypts each value to its secret's readers, checks every ciphertext
 * (readers, and decryption with `verifyWith`) before any file is replaced,
 * writes the files atomically, then records them in the lock with `now` as
 * the time their value changed.
 */
export async function writeRotated(store: Store, values: RotatedValue[], verifyWith: LoadedIdentity[], now: Date): Promise<RotateResult> {
  const result: RotateResult = { written: [], headerOnly: [] };
  const parsed = new Map<string, ReturnType<typeof parseRecipient>>();
  const prepared: { secret: string; ciphertext: Uint8Array; desired: ReturnType<typeof desiredReaders> }[] = [];
  for (const v of values) {
    const recipients = readersOf(store, v.secret).map((r) => {
      let p = parsed.get(r.key);
      if (!p) parsed.set(r.key, (p = parseRecipient(r.key)));
      return p;
    });
    const ciphertext = await encryptBytes(v.value, recipients);
    const desired = desiredReaders(store, v.secret);
    if (!(await checkCiphertext({ secret: v.secret, desired }, ciphertext, v.value, verifyWith))) result.headerOnly.push(v.secret);
    prepared.push({ secret: v.secret, ciphertext, desired });
  }
  const read = readLock(store);
  const entries = resolveLock(store, read);
  for (const p of prepared) {
    await store.tree.writeFile(secretFile(store, p.secret), p.ciphertext, 0o644);
    result.written.push(p.secret);
  }
  for (const p of prepared) entries.set(p.secret, { secret: p.secret, sha256: sha256Hex(p.ciphertext), valueChanged: isoSeconds(now), valueId: newValueId(), ...p.desired });
  const text = renderLock(entries.values());
  if (text !== read.text) await store.tree.writeFile(lockFile(store), text, 0o644);
  return result;
}

export interface ValueAge {
  secret: string;
  maxAge?: string;
  /** When the value last changed, if the lock knows. */
  valueChanged?: string;
  ageDays?: number;
  /** The value is older than maxAge. */
  due: boolean;
}

/** How old each secret's value is against its `maxAge`, from the lock entries that describe the files. */
export function valueAges(store: Store, scan: StoreScan, now: Date): ValueAge[] {
  const secrets = store.manifest.data.secrets;
  return scan.states.map((s): ValueAge => {
    const spec = secrets[s.secret]!;
    const entry: LockEntry | undefined = s.lock;
    const out: ValueAge = { secret: s.secret, due: false };
    if (spec.maxAge) out.maxAge = spec.maxAge;
    if (entry?.valueChanged) {
      out.valueChanged = entry.valueChanged;
      const ms = now.getTime() - Date.parse(entry.valueChanged);
      out.ageDays = Math.floor(ms / 86_400_000);
      const max = spec.maxAge ? durationMs(spec.maxAge) : undefined;
      out.due = max !== undefined && ms > max;
    }
    return out;
  });
}
