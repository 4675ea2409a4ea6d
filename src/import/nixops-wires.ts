// Where a machine uses a deployment key, found in its configuration's
// syntax, and what becomes of each use:
//
// - `systemd.services.U.serviceConfig.EnvironmentFile = "/run/keys/K"` → the
//   secret is U's EnvironmentFile (a wire), and the line goes;
// - an option ending in `File` set to the key's path (`services.x.passwordFile
//   = "/run/keys/K"`, or colmena's `config.deployment.keys.K.path`) → the
//   option is wired to the secret, and the line goes;
// - `systemd.services.U.after/wants/requires = [ "K-key.service" … ]` → U
//   restarts with the value (a wire); NixOps/colmena made that unit, nixsec
//   does not, so the entry goes;
// - any other mention of the path is named, for the user to point at the
//   secret's new path.
// The lines to delete are printed with every string under `text`
// replaced by "…": an inline value is never shown.
import { formatOptionPath, type WireEntry } from "../manifest/index.js";
import type { Node } from "../nix/index.js";
import { literalString, type Leaf, type Network } from "./network.js";
import type { DeploymentKey } from "./nixops-key.js";

export interface KeyUse {
  wires: WireEntry[];
  /** Bindings to delete besides the key's own (the old wiring). */
  lines: Leaf[];
  /** Uses that need a hand: `FILE:LINE: attr.path mentions /run/keys/K`. */
  notes: string[];
}

const DEPENDENCIES = new Set(["after", "wants", "requires", "bindsTo", "partOf", "requiredBy", "wantedBy"]);

/** Whether `node` stands for the key's runtime path: the literal path, or `config.deployment.keys.K.path`. */
function refersTo(node: Node, k: DeploymentKey): boolean {
  if (literalString(node) === k.runtimePath) return true;
  if (node.type === "String" && node.parts.length === 1 && node.parts[0]!.type === "Interpolation") return refersTo(node.parts[0]!.expr, k);
  if (node.type !== "Select") return false;
  const names = node.path.map((p) => p.name);
  return node.expr.type === "Var" && node.expr.name === "config" && names.length === 4 && names[0] === "deployment" && names[1] === "keys" && names[2] === k.key && names[3] === "path";
}

function mentions(node: Node, k: DeploymentKey): boolean {
  if (refersTo(node, k)) return true;
  if (node.type === "String") return node.parts.some((p) => (p.type === "Literal" ? p.value.includes(k.runtimePath) : mentions(p.expr, k)));
  if (node.type === "List") return node.items.some((i) => mentions(i, k));
  return false;
}

export function keyUses(net: Network, shown: string, k: DeploymentKey, leaves: Leaf[]): KeyUse {
  const use: KeyUse = { wires: [], lines: [], notes: [] };
  const unit = `${k.key}-key.service`;
  for (const leaf of leaves) {
    if (leaf.keyBinding) continue; // the deployment keys themselves
    const p = leaf.path;
    const at = `${shown}:${net.lines.position(leaf.value.start).line}: ${p.join(".")}`;
    const isList = leaf.value.type === "List";
    const items = isList ? (leaf.value as Extract<Node, { type: "List" }>).items : [leaf.value];
    if (p[0] === "systemd" && p[1] === "services" && p.length === 5 && p[3] === "serviceConfig" && p[4] === "EnvironmentFile" && items.some((n) => refersTo(n, k))) {
      use.wires.push({ environmentFile: p[2]! });
      if (items.length === 1) use.lines.push(leaf);
      else use.notes.push(`${at}: remove ${k.runtimePath} from the list (nixsec sets EnvironmentFile)`);
      continue;
    }
    if (p[0] === "systemd" && p[1] === "services" && p.length === 4 && DEPENDENCIES.has(p[3]!) && items.some((n) => literalString(n) === unit)) {
      use.wires.push({ restart: [p[2]!] });
      use.notes.push(`${at}: remove "${unit}" (NixOps/colmena made that unit; nixsec orders its consumers after agenix and restarts ${p[2]} when the value changes)`);
      continue;
    }
    if (!isList && /File$/.test(p.at(-1)!) && p[0] !== "systemd" && p[0] !== "deployment" && refersTo(leaf.value, k)) {
      use.wires.push({ option: formatOptionPath(p) });
      use.lines.push(leaf);
      continue;
    }
    if (p[0] === "users" && p[1] === "users" && p[3] === "extraGroups" && items.some((n) => literalString(n) === "keys")) {
      use.notes.push(`${at}: the group "keys" only opened /run/keys; drop it when nothing else needs it`);
      continue;
    }
    if (mentions(leaf.value, k)) use.notes.push(`${at} mentions ${k.runtimePath}: point it at the secret's new path`);
  }
  return use;
}

/** The lines of `leaves`' bindings (each once, in file order), strings under `text` shown as "…". */
export function linesToDelete(net: Network, shown: string, leaves: Leaf[]): string[] {
  const bindings = [...new Set(leaves.map((l) => l.keyBinding ?? l.binding))].sort((a, b) => a.start - b.start);
  const out: string[] = [];
  const src = net.source;
  for (const b of bindings) {
    const first = net.lines.position(b.start).line;
    const last = net.lines.position(b.end - 1).line;
    const from = src.lastIndexOf("\n", b.start - 1) + 1;
    const toNl = src.indexOf("\n", b.end);
    const to = toNl < 0 ? src.length : toNl;
    const hidden = leaves.filter((l) => l.keyBinding && (l.path[3] === "text" || l.path.length === 3)).map((l) => l.value).filter((v) => v.type === "String" && v.start >= from && v.end <= to);
    let text = src.slice(from, to);
    for (const v of hidden.sort((a, b) => b.start - a.start)) text = text.slice(0, v.start - from) + '"…"' + text.slice(v.end - from);
    out.push(`${shown}:${first === last ? first : `${first}-${last}`}`);
    for (const l of text.split("\n")) out.push(`    ${l}`);
  }
  return out;
}
