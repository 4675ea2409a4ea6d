// `nixsec import nixops FILE.nix`: the `deployment.keys` of a NixOps network
// or colmena hive become secrets encrypted for their machine (each machine
// must be a nixsec host with a key: by name in nixsec.yaml, or --host-key),
// wired where the machine used them, with the lines to delete printed.
// The file is parsed, never evaluated (network.ts).
//
// Naming: a key becomes the secret KEY; when machines have keys of the same
// name from different sources (or with different settings), each becomes
// MACHINE/KEY. One source shared by several machines (a `defaults` key, the
// same file) is one secret those hosts read.
//
// Format: `env` when the value reads as an EnvironmentFile (NAME=value
// lines, systemd's rules) and the key is used as one, or its name or file
// says env (`…-env`, `.env`), or it has several assignments; `binary` when it
// is not UTF-8 text; else `text`. --format KEY=FORMAT decides instead.
import path from "node:path";
import { NixsecError } from "../errors.js";
import type { RepoTree } from "../fs/tree.js";
import type { SecretFields, WireEntry } from "../manifest/index.js";
import { dotenvProblem } from "../store/value-checks.js";
import { checkKey } from "./keys.js";
import { parseNetwork, type Leaf } from "./network.js";
import { readDeploymentKey, unmappable, type DeploymentKey } from "./nixops-key.js";
import { keyUses, linesToDelete } from "./nixops-wires.js";
import type { FoundKey, FoundSecret, ImportSource } from "./types.js";

export type Format = "text" | "env" | "binary";

export interface NixopsOptions {
  root: string;
  tree: RepoTree;
  /** The network file, absolute. */
  file: string;
  /** Machine name → public key: the manifest's hosts and --host-key. */
  hostKeys: Map<string, string>;
  /** --format KEY=FORMAT (KEY or MACHINE.KEY). */
  formats: Map<string, Format>;
  /** --environment-file KEY=UNIT. */
  environmentFiles: Map<string, string>;
  /** --skip KEY or MACHINE.KEY. */
  skip: Set<string>;
}

const MAX_NETWORK_BYTES = 4 << 20;

function flagFor<T>(map: Map<string, T>, k: DeploymentKey): T | undefined {
  return map.get(`${k.machine}.${k.key}`) ?? map.get(k.key);
}

function looksEnv(k: DeploymentKey): boolean {
  return /(^|[-_.])env$/i.test(k.key) || /(^|[-_.])env$|^\.env/i.test(path.basename(k.file ?? ""));
}

function formatOf(k: DeploymentKey, o: NixopsOptions, usedAsEnv: boolean): Format {
  const flag = flagFor(o.formats, k);
  const text = (() => {
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(k.value);
    } catch {
      return null;
    }
  })();
  if (flag === "env") {
    const problem = dotenvProblem(k.value);
    if (problem) throw unmappable(k.origin, undefined, `--format env: the value ${problem}`, "leave out --format to import it as text");
  }
  if (flag) return flag;
  if (text === null || text.includes("\u0000")) return "binary";
  const assignments = text.split("\n").filter((l) => /^[ \t]*[A-Za-z_][A-Za-z0-9_]*[ \t]*=/.test(l)).length;
  if (assignments > 0 && dotenvProblem(k.value) === undefined && (usedAsEnv || looksEnv(k) || assignments > 1)) return "env";
  return "text";
}

export function scanNixops(o: NixopsOptions): ImportSource {
  const shown = o.tree.rel(o.file);
  if (!o.file.startsWith(o.root + path.sep)) throw new NixsecError(`${o.file} is outside the repository ${o.root}`, { hint: "run the import from the repository that holds the network file (or pass --dir)" });
  const bytes = o.tree.readFile(o.file, { maxBytes: MAX_NETWORK_BYTES, what: "a network file" });
  if (!bytes) throw new NixsecError(`${shown}: no such file`, { hint: "give the NixOps network or colmena hive file" });
  const net = parseNetwork(bytes.toString("utf8"), shown);
  const ctx = { root: o.root, tree: o.tree, file: o.file, shown, lineOf: (off: number) => net.lines.position(off).line };
  const notes: string[] = [];
  const deleteLeaves: Leaf[] = [];
  const found: Array<{ k: DeploymentKey; fields: Omit<SecretFields, "hosts">; notes: string[] }> = [];
  const skipped: string[] = [];
  for (const m of net.machines) {
    const byKey = new Map<string, Leaf[]>();
    for (const leaf of m.leaves) {
      if (leaf.path[0] !== "deployment" || leaf.path[1] !== "keys") continue;
      if (leaf.path.length < 3) throw unmappable(`${shown}: ${m.name}.deployment.keys`, ctx.lineOf(leaf.value.start), "not a literal attribute set", ["write the keys out: deployment.keys.NAME = { … };"]);
      if (leaf.path[2]!.includes("${")) throw unmappable(`${shown}: ${m.name}.deployment.keys`, ctx.lineOf(leaf.value.start), "a key with a computed name", ["write the key's name literally"]);
      const list = byKey.get(leaf.path[2]!) ?? [];
      list.push(leaf);
      byKey.set(leaf.path[2]!, list);
    }
    for (const opaque of m.opaque) notes.push(`${shown}:${opaque}: ${m.name}'s configuration is not written here; its deployment keys there are not imported`);
    for (const [key, leaves] of byKey) {
      if (o.skip.has(`${m.name}.${key}`) || o.skip.has(key)) {
        skipped.push(`${m.name}.${key}`);
        continue;
      }
      const k = readDeploymentKey(ctx, m.name, key, leaves);
      const use = keyUses(net, shown, k, m.leaves);
      const env = flagFor(o.environmentFiles, k);
      const usedAsEnv = use.wires.some((w) => w.environmentFile) || env !== undefined;
      const format = formatOf(k, o, usedAsEnv);
      const wires: WireEntry[] = [...use.wires];
      const keyNotes = [...use.notes];
      if (format === "env" && !wires.some((w) => w.environmentFile)) {
        const guess = k.key.replace(/[-_.]?env$/i, "");
        const defined = guess !== k.key && m.leaves.some((l) => l.path[0] === "systemd" && l.path[1] === "services" && l.path[2] === guess);
        if (env ?? defined) {
          wires.push({ environmentFile: env ?? guess });
          if (!env) keyNotes.push(`EnvironmentFile of ${guess}.service, guessed from the key's name (--environment-file ${k.key}=UNIT to choose)`);
        } else keyNotes.push(`an env file no unit reads here: wire it with \`nixsec wire NAME --environment-file UNIT\` (or --environment-file ${k.key}=UNIT)`);
      }
      if (format !== "env" && env !== undefined) throw unmappable(k.origin, undefined, `--environment-file: the value is not an env file (${format})`, "an EnvironmentFile must be NAME=value lines; --format env says it is one");
      if (k.ignored.length) keyNotes.push(`ignored: ${k.ignored.join(", ")}`);
      deleteLeaves.push(...leaves, ...use.lines);
      const fields: Omit<SecretFields, "hosts"> = { ...(format !== "text" ? { format } : {}), ...(k.user ? { owner: k.user } : {}), ...(k.group ? { group: k.group } : {}), ...(k.mode ? { mode: k.mode } : {}), ...(wires.length ? { wire: mergeRestarts(wires) } : {}) };
      found.push({ k, fields, notes: keyNotes });
    }
  }
  if (found.length === 0) {
    throw new NixsecError(`${shown}: no deployment.keys to import${skipped.length ? ` (skipped: ${skipped.join(", ")})` : ""}`, { hint: net.machines.length ? "the keys may be in files the machines import; give that file" : "give the NixOps network or colmena hive file" });
  }
  const keys = machineKeys(o, found.map((f) => f.k));
  const changes = [...new Set(found.flatMap((f) => f.notes.filter((n) => n.startsWith(`${shown}:`))))];
  const secrets = groupSecrets(found, keys);
  const plaintexts = [...new Set(found.map((f) => f.k.from))];
  return {
    kind: "nixops",
    from: shown,
    how: "parsed, never evaluated",
    keys: [...keys.values()],
    secrets,
    notes: [...notes, ...(skipped.length ? [`skipped (--skip): ${skipped.join(", ")}`] : [])],
    afterwards: [
      `delete these lines from ${shown} (the keys, and the wiring nixsec now does):`,
      ...linesToDelete(net, shown, deleteLeaves),
      ...(changes.length ? ["and change these:", ...changes.map((n) => `  ${n}`)] : []),
      `the plaintext is still in the repository and in its git history: ${plaintexts.join(", ")}. Remove it (git rm), and rotate the values (\`nixsec rotate NAME\`): anyone with a clone has them`,
    ],
  };
}

/** Restart-only entries of one secret merged into one entry. */
function mergeRestarts(wires: WireEntry[]): WireEntry[] {
  const restart = [...new Set(wires.filter((w) => Object.keys(w).length === 1 && w.restart).flatMap((w) => w.restart!))];
  const rest = wires.filter((w) => !(Object.keys(w).length === 1 && w.restart));
  const seen = new Set<string>();
  const unique = rest.filter((w) => !seen.has(JSON.stringify(w)) && seen.add(JSON.stringify(w)));
  const consumers = new Set(unique.map((w) => w.environmentFile).filter(Boolean));
  const extra = restart.filter((u) => !consumers.has(u));
  return [...unique, ...(extra.length ? [{ restart: extra }] : [])];
}

function machineKeys(o: NixopsOptions, ks: DeploymentKey[]): Map<string, FoundKey> {
  const out = new Map<string, FoundKey>();
  for (const machine of [...new Set(ks.map((k) => k.machine))]) {
    const key = o.hostKeys.get(machine);
    if (!key) {
      throw new NixsecError(`${o.tree.rel(o.file)}: machine ${machine} is not a nixsec host, so nixsec cannot tell whom to encrypt its keys to`, {
        hint: [`give its host key: --host-key ${machine}=HOST.pub (its /etc/ssh/ssh_host_ed25519_key.pub; ssh-keyscan -t ed25519 HOST prints it)`, `or add it first: nixsec host add ${machine} --key-file HOST.pub`],
      });
    }
    const checked = checkKey(key);
    if ("problem" in checked) throw new NixsecError(`--host-key ${machine}: not a key: ${checked.problem}`, { hint: "give the host's ssh-ed25519 public key (a .pub file or the key line)" });
    out.set(machine, { key, id: checked.id, names: [machine], groups: [], role: { role: "host", why: `a machine of ${o.tree.rel(o.file)}` }, where: o.tree.rel(o.file) });
  }
  return out;
}

/** One secret per key name when its source and settings agree across machines, else MACHINE/KEY each. */
function groupSecrets(found: Array<{ k: DeploymentKey; fields: Omit<SecretFields, "hosts">; notes: string[] }>, keys: Map<string, FoundKey>): FoundSecret[] {
  const byName = new Map<string, typeof found>();
  for (const f of found) byName.set(f.k.key, [...(byName.get(f.k.key) ?? []), f]);
  const out: FoundSecret[] = [];
  for (const [key, group] of byName) {
    const same = (a: (typeof found)[number]) => (a.k.file ?? "") === (group[0]!.k.file ?? "") && Buffer.compare(Buffer.from(a.k.value), Buffer.from(group[0]!.k.value)) === 0 && JSON.stringify(a.fields) === JSON.stringify(group[0]!.fields);
    const parts = group.length === 1 || group.every(same) ? [group] : group.map((g) => [g]);
    for (const part of parts) {
      const first = part[0]!;
      const name = parts.length === 1 ? key : `${first.k.machine}/${key}`;
      out.push({
        name,
        origin: first.k.origin,
        readers: part.map((p) => keys.get(p.k.machine)!.id),
        content: { kind: "value", value: first.k.value, from: first.k.from },
        fields: first.fields,
        notes: [...new Set(part.flatMap((p) => p.notes)), ...part.slice(1).map((p) => `also ${p.k.origin}`)],
        previously: part.map((p) => ({ host: p.k.machine, path: p.k.runtimePath })),
      });
    }
  }
  return out;
}
