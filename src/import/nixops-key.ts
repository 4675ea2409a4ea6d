// One `deployment.keys.NAME` of a NixOps or colmena machine, read from its
// syntax: where the value comes from (`text = builtins.readFile ./x`, `text
// = "literal"`, `keyFile = ./y`), and user, group, permissions, destDir,
// name. Values are read through the repository tree: a file outside the
// repository, a link or a missing file is an error naming the attribute.
// A value is held in memory only, to be encrypted; it is never printed.
import path from "node:path";
import { NixsecError } from "../errors.js";
import type { RepoTree } from "../fs/tree.js";
import { modeProblem } from "../manifest/names.js";
import type { Node } from "../nix/index.js";
import { literalPath, literalString, type Leaf } from "./network.js";

export interface DeploymentKey {
  machine: string;
  key: string;
  /** `FILE: MACHINE.deployment.keys.KEY`, for messages. */
  origin: string;
  value: Uint8Array;
  /** Where the value was: the file (relative to the root) or "an inline text literal". */
  from: string;
  /** The file the value was read from (absolute), when it was one. */
  file?: string;
  user?: string;
  group?: string;
  mode?: string;
  /** Where NixOps/colmena put it on the host: destDir/name. */
  runtimePath: string;
  leaves: Leaf[];
  ignored: string[];
}

const FIELDS = new Set(["text", "keyFile", "keyCommand", "user", "group", "permissions", "destDir", "name", "uploadAt"]);
const MAX_VALUE_BYTES = 16 << 20;

export interface KeyContext {
  root: string;
  tree: RepoTree;
  /** The network file, absolute: relative paths are relative to its directory. */
  file: string;
  shown: string;
  lineOf(offset: number): number;
}

export function unmappable(origin: string, line: number | undefined, reason: string, hint: string | string[]): NixsecError {
  return new NixsecError(`${origin}${line ? ` (line ${line})` : ""}: ${reason}`, { hint });
}

function skipHint(k: { machine: string; key: string }): string {
  return `or leave this key out of the import: --skip ${k.machine}.${k.key}`;
}

/** A path written in the file (`./x`, `/abs`, a string), resolved; it must lie inside the repository. */
function resolveFile(c: KeyContext, node: Node, origin: string, k: { machine: string; key: string }): string {
  const written = literalPath(node) ?? literalString(node);
  if (written === null) throw unmappable(origin, c.lineOf(node.start), "the path is an expression nixsec does not evaluate", [`write it as a path literal (./secrets/${k.key})`, skipHint(k)]);
  if (written.startsWith("~")) throw unmappable(origin, c.lineOf(node.start), `${written} is outside the repository`, ["nixsec imports only files inside the repository (it reads nothing from your home directory)", skipHint(k)]);
  const abs = path.resolve(path.dirname(c.file), written);
  if (!abs.startsWith(c.root + path.sep)) {
    throw unmappable(origin, c.lineOf(node.start), `${written} is outside the repository`, [`import it yourself: nixsec add NAME --host ${k.machine} --from-file ${written}`, skipHint(k)]);
  }
  return abs;
}

function readValue(c: KeyContext, abs: string, origin: string, line: number, k: { machine: string; key: string }): Uint8Array {
  let bytes: Buffer | undefined;
  try {
    bytes = c.tree.readFile(abs, { maxBytes: MAX_VALUE_BYTES, what: "a deployment key" });
  } catch (err) {
    if (err instanceof NixsecError) throw unmappable(origin, line, err.message, [...err.hints, skipHint(k)]);
    throw err;
  }
  if (!bytes) throw unmappable(origin, line, `${c.tree.rel(abs)} is missing`, ["restore it, or fix the path", skipHint(k)]);
  return new Uint8Array(bytes);
}

/** `builtins.readFile P` / `readFile P` / `lib.fileContents P` (which drops one final newline): the path and whether to trim. */
function readFileCall(node: Node): { arg: Node; trim: boolean } | null {
  if (node.type !== "Call" || node.args.length !== 1) return null;
  const fn = node.fn;
  const names = fn.type === "Var" ? [fn.name] : fn.type === "Select" && fn.expr.type === "Var" ? [fn.expr.name, ...fn.path.map((p) => p.name ?? "")] : [];
  const last = names.at(-1);
  if (last === "readFile" && (names.length === 1 || names[0] === "builtins")) return { arg: node.args[0]!, trim: false };
  if (last === "fileContents" && names.length >= 2 && ["lib", "pkgs"].includes(names[0]!)) return { arg: node.args[0]!, trim: true };
  return null;
}

function stringField(leaf: Leaf, origin: string, c: KeyContext, k: { machine: string; key: string }): string {
  const s = literalString(leaf.value) ?? (leaf.value.type === "Int" ? String(leaf.value.value) : null);
  if (s === null) throw unmappable(`${origin}.${leaf.path.at(-1)}`, c.lineOf(leaf.value.start), "not a literal string", [`write the value itself ("…"), or pass it yourself afterwards: nixsec add … --owner/--group/--mode`, skipHint(k)]);
  return s;
}

/** Reads one key from its attributes (leaves below `deployment.keys.KEY`). */
export function readDeploymentKey(c: KeyContext, machine: string, key: string, leaves: Leaf[]): DeploymentKey {
  const origin = `${c.shown}: ${machine}.deployment.keys.${key}`;
  const k = { machine, key };
  const fields = new Map<string, Leaf>();
  const ignored: string[] = [];
  for (const leaf of leaves) {
    const field = leaf.path.length === 3 ? "text" : leaf.path[3]!; // `keys.x = "…"`: NixOps' old shorthand for text
    if (leaf.path.length > 4 || !FIELDS.has(field)) ignored.push(leaf.path.slice(3).join("."));
    else fields.set(field, leaf);
  }
  const line = (l: Leaf) => c.lineOf(l.value.start);
  const command = fields.get("keyCommand");
  if (command) throw unmappable(`${origin}.keyCommand`, line(command), "the value comes from a command run at deploy time", [`run it and give nixsec its output: COMMAND | nixsec add ${key} --host ${machine} --stdin`, skipHint(k)]);
  const text = fields.get("text");
  const keyFile = fields.get("keyFile");
  let value: Uint8Array;
  let from: string;
  let file: string | undefined;
  if (text && keyFile) throw unmappable(origin, line(text), "has both text and keyFile", ["NixOps and colmena take exactly one of them", skipHint(k)]);
  if (keyFile) {
    file = resolveFile(c, keyFile.value, `${origin}.keyFile`, k);
    value = readValue(c, file, `${origin}.keyFile`, line(keyFile), k);
    from = c.tree.rel(file);
  } else if (text) {
    const literal = literalString(text.value);
    const call = readFileCall(text.value);
    if (literal !== null) {
      value = new TextEncoder().encode(literal);
      from = `an inline text literal in ${c.shown}`;
    } else if (call) {
      file = resolveFile(c, call.arg, `${origin}.text`, k);
      value = readValue(c, file, `${origin}.text`, line(text), k);
      if (call.trim && value.at(-1) === 0x0a) value = value.subarray(0, value.length - 1);
      from = c.tree.rel(file);
    } else {
      throw unmappable(`${origin}.text`, line(text), "an expression nixsec does not evaluate", ["nixsec reads `builtins.readFile ./FILE`, `lib.fileContents ./FILE` and string literals without interpolation", skipHint(k)]);
    }
  } else {
    throw unmappable(origin, leaves[0] ? line(leaves[0]) : undefined, "has no text or keyFile", ["a deployment key needs one of them", skipHint(k)]);
  }
  const out: DeploymentKey = { machine, key, origin, value, from, file, leaves, ignored, runtimePath: "" };
  const user = fields.get("user");
  const group = fields.get("group");
  const perms = fields.get("permissions");
  if (user) out.user = stringField(user, origin, c, k);
  if (group) out.group = stringField(group, origin, c, k);
  if (perms) {
    let mode = stringField(perms, origin, c, k);
    if (/^[0-7]{3}$/.test(mode)) mode = "0" + mode;
    const problem = modeProblem(mode);
    if (problem) throw unmappable(`${origin}.permissions`, line(perms), `${JSON.stringify(mode)}: ${problem}`, ["nixsec gives no access to other users: share through a group (group = \"…\"; permissions = \"0440\";)", skipHint(k)]);
    out.mode = mode;
  }
  const destDir = fields.get("destDir") ? stringField(fields.get("destDir")!, origin, c, k) : "/run/keys";
  const name = fields.get("name") ? stringField(fields.get("name")!, origin, c, k) : key;
  out.runtimePath = `${destDir.replace(/\/+$/, "")}/${name}`;
  return out;
}
