// A store built through the library (fast: hundreds of secrets in a second),
// in a temp git repository, for the rekey tests. Values are "value-<name>".
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { encryptBytes, generateAgeKey, parseIdentityFile, parseRecipient, type LoadedIdentity } from "../../src/crypto/index.js";
import { loadManifest } from "../../src/manifest/index.js";
import { desiredReaders, isoSeconds, renderLock, sha256Hex, type LockEntry } from "../../src/store/lock.js";
import { ageFormat } from "../../src/store/format-age.js";
import { formFile, readersOf, storeOf, type Store } from "../../src/store/store.js";
import { writeValues } from "../../src/store/values.js";
import { tempRepo, type TempRepo } from "../helpers/repo.js";

export interface Fixture {
  t: TempRepo;
  adminKeyFile: string;
  admin: LoadedIdentity[];
  hosts: Record<string, { priv: string; pub: string; key: string }>;
  names: string[];
  /** Runs nixsec with the admin identity in NIXSEC_IDENTITY. */
  nixsec: TempRepo["nixsec"];
  store(): Promise<Store>;
  value(name: string): string;
  git(...args: string[]): string;
}

export interface FixtureSpec {
  hosts: string[];
  /** Secret name → hosts reading it. */
  secrets: Record<string, string[]>;
  /** Extra manifest text per secret (e.g. "    maxAge: 30d\n"). */
  extra?: Record<string, string>;
  valueChanged?: Date;
  /** settings.backend (default agenix): with sops-nix every file is a sops file. */
  backend?: "agenix" | "sops-nix";
}

export function valueOf(name: string): string {
  return `value-${name}`;
}

export async function makeFixture(spec: FixtureSpec): Promise<Fixture> {
  const t = tempRepo("nixsec-rekey-");
  const adminKey = await generateAgeKey();
  const adminKeyFile = path.join(t.root, "admin.key");
  writeFileSync(adminKeyFile, adminKey.identity + "\n", { mode: 0o600 });
  const hosts: Fixture["hosts"] = {};
  for (const h of spec.hosts) {
    const k = t.sshKey(h);
    hosts[h] = { ...k, key: readFileSync(k.pub, "utf8").trim() };
  }
  let yaml = `version: 1\n${spec.backend ? `settings:\n  backend: ${spec.backend}\n` : ""}admins:\n  alice:\n    key: "${adminKey.recipient}"\nhosts:\n`;
  for (const h of spec.hosts) yaml += `  ${h}:\n    key: "${hosts[h]!.key}"\n`;
  if (spec.hosts.length === 0) yaml += "  {}\n";
  yaml += "secrets:\n";
  const names = Object.keys(spec.secrets).sort();
  for (const n of names) yaml += `  ${n}:\n    hosts: [${spec.secrets[n]!.join(", ")}]\n${spec.extra?.[n] ?? ""}`;
  writeFileSync(t.file("nixsec.yaml"), yaml);
  const store = storeOf(await loadManifest(t.file("nixsec.yaml")));
  const parsed = new Map<string, ReturnType<typeof parseRecipient>>();
  const entries: LockEntry[] = [];
  if (spec.backend === "sops-nix") {
    // Through the store (each file checked): slower than the bare age path below, fine for hundreds.
    await writeValues(store, names.map((n) => ({ secret: n, value: new TextEncoder().encode(valueOf(n)) })), [], spec.valueChanged ?? new Date());
  }
  for (const n of spec.backend === "sops-nix" ? [] : names) {
    const recipients = readersOf(store, n, ageFormat).map((r) => parsed.get(r.key) ?? parsed.set(r.key, parseRecipient(r.key)).get(r.key)!);
    const ct = await encryptBytes(new TextEncoder().encode(valueOf(n)), recipients);
    mkdirSync(path.dirname(formFile(store, n, ageFormat)), { recursive: true });
    writeFileSync(formFile(store, n, ageFormat), ct);
    entries.push({ secret: n, sha256: sha256Hex(ct), valueChanged: isoSeconds(spec.valueChanged ?? new Date()), ...desiredReaders(store, n, ageFormat) });
  }
  if (spec.backend !== "sops-nix") writeFileSync(path.join(store.secretsDir, "nixsec.lock"), renderLock(entries));
  const git = (...args: string[]) => execFileSync("git", args, { cwd: t.repo, env: { ...process.env, ...t.env }, encoding: "utf8" });
  git("add", "-A");
  git("commit", "-qm", "fixture");
  const env = { NIXSEC_IDENTITY: adminKeyFile };
  return {
    t,
    adminKeyFile,
    admin: await parseIdentityFile(new TextEncoder().encode(adminKey.identity), "admin"),
    hosts,
    names,
    nixsec: (args, opts = {}) => t.nixsec(args, { ...opts, env: { ...env, ...(opts.env ?? {}) } }),
    store: async () => storeOf(await loadManifest(t.file("nixsec.yaml"))),
    value: valueOf,
    git,
  };
}
