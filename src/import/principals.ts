// Who is who after an import: a name and a role (admin or host) for every
// key an imported secret names. The rules, first match wins (README,
// "Moving to nixsec"):
//
// Names: the key's name in nixsec.yaml when it is already there; --name
// NAME=WHICH; the source's own name for it (a let binding, a machine name);
// an answer at a prompt (on a terminal); derived from its comment (an SSH
// host key's `root@HOST` gives HOST) or its type and id.
//
// Roles: the role it has in nixsec.yaml; --admin NAME / --host NAME; the
// role the source gives it (a nixops machine is a host, an agenix-rekey
// master an admin); the key of --admin-key is an admin; a key listed in a
// group of hosts (`systems`, `hosts`, `machines`, `servers`, `nodes`) or
// with an SSH host key's comment (`root@HOST`) is a host; a key that reads
// every imported secret is an admin (nixsec's admins read everything, so
// nothing gains or loses a reader); any other key is a host.
import { NixsecError } from "../errors.js";
import { didYouMean } from "../manifest/issues.js";
import type { ManifestData } from "../manifest/read.js";
import { principalNameProblem } from "../manifest/names.js";
import { keyIdOf } from "../store/lock.js";
import { checkKey, derivedName, hostOfComment, principalName, shortKey } from "./keys.js";
import type { FoundKey, ImportSource, Role } from "./types.js";

export interface PrincipalFlags {
  /** --admin NAME: these are admins. */
  admins: string[];
  /** --host NAME: these are hosts. */
  hosts: string[];
  /** --name NAME=WHICH: WHICH is a source name, a public key, or a key's SHA256 fingerprint. */
  names: Array<{ name: string; which: string }>;
  /** The key id of --admin-key, an admin. */
  adminKeyId?: string;
}

export interface Principal {
  id: string;
  key: string;
  name: string;
  role: Role;
  /** Why it got its role, for the plan. */
  why: string;
  /** Already in nixsec.yaml. */
  existing: boolean;
  /** Imported secrets it reads (adopted files), and how many there are. */
  reads: number;
  of: number;
}

/** Asks for a key's name on a terminal (`suggested` is the default); absent without one. */
export type AskName = (key: FoundKey, suggested: string, role: Role) => Promise<string>;

const HOST_GROUPS = /^(systems?|hosts?|machines?|servers?|nodes?|boxes|computers?)$/i;
const ADMIN_GROUPS = /^(users?|admins?|people|humans|owners?|devs|developers?|operators?|masters?)$/i;

/** Whether --name's WHICH means `key`: its name in the source or the plan's default name, the key, or its fingerprint. */
function flagWhich(flag: { name: string; which: string }, key: FoundKey, defaultName: string): boolean {
  const w = flag.which.trim();
  if (key.names.includes(w) || w === defaultName) return true;
  if (w.startsWith("SHA256:")) return key.id.endsWith(` ${w}`);
  const c = checkKey(w);
  return "id" in c && c.id === key.id;
}

/** Names and roles for the source's keys; throws on a conflict or an unknown flag value. */
export async function resolvePrincipals(src: ImportSource, existing: ManifestData | undefined, flags: PrincipalFlags, ask?: AskName): Promise<Principal[]> {
  const files = src.secrets.filter((s) => s.content.kind === "file");
  const reads = (id: string) => files.filter((s) => s.readers.includes(id)).length;
  const inManifest = new Map<string, { name: string; role: Role }>();
  for (const [role, map] of [["admin", existing?.admins ?? {}], ["host", existing?.hosts ?? {}]] as const) {
    for (const [name, p] of Object.entries(map)) inManifest.set(keyIdOf(p.key), { name, role });
  }
  const guesses = new Map(src.keys.map((k) => [k.id, guessRole(k, reads(k.id), files.length, flags)]));
  const defaults = new Map(src.keys.map((k) => [k.id, principalName(k.names[0] ?? "") || derivedName(k.key, guesses.get(k.id)!.role)]));
  for (const f of flags.names) {
    if (!src.keys.some((k) => flagWhich(f, k, defaults.get(k.id)!))) {
      throw new NixsecError(`--name ${f.name}=${f.which}: no imported key is ${f.which.startsWith("ssh-") || f.which.startsWith("age1") ? "that key" : JSON.stringify(f.which)}`, {
        hint: `WHICH is the key's name in the plan (${[...defaults.values()].join(", ") || "none"}) or in ${src.from}, the public key itself, or its SHA256:… fingerprint`,
      });
    }
  }

  const out: Principal[] = [];
  const taken = new Map<string, string>(); // name → key id
  for (const [id, p] of inManifest) taken.set(p.name, id);
  for (const key of src.keys) {
    const known = inManifest.get(key.id);
    const n = reads(key.id);
    const base = { id: key.id, key: key.key, reads: n, of: files.length };
    if (known) {
      out.push({ ...base, name: known.name, role: known.role, why: "already in nixsec.yaml", existing: true });
      continue;
    }
    const flagged = flags.names.find((f) => flagWhich(f, key, defaults.get(key.id)!));
    const guess = guesses.get(key.id)!;
    let name = flagged?.name ?? principalName(key.names[0] ?? "");
    let fromSource = Boolean(flagged) || name !== "";
    if (!name) {
      name = defaults.get(key.id)!;
      if (ask) {
        name = (await ask(key, uniqueName(name, taken, key.id), guess.role)).trim();
        fromSource = true;
      }
    }
    const problem = principalNameProblem(guess.role, name);
    if (problem) throw new NixsecError(`${flagged ? `--name ${flagged.name}` : `the name ${JSON.stringify(name)} for ${shortKey(key.key)}`}: ${problem}`, { hint: "choose another with --name NAME=KEY" });
    const owner = taken.get(name);
    if (owner !== undefined && owner !== key.id) {
      if (fromSource) {
        throw new NixsecError(`${JSON.stringify(name)} is already ${inManifest.has(owner) ? "in nixsec.yaml" : "taken"} with another key (${src.from} names ${shortKey(key.key)} so)`, {
          hint: `import it under another name: --name NEWNAME=${key.names[0] ?? key.id.split(" ").pop()}`,
        });
      }
      name = uniqueName(name, taken, key.id);
    }
    taken.set(name, key.id);
    out.push({ ...base, name, existing: false, role: guess.role, why: guess.why });
  }
  applyRoleFlags(out, src, flags);
  return out;
}

function uniqueName(name: string, taken: Map<string, string>, id: string): string {
  let candidate = name;
  for (let i = 2; taken.has(candidate) && taken.get(candidate) !== id; i++) candidate = `${name}-${i}`;
  return candidate;
}

function guessRole(key: FoundKey, reads: number, of: number, flags: PrincipalFlags): { role: Role; why: string } {
  if (key.role) return key.role;
  if (flags.adminKeyId === key.id) return { role: "admin", why: "your --admin-key" };
  const hostGroup = key.groups.find((g) => HOST_GROUPS.test(g));
  if (hostGroup) return { role: "host", why: `listed in \`${hostGroup}\`` };
  const host = hostOfComment(key.key);
  if (host) return { role: "host", why: `an SSH host key (root@${host})` };
  if (of > 0 && reads === of) {
    const adminGroup = key.groups.find((g) => ADMIN_GROUPS.test(g));
    return { role: "admin", why: adminGroup ? `listed in \`${adminGroup}\`, reads every secret` : "reads every secret" };
  }
  const adminGroup = key.groups.find((g) => ADMIN_GROUPS.test(g));
  return { role: "host", why: adminGroup ? `reads ${reads} of ${of} secrets (listed in \`${adminGroup}\`, but nixsec admins read every secret: --admin makes it one)` : `reads ${reads} of ${of} secrets` };
}

/** --admin NAME and --host NAME, by final name or source name. */
function applyRoleFlags(out: Principal[], src: ImportSource, flags: PrincipalFlags): void {
  for (const [flag, role, list] of [["--admin", "admin", flags.admins], ["--host", "host", flags.hosts]] as const) {
    for (const want of list) {
      const p = out.find((x) => x.name === want) ?? out.find((x) => src.keys.find((k) => k.id === x.id)?.names.includes(want));
      if (!p) {
        throw new NixsecError(`${flag} ${want}: no imported key is named so${didYouMean(want, out.map((x) => x.name))}`, { hint: `the keys: ${out.map((x) => x.name).join(", ") || "none"}` });
      }
      if (p.existing && p.role !== role) {
        throw new NixsecError(`${flag} ${want}: ${p.name} is ${p.role === "admin" ? "an admin" : "a host"} in nixsec.yaml already`, { hint: `change that first (nixsec ${p.role} rm ${p.name}), or leave out ${flag}` });
      }
      p.role = role;
      p.why = flag;
    }
  }
  const both = flags.admins.filter((a) => flags.hosts.includes(a));
  if (both.length) throw new NixsecError(`${both[0]} is given as --admin and as --host`, { hint: "one role per key" });
}
